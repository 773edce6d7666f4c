"""Grading checks for the balance deliverable: every level, every day, every sign."""

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


def on(day: int, account: str, amount: int) -> Entry:
    return Entry(dt.date(2024, 3, day), account, amount)


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

    def test_no_entries_no_balances(self) -> None:
        self.assertEqual(balances([]), {})

    def test_a_top_level_account_alone(self) -> None:
        self.assertEqual(balances([on(1, "cash", 500), on(2, "cash", -200)]), {"cash": 300})

    def test_every_level_of_a_deep_account(self) -> None:
        self.assertEqual(
            balances([on(1, "expenses:home:energy:gas", 3000)]),
            {
                "expenses": 3000,
                "expenses:home": 3000,
                "expenses:home:energy": 3000,
                "expenses:home:energy:gas": 3000,
            },
        )

    def test_siblings_add_up_in_their_parent(self) -> None:
        result = balances([on(1, "expenses:home:rent", 95000), on(2, "expenses:home:energy", 6120)])
        self.assertEqual(result["expenses:home"], 101120)
        self.assertEqual(result["expenses"], 101120)

    def test_a_similar_name_is_not_a_parent(self) -> None:
        result = balances([on(1, "expenses", 100), on(2, "expenses-old:food", 7)])
        self.assertEqual(result["expenses"], 100)
        self.assertEqual(result["expenses-old"], 7)

    def test_until_counts_the_day_itself(self) -> None:
        self.assertEqual(balances(MARCH, until=dt.date(2024, 3, 2))["assets:bank"], 145000)
        self.assertNotIn("expenses:food", balances(MARCH, until=dt.date(2024, 3, 2)))

    def test_until_before_every_entry(self) -> None:
        self.assertEqual(balances(MARCH, until=dt.date(2024, 2, 29)), {})

    def test_until_after_every_entry(self) -> None:
        self.assertEqual(balances(MARCH, until=dt.date(2025, 1, 1)), balances(MARCH))

    def test_entries_can_be_any_iterable(self) -> None:
        self.assertEqual(balances(iter(MARCH)), balances(MARCH))


class FormatAmount(unittest.TestCase):
    def test_thousands_and_cents(self) -> None:
        self.assertEqual(format_amount(123450), "1,234.50")

    def test_small_amounts(self) -> None:
        for cents, text in [(0, "0.00"), (5, "0.05"), (50, "0.50"), (99, "0.99"), (100, "1.00")]:
            with self.subTest(cents=cents):
                self.assertEqual(format_amount(cents), text)

    def test_negative_amounts(self) -> None:
        for cents, text in [(-5, "-0.05"), (-100, "-1.00"), (-123456, "-1,234.56")]:
            with self.subTest(cents=cents):
                self.assertEqual(format_amount(cents), text)

    def test_large_amounts(self) -> None:
        self.assertEqual(format_amount(100000000), "1,000,000.00")
        self.assertEqual(format_amount(99999), "999.99")
        self.assertEqual(format_amount(100000), "1,000.00")


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

    def test_accounts_at_zero_are_left_out(self) -> None:
        entries = [on(1, "assets:bank", 1000), on(2, "assets:bank", -1000), on(3, "cash", -250)]
        self.assertEqual(report(entries), "cash  -2.50")

    def test_sorted_whatever_the_order_of_entries(self) -> None:
        entries = [on(3, "zoo", 1), on(2, "bank", 2), on(1, "bank:savings", 3)]
        self.assertEqual(
            report(entries).splitlines(), ["bank  0.05", "bank:savings  0.03", "zoo  0.01"]
        )

    def test_until_applies_to_the_report(self) -> None:
        self.assertEqual(
            report(MARCH, until=dt.date(2024, 3, 1)), "assets  2,400.00\nassets:bank  2,400.00"
        )

    def test_no_entries_an_empty_report(self) -> None:
        self.assertEqual(report([]), "")


if __name__ == "__main__":
    unittest.main()
