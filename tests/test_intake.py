"""Private intake from the learner's room: whose issue counts, and how its answers are read."""

from __future__ import annotations

from datetime import UTC, datetime

from glow.cohort.intake import read_intake, with_intake
from tests import factories

FORM = (
    "### Screen reader or tools\n\nJAWS\n\n### Accessibility needs\n\n_No response_\n\n"
    "### Contact (optional)\n\nada@example.org\n"
)


def issue(number: int, author: str, body: str = FORM, **extra: object) -> dict[str, object]:
    return {
        "number": number,
        "user": {"login": author},
        "labels": [{"name": "intake"}],
        "body": body,
        "updated_at": f"2026-12-0{number}T10:00:00Z",
        **extra,
    }


def test_the_learners_latest_intake_issue_counts() -> None:
    found = read_intake(
        [issue(1, "Ada", FORM.replace("JAWS", "NVDA")), issue(2, "ada"), issue(3, "stranger")],
        "ada",
    )
    assert found is not None
    assert (found.number, found.tools, found.accessibility_needs, found.contact) == (
        2,
        "JAWS",
        None,
        "ada@example.org",
    )


def test_the_form_counts_without_its_label_and_nothing_else_does() -> None:
    """GitHub applies a form's label only where the label exists (a generated room has none of
    the template's labels): the form's three fields say what it is."""
    found = read_intake([{**issue(1, "ada"), "labels": []}], "ada")
    assert found is not None and found.tools == "JAWS"
    assert read_intake(None, "ada") is None
    other = {**issue(1, "ada", "### Where are you stuck?\n\nChallenge 3"), "labels": []}
    assert read_intake([other], "ada") is None
    assert read_intake([issue(1, "ada", pull_request={"url": "https://x"})], "ada") is None


def test_the_record_takes_the_answers_once() -> None:
    learner = factories.learner("ada", registered_at=datetime(2026, 12, 1, tzinfo=UTC), issue=1)
    intake = read_intake([issue(1, "ada")], "ada")
    updated = with_intake(learner, intake)
    assert (updated.tools, updated.contact) == ("JAWS", "ada@example.org")
    assert with_intake(updated, intake) is updated  # unchanged: nothing to write
    assert with_intake(learner, None) is learner
