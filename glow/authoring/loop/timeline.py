"""The draft's timeline: course events, workflow events and node executions merged in time
order, shown as one upserted comment on the brief issue and stored beside the run in the
private admin repository (``authoring/<brief>/timeline.json``).

``render_timeline`` and ``timeline_json`` are pure; ``post_timeline`` is the small adapter. The
comment holds counts, verdicts and findings only, never a file of the bundle (its hidden tests
and reference answers stay in ``run.json``). Everything a model or a person wrote is shown as
text: collapsed to one line, with ``<`` escaped, so a finding cannot open an HTML comment that
hides the rest of the timeline, and with ``|`` escaped so it cannot break the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from glow.markers import marker

from .state import MAX_AUTHORING_ATTEMPTS, MAX_REVIEWER_ATTEMPTS, Event, NodeExecution, RunState
from .store import FOLDER

if TYPE_CHECKING:
    from glow.github.files import WriteOutcome
    from glow.github.repo import Outcome, Repo

__all__ = [
    "TIMELINE_KEY",
    "Row",
    "outcome",
    "post_timeline",
    "render_timeline",
    "rows",
    "timeline_json",
    "timeline_path",
]

TIMELINE_KEY = "author-timeline"
# GitHub refuses an issue comment body longer than 65,536 characters; keep a margin for the
# line that says how many rows were left out.
BODY_LIMIT = 65_536
_MARGIN = 512
_CELL = 200  # the longest text a table cell shows (findings, event sentences)

GATE_NAMES = {1: "spec review", 2: "progression review", 3: "pre-publish review"}
NODE_WORDS = {
    "authoring_runtime": "Authoring: runtime and starter",
    "authoring_tests": "Authoring: tests",
    "authoring_repair": "Authoring: repair",
    "reviewer_runtime": "Review: runtime",
    "reviewer_code": "Review: code",
    "reviewer_pedagogy": "Review: pedagogy",
    "reviewer_tests": "Review: tests",
    "reviewer_repair": "Review: repair",
}
HEADER = "| When (UTC) | What | Verdict | Attempt | Duration |\n| --- | --- | --- | --- | --- |"

RowKind = Literal["node", "course", "workflow"]


def timeline_path(brief_issue: int) -> str:
    return f"{FOLDER}/{brief_issue}/timeline.json"


@dataclass(frozen=True)
class Row:
    """One line of the timeline, in words (the table's cells) and in full (the JSON record)."""

    at: str
    kind: RowKind
    what: str
    verdict: str  # "passed", "failed", "blocked" for a node; "" for an event
    findings: tuple[str, ...]
    attempt: str
    seconds: float | None
    actor: str = ""
    model_calls: int = 0


def one_line(text: str, limit: int = _CELL) -> str:
    """``text`` as one line of at most ``limit`` characters, safe inside a table cell."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")


def clock(at: str) -> str:
    """HH:MM:SS in UTC, or the text as given when it is not an ISO 8601 time."""
    moment = _parse(at)
    return moment.strftime("%H:%M:%S") if moment else one_line(at, 25)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s" if seconds >= 1 or seconds == 0 else "under 1 s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def attempt_words(execution: NodeExecution) -> str:
    if execution.node.startswith("authoring_"):
        return f"authoring {execution.attempt} of {MAX_AUTHORING_ATTEMPTS}"
    return f"reviewer {execution.attempt} of {MAX_REVIEWER_ATTEMPTS}"


def _parse(at: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _node_row(execution: NodeExecution) -> Row:
    verdict = "blocked" if execution.injection else ("passed" if execution.passed else "failed")
    findings = list(execution.findings)
    if execution.injection:
        findings.insert(0, f"suspected prompt injection: {execution.injection}")
    if execution.error:
        findings.insert(0, f"could not finish: {execution.error}")
    return Row(
        at=execution.started_at,
        kind="node",
        what=NODE_WORDS[execution.node],
        verdict=verdict,
        findings=tuple(findings),
        attempt=attempt_words(execution),
        seconds=execution.seconds,
        model_calls=execution.model_calls,
    )


def _event_row(event: Event) -> Row:
    what = event.text if not event.actor else f"{event.text} (by {event.actor})"
    return Row(event.at, event.kind, what, "", (), "", None, actor=event.actor)


def rows(state: RunState) -> list[Row]:
    """Every event and node execution, oldest first (a time that cannot be read sorts first;
    at the same time, the order they were recorded in: events, then nodes by index)."""
    floor = datetime.min.replace(tzinfo=UTC)
    keyed = [(_parse(e.at) or floor, 0, i, _event_row(e)) for i, e in enumerate(state.events)]
    keyed += [(_parse(x.started_at) or floor, 1, x.index, _node_row(x)) for x in state.executions]
    return [row for *_key, row in sorted(keyed, key=lambda k: k[:3])]


def outcome(state: RunState, *, template: str | None = None) -> str:
    """The first sentence: where the run stands, and what a person does next."""
    if state.status == "awaiting_gate" and state.gate in GATE_NAMES:
        return (
            f"The run is waiting for gate {state.gate} ({GATE_NAMES[state.gate]}): "
            "comment `/approve`, or `/reject` followed by a reason."
        )
    if state.status == "blocked":
        reason = one_line(state.blocked_reason, 500) or "no reason was recorded."
        return f"The run is blocked: {reason}"
    if state.status == "needs_revision":
        return (
            "The draft was rejected without a reason: comment `/reject` followed by what to "
            "change, and the run starts again with it."
        )
    if state.status in ("publishing", "published"):
        return _published(state, template)
    if state.status == "running":
        return "The run is in progress: the latest step is the last row of the table."
    return "The plan is posted: the authoring run has not started yet."


def _published(state: RunState, template: str | None) -> str:
    if state.pull_request is None:
        return "Every gate is approved: the pull request to the Learning Room template opens next."
    # A bare #N would link to the admin repository's issue N; owner/name#N links across.
    where = (
        f"pull request {template}#{state.pull_request}"
        if template
        else f"the Learning Room template's pull request {state.pull_request}"
    )
    if state.status == "published":
        return f"Published in {where}."
    return f"Every gate is approved: publishing in {where}, waiting for certification."


def _counts(state: RunState) -> str:
    runs = state.executions
    if not runs:
        return ""
    passed = sum(1 for x in runs if x.passed)
    calls = sum(x.model_calls for x in runs)
    steps = "1 step has run" if len(runs) == 1 else f"{len(runs)} steps have run"
    return (
        f"{steps}: {passed} passed, {len(runs) - passed} failed; "
        f"authoring attempt {state.authoring_attempt} of {MAX_AUTHORING_ATTEMPTS}, "
        f"reviewer attempt {state.reviewer_attempt} of {MAX_REVIEWER_ATTEMPTS}; "
        f"{calls} model call{'' if calls == 1 else 's'}."
    )


def _verdict_cell(row: Row) -> str:
    if not row.findings:
        return row.verdict
    more = len(row.findings) - 1
    first = one_line(row.findings[0], _CELL)
    tail = f" (and {more} more)" if more else ""
    return f"{row.verdict}: {first}{tail}" if row.verdict else f"{first}{tail}"


def _table_line(row: Row) -> str:
    cells = (
        clock(row.at),
        one_line(row.what),
        _verdict_cell(row),
        row.attempt,
        duration(row.seconds),
    )
    return "| " + " | ".join(cells) + " |"


def render_timeline(state: RunState, *, template: str | None = None) -> str:
    """The brief's timeline comment: marker, heading, the outcome first, then the table (the
    newest rows that fit GitHub's body limit; the full record is ``timeline.json``).
    ``template``: the Learning Room template's owner/name, to link the pull request."""
    head = [
        marker(TIMELINE_KEY),
        f"## Authoring timeline: {one_line(state.plan.title, 120)}",
        "",
        outcome(state, template=template),
    ]
    counts = _counts(state)
    if counts:
        head += ["", counts]
    every = rows(state)
    if not every:
        return "\n".join([*head, "", "Nothing has happened yet: the table starts with the run."])
    lines = [_table_line(row) for row in every]
    budget = BODY_LIMIT - _MARGIN - len("\n".join(head)) - len(HEADER)
    kept = len(lines)
    size = sum(len(line) + 1 for line in lines)
    while kept > 1 and size > budget:
        size -= len(lines[len(lines) - kept]) + 1
        kept -= 1
    left_out = len(lines) - kept
    if left_out:
        intro = (
            f"The table lists the latest {kept} of {len(lines)} steps and events, oldest first; "
            f"the {left_out} earlier ones are left out here and kept in "
            f"`{timeline_path(state.brief_issue)}` in the admin repository."
        )
    else:
        intro = (
            f"The table lists all {len(lines)} steps and events, oldest first: when, what, "
            "the verdict with its first finding, the attempt and how long it took."
        )
    return "\n".join([*head, "", intro, "", HEADER, *lines[left_out:]]) + "\n"


def timeline_json(state: RunState, *, template: str | None = None) -> str:
    """The full timeline as stable JSON (sorted keys), for the admin repository: every row with
    every finding, never a file of the bundle."""
    record = {
        "brief_issue": state.brief_issue,
        "status": state.status,
        "gate": state.gate,
        "outcome": outcome(state, template=template),
        "pull_request": state.pull_request,
        "rows": [
            {
                "at": row.at,
                "kind": row.kind,
                "what": row.what,
                "verdict": row.verdict,
                "findings": list(row.findings),
                "attempt": row.attempt,
                "seconds": row.seconds,
                "model_calls": row.model_calls,
                "actor": row.actor,
            }
            for row in rows(state)
        ],
    }
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def post_timeline(
    admin: Repo,
    state: RunState,
    *,
    template: str | None = None,
    comments: int | None = None,
) -> tuple[Outcome, WriteOutcome]:
    """Upsert the timeline comment on the brief (found among our own comments only) and write
    ``authoring/<n>/timeline.json``; nothing is written when neither changed. ``comments``: the
    brief's comment count when the caller just read it (``Repo.upsert_comment``)."""
    body = render_timeline(state, template=template)
    said = admin.upsert_comment(state.brief_issue, TIMELINE_KEY, body, comments=comments)
    text = timeline_json(state, template=template)
    stored = admin.write_file(
        timeline_path(state.brief_issue),
        lambda _old: text,
        f"Authoring timeline of brief #{state.brief_issue}: {state.status}",
    )
    return said, stored
