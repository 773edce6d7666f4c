"""The brief's gates, decided without I/O: reading `/approve` and `/reject <reason>`, who is
heard, every gate transition, gate 1's precondition, and the reasons a refusal gives."""

from __future__ import annotations

import pytest

from glow.authoring.loop.gates import (
    Approve,
    Reject,
    decide,
    parse_command,
    read_permission,
    refusal_reply,
)
from glow.authoring.loop.state import RunState
from tests.authoring_loop_states import awaiting, execution

AT = "2026-12-07T11:00:00Z"


# Reading the command ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "command"),
    [
        ("/approve", Approve()),
        ("  /APPROVE  ", Approve()),
        ("\n\n/Approve\nlooks good to me", Approve()),
        ("/approve thanks", Approve()),
        ("/reject", Reject("")),
        ("/reject   ", Reject("")),
        ("/Reject the tests are too easy", Reject("the tests are too easy")),
        ("/reject\r\nThe second deliverable\r\nrepeats the first.", Reject(
            "The second deliverable\nrepeats the first."
        )),
        ("/reject too easy\nand too long", Reject("too easy\nand too long")),
    ],
)  # fmt: skip
def test_a_gate_command_is_read_from_the_first_non_empty_line(body: str, command: object) -> None:
    assert parse_command(body) == command


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "I think we should /approve this",
        "/approved",
        "/rejected: no",
        "> /approve\nquoted, not said",
        "`/approve`",
        "Looks good.\n/approve",
    ],
)
def test_anything_else_is_no_command(body: str | None) -> None:
    assert parse_command(body) is None


# Who is heard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("permission", ["read", "triage", "none", "", "pull"])
@pytest.mark.parametrize("command", [Approve(), Reject("too easy"), Reject("")])
def test_without_write_access_nothing_changes_and_nobody_is_answered(
    permission: str, command: Approve | Reject
) -> None:
    state = awaiting(1)
    decision = decide(state, command, "mallory", permission, at=AT)
    assert (decision.outcome, decision.refusal, decision.changed) == ("ignored", "", False)
    assert decision.state is state


@pytest.mark.parametrize("command", [Approve(), Reject("too easy")])
def test_a_bot_is_never_heard_even_with_write_access(command: Approve | Reject) -> None:
    state = awaiting(1)
    assert decide(state, command, "github-actions[bot]", "write", at=AT).outcome == "ignored"
    assert decide(state, command, "helper", "admin", at=AT, bot=True).outcome == "ignored"
    # Not awaiting a gate: still no refusal for a bot to read.
    running = state.model_copy(update={"status": "running", "gate": None})
    assert decide(running, command, "renovate[bot]", "admin", at=AT).refusal == ""


@pytest.mark.parametrize("permission", ["admin", "maintain", "write", "WRITE"])
def test_admin_maintain_and_write_are_heard(permission: str) -> None:
    assert decide(awaiting(1), Approve(), "octo", permission, at=AT).outcome == "approved"


# Approvals --------------------------------------------------------------------------------------


def test_gate_one_then_two_then_three_then_publishing() -> None:
    state = awaiting(1)
    seen = []
    for who in ("owner", "maintainer", "owner"):
        decision = decide(state, Approve(), who, "admin", at=AT)
        assert decision.outcome == "approved"
        state = decision.state
        seen.append((state.status, state.gate))
    assert seen == [("awaiting_gate", 2), ("awaiting_gate", 3), ("publishing", None)]
    assert [(e.kind, e.actor, e.text) for e in state.events] == [
        ("course", "owner", "Gate 1 (spec review) approved."),
        ("course", "maintainer", "Gate 2 (progression review) approved."),
        ("course", "owner", "Gate 3 (pre-publish review) approved."),
    ]
    assert {e.at for e in state.events} == {AT}


def test_an_approval_leaves_the_bundle_counters_and_executions_alone() -> None:
    before = awaiting(2)
    after = decide(before, Approve(), "owner", "write", at=AT).state
    unchanged = ("files", "executions", "authoring_attempt", "reviewer_attempt", "feedback")
    for field in unchanged:
        assert getattr(after, field) == getattr(before, field), field


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (
            awaiting(1, executions=[execution(0, "authoring_runtime")]),
            "Gate 1 cannot be approved yet: the latest authoring_tests step has not passed.",
        ),
        (
            awaiting(
                1,
                executions=[
                    execution(0, "authoring_runtime"),
                    execution(1, "authoring_tests"),
                    execution(2, "authoring_runtime", passed=False, attempt=2),
                ],
            ),
            "Gate 1 cannot be approved yet: the latest authoring_runtime step has not passed.",
        ),
        (
            awaiting(1, files={}),
            "Gate 1 cannot be approved yet: the bundle is empty.",
        ),
        (
            awaiting(1, files={}, executions=[]),
            "Gate 1 cannot be approved yet: the latest authoring_runtime step has not passed; "
            "the latest authoring_tests step has not passed; the bundle is empty.",
        ),
    ],
)
def test_gate_one_is_refused_until_runtime_and_tests_passed_with_a_bundle(
    state: RunState, reason: str
) -> None:
    decision = decide(state, Approve(), "owner", "admin", at=AT)
    assert (decision.outcome, decision.refusal) == ("refused", reason)
    assert decision.state is state


def test_gate_two_has_no_precondition_beyond_gate_one() -> None:
    # Gate 2 is reached only through gate 1; its record may since lack nothing.
    state = awaiting(2, executions=[])
    assert decide(state, Approve(), "owner", "admin", at=AT).state.gate == 3


@pytest.mark.parametrize(
    ("update", "reason"),
    [
        ({"status": "planned"}, "the authoring run has not started yet"),
        ({"status": "running"}, "the run is still in progress"),
        ({"status": "needs_revision"}, "the draft was rejected"),
        (
            {"status": "blocked", "blocked_reason": "authoring budget spent"},
            "the run is blocked (authoring budget spent)",
        ),
        ({"status": "publishing"}, "every gate is already approved"),
        ({"status": "published"}, "the draft is already published"),
        ({"status": "awaiting_gate"}, "the run's record names no gate"),
    ],
)
def test_approving_when_no_gate_waits_is_refused_with_the_reason(
    update: dict[str, object], reason: str
) -> None:
    state = awaiting(None, **update)
    decision = decide(state, Approve(), "owner", "maintain", at=AT)
    assert decision.outcome == "refused"
    assert decision.refusal.startswith("Nothing was approved: " + reason)
    assert decision.state is state


# Rejections -------------------------------------------------------------------------------------


@pytest.mark.parametrize("gate", [1, 2, 3])
def test_a_rejection_with_a_reason_becomes_feedback_and_runs_again(gate: int) -> None:
    before = awaiting(gate, authoring_attempt=3, reviewer_attempt=2, feedback=["earlier"])
    decision = decide(before, Reject("make it harder"), "owner", "write", at=AT)
    after = decision.state
    assert decision.outcome == "rejected"
    assert (after.status, after.gate) == ("running", None)
    assert after.feedback == ["earlier", "make it harder"]
    assert (after.authoring_attempt, after.reviewer_attempt) == (0, 0)
    assert after.files == before.files and after.executions == before.executions
    [event] = after.events
    assert (event.kind, event.actor, event.at) == ("course", "owner", AT)
    assert event.text == (
        f"Rejected at gate {gate}, the run starts again with this feedback: make it harder"
    )


def test_a_long_reason_is_kept_whole_as_feedback_and_shortened_on_the_timeline() -> None:
    reason = "Make the second deliverable harder.\n" + "It repeats the first. " * 30
    after = decide(awaiting(1), Reject(reason), "owner", "write", at=AT).state
    assert after.feedback == [reason]
    text = after.events[-1].text
    assert "\n" not in text and text.endswith("…") and len(text) < 280
    assert "this feedback: Make the second deliverable harder. It repeats" in text


def test_a_rejection_without_a_reason_waits_for_a_person() -> None:
    before = awaiting(2, authoring_attempt=3)
    decision = decide(before, Reject(""), "owner", "admin", at=AT)
    after = decision.state
    assert (decision.outcome, after.status, after.gate) == ("rejected", "needs_revision", None)
    assert (after.feedback, after.authoring_attempt) == ([], 3)
    assert after.events[-1].text == "Rejected at gate 2 without a reason."


def test_a_reason_after_a_bare_rejection_starts_the_run_again() -> None:
    bare = decide(awaiting(1), Reject(""), "owner", "admin", at=AT).state
    after = decide(bare, Reject("shorter steps"), "owner", "admin", at=AT).state
    assert (after.status, after.feedback) == ("running", ["shorter steps"])


def test_a_blocked_run_rejected_with_a_reason_runs_again_unblocked() -> None:
    blocked = awaiting(
        None, status="blocked", blocked_reason="authoring budget spent", authoring_attempt=5
    )
    after = decide(blocked, Reject("use the standard library"), "owner", "admin", at=AT).state
    assert (after.status, after.blocked_reason, after.authoring_attempt) == ("running", "", 0)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("planned", "the authoring run has not started yet."),
        ("running", "the run is still in progress; reject once it waits at a gate."),
        ("publishing", "every gate is approved; close the publishing pull request to stop it."),
        ("published", "the draft is already published."),
    ],
)
def test_rejecting_a_run_that_is_not_stopped_is_refused(status: str, reason: str) -> None:
    state = awaiting(None, status=status)
    decision = decide(state, Reject("too easy"), "owner", "admin", at=AT)
    assert (decision.outcome, decision.refusal) == ("refused", f"Nothing was rejected: {reason}")
    assert decision.state is state


def test_the_refusal_reply_starts_with_its_heading_and_says_why() -> None:
    refusal = decide(awaiting(1, files={}), Approve(), "octo", "admin", at=AT).refusal
    lines = refusal_reply(refusal, "octo").splitlines()
    assert lines[0] == "## Gate command not applied"
    assert lines[2] == "Gate 1 cannot be approved yet: the bundle is empty."
    assert all(line == "" or line[0] != " " for line in lines)


# Reading a permission -------------------------------------------------------------------------


class FakeAdmin:
    """Answers GET .../collaborators/{username}/permission as GitHub does (None: 404)."""

    full_name = "org/admin"

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def url(self, *parts: str | int) -> str:
        return "repos/org/admin/" + "/".join(str(p) for p in parts)

    def get_json(self, url: str) -> object:
        self.asked.append(url)
        return self.answer


@pytest.mark.parametrize(
    ("answer", "permission"),
    [
        ({"permission": "admin", "role_name": "admin"}, "admin"),
        # GitHub's legacy ``permission`` maps maintain to write and triage to read.
        ({"permission": "write", "role_name": "maintain"}, "maintain"),
        ({"permission": "write", "role_name": "write"}, "write"),
        ({"permission": "read", "role_name": "triage"}, "triage"),
        ({"permission": "read", "role_name": "read"}, "read"),
        ({"permission": "none", "role_name": "none"}, "none"),
        # A custom role: its base role is the legacy permission.
        ({"permission": "write", "role_name": "release-manager"}, "write"),
        ({"permission": "read", "role_name": "auditor"}, "read"),
        (None, "none"),  # no such user
    ],
)
def test_the_permission_is_read_from_the_role_github_names(answer: object, permission: str) -> None:
    admin = FakeAdmin(answer)
    assert read_permission(admin, "octo cat") == permission  # type: ignore[arg-type]
    assert admin.asked == ["repos/org/admin/collaborators/octo%20cat/permission"]
