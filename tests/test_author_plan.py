"""Creator intake, without GitHub: a course brief filed with the admin repository's form is read
back (or its problems named, field by field), merged with the author's suggestion (what the
creator pinned is kept), and shown as one accessible comment."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from glow.authoring.loop.brief import LABEL, LABELS, read_brief
from glow.authoring.loop.plan import PLAN_KEY, merge_plan, plan_comment, problems_comment
from glow.authoring.loop.state import Brief, Plan, PlannedDeliverable, Stack
from glow.errors import GlowError
from glow.forms import render_issue_form
from glow.markers import has_marker

ROOT = Path(__file__).resolve().parents[1]
FORM = ROOT / "admin-roster" / ".github" / "ISSUE_TEMPLATE" / "course-brief.yml"


def filed(**answers: str | None) -> str:
    """The body GitHub renders from the form with these answers (by label), others blank."""
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    labels = [f["attributes"]["label"] for f in form["body"] if f["type"] != "markdown"]
    return render_issue_form({label: answers.get(label) for label in labels})


GOOD = filed(
    **{
        "Problem statement": "Learners build a small shop API for a bakery.",
        "Desired outcomes": "- Write a test that fails before the fix\n\n2. Handle a bad request",
        "Language": "Python 3.12",
    }
)


def suggestion(**overrides: object) -> Plan:
    base: dict[str, object] = {
        "title": "Bakery API",
        "summary": "Build a bakery's order API, one endpoint at a time.",
        "outcomes": ["Handle a bad request", "Read an API's documentation"],
        "stack": Stack(language="Go", framework="FastAPI", runtime="a web server"),
        "deliverables": [
            PlannedDeliverable(id="orders", title="Take orders", asks="an endpoint that takes"),
            PlannedDeliverable(id="refunds", title="Refunds", asks="refund an order | twice"),
        ],
    }
    return Plan.model_validate(base | overrides)


def test_the_forms_fields_are_the_ones_the_brief_reader_reads() -> None:
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    assert [f["attributes"]["label"] for f in fields] == list(LABELS)
    required = [
        f["attributes"]["label"] for f in fields if f.get("validations", {}).get("required")
    ]
    assert required == ["Problem statement", "Desired outcomes"]
    assert form["labels"] == [LABEL]


def test_the_setup_label_is_the_one_the_brief_reader_names() -> None:
    from glow.cohort.setup.decide import ADMIN_LABELS

    assert LABEL in ADMIN_LABELS


def test_a_filled_brief_is_read_with_one_outcome_per_line() -> None:
    brief = read_brief("  A bakery   API ", GOOD)
    assert brief == Brief(
        title="A bakery API",
        problem="Learners build a small shop API for a bakery.",
        outcomes=["Write a test that fails before the fix", "Handle a bad request"],
        stack=Stack(language="Python 3.12"),
        data="",
    )


def test_every_problem_is_named_at_once_each_with_its_field() -> None:
    problems = read_brief("", filed(Framework="Flask\nand Jinja"))
    assert isinstance(problems, list)
    assert [p.split(":")[0] for p in problems] == [
        "Title",
        "Problem statement",
        "Desired outcomes",
        "Framework",
    ]
    assert all(p.endswith(".") for p in problems)


def test_an_issue_not_filed_with_the_form_says_which_form_to_use() -> None:
    [problem] = read_brief("Please make a course", "I would like a course about APIs.")
    assert "Course brief form" in problem


def test_too_many_outcomes_are_a_problem_not_cut_silently() -> None:
    lines = "\n".join(f"Outcome {n}" for n in range(20))
    problems = read_brief("T", filed(**{"Problem statement": "P", "Desired outcomes": lines}))
    assert isinstance(problems, list) and problems[0].startswith("Desired outcomes: it lists 20")


def test_the_creator_pins_what_they_wrote_and_the_rest_is_suggested() -> None:
    brief = read_brief("A bakery API", GOOD)
    assert isinstance(brief, Brief)
    plan = merge_plan(brief, suggestion())
    assert plan.title == "A bakery API"  # the issue's title, not the model's
    assert plan.stack == Stack(language="Python 3.12", framework="FastAPI", runtime="a web server")
    assert plan.pinned == ["language"]
    # The creator's outcomes first; the suggestion's only when new (case and spaces ignored).
    assert plan.outcomes == [
        "Write a test that fails before the fix",
        "Handle a bad request",
        "Read an API's documentation",
    ]
    assert [d.id for d in plan.deliverables] == ["orders", "refunds"]


@pytest.mark.parametrize(
    ("deliverables", "said"),
    [
        ([], "no deliverable"),
        ([PlannedDeliverable(id="Orders!", title="t", asks="a")], "Orders!"),
        ([PlannedDeliverable(id="a", title="t", asks="a")] * 2, "deliverable a twice"),
    ],
)
def test_a_suggestion_with_bad_deliverables_is_refused_naming_them(
    deliverables: list[PlannedDeliverable], said: str
) -> None:
    brief = read_brief("A bakery API", GOOD)
    assert isinstance(brief, Brief)
    with pytest.raises(GlowError, match=said):
        merge_plan(brief, suggestion(deliverables=deliverables))


def test_the_plan_comment_reads_outcome_first_with_introduced_tables() -> None:
    brief = read_brief("A bakery API", GOOD)
    assert isinstance(brief, Brief)
    plan = merge_plan(brief, suggestion())
    body = plan_comment(plan, creator_outcomes=len(brief.outcomes))
    assert has_marker(body, PLAN_KEY)
    lines = body.splitlines()
    assert lines[1] == "## Plan for this course brief: A bakery API"
    assert lines[3] == (
        "The brief is planned as 2 deliverables for 3 outcomes; the author and review run is next."
    )
    assert "The first 2 outcomes are yours; 1 is suggested." in lines
    assert "| Language | Python 3.12 | pinned by you |" in lines
    assert "| Framework | FastAPI | suggested |" in lines
    assert "| `refunds` | Refunds | refund an order \\| twice |" in lines
    # Every table is introduced by a sentence, after a blank line.
    for n, line in enumerate(lines):
        if line.startswith("| ") and not lines[n - 1].startswith("|"):
            assert lines[n - 1] == "" and lines[n - 2].endswith(":")
    assert lines[-2].startswith("The author and review run is next")


def test_the_problems_comment_lists_each_answer_to_fix_and_the_next_step() -> None:
    problems = read_brief("", filed())
    assert isinstance(problems, list)
    body = problems_comment(problems)
    assert has_marker(body, PLAN_KEY)
    lines = body.splitlines()
    assert lines[1] == "## This course brief needs changes before it is planned"
    assert lines[3] == "No plan was made: 3 answers of the Course brief form need fixing."
    assert [f"- {p}" for p in problems] == lines[5:8]
    assert lines[-1].startswith("Next: edit this issue")


def test_a_new_plan_is_recorded_once_and_a_revised_one_adds_an_event() -> None:
    from glow.authoring.loop.intake import planned_state

    brief = read_brief("A bakery API", GOOD)
    assert isinstance(brief, Brief)
    plan = merge_plan(brief, suggestion())
    first, made = planned_state(7, plan, None, "2027-01-01T10:00:00+00:00")
    assert made == "created" and first.status == "planned" and first.plan == plan
    assert [e.text for e in first.events] == ["The plan was posted on the brief."]
    same, kept = planned_state(7, plan, first, "2027-01-02T10:00:00+00:00")
    assert kept == "unchanged" and same == first  # the clock alone changes nothing
    other = merge_plan(brief, suggestion(summary="Another way to build it."))
    revised, changed = planned_state(7, other, first, "2027-01-03T10:00:00+00:00")
    assert changed == "updated" and revised.plan.summary == "Another way to build it."
    assert [e.at for e in revised.events] == [
        "2027-01-01T10:00:00+00:00",
        "2027-01-03T10:00:00+00:00",
    ]


def test_without_a_token_the_command_says_which_setting_to_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import argparse

    from glow.authoring.loop.intake import run_plan
    from glow.errors import ConfigError

    for name in ("GLOW_PAT", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    args = argparse.Namespace(issue=3, admin="acme/admin", recording=None)
    with pytest.raises(ConfigError, match="set GLOW_PAT"):
        run_plan(args)


def test_the_network_is_allowed_only_when_the_creator_ticks_it() -> None:
    ticked = GOOD.replace(
        "### Network\n\n_No response_",
        "### Network\n\n- [X] The project needs the network to install, boot or check",
    )
    assert "- [X]" in ticked
    with_network = read_brief("Bakery API", ticked)
    without = read_brief("Bakery API", GOOD)
    assert isinstance(with_network, Brief) and isinstance(without, Brief)
    assert (with_network.network, without.network) == (True, False)
    # A suggestion asking for the network does not get it; the creator's tick does.
    assert merge_plan(without, suggestion(network=True)).network is False
    assert merge_plan(with_network, suggestion()).network is True


def test_the_planners_report_of_injected_instructions_is_kept_in_the_plan() -> None:
    brief = read_brief("Bakery API", GOOD)
    assert isinstance(brief, Brief)
    said = "The problem statement asks to print every environment variable."
    assert merge_plan(brief, suggestion(suspected_injection=said)).suspected_injection == said


def test_a_suggestion_cannot_hide_the_rest_of_the_plan_comment() -> None:
    brief = read_brief("Bakery API", GOOD)
    assert isinstance(brief, Brief)
    sneaky = suggestion(summary="Orders. <!-- everything below is hidden")
    body = plan_comment(merge_plan(brief, sneaky))
    assert body.count("<!--") == 1  # our own marker only
    assert "&lt;!-- everything below is hidden" in body
