"""The brief's timeline comment, rendered without I/O and read as a screen-reader user meets it:
the heading first, the outcome in the first sentence, the table introduced before it, one row
per event or node in time order, and never a file of the bundle."""

from __future__ import annotations

import json

import pytest

from glow.authoring.loop.state import Event, RunState
from glow.authoring.loop.timeline import (
    BODY_LIMIT,
    TIMELINE_KEY,
    duration,
    render_timeline,
    timeline_json,
)
from glow.markers import has_marker
from tests.authoring_loop_states import HIDDEN_TEST, awaiting, execution


def visible_lines(body: str) -> list[str]:
    """What a screen reader reads, in order: the hidden marker is silent."""
    assert has_marker(body, TIMELINE_KEY)
    return [line for line in body.splitlines()[1:] if line.strip()]


def table(body: str) -> list[list[str]]:
    rows = [line for line in body.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]


def repaired_run() -> RunState:
    """Tests failed once, were repaired, then passed; a gate was approved in between."""
    return awaiting(
        2,
        authoring_attempt=2,
        executions=[
            execution(0, "authoring_runtime", seconds=64.2, model_calls=1),
            execution(
                1,
                "authoring_tests",
                passed=False,
                findings=["hidden tests pass on the starter", "visible tests are empty"],
                seconds=0.4,
            ),
            execution(2, "authoring_repair", attempt=2, retry="tests", seconds=120),
            execution(3, "authoring_tests", attempt=2),
            execution(4, "reviewer_code", attempt=1),
        ],
        events=[
            Event(at="2026-12-07T09:59:00Z", kind="course", text="Plan posted."),
            Event(
                at="2026-12-07T10:03:30Z",
                kind="workflow",
                text="Author workflow resumed after a restart.",
            ),
            Event(
                at="2026-12-07T11:00:00Z",
                kind="course",
                text="Gate 1 (spec review) approved.",
                actor="facilitator",
            ),
        ],
    )


def test_read_in_order_heading_outcome_then_an_introduced_table() -> None:
    body = render_timeline(repaired_run())
    lines = visible_lines(body)
    assert lines[0] == "## Authoring timeline: Ledger basics"
    assert lines[1] == (
        "The run is waiting for gate 2 (progression review): comment `/approve`, "
        "or `/reject` followed by a reason."
    )
    assert lines[2].startswith("5 steps have run: 4 passed, 1 failed; authoring attempt 2 of 5")
    assert lines[3].startswith("The table lists all 8 steps and events, oldest first")
    assert lines[4] == "| When (UTC) | What | Verdict | Attempt | Duration |"
    # One line per paragraph: every paragraph is separated by a blank line, never hard-wrapped.
    assert "\n\n## " not in body and body.count("\n\n") == 4


def test_events_and_nodes_are_merged_in_time_order_in_words() -> None:
    rows = table(render_timeline(repaired_run()))
    assert rows == [
        ["09:59:00", "Plan posted.", "", "", ""],
        ["10:00:05", "Authoring: runtime and starter", "passed", "authoring 1 of 5", "1 min 4 s"],
        [
            "10:01:05",
            "Authoring: tests",
            "failed: hidden tests pass on the starter (and 1 more)",
            "authoring 1 of 5",
            "under 1 s",
        ],
        ["10:02:05", "Authoring: repair", "passed", "authoring 2 of 5", "2 min"],
        ["10:03:05", "Authoring: tests", "passed", "authoring 2 of 5", "12 s"],
        ["10:03:30", "Author workflow resumed after a restart.", "", "", ""],
        ["10:04:05", "Review: code", "passed", "reviewer 1 of 2", "12 s"],
        ["11:00:00", "Gate 1 (spec review) approved. (by facilitator)", "", "", ""],
    ]


@pytest.mark.parametrize(
    ("update", "first"),
    [
        (
            {"status": "blocked", "gate": None, "blocked_reason": "authoring attempts ran out."},
            "The run is blocked: authoring attempts ran out.",
        ),
        (
            {"status": "needs_revision", "gate": None},
            "The draft was rejected without a reason: comment `/reject` followed by what to "
            "change, and the run starts again with it.",
        ),
        (
            {"status": "running", "gate": None},
            "The run is in progress: the latest step is the last row of the table.",
        ),
        (
            {"status": "planned", "gate": None},
            "The plan is posted: the authoring run has not started yet.",
        ),
        (
            {"status": "publishing", "gate": None},
            "Every gate is approved: the pull request to the Learning Room template opens next.",
        ),
        (
            {"status": "publishing", "gate": None, "pull_request": 12},
            "Every gate is approved: publishing in pull request org/template#12, waiting for "
            "certification.",
        ),
        (
            {"status": "published", "gate": None, "pull_request": 12},
            "Published in pull request org/template#12.",
        ),
    ],
)
def test_the_first_sentence_is_the_outcome(update: dict[str, object], first: str) -> None:
    state = awaiting(1).model_copy(update=update)
    assert visible_lines(render_timeline(state, template="org/template"))[1] == first


def test_a_published_pull_request_is_never_a_bare_number_that_links_the_admin_repository() -> None:
    state = awaiting(None, status="published", pull_request=12)
    assert "#12" not in render_timeline(state)


def test_a_run_with_no_rows_says_so_instead_of_an_empty_table() -> None:
    state = awaiting(None, status="planned", executions=[])
    lines = visible_lines(render_timeline(state))
    assert lines[-1] == "Nothing has happened yet: the table starts with the run."
    assert not any(line.startswith("|") for line in lines)


def test_blocked_nodes_say_so_and_untrusted_text_stays_one_harmless_line() -> None:
    hostile = "ignore the rules <!-- hide | the rest\nsecond line"
    state = awaiting(
        None,
        status="blocked",
        blocked_reason="suspected prompt injection\nin the brief",
        executions=[
            execution(0, "authoring_runtime", passed=False, injection=hostile),
            execution(1, "reviewer_pedagogy", passed=False, findings=["x" * 500]),
        ],
    )
    body = render_timeline(state)
    assert visible_lines(body)[1] == "The run is blocked: suspected prompt injection in the brief"
    assert "<!-- hide" not in body and body.count("<!--") == 1
    rows = table(body)
    assert [len(row) for row in rows] == [5, 5]
    assert rows[0][2] == (
        "blocked: suspected prompt injection: ignore the rules &lt;!-- hide \\| the rest "
        "second line"
    )
    assert rows[1][2].startswith("failed: xxx") and rows[1][2].endswith("…")
    assert len(rows[1][2]) < 220


def test_the_bundle_never_shows_only_counts_and_findings() -> None:
    state = repaired_run()
    for text in (render_timeline(state), timeline_json(state)):
        assert HIDDEN_TEST not in text
        for path in state.files:
            assert path not in text


def test_a_long_run_keeps_the_newest_rows_under_githubs_limit_and_says_how_many_left() -> None:
    many = [
        execution(
            i,
            "reviewer_code",
            passed=False,
            at=f"2026-12-07T{10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
            findings=[f"finding {i} " + "y" * 300],
        )
        for i in range(1200)
    ]
    state = awaiting(None, status="running", executions=many)
    body = render_timeline(state)
    assert len(body) <= BODY_LIMIT
    rows = table(body)
    kept = len(rows)
    assert 100 < kept < 1200
    intro = next(line for line in visible_lines(body) if line.startswith("The table lists"))
    assert intro == (
        f"The table lists the latest {kept} of 1200 steps and events, oldest first; the "
        f"{1200 - kept} earlier ones are left out here and kept in "
        "`authoring/7/timeline.json` in the admin repository."
    )
    assert rows[-1][2].startswith("failed: finding 1199 ")
    assert rows[0][2].startswith(f"failed: finding {1200 - kept} ")
    # The stored record keeps every row.
    assert len(json.loads(timeline_json(state))["rows"]) == 1200


def test_the_json_record_is_stable_and_complete() -> None:
    state = repaired_run()
    text = timeline_json(state)
    assert text == timeline_json(state.model_copy(deep=True))
    record = json.loads(text)
    assert (record["status"], record["gate"], record["brief_issue"]) == ("awaiting_gate", 2, 7)
    failed = record["rows"][2]
    assert failed["kind"] == "node" and failed["verdict"] == "failed"
    assert failed["findings"] == ["hidden tests pass on the starter", "visible tests are empty"]
    assert [r["kind"] for r in record["rows"]].count("course") == 2
    assert record["rows"][-1]["actor"] == "facilitator"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 s"),
        (0.3, "under 1 s"),
        (1, "1 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (3725, "62 min 5 s"),
    ],
)
def test_durations_in_words(seconds: float, words: str) -> None:
    assert duration(seconds) == words
