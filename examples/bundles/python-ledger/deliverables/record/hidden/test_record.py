"""Grading checks for the record deliverable: amounts to the cent, and every bad line refused."""

import datetime as dt
import unittest

from ledger.entry import Entry, LedgerError
from ledger.record import parse_amount, parse_entry


class ParseAmount(unittest.TestCase):
    def test_an_amount_with_cents(self) -> None:
        self.assertEqual(parse_amount("12.50"), 1250)

    def test_a_negative_amount_in_whole_units(self) -> None:
        self.assertEqual(parse_amount("-3"), -300)

    def test_amounts_that_floats_get_wrong(self) -> None:
        for text, cents in [("0.29", 29), ("4.35", 435), ("1.15", 115), ("19.99", 1999)]:
            with self.subTest(text=text):
                self.assertEqual(parse_amount(text), cents)

    def test_one_decimal_is_tens_of_cents(self) -> None:
        self.assertEqual(parse_amount("0.5"), 50)
        self.assertEqual(parse_amount("7.1"), 710)

    def test_negative_amounts_below_one(self) -> None:
        self.assertEqual(parse_amount("-0.05"), -5)
        self.assertEqual(parse_amount("-12.50"), -1250)

    def test_an_explicit_plus_sign(self) -> None:
        self.assertEqual(parse_amount("+4.00"), 400)

    def test_thousands_grouped_by_commas(self) -> None:
        self.assertEqual(parse_amount("1,234.56"), 123456)
        self.assertEqual(parse_amount("-2,400,000"), -240000000)

    def test_surrounding_spaces_are_ignored(self) -> None:
        self.assertEqual(parse_amount("  8.20 "), 820)

    def test_refused_amounts(self) -> None:
        for text in [
            "",
            "twelve",
            "12.345",
            "12,34",
            "1,2345.00",
            "1234,567",
            "1e3",
            "nan",
            "12.",
            ".5",
            "--3",
        ]:
            with self.subTest(text=text), self.assertRaises(LedgerError):
                parse_amount(text)


class ParseEntry(unittest.TestCase):
    def test_a_line_with_every_field(self) -> None:
        entry = parse_entry("2024-03-05 | expenses:food | 12.50 | Corner shop")
        self.assertEqual(entry, Entry(dt.date(2024, 3, 5), "expenses:food", 1250, "Corner shop"))

    def test_the_memo_is_optional(self) -> None:
        entry = parse_entry("2024-03-05 | assets:bank | -42.37")
        self.assertEqual(entry, Entry(dt.date(2024, 3, 5), "assets:bank", -4237, ""))

    def test_spaces_around_fields_are_ignored(self) -> None:
        entry = parse_entry("2024-12-31|expenses:home:rent|950.00|  Flat, December ")
        self.assertEqual(
            entry, Entry(dt.date(2024, 12, 31), "expenses:home:rent", 95000, "Flat, December")
        )

    def test_account_names_are_lower_case(self) -> None:
        self.assertEqual(parse_entry("2024-03-05 | Expenses:Food | 1.00").account, "expenses:food")

    def test_accounts_with_digits_and_hyphens(self) -> None:
        for account in ["assets:isa-2024", "car2:fuel", "expenses:car2:mot", "a"]:
            with self.subTest(account=account):
                self.assertEqual(parse_entry(f"2024-03-05 | {account} | 1.00").account, account)

    def test_too_few_or_too_many_fields(self) -> None:
        for line in [
            "2024-03-05 | expenses:food",
            "2024-03-05 | expenses:food | 1.00 | memo | more",
            "",
        ]:
            with self.subTest(line=line), self.assertRaises(LedgerError):
                parse_entry(line)

    def test_bad_dates(self) -> None:
        for date in ["2024-02-30", "2023-02-29", "05/03/2024", "20240305", "2024-3-5"]:
            with self.subTest(date=date), self.assertRaises(LedgerError):
                parse_entry(f"{date} | expenses:food | 1.00")

    def test_a_leap_day(self) -> None:
        self.assertEqual(
            parse_entry("2024-02-29 | expenses:food | 1.00").date, dt.date(2024, 2, 29)
        )

    def test_bad_accounts(self) -> None:
        for account in ["", "expenses:", ":food", "expenses::food", "expenses food", "9lives"]:
            with self.subTest(account=account), self.assertRaises(LedgerError):
                parse_entry(f"2024-03-05 | {account} | 1.00")

    def test_a_bad_amount(self) -> None:
        with self.assertRaises(LedgerError):
            parse_entry("2024-03-05 | expenses:food | 12.345")

    def test_a_zero_amount_records_nothing(self) -> None:
        for amount in ["0", "0.00", "-0.00"]:
            with self.subTest(amount=amount), self.assertRaises(LedgerError):
                parse_entry(f"2024-03-05 | expenses:food | {amount}")


if __name__ == "__main__":
    unittest.main()
