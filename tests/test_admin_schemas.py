"""The admin repository's JSON schemas are generated from the models and checked in: they must
say what the bots write (regenerate with ``python -m glow.cohort.schemas``)."""

from __future__ import annotations

from pathlib import Path

from glow.cohort.schemas import render

SCHEMAS = Path(__file__).resolve().parents[1] / "admin-roster" / "schemas"


def test_the_checked_in_schemas_are_the_models() -> None:
    for name, text in render().items():
        stale = f"{name} is stale: run python -m glow.cohort.schemas"
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, stale
