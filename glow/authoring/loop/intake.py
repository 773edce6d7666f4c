"""`glow author plan`: a course brief issue in the private admin repository becomes a plan,
posted back on the issue as one comment (found again by its marker, ``plan.PLAN_KEY``) and
recorded as the run's first state (``authoring/<issue>/run.json``, status ``planned``).

The deciding is pure (``brief.read_brief``, ``plan.merge_plan``, ``plan.plan_comment``); these
small adapters read the issue, ask the author, and write. A re-run on the same brief with the
same answer writes nothing; a run that has started (any status but ``planned``) keeps its plan.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from glow.errors import ConfigError, GlowError

from .brief import read_brief
from .plan import PLAN_KEY, merge_plan, plan_comment, problems_comment
from .state import Brief, Event, Plan, RunState
from .store import read_run, run_path, save_run

if TYPE_CHECKING:
    from glow.github.repo import Outcome, Repo

    from .authors import Author

NO_TOKEN = (
    "no token: set GLOW_PAT to a personal access token with issues and contents write on the "
    "admin repository (or GITHUB_TOKEN in a workflow)"
)


@dataclass(frozen=True)
class BriefIssue:
    number: int
    title: str
    body: str
    comments: int


@dataclass(frozen=True)
class Planned:
    """What ``plan_brief`` did: the plan (None when the brief has problems), the problems, and
    whether the comment and the record were written."""

    plan: Plan | None
    problems: list[str]
    comment: Outcome
    recorded: Literal["created", "updated", "unchanged", "none"]


def read_issue(admin: Repo, number: int) -> BriefIssue:
    """The brief issue as GitHub has it now, or a GlowError naming the setting to check."""
    found = admin.get_json(admin.url("issues", number))
    if found is None:
        raise GlowError(
            f"issue {number} not found in {admin.full_name}: check --issue and --admin, and that "
            "the token can read that private repository"
        )
    if found.get("pull_request"):
        raise GlowError(
            f"#{number} in {admin.full_name} is a pull request: pass the course brief issue's "
            "number with --issue"
        )
    return BriefIssue(
        number=number,
        title=str(found.get("title") or ""),
        body=str(found.get("body") or ""),
        comments=int(found.get("comments") or 0),
    )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def planned_state(
    issue: int, plan: Plan, earlier: RunState | None, at: str
) -> tuple[RunState, Literal["created", "updated", "unchanged"]]:
    """The run's record with this plan: the first (one event, "The plan was posted"), the
    earlier one unchanged when its plan is the same, or the plan revised (one more event)."""
    if earlier is None:
        event = Event(at=at, kind="course", text="The plan was posted on the brief.")
        return RunState(brief_issue=issue, plan=plan, events=[event]), "created"
    if earlier.plan == plan:
        return earlier, "unchanged"
    event = Event(at=at, kind="course", text="The plan was revised from the brief and posted.")
    revised = earlier.model_copy(
        update={
            "plan": plan,
            "events": [*earlier.events, event],
            "status": "planned",
            "blocked_reason": "",
        }
    )
    return revised, "updated"


def replannable(state: RunState) -> bool:
    """A run whose plan may still change: only planned, or blocked before anything was authored
    (its plan reported instructions in the brief: the creator edits the brief)."""
    return state.status == "planned" or (state.status == "blocked" and not state.executions)


def plan_brief(
    admin: Repo, number: int, author: Author, *, clock: Callable[[], str] = now
) -> Planned:
    """Read brief ``number``, plan it with ``author``, post the plan and record the run."""
    issue = read_issue(admin, number)
    earlier = read_run(admin, number)
    if earlier is not None and not replannable(earlier):
        raise GlowError(
            f"the run of brief #{number} has started (status {earlier.status}), so its plan is "
            f"kept: see {run_path(number)} in {admin.full_name}"
        )
    brief = read_brief(issue.title, issue.body)
    if not isinstance(brief, Brief):
        outcome = admin.upsert_comment(
            number, PLAN_KEY, problems_comment(brief), comments=issue.comments
        )
        return Planned(plan=None, problems=brief, comment=outcome, recorded="none")
    calls = author.calls
    plan = merge_plan(brief, author.plan(brief))
    state, recorded = planned_state(number, plan, earlier, clock())
    if recorded != "unchanged":
        # The plan's model call counts: a recorded author replaying the run skips its answer.
        used = state.model_calls + author.calls - calls
        state = state.model_copy(update={"model_calls": used})
    # Recorded first: a plan on the issue always has its record.
    if recorded != "unchanged":
        save_run(admin, state, f"Plan for course brief #{number} (glow author plan)")
    body = plan_comment(plan, creator_outcomes=len(brief.outcomes))
    outcome = admin.upsert_comment(number, PLAN_KEY, body, comments=issue.comments)
    return Planned(plan=plan, problems=[], comment=outcome, recorded=recorded)


def make_author(recording: Path | None) -> Author:
    """The recorded author with ``--recording``, else the OpenAI author from the environment."""
    if recording is not None:
        from .authors import RecordedAuthor

        return RecordedAuthor.from_file(recording)
    import importlib

    # Imported by name: the OpenAI author is written beside this module, and needs the
    # authoring extra (the openai SDK).
    try:
        module = importlib.import_module("glow.authoring.loop.openai_author")
    except ImportError:
        raise ConfigError(
            "the OpenAI author is not available here (install glow with the authoring extra): "
            "pass --recording FILE to plan with a recorded author"
        ) from None
    author: Author = module.OpenAIAuthor.from_env()
    return author


def admin_repo(full_name: str) -> Repo:
    from glow.github import Repo, split_full_name
    from glow.github.client import terminal_client

    owner, name = split_full_name(full_name)
    gh, _token, _api_url = terminal_client(NO_TOKEN)
    return Repo(gh, owner, name)


def run_plan(args: argparse.Namespace, say: Callable[[str], None] = print) -> int:
    """`glow author plan`: one line of outcome, then what the creator must fix, if anything."""
    admin = admin_repo(args.admin)
    author = make_author(args.recording)
    done = plan_brief(admin, args.issue, author)
    where = f"{admin.full_name}#{args.issue}"
    if done.plan is None:
        say(
            f"Brief {where} cannot be planned yet: {len(done.problems)} answer(s) to fix, "
            "posted on the issue too."
        )
        for problem in done.problems:
            say(f"- {problem}")
        return 1
    if done.comment == "unchanged" and done.recorded == "unchanged":
        say(f"Plan for brief {where} is up to date: nothing was written.")
    else:
        say(
            f"Plan for brief {where} posted: {len(done.plan.deliverables)} deliverable(s), "
            f"recorded in {run_path(args.issue)}."
        )
    say("Next: the author and review run starts from this plan.")
    return 0
