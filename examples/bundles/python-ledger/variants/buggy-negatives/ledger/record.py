"""Turn one line of a ledger file into an Entry (deliverable: record)."""

from __future__ import annotations

import datetime as dt
import re

from ledger.entry import Entry, LedgerError

# A sign, whole units (plain, or grouped by commas in threes) and at most two decimals.
_AMOUNT = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Levels of lower-case letters, digits and hyphens, joined by colons: expenses:home:rent.
_ACCOUNT = re.compile(r"[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*")


def parse_amount(text: str) -> int:
    """The amount written in ``text`` (such as ``12.50``, ``-3`` or ``1,234.56``), in cents."""
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        raise LedgerError(f"{text.strip()!r} is not an amount: write it like 12.50 or -3")
    sign, whole, decimals = match.groups()
    return int(sign + whole.replace(",", "")) * 100 + int((decimals or "").ljust(2, "0"))


def parse_date(text: str) -> dt.date:
    """The date written as YYYY-MM-DD."""
    if not _DATE.fullmatch(text):
        raise LedgerError(f"{text!r} is not a date: write it like 2024-03-05")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise LedgerError(f"{text!r} is not a day of the calendar") from None


def parse_entry(line: str) -> Entry:
    """The entry written on one line: ``date | account | amount | memo`` (the memo is optional)."""
    fields = [field.strip() for field in line.split("|")]
    if len(fields) not in (3, 4):
        raise LedgerError(f"an entry has 3 or 4 fields separated by |, this line has {len(fields)}")
    account = fields[1].lower()
    if not _ACCOUNT.fullmatch(account):
        raise LedgerError(f"{fields[1]!r} is not an account: write it like expenses:food")
    amount = parse_amount(fields[2])
    if amount == 0:
        raise LedgerError("an amount of 0.00 records nothing")
    memo = fields[3] if len(fields) == 4 else ""
    return Entry(parse_date(fields[0]), account, amount, memo)
