"""Checks you can run: the record deliverable reads ordinary ledger lines."""

import datetime as dt
import unittest

from ledger.entry import Entry, LedgerError
from ledger.record import parse_amount, parse_entry


class ParseAmount(unittest.TestCase):
    def test_an_amount_with_cents(self) -> None:
        self.assertEqual(parse_amount("12.50"), 1250)

    def test_a_negative_amount_in_whole_units(self) -> None:
        self.assertEqual(parse_amount("-3"), -300)

    def test_words_are_not_an_amount(self) -> None:
        with self.assertRaises(LedgerError):
            parse_amount("twelve")


class ParseEntry(unittest.TestCase):
    def test_a_line_with_every_field(self) -> None:
        entry = parse_entry("2024-03-05 | expenses:food | 12.50 | Corner shop")
        self.assertEqual(entry, Entry(dt.date(2024, 3, 5), "expenses:food", 1250, "Corner shop"))


if __name__ == "__main__":
    unittest.main()
