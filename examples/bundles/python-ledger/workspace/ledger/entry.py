"""One ledger entry, and the error every bad line raises."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class LedgerError(ValueError):
    """A line of the ledger that cannot be recorded; the message says what to fix."""


@dataclass(frozen=True)
class Entry:
    """One payment: on ``date``, ``amount`` cents moved into ``account`` (negative: out of it)."""

    date: dt.date
    account: str
    amount: int
    memo: str = ""
