"""Generate the admin repository's JSON schemas from the models: ``python -m glow.cohort.schemas``.

The generated files live in ``admin-roster/schemas/``; a test fails when they drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from glow.cohort.model import Cohorts, LogEntry, Roster

SCHEMAS: dict[str, type[BaseModel]] = {
    "cohorts.schema.json": Cohorts,
    "roster.schema.json": Roster,
    "provisioning-log-entry.schema.json": LogEntry,
}


def render() -> dict[str, str]:
    return {
        name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in SCHEMAS.items()
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m glow.cohort.schemas",
        description="Write the admin repository's JSON schemas, generated from the models.",
        epilog="example:\n  python -m glow.cohort.schemas admin-roster/schemas",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "target", nargs="?", default="admin-roster/schemas", help="folder to write them to"
    )
    target = Path(parser.parse_args(sys.argv[1:] if argv is None else argv).target)
    target.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {target / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
