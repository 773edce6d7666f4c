"""The watchdog, decided: which problems exist now, and the alert issue each one gets.

Pure functions only; ``watchdog_read`` gathers the facts and ``watchdog_cli`` writes the alerts
through ``glow.cohort.marked_issues`` (one issue per problem, found by its marker
``<!-- glow:watchdog:<kind>:<cohort>:<handle-or-scope> -->``, closed with a "healed" comment once
the problem is gone). Seed 003, section 14: no silent failure. Every alert says what failed and
for whom, the retry gesture, the manual fallback and who owns it (STYLE.md, rule 7), from one
table keyed by kind. Alert text holds no relative time, so an unchanged problem writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from glow.cohort.marked_issues import Wanted
from glow.cohort.model import Learner, LogEntry
from glow.cohort.progress import Progress, parse_time

LABEL = "watchdog"
LABELS: dict[str, tuple[str, str]] = {
    LABEL: ("b60205", "Watchdog alert: a problem that needs a facilitator"),
}
RUNBOOK = "docs/runbooks/dashboard-and-watchdog.md"
DEFAULT_STALL_MINUTES = 15
DEFAULT_RUN_WINDOW_HOURS = 24
FAILED_CONCLUSIONS = frozenset({"failure", "timed_out", "startup_failure"})
REPO_SCOPE = "all"  # the cohort part of the key for repository-wide alerts

Kind = Literal[
    "provision-failed",
    "provision-stalled",
    "room-missing",
    "room-access",
    "room-workflows",
    "stuck",
    "failed-runs",
]


@dataclass(frozen=True)
class Copy:
    """The four parts of an alert (STYLE.md, rule 7); ``{names}`` come from the problem."""

    title: str
    what: str
    retry: str
    fallback: str


PROVISION_RETRY = (
    "Re-run the Provision workflow (Actions tab, Provision, Run workflow) for cohort {cohort}, "
    "or run `glow provision --cohort {cohort} --learner {handle}`. It resumes safely and never "
    "makes a second room."
)
VERIFY_RETRY = (
    "Run `glow provision --cohort {cohort} --learner {handle} --verify` (or the Provision "
    "workflow with verify): it {repairs}."
)
COPY: dict[Kind, Copy] = {
    "provision-failed": Copy(
        title="Watchdog: {who} has no Learning Room yet (provisioning failed)",
        what="Provisioning of the Learning Room for {who} (cohort {cohort}) failed.",
        retry=PROVISION_RETRY,
        fallback=(
            "Create the room by hand from the template (Use this template, private, named "
            "{room_name}), add {who} as a collaborator with write access, then follow "
            "docs/runbooks/provisioning.md to record it in the roster."
        ),
    ),
    "provision-stalled": Copy(
        title="Watchdog: {who} has no Learning Room yet (provisioning stalled)",
        what=(
            "{who} (cohort {cohort}) registered at {registered} and provisioning is still "
            "pending after {stall} minutes."
        ),
        retry=PROVISION_RETRY,
        fallback=(
            "Open the latest run of the Provision workflow and read its error; if it is not "
            "running at all, follow docs/runbooks/provisioning.md."
        ),
    ),
    "room-missing": Copy(
        title="Watchdog: {who}'s Learning Room is missing or unreachable",
        what="The roster says {who} (cohort {cohort}) has the Learning Room {room}, {why}.",
        retry=VERIFY_RETRY,
        fallback=(
            "Check that {room} exists and that the provisioning App can reach it (organisation "
            "settings, GitHub Apps, repository access). If the room was deleted, set "
            "provision_state to failed for {who} in the roster and re-run provisioning."
        ),
    ),
    "room-access": Copy(
        title="Watchdog: {who} cannot open their Learning Room ({why})",
        what="{who} (cohort {cohort}) is not a collaborator of {room}: {why}.",
        retry=VERIFY_RETRY,
        fallback=(
            "In {room}, Settings, Collaborators: add {who} with write access, then ask the "
            "learner to accept the invitation from their GitHub notifications."
        ),
    ),
    "room-workflows": Copy(
        title="Watchdog: {who}'s Learning Room is missing required workflows",
        what=(
            "{room} (the Learning Room of {who}, cohort {cohort}) does not match the "
            "template's workflows at {template} {sha}."
        ),
        retry=VERIFY_RETRY,
        fallback=(
            "Copy the files listed above from {template} at commit {sha} into {room} on its "
            "default branch."
        ),
    ),
    "stuck": Copy(
        title="Watchdog: {who} is stuck ({where}, no activity since {since})",
        what="{who} (cohort {cohort}) has done nothing for {stuck} minutes or more: {where}.",
        retry=(
            "Open {room} and the learner's current challenge, read their last comment and offer "
            "help there. If the next challenge never opened, run the room's progression "
            "workflow with start_challenge."
        ),
        fallback=(
            "Reach the learner directly (the workshop chat or in person). The registration "
            "issue is {registration}."
        ),
    ),
    "failed-runs": Copy(
        title="Watchdog: workflow runs are failing in {repo}",
        what="The latest run of these workflows in {repo} failed:",
        retry=(
            "Open the failed run, fix the cause, then re-run it (Re-run jobs). This alert "
            "closes when each workflow's latest run succeeds."
        ),
        fallback=(
            "Do by hand what the workflow does: each contract's manual fallback is in "
            "docs/runbooks/contracts.md."
        ),
    ),
}
OWNER = "Who owns it: the facilitators{of_cohort}."
FOOTER = (
    "Raised by the Watchdog workflow (glow watchdog); it closes this alert itself when the "
    "problem is gone. Runbook: " + RUNBOOK + "#alert-{kind}."
)
HEALED = (
    "Healed at {at}: the watchdog no longer sees this problem ({what}). Closing the alert; it "
    "reopens if the problem comes back."
)


def utc(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "never"


def scope_key(text: str) -> str:
    # Marker keys may not hold "--" (it would end the HTML comment) or spaces.
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.:/@#-]", "-", text.lower()))


@dataclass(frozen=True)
class Problem:
    """One problem, as stable facts: the same problem renders the same text on every run."""

    kind: Kind
    cohort: str
    scope: str
    values: Mapping[str, str] = field(default_factory=dict)
    facts: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"watchdog:{self.kind}:{self.cohort}:{scope_key(self.scope)}"


@dataclass(frozen=True)
class FailedRun:
    workflow: str
    path: str
    at: datetime | None
    url: str


@dataclass(frozen=True)
class RoomHealth:
    """What GitHub shows about a provisioned room."""

    repo: str
    exists: bool
    archived: bool = False  # archived by teardown: the workshop is over, nothing to watch
    collaborator: bool = True
    invitation: Literal["none", "pending", "expired"] = "none"
    missing: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """The template's workflows at the cohort's pinned commit: path -> blob sha."""

    repo: str
    sha: str
    workflows: Mapping[str, str]


def workflow_gaps(
    template: Mapping[str, str], room: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(missing, changed): template workflows the room lacks, or holds with other content."""
    missing = tuple(sorted(path for path in template if path not in room))
    changed = tuple(sorted(p for p, sha in template.items() if p in room and room[p] != sha))
    return missing, changed


def failing_workflows(
    runs: Iterable[Mapping[str, Any]], *, now: datetime, window: timedelta
) -> tuple[FailedRun, ...]:
    """Workflows whose latest completed run (within ``window``) failed, by path.

    Judged on the latest run of each workflow, not on any failure: a workflow fixed and re-run
    successfully is healed, and a failure older than the window is history.
    """
    latest: dict[str, Mapping[str, Any]] = {}
    for run in runs:
        if run.get("status") != "completed":
            continue
        path = str(run.get("path") or run.get("name") or "")
        if path not in latest or int(run.get("id") or 0) > int(latest[path].get("id") or 0):
            latest[path] = run
    failed = []
    for path, run in sorted(latest.items()):
        at = parse_time(run.get("created_at"))
        recent = at is None or now - at <= window
        if run.get("conclusion") in FAILED_CONCLUSIONS and recent:
            failed.append(
                FailedRun(str(run.get("name") or path), path, at, str(run.get("html_url")))
            )
    return tuple(failed)


def provisioning_problems(
    learner: Learner, last_error: LogEntry | None, *, now: datetime, stall_after: timedelta
) -> list[Problem]:
    values = _learner_values(learner)
    if learner.provision_state == "failed":
        facts = ()
        if last_error is not None:
            detail = last_error.error_detail or "no detail recorded"
            facts = (f"Last attempt at {utc(last_error.attempt_at)}: {detail}",)
        return [Problem("provision-failed", learner.cohort_id, learner.key, values, facts)]
    registered = learner.registered_at
    if registered.tzinfo is None:
        registered = registered.replace(tzinfo=UTC)
    if learner.provision_state == "pending" and now - registered > stall_after:
        values = {
            **values,
            "registered": utc(registered),
            "stall": f"{stall_after.total_seconds() / 60:g}",
        }
        return [Problem("provision-stalled", learner.cohort_id, learner.key, values)]
    return []


def room_problems(learner: Learner, health: RoomHealth, template: Template | None) -> list[Problem]:
    values = _learner_values(learner)
    if not health.exists:
        why = (
            "but GitHub answers that it does not exist or cannot be reached (404)"
            if learner.learning_room_repo
            else "but the roster names no room for them"
        )
        return [Problem("room-missing", learner.cohort_id, learner.key, {**values, "why": why})]
    if health.archived:
        return []
    found = []
    if not health.collaborator and health.invitation != "pending":
        why = "the invitation expired" if health.invitation == "expired" else "no invitation"
        found.append(Problem("room-access", learner.cohort_id, learner.key, {**values, "why": why}))
    if template is not None and (health.missing or health.changed):
        facts = tuple(f"Missing: {path}" for path in health.missing) + tuple(
            f"Different from the template: {path}" for path in health.changed
        )
        sha = {"template": template.repo, "sha": template.sha[:7]}
        found.append(
            Problem("room-workflows", learner.cohort_id, learner.key, {**values, **sha}, facts)
        )
    return found


def stuck_problem(learner: Learner, progress: Progress, stuck_after: timedelta) -> Problem | None:
    if not progress.stuck:
        return None
    where = (
        f"on challenge {progress.current}"
        if progress.current is not None
        else "no challenge issue open"
    )
    since = progress.last_activity or learner.registered_at
    values = {
        **_learner_values(learner),
        "where": where,
        "since": utc(since),
        "stuck": f"{stuck_after.total_seconds() / 60:g}",
    }
    return Problem("stuck", learner.cohort_id, learner.key, values)


def runs_problem(
    cohort: str, scope: str, repo: str, failed: tuple[FailedRun, ...]
) -> Problem | None:
    if not failed:
        return None
    facts = tuple(
        f"{run.workflow} ({run.path}): failed at {utc(run.at)}, {run.url}" for run in failed
    )
    return Problem("failed-runs", cohort, scope, {"repo": repo}, facts)


def _learner_values(learner: Learner) -> dict[str, str]:
    from glow.cohort.model import room_name

    return {
        "who": learner.github_handle,
        "handle": learner.key,
        "cohort": learner.cohort_id,
        "room": learner.learning_room_repo or "(no room in the roster)",
        "room_name": room_name(learner.cohort_id, learner.github_handle),
        "registration": f"{learner.registration_repo}#{learner.registration_issue}",
        "repairs": "restores what the room lacks in one commit and invites the learner again",
    }


# Rendering ---------------------------------------------------------------------------------------


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"({key} unknown)"


def alert(problem: Problem) -> Wanted:
    copy = COPY[problem.kind]
    values = _Defaults(problem.values)
    title = copy.title.format_map(values)
    of_cohort = "" if problem.cohort == REPO_SCOPE else f" of cohort {problem.cohort}"
    lines = [title.removeprefix("Watchdog: ") + ".", "", copy.what.format_map(values)]
    if problem.facts:
        lines += [""] + [f"- {fact}" for fact in problem.facts]
    lines += [
        "",
        "Retry: " + copy.retry.format_map(values),
        "",
        "Manual fallback: " + copy.fallback.format_map(values),
        "",
        OWNER.format(of_cohort=of_cohort),
        "",
        FOOTER.format(kind=problem.kind),
    ]
    return Wanted.make(problem.key, title, "\n".join(lines), (LABEL,))


def healed_note(title: str, at: datetime) -> str:
    return HEALED.format(at=utc(at), what=title.removeprefix("Watchdog: "))
