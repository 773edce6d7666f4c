"""The brief's three gates: ``/approve`` and ``/reject <reason>`` comments on the brief issue.

Seed 000's gates, GitHub-native: gate 1 (spec review) needs the latest authoring_runtime and
authoring_tests executions to have passed and a bundle; approving gate 1 opens gate 2
(progression review), gate 2 opens gate 3 (pre-publish review), gate 3 sends the run to
publishing. A rejection with a reason becomes feedback, resets both attempt budgets and runs the
graph again; one without a reason waits for a person (``needs_revision``).

Anyone can comment on an issue, so only people with write access to the admin repository
(admin, maintain, write) are heard; anyone else, and any bot, changes nothing and is not
answered. ``parse_command`` and ``decide`` are pure; ``apply_comment`` is the small adapter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from . import store
from .state import Event, RunState
from .timeline import GATE_NAMES, post_timeline

if TYPE_CHECKING:
    from glow.github.repo import Repo

__all__ = [
    "REPLY_KEY",
    "Approve",
    "Command",
    "GateDecision",
    "Reject",
    "apply_comment",
    "decide",
    "gate_one_missing",
    "may_decide",
    "parse_command",
    "read_permission",
    "refusal_reply",
]

REPLY_KEY = "author-gate"
WRITERS = frozenset({"admin", "maintain", "write"})
# The five base roles GitHub names in ``role_name``; a custom role's name is not one of them,
# and its base shows in the legacy ``permission`` (maintain there reads "write").
BASE_ROLES = frozenset({"admin", "maintain", "write", "triage", "read"})
_COMMAND = re.compile(r"/(approve|reject)(?:\s+(.*))?", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Approve:
    pass


@dataclass(frozen=True)
class Reject:
    reason: str = ""


Command = Approve | Reject


def parse_command(body: str | None) -> Command | None:
    """The gate command on the comment's first non-empty line, or None. The command's case does
    not matter; ``/reject``'s reason is the rest of the comment (blank: no reason)."""
    text = (body or "").lstrip("\ufeff").replace("\r\n", "\n").strip()
    first, _, rest = text.partition("\n")
    found = _COMMAND.fullmatch(first.strip())
    if found is None:
        return None
    if found.group(1).lower() == "approve":
        return Approve()
    reason = "\n".join(part for part in ((found.group(2) or "").strip(), rest.strip()) if part)
    return Reject(reason)


Outcome = Literal["ignored", "refused", "approved", "rejected"]


@dataclass(frozen=True)
class GateDecision:
    """What a command does: ``state`` is the run afterwards (the same object when nothing
    changes); ``refusal`` is the sentence to answer with when a writer's command is refused."""

    outcome: Outcome
    state: RunState
    refusal: str = ""

    @property
    def changed(self) -> bool:
        return self.outcome in ("approved", "rejected")


def may_decide(permission: str, *, bot: bool = False) -> bool:
    return not bot and permission.lower() in WRITERS


def decide(
    state: RunState,
    command: Command,
    actor: str,
    permission: str,
    *,
    at: str,
    bot: bool = False,
) -> GateDecision:
    """The run after ``actor`` (with ``permission`` on the admin repository) commented
    ``command`` at ``at`` (ISO 8601, UTC). Without write access, or as a bot, nothing changes."""
    if not may_decide(permission, bot=bot or actor.lower().endswith("[bot]")):
        return GateDecision("ignored", state)
    if isinstance(command, Approve):
        return _approve(state, actor, at)
    return _reject(state, command.reason, actor, at)


def _approve(state: RunState, actor: str, at: str) -> GateDecision:
    gate = state.gate
    if state.status != "awaiting_gate" or gate not in GATE_NAMES:
        return GateDecision("refused", state, not_awaiting(state))
    if gate == 1:
        missing = gate_one_missing(state)
        if missing:
            return GateDecision("refused", state, f"Gate 1 cannot be approved yet: {missing}")
    event = Event(
        at=at, kind="course", actor=actor, text=f"Gate {gate} ({GATE_NAMES[gate]}) approved."
    )
    events = [*state.events, event]
    if gate == 3:
        after = state.model_copy(update={"status": "publishing", "gate": None, "events": events})
    else:
        after = state.model_copy(update={"gate": gate + 1, "events": events})
    return GateDecision("approved", after)


def gate_one_missing(state: RunState) -> str:
    """Why gate 1's hard precondition does not hold (seed 000), or "" when it holds."""
    missing = [
        f"the latest {node} step has not passed"
        for node in ("authoring_runtime", "authoring_tests")
        if not state.passed(node)
    ]
    if not state.files:
        missing.append("the bundle is empty")
    if not missing:
        return ""
    return "; ".join(missing) + "."


def not_awaiting(state: RunState) -> str:
    """Why there is no gate to approve, by the run's status."""
    why = {
        "planned": "the authoring run has not started yet, so there is no gate to approve.",
        "running": "the run is still in progress; approve once it waits at a gate.",
        "needs_revision": (
            "the draft was rejected; comment /reject followed by what to change to run it again."
        ),
        "blocked": f"the run is blocked ({state.blocked_reason or 'no reason recorded'}).",
        "publishing": "every gate is already approved and the draft is being published.",
        "published": "the draft is already published.",
        "awaiting_gate": "the run's record names no gate; re-run the authoring workflow.",
    }[state.status]
    return f"Nothing was approved: {why}"


# A rejection re-runs the graph only from a stopped run: while it runs, the graph writes the
# record after every node, and once every gate is approved the pull request is the place to stop.
_REJECTABLE = ("awaiting_gate", "needs_revision", "blocked")


def _reject(state: RunState, reason: str, actor: str, at: str) -> GateDecision:
    if state.status not in _REJECTABLE:
        why = {
            "planned": "the authoring run has not started yet.",
            "running": "the run is still in progress; reject once it waits at a gate.",
            "publishing": "every gate is approved; close the publishing pull request to stop it.",
            "published": "the draft is already published.",
        }[state.status]
        return GateDecision("refused", state, f"Nothing was rejected: {why}")
    where = f"gate {state.gate}" if state.status == "awaiting_gate" else "the draft"
    if not reason:
        event = Event(
            at=at, kind="course", actor=actor, text=f"Rejected at {where} without a reason."
        )
        after = state.model_copy(
            update={
                "status": "needs_revision",
                "gate": None,
                "events": [*state.events, event],
            }
        )
        return GateDecision("rejected", after)
    event = Event(
        at=at,
        kind="course",
        actor=actor,
        text=f"Rejected at {where}, the run starts again with this feedback: {_gist(reason)}",
    )
    after = state.model_copy(
        update={
            "status": "running",
            "gate": None,
            "blocked_reason": "",
            "feedback": [*state.feedback, reason],
            "pull_request": None,  # a revision is published through a pull request of its own
            "authoring_attempt": 0,
            "reviewer_attempt": 0,
            "events": [*state.events, event],
        }
    )
    return GateDecision("rejected", after)


def _gist(reason: str, limit: int = 200) -> str:
    """The reason on one line, shortened (the whole reason is in ``feedback``)."""
    flat = " ".join(reason.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def refusal_reply(refusal: str, actor: str) -> str:
    """The one reply a refused command gets: heading first, the reason, a next step."""
    return (
        "## Gate command not applied\n\n"
        f"{refusal}\n\n"
        f"Asked by {actor}; the timeline comment on this issue shows where the run stands.\n"
    )


# Adapter ----------------------------------------------------------------------------------------


def read_permission(admin: Repo, login: str) -> str:
    """``login``'s role on the admin repository: admin, maintain, write, triage, read or none
    (GET /repos/{owner}/{repo}/collaborators/{username}/permission; 404: no such user)."""
    from glow.github.repo import segment

    found = admin.get_json(admin.url("collaborators", segment(login), "permission"))
    if not isinstance(found, Mapping):
        return "none"
    role = str(found.get("role_name") or "").lower()
    if role in BASE_ROLES:
        return role
    return str(found.get("permission") or "none").lower()


def apply_comment(
    admin: Repo,
    issue_number: int,
    comment: Mapping[str, Any],
    *,
    template: str | None = None,
) -> GateDecision | None:
    """Carry out one comment on a brief issue (``comment`` as GitHub sends it). None when it is
    no gate command, comes from a bot or the brief has no run; otherwise the decision, after
    the run and the timeline are recorded (honoured) or the refusal answered (a writer's)."""
    command = parse_command(str(comment.get("body") or ""))
    user = comment.get("user") or {}
    login = str(user.get("login") or "")
    if command is None or not login or str(user.get("type") or "User") == "Bot":
        return None
    permission = read_permission(admin, login)
    if not may_decide(permission, bot=login.lower().endswith("[bot]")):
        return None
    at = str(comment.get("created_at") or "")
    # Each gate comment is carried out once, whichever run reads it first: the record keeps
    # the id of the last one (comment ids grow with time).
    raw_id = comment.get("id")
    comment_id = raw_id if isinstance(raw_id, int) else 0
    decisions: list[GateDecision] = []

    def update(old: str | None) -> str | None:
        # Decided again on the record as read for the write, so a run that lands first is
        # never overwritten with an older state.
        decisions.clear()
        if old is None:
            return None
        where = f"{admin.full_name}/{store.run_path(issue_number)}"
        state = store.load(old, where=where)
        if comment_id and comment_id <= state.last_comment:
            return old  # read and carried out by an earlier run
        decision = decide(state, command, login, permission, at=at)
        if decision.changed and comment_id:
            decision = replace(
                decision, state=decision.state.model_copy(update={"last_comment": comment_id})
            )
        decisions.append(decision)
        return store.dump(decision.state) if decision.changed else old

    admin.write_file(store.run_path(issue_number), update, _message(issue_number, command))
    if not decisions:
        return None
    decision = decisions[0]
    if decision.changed:
        post_timeline(admin, decision.state, template=template)
    elif decision.refusal:
        admin.upsert_comment(issue_number, REPLY_KEY, refusal_reply(decision.refusal, login))
    return decision


def _message(issue_number: int, command: Command) -> str:
    said = "approved" if isinstance(command, Approve) else "rejected"
    return f"Authoring brief #{issue_number}: {said} at its gate"
