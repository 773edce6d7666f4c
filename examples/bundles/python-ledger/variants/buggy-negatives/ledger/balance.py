"""Add entries up into balances and write the balance report (deliverable: balance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ledger.entry import Entry


def balances(entries: Iterable[Entry], *, until: dt.date | None = None) -> dict[str, int]:
    """Each account's balance in cents, every parent account included."""
    totals: dict[str, int] = {}
    for entry in entries:
        if until is not None and entry.date > until:
            continue
        levels = entry.account.split(":")
        for depth in range(1, len(levels) + 1):
            account = ":".join(levels[:depth])
            totals[account] = totals.get(account, 0) + entry.amount
    return totals


def format_amount(cents: int) -> str:
    """``cents`` written for a person: ``1,234.50``, ``-0.05``."""
    units, rest = divmod(cents, 100)
    return f"{units:,}.{rest:02d}"


def report(entries: Iterable[Entry], *, until: dt.date | None = None) -> str:
    """The balance report: one line per account with a balance, sorted by account name."""
    totals = balances(entries, until=until)
    return "\n".join(
        f"{account}  {format_amount(total)}"
        for account, total in sorted(totals.items())
        if total != 0
    )
