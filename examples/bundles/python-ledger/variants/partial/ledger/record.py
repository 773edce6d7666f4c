"""Turn one line of a ledger file into an Entry (deliverable: record)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ledger.entry import Entry, LedgerError


def parse_amount(text: str) -> int:
    """The amount written in ``text`` (such as ``12.50``, ``-3`` or ``1,234.56``), in cents."""
    try:
        return int(Decimal(text.strip()) * 100)
    except InvalidOperation:
        raise LedgerError(f"{text!r} is not an amount") from None


def parse_entry(line: str) -> Entry:
    """The entry written on one line: ``date | account | amount | memo`` (the memo is optional)."""
    raise NotImplementedError("parse_entry is yours to write: see the record deliverable")
