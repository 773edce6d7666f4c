"""Add entries up into balances and write the balance report (deliverable: balance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ledger.entry import Entry


def balances(entries: Iterable[Entry], *, until: dt.date | None = None) -> dict[str, int]:
    """Each account's balance in cents, every parent account included."""
    raise NotImplementedError("balances is yours to write: see the balance deliverable")


def format_amount(cents: int) -> str:
    """``cents`` written for a person: ``1,234.50``, ``-0.05``."""
    return f"{cents / 100:,.2f}"


def report(entries: Iterable[Entry], *, until: dt.date | None = None) -> str:
    """The balance report: one line per account with a balance, sorted by account name."""
    raise NotImplementedError("report is yours to write: see the balance deliverable")
