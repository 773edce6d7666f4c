"""What publishing says and decides, without GitHub: the pull request's body, the status's
descriptions within GitHub's 140 characters, and whether a pull request's head is the
authored bundle."""

from __future__ import annotations

from glow.authoring.loop.publish import diverged
from glow.authoring.loop.publish_text import (
    MAX_DESCRIPTION,
    Published,
    StepOutcome,
    branch_name,
    clip,
    outcome_description,
    pr_body,
)
from glow.gitsha import git_blob_sha
from glow.markers import has_marker

LEDGER = Published(
    id="python-ledger",
    title="A household ledger",
    summary="Record payments\nand report balances.",
    outcomes=("Parse money exactly",),
    deliverables=(
        ("record", "Record a payment", ("ledger/record.py",)),
        ("balance", "Report balances", ("ledger/balance.py", "ledger/report.py")),
    ),
    starter_files=7,
)


def test_the_body_opens_with_its_heading_and_lists_the_deliverables_in_order() -> None:
    body = pr_body(LEDGER)
    lines = body.splitlines()
    assert has_marker(body, "publish:python-ledger")
    assert lines[1] == "## Publish the project: A household ledger"
    assert lines[3].startswith("Merging this pull request adds the project A household ledger")
    assert "Record payments and report balances." in lines  # one line per paragraph
    first = lines.index("1. Record a payment (`record`): the learner writes `ledger/record.py`.")
    second = lines.index(
        "2. Report balances (`balance`): the learner writes `ledger/balance.py`, "
        "`ledger/report.py`."
    )
    assert first < second
    assert "- A starter workspace of 7 files to build on." in lines
    assert "- Parse money exactly" in lines
    assert branch_name("python-ledger") == "glow/course-python-ledger"


def test_a_passing_certification_says_so_in_one_short_line() -> None:
    steps = [StepOutcome(f"step {i}", True, "fine") for i in range(8)]
    said = outcome_description(True, steps, 93.4)
    assert said == "Certified: all 8 steps of the learner's path pass (93 s)."


def test_a_failure_names_the_first_failing_step_within_githubs_limit() -> None:
    steps = [
        StepOutcome("publish the project", True, "12 files"),
        StepOutcome("the untouched starter's scorecards fail", False, "passes for add " * 30),
        StepOutcome("later", False, "not reached"),
    ]
    said = outcome_description(False, steps, 40)
    assert said.startswith("Failed at: the untouched starter's scorecards fail: passes for add")
    assert len(said) == MAX_DESCRIPTION and said.endswith("…")
    assert clip("a\nb  c") == "a b c"


def test_a_head_is_the_authored_bundle_only_with_every_file_and_nothing_else_new() -> None:
    package = {"a.py": "print(1)\n", ".coursegen/project.yml": "id: x\n"}
    shas = {path: git_blob_sha(text.encode()) for path, text in package.items()}
    base = {"README.md": "r1"}
    assert diverged(package, {**base, **shas}, base) == []
    # Someone pushed a hidden test to the branch, and changed a starter file.
    pushed = {**base, **shas, "tests/hidden.py": "h1", "a.py": "other"}
    assert diverged(package, pushed, base) == ["a.py", "tests/hidden.py"]
    # A base file the branch changed is a difference too; a missing package file is one.
    assert diverged(package, {"README.md": "r2", "a.py": shas["a.py"]}, base) == [
        ".coursegen/project.yml",
        "README.md",
    ]
