"""The room watchdog: a failed run of a Learning Room's workflow (room.yml) gets a blameless
notice in the room, on the issue or pull request it was about, unless a later run already healed
it (a later run of room.yml succeeded: every behaviour looks at the whole room on every event;
or the autograders' comment there was updated after the failed run started).

Why here and not in the room: a run that dies before glow starts (install failure, timeout, a
crash) cannot say anything itself, and the room holds no credential that could read its own
runs. The cohort watchdog already reads every room's runs (WATCHDOG_RUNS_TOKEN, Actions: read)
and writes to rooms with the provisioning App (Issues: write), so it posts the notice. The
grading handler's own error path covers the runs that do reach glow (``grade-problem:<family>``).

Which thing a run was about: ``pull_requests`` of the run for a pull_request event; otherwise
GitHub titles the run (``display_title``) with the issue's or pull request's title, which must
name exactly one issue of the room (an ambiguous title posts nothing: the admin alert still
stands). The notice is keyed by the run id (``room-run-failed:<id>``), so a re-run of the
watchdog writes nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from glow.cohort.progress import parse_time
from glow.cohort.watchdog.decide import FAILED_CONCLUSIONS

if TYPE_CHECKING:
    from glow.github import Repo

ROOM_WORKFLOW = ".github/workflows/room.yml"
GRADE_PREFIX = "<!-- glow:grade:"


@dataclass(frozen=True)
class RunNotice:
    run_id: int
    number: int
    pull_request: bool
    started: str

    @property
    def key(self) -> str:
        return f"room-run-failed:{self.run_id}"


def failed_room_runs(runs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [
        r
        for r in runs
        if r.get("status") == "completed"
        and r.get("conclusion") in FAILED_CONCLUSIONS
        and str(r.get("path") or "").endswith(ROOM_WORKFLOW)
    ]


def subject_of(
    run: Mapping[str, Any], items: Iterable[Mapping[str, Any]]
) -> tuple[int, bool] | None:
    """(number, is a pull request) the run was about, or None when it cannot be told."""
    pulls = run.get("pull_requests") or []
    if pulls and isinstance(pulls[0], dict) and isinstance(pulls[0].get("number"), int):
        return int(pulls[0]["number"]), True
    title = str(run.get("display_title") or "")
    same = [i for i in items if title and str(i.get("title") or "") == title]
    if len(same) != 1:
        return None
    return int(same[0]["number"]), "pull_request" in same[0]


def healed(run: Mapping[str, Any], comments: Iterable[Mapping[str, Any]]) -> bool:
    """A bot's grade comment on the thing was updated after the failed run started."""
    started = parse_time(run.get("run_started_at") or run.get("created_at"))
    for comment in comments:
        user = comment.get("user") or {}
        bot = user.get("type") == "Bot" or str(user.get("login") or "").endswith("[bot]")
        updated = parse_time(comment.get("updated_at"))
        body = str(comment.get("body") or "")
        if bot and body.startswith(GRADE_PREFIX) and started and updated and updated > started:
            return True
    return False


def later_success(run: Mapping[str, Any], runs: Iterable[Mapping[str, Any]]) -> bool:
    """A later room.yml run succeeded: every room behaviour looks at the whole room on every
    event, so that run did what the failed one would have done."""
    created = parse_time(run.get("created_at"))
    for other in runs:
        later = parse_time(other.get("created_at"))
        if (
            other.get("conclusion") == "success"
            and str(other.get("path") or "").endswith(ROOM_WORKFLOW)
            and created is not None
            and later is not None
            and later > created
        ):
            return True
    return False


def plan_notices(
    runs: Sequence[Mapping[str, Any]],
    items: list[Mapping[str, Any]],
    comments_of: Mapping[int, list[Mapping[str, Any]]],
) -> list[RunNotice]:
    """The notices a room needs: one per failed room.yml run that nothing healed (a later
    successful run, or a grade comment updated after it started)."""
    out = []
    for run in failed_room_runs(runs):
        if later_success(run, runs):
            continue
        found = subject_of(run, items)
        if found is None or healed(run, comments_of.get(found[0], [])):
            continue
        started = str(run.get("run_started_at") or run.get("created_at") or "")
        out.append(RunNotice(int(run["id"]), found[0], found[1], started))
    return out


def post_room_notices(room: Repo, runs: Sequence[Mapping[str, Any]], *, dry_run: bool) -> int:
    """Read the room (one list, one per subject), post what ``plan_notices`` asks for."""
    from glow.cohort.watchdog.copy import room_run_notice

    failed = [r for r in failed_room_runs(runs) if not later_success(r, runs)]
    if not failed:
        return 0
    items = list(room.paginate(room.url("issues"), {"state": "all"}))
    subjects = {s[0] for r in failed if (s := subject_of(r, items)) is not None}
    comments_of = {n: list(room.paginate(room.url("issues", n, "comments"))) for n in subjects}
    written = 0
    for notice in plan_notices(runs, items, comments_of):
        if dry_run:
            print(f"would post a run-failed notice on {room.full_name}#{notice.number}")
            continue
        body = room_run_notice(notice.run_id, pull_request=notice.pull_request)
        if room.upsert_comment(notice.number, notice.key, body) != "unchanged":
            written += 1
    return written
