"""A recording of the authoring loop, replayed by ``RecordedAuthor`` (``glow author demo``).

``python-ledger.json`` is made from ``examples/bundles/python-ledger`` by ``ledger_recording``
(``python -m glow.authoring.loop.ledger`` writes it again; a test keeps the two equal). It
answers as a model would: a plan, the project, suites whose hidden checks for ``record`` are
only a copy of the visible ones (the baseline matrix catches it: the naive answer passes them),
a repair with the real hidden checks, and two reviewers' verdicts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from glow.harness.bundle import files_under

from .authors import Answer, Recording
from .state import Authored, FileChange, Plan, PlannedDeliverable, Repair, Stack, Verdict

HERE = Path(__file__).parent / "recordings"
LEDGER = HERE / "python-ledger.json"
WEAK = "record"  # the deliverable whose first hidden suite is too weak


def brief_body() -> str:
    """The course-brief issue the recording answers, as the issue form renders it."""
    return (
        "### Problem statement\n\nLearners build a command-line household ledger: read a "
        "plain-text ledger file of payments and report the balance of every account, exact to "
        "the cent.\n\n"
        "### Desired outcomes\n\nParse and validate structured text input\n"
        "Keep money exact with integer cents\n\n"
        "### Language\n\nPython\n\n### Framework\n\n_No response_\n\n"
        "### Runtime\n\n_No response_\n\n### Data sources and constraints\n\n"
        "No network; the standard library only.\n"
    )


def _suite(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 4 and parts[0] == "deliverables" and parts[2] in ("visible", "hidden")


def ledger_recording(bundle: Path) -> Recording:
    files = {p: (bundle / p).read_text(encoding="utf-8") for p in files_under(bundle)}
    project = [FileChange(path=p, content=t) for p, t in files.items() if not _suite(p)]
    suites = {p: t for p, t in files.items() if _suite(p)}
    weak_hidden = f"deliverables/{WEAK}/hidden/test_{WEAK}.py"
    weak = dict(suites)
    weak[weak_hidden] = suites[f"deliverables/{WEAK}/visible/test_{WEAK}.py"]
    plan = Plan(
        title="A household ledger",
        summary=(
            "Record payments from a plain-text ledger file and report the balance of every account."
        ),
        outcomes=[
            "Parse and validate structured text input",
            "Keep money exact with integer cents",
            "Report totals per account, sorted",
        ],
        stack=Stack(language="Python", framework="none (the standard library)", runtime="3.11"),
        pinned=["language"],
        deliverables=[
            PlannedDeliverable(id="record", title="Record a payment", asks="Read one line."),
            PlannedDeliverable(id="balance", title="Report balances", asks="Sum each account."),
        ],
    )
    return Recording(
        author="recorded:python-ledger",
        answers=[
            Answer(step="plan", plan=plan),
            Answer(
                step="runtime",
                authored=Authored(files=project, notes="A ledger package with two deliverables."),
            ),
            Answer(
                step="tests",
                authored=Authored(
                    files=[FileChange(path=p, content=t) for p, t in weak.items()],
                    notes="Visible and hidden checks for both deliverables.",
                ),
            ),
            Answer(
                step="repair",
                repair=Repair(
                    files=[FileChange(path=weak_hidden, content=suites[weak_hidden])],
                    retry="tests",
                    notes="The hidden checks for record now test what the visible ones do not.",
                ),
            ),
            Answer(step="review", verdict=Verdict(passed=True)),
            Answer(step="review", verdict=Verdict(passed=True)),
        ],
    )


def main() -> None:
    bundle = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("examples/bundles/python-ledger")
    LEDGER.write_text(ledger_recording(bundle).model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(f"wrote {LEDGER}")


if __name__ == "__main__":
    main()
