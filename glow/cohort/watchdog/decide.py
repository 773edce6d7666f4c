"""The watchdog, decided: which problems exist now, as stable facts.

Pure functions only; ``read`` gathers the facts, ``copy`` renders each problem as its alert and
``board`` writes the alerts through ``glow.cohort.marked_issues`` (one issue per problem, found
by its marker ``<!-- glow:watchdog:<kind>:<cohort>:<handle-or-scope> -->``, closed with a
"healed" comment once the problem is gone). Seed 003, section 14: no silent failure. A problem
holds no relative time, so an unchanged problem renders the same alert and writes nothing.

What a run may leave unread is decided here too (``RoomMemo``, ``full_reads``, ``plan_room``,
``remember``): a room found healthy is remembered between runs (``memory``), and a later run
reads again only what GitHub shows has changed (its tree after a push, its runs after activity),
and the learner's access and the runs of every room at least once every
``DEFAULT_FULL_READ_MINUTES``, spread over the runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from glow.cohort.model import Learner, LogEntry
from glow.cohort.progress import Progress, github_time, parse_time
from glow.cohort.watchdog.copy import (
    FACT_CHANGED,
    FACT_LAST_ATTEMPT,
    FACT_MISSING,
    FACT_RUN,
    NO_DETAIL,
    REPAIRS,
    WHERE_CHALLENGE,
    WHERE_NO_CHALLENGE,
    WHY_EXPIRED,
    WHY_NO_INVITATION,
    WHY_NO_ROOM,
    WHY_ROOM_404,
    utc,
)

DEFAULT_STALL_MINUTES = 15
DEFAULT_RUN_WINDOW_HOURS = 24
# Every room read in full at least this often. Nothing here assumes the schedule's cadence: a
# run reads the share of the rooms that the time since the last run is of this (``full_reads``).
# The schedule's runs, three hours apart (admin-roster watchdog.yml), each read every room; the
# hour bounds what dispatched runs between them read (one full read an hour at most), which is
# what kept 300 learners under the App's 5,000 requests an hour when the schedule ran every 10
# minutes.
DEFAULT_FULL_READ_MINUTES = 60
# A push this recent may share its second with a later one (or be ahead of our clock): its
# tree is not remembered.
PUSH_SETTLED = timedelta(seconds=10)
# Activity this recent may still start a run that GitHub does not list yet: its runs are not
# remembered as clean.
RUNS_SETTLED = timedelta(minutes=10)
FAILED_CONCLUSIONS = frozenset({"failure", "timed_out", "startup_failure"})
REPO_SCOPE = "all"  # the cohort part of the key for repository-wide alerts
ANY_KIND = ""  # a skipped check of every kind
RUNS_KIND = "failed-runs"

Kind = Literal[
    "provision-failed",
    "provision-stalled",
    "room-missing",
    "room-access",
    "room-workflows",
    "stuck",
    "failed-runs",
]


def scope_key(text: str) -> str:
    # Marker keys may not hold "--" (it would end the HTML comment) or spaces.
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_.:/@#-]", "-", text.lower()))


# The alerts provisioning heals: its scheduled run visits these learners' rooms (``glow
# provision --heal-flagged``) instead of re-reading every room every hour.
HEALABLE: tuple[Kind, ...] = ("room-missing", "room-access", "room-workflows")


def flagged_for_healing(keys: Iterable[str], cohort: str) -> set[str]:
    """The scope keys (``scope_key`` of a learner's handle) of ``cohort`` whose open alert
    (``keys``: watchdog:<kind>:<cohort>:<scope>) provisioning can heal."""
    found = set()
    for key in keys:
        _, kind, where, scope = [*key.split(":", 3), "", "", ""][:4]
        if kind in HEALABLE and where == cohort and scope:
            found.add(scope)
    return found


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

    @property
    def repo_wide(self) -> bool:
        """A problem of a repository (failed runs), not of one cohort's learner."""
        return self.cohort == REPO_SCOPE


@dataclass
class Findings:
    """Every problem found, the checks that did not run (their alerts are left alone), and
    each thing that could not be checked as one facilitator line."""

    problems: list[Problem] = field(default_factory=list)
    # (cohort, scope, kind) not checked, their alerts left alone; kind ANY_KIND: every kind
    skipped: set[tuple[str, str, str]] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


def in_scope(key: str, cohorts: set[str], skipped: set[tuple[str, str, str]]) -> bool:
    """Whether this run may close the alert ``key`` (watchdog:<kind>:<cohort>:<scope>): its
    cohort was checked, and so was its check; an alert whose check did not run is left alone."""
    _, kind, cohort, scope = [*key.split(":", 3), "", "", ""][:4]
    return cohort in cohorts and not {(cohort, scope, ANY_KIND), (cohort, scope, kind)} & skipped


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
        facts: tuple[str, ...] = ()
        if last_error is not None:
            detail = last_error.error_detail or NO_DETAIL
            facts = (FACT_LAST_ATTEMPT.format(at=utc(last_error.attempt_at), detail=detail),)
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
        why = WHY_ROOM_404 if learner.learning_room_repo else WHY_NO_ROOM
        return [Problem("room-missing", learner.cohort_id, learner.key, {**values, "why": why})]
    if health.archived:
        return []
    found = []
    if not health.collaborator and health.invitation != "pending":
        why = WHY_EXPIRED if health.invitation == "expired" else WHY_NO_INVITATION
        found.append(Problem("room-access", learner.cohort_id, learner.key, {**values, "why": why}))
    if template is not None and (health.missing or health.changed):
        facts = tuple(FACT_MISSING.format(path=path) for path in health.missing) + tuple(
            FACT_CHANGED.format(path=path) for path in health.changed
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
        WHERE_CHALLENGE.format(current=progress.current)
        if progress.current is not None
        else WHERE_NO_CHALLENGE
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
        FACT_RUN.format(workflow=run.workflow, path=run.path, at=utc(run.at), url=run.url)
        for run in failed
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
        "repairs": REPAIRS,
    }


@dataclass(frozen=True)
class RoomMemo:
    """What a run found healthy in one room, remembered for the next runs (``memory``).

    Only a healthy room is remembered: a room with a problem, or whose learner is not yet a
    collaborator, is read in full on every run, so its alert is raised or closed at once.
    """

    handle: str  # the learner it was checked for
    read_at: datetime  # its last full read: the learner's access and the runs
    tree: str = ""  # ``tree_stamp`` when its tree last matched the template ("": not known)
    activity: str = ""  # ``room_activity`` when its runs were last read clean ("": not known)


@dataclass(frozen=True)
class RoomPlan:
    """What to read of one room this run."""

    full: bool  # the learner's access (collaborator, invitation) and the room's runs
    tree: bool  # the default branch's tree, compared with the template


def tree_stamp(listed: Mapping[str, Any] | None, template: Template | None) -> str:
    """The room's last push, its default branch and the template commit compared with: the tree
    a run found healthy is the same tree while this stays the same ("": cannot be told)."""
    pushed = str((listed or {}).get("pushed_at") or "")
    if not pushed or template is None:
        return ""
    return f"{pushed} {(listed or {}).get('default_branch') or 'main'} {template.sha}"


def room_activity(
    listed: Mapping[str, Any] | None, issues: Iterable[Mapping[str, Any]] | None
) -> str:
    """The room's latest activity: its last push, or the latest update of an issue or pull
    request (a comment updates its issue); every room.yml run follows such an event.
    "" when the room's issues could not be read."""
    if issues is None:
        return ""
    times = [parse_time((listed or {}).get("pushed_at"))]
    times += [parse_time(issue.get("updated_at")) for issue in issues]
    known = [t for t in times if t is not None]
    return github_time(max(known)) if known else ""


def full_reads(
    memos: Mapping[str, RoomMemo],
    rooms: Mapping[str, str],
    *,
    now: datetime,
    every: timedelta,
    last_run: datetime | None,
) -> set[str]:
    """The rooms (room -> learner) to read in full this run.

    Every room not remembered for its learner, or read in full ``every`` ago or more; and, so
    the reads stay spread over the runs, the rooms read longest ago, as many as the time since
    the last run is a share of ``every`` (a run 10 minutes after the last, with ``every`` an
    hour, reads a sixth of the rooms; the schedule's run three hours after the last reads them
    all). Without a last run, every room.
    """
    if last_run is None:
        return set(rooms)
    oldest = datetime.min.replace(tzinfo=UTC)

    def read_at(room: str) -> datetime:
        memo = memos.get(room)
        known = memo is not None and memo.handle == rooms[room] and memo.read_at <= now
        return memo.read_at if known and memo is not None else oldest

    due = {room for room in rooms if now - read_at(room) >= every}
    share = max((now - last_run) / every, 0.0)
    quota = min(len(rooms), math.ceil(len(rooms) * share))
    spread = sorted(rooms, key=lambda room: (read_at(room), room))[:quota]
    return due | set(spread)


def plan_room(memo: RoomMemo | None, handle: str, *, full: bool, tree: str) -> RoomPlan:
    """Everything when the room is not remembered for this learner; else the learner's access
    (and the runs) when ``full``, and the tree only when it may have changed: a push, another
    default branch or another template commit changes ``tree``."""
    if memo is None or memo.handle != handle:
        return RoomPlan(full=True, tree=True)
    return RoomPlan(full=full, tree=not tree or memo.tree != tree)


def runs_known(memo: RoomMemo | None, plan: RoomPlan, activity: str) -> bool:
    """Whether the room's runs need no read: remembered clean at this same activity."""
    return not plan.full and memo is not None and bool(activity) and memo.activity == activity


def runs_clean(
    runs: Iterable[Mapping[str, Any]],
    failed: tuple[FailedRun, ...],
    *,
    activity: str,
    now: datetime,
) -> bool:
    """Runs read with none failing and none unfinished, long enough after the room's latest
    activity that the run it started is listed: clean until the room shows activity again."""
    at = parse_time(activity)
    done = all(run.get("status") == "completed" for run in runs)
    return not failed and done and at is not None and now - at >= RUNS_SETTLED


def remember(
    previous: RoomMemo | None,
    handle: str,
    health: RoomHealth,
    plan: RoomPlan,
    *,
    now: datetime,
    tree: str,
    activity: str | None,
) -> RoomMemo | None:
    """What to remember of a room after this run; None (read it in full next run) unless the
    room is healthy. ``activity``: the activity its runs were found clean at this run (""
    when read and not clean, or not read for lack of a runs token); None when not read because
    they were remembered clean."""
    healthy = (
        health.exists
        and not health.archived
        and health.collaborator
        and not health.missing
        and not health.changed
    )
    if not healthy:
        return None
    kept = previous if previous is not None and previous.handle == handle else None
    read_at = now if plan.full or kept is None else kept.read_at
    pushed = parse_time(tree.split(" ", 1)[0]) if tree else None
    if plan.tree:
        settled = pushed is not None and now - pushed >= PUSH_SETTLED
        tree = tree if settled else ""
    else:
        tree = kept.tree if kept is not None else ""
    if activity is None:
        activity = kept.activity if kept is not None else ""
    return RoomMemo(handle, read_at, tree, activity)
