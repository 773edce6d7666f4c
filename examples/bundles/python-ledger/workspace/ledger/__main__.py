"""Print the balance report of a ledger file: python3 -m ledger household.ledger [--until DATE]."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ledger.balance import report
from ledger.entry import Entry, LedgerError
from ledger.record import parse_entry


def read_ledger(path: Path) -> list[Entry]:
    """Every entry in the file; blank lines and lines starting with # are skipped."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entries.append(parse_entry(line))
        except LedgerError as error:
            raise LedgerError(f"{path} line {number}: {error}") from None
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m ledger",
        description="Print the balance of every account in a ledger file.",
        epilog="Example: python3 -m ledger household.ledger --until 2024-03-31",
    )
    parser.add_argument("file", type=Path, help="the ledger file to read")
    parser.add_argument(
        "--until", type=dt.date.fromisoformat, help="count only entries on or before this date"
    )
    args = parser.parse_args(argv)
    try:
        print(report(read_ledger(args.file), until=args.until))
    except (LedgerError, OSError) as error:
        print(f"ledger: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
