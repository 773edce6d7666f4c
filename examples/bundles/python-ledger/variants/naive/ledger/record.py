"""Turn one line of a ledger file into an Entry (deliverable: record)."""

from __future__ import annotations

import datetime as dt

from ledger.entry import Entry, LedgerError


def parse_amount(text: str) -> int:
    """The amount written in ``text`` (such as ``12.50``, ``-3`` or ``1,234.56``), in cents."""
    try:
        return int(float(text) * 100)
    except ValueError:
        raise LedgerError(f"{text!r} is not an amount") from None


def parse_entry(line: str) -> Entry:
    """The entry written on one line: ``date | account | amount | memo`` (the memo is optional)."""
    fields = [field.strip() for field in line.split("|")]
    if len(fields) < 3:
        raise LedgerError("an entry needs a date, an account and an amount")
    memo = fields[3] if len(fields) > 3 else ""
    return Entry(dt.date.fromisoformat(fields[0]), fields[1], parse_amount(fields[2]), memo)
