"""Checks you can run: the balance deliverable adds up a short month."""

import datetime as dt
import unittest

from ledger.balance import balances, format_amount, report
from ledger.entry import Entry

MARCH = [
    Entry(dt.date(2024, 3, 1), "assets:bank", 240000, "Salary"),
    Entry(dt.date(2024, 3, 2), "expenses:rent", 95000, "Flat"),
    Entry(dt.date(2024, 3, 2), "assets:bank", -95000, "Flat"),
    Entry(dt.date(2024, 3, 5), "expenses:food", 4237, "Corner shop"),
]


class Balances(unittest.TestCase):
    def test_each_account_and_its_parent(self) -> None:
        self.assertEqual(
            balances(MARCH),
            {
                "assets": 145000,
                "assets:bank": 145000,
                "expenses": 99237,
                "expenses:food": 4237,
                "expenses:rent": 95000,
            },
        )


class FormatAmount(unittest.TestCase):
    def test_thousands_and_cents(self) -> None:
        self.assertEqual(format_amount(123450), "1,234.50")


class Report(unittest.TestCase):
    def test_one_line_per_account_sorted_by_name(self) -> None:
        expected = [
            "assets  1,450.00",
            "assets:bank  1,450.00",
            "expenses  992.37",
            "expenses:food  42.37",
            "expenses:rent  950.00",
        ]
        self.assertEqual(report(MARCH).splitlines(), expected)


if __name__ == "__main__":
    unittest.main()
