"""`glow grade`'s one handler: the schedule, a facilitator's dispatch and a `grade` repository
dispatch all run the same pass. For every room on the rosters: its open issues labelled
``submitted`` (one listing a room), and for each one waiting (``decide.waiting``) the room's
files at the submitted commit, the deliverable's hidden suite from this admin repository's
``courses/<project id>/hidden/<deliverable>/``, one run in the process sandbox, and the verdict
upserted on the learner's issue before the label comes off."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.submissions.events import DISPATCH_TYPES

if TYPE_CHECKING:
    from glow.cohort.submissions.decide import Submission, Verdict
    from glow.github import Repo
    from glow.harness.sandbox import Sandbox

router: Router[Context] = Router()
# One submission's hidden run, whatever the project allows: a learner's hang costs the Grade job
# (and the learners after them) at most this.
HIDDEN_WALL_SECONDS = 300.0


def rooms_on_rosters(ctx: Context) -> set[str]:
    admin = ctx.admin
    return {
        learner.learning_room_repo.lower()
        for cohort in admin.cohorts().cohorts
        for learner in admin.roster(cohort.id).learners.values()
        if learner.learning_room_repo
    }


@router.register("schedule")
def watch(ctx: Context) -> int:
    """From the public workshop repository's schedule (whose minutes are free): one search for
    open submissions; when any wait, a ``grade`` dispatch to the admin repository, whose job
    grades them. Prints a count only: this log is public."""
    from glow.cohort.settings import CohortSettings
    from glow.cohort.submissions import rooms as read

    owner = CohortSettings.from_env(need_template=False).rooms_owner
    admin = ctx.admin.repo
    found = read.search_submissions(admin, owner)
    count = sum(len(items) for items in found.values())
    if count:
        admin.request(
            "POST", admin.url("dispatches"), json={"event_type": "grade", "client_payload": {}}
        )
    print(f"glow grade: {count} submission(s) waiting" + (", grading asked for" if count else ""))
    return 0


@router.register("workflow_dispatch")
@router.register("repository_dispatch", *DISPATCH_TYPES)
def grade(ctx: Context) -> int:
    import os

    from glow.cohort.submissions import rooms as read
    from glow.errors import ConfigError, GitHubError, GlowError
    from glow.harness.process import ProcessSandbox

    admin_name = ctx.admin.repo.full_name
    running_in = os.environ.get("GITHUB_REPOSITORY", "")
    if running_in and running_in.lower() != admin_name.lower():
        raise ConfigError(
            f"glow grade runs the hidden checks only in the admin repository {admin_name}'s "
            f"jobs, never in {running_in}'s (its logs may be public)"
        )
    courses = Path(ctx.args.courses)
    rostered = rooms_on_rosters(ctx)
    owners = sorted({name.split("/", 1)[0] for name in rostered})
    sandbox = ProcessSandbox()
    why_not = sandbox.available()
    if why_not:
        raise ConfigError(f"the hidden checks need the process sandbox: {why_not}")
    graded = 0
    failed: list[str] = []
    left: list[str] = []
    deadline = time.monotonic() + 60 * float(ctx.args.max_minutes)
    for owner in owners:
        found = read.search_submissions(ctx.admin.repo, owner)
        for name in sorted(set(found) & rostered):
            repo = ctx.repo(name, auth="provisioning")
            grader = repo.login()
            for item in found[name]:
                number = int(item["number"])
                if time.monotonic() > deadline:
                    left.append(f"{name}#{number}")
                    continue
                try:
                    graded += grade_one(ctx, repo, name, number, grader, courses, sandbox)
                except GitHubError as exc:
                    # One room GitHub will not serve now never stops the others: its label
                    # stays on, so the next run tries again.
                    failed.append(f"{name}#{number}")
                    ctx.log(f"{name}#{number}: not graded this run ({exc})")
    print(f"glow grade: {graded} submission(s) graded")
    if left:
        print(
            f"glow grade: {len(left)} submission(s) left for the next run, past this run's "
            f"{ctx.args.max_minutes} minutes (they keep their label)"
        )
    if failed:
        raise GlowError(
            f"{len(failed)} submission(s) could not be graded this run ({', '.join(failed[:5])}); "
            "their label stays on, so the next run tries again"
        )
    return 0


def grade_one(
    ctx: Context, repo: Repo, name: str, number: int, grader: str, courses: Path, sandbox: Sandbox
) -> int:
    """Grade one issue's submission when it waits; 1 when a verdict was written."""
    from glow.cohort.submissions import rooms as read
    from glow.cohort.submissions.decide import SUBMITTED_LABEL, verdict_body, waiting
    from glow.github.identity import JOB_TOKEN_LOGIN

    # Search lags behind GitHub: read the issue as it is now (its label may be off).
    issue = read.current_issue(repo, number)
    if issue is None:
        return 0
    room_bot = JOB_TOKEN_LOGIN  # the room's project bot writes with the room's job token
    submission = waiting(name, issue, read.comments(repo, number), room_bot=room_bot, grader=grader)
    if submission is None:
        return 0
    written = 0
    if not submission.graded:
        verdict = judge(ctx, repo, submission, courses, sandbox)
        key = f"verdict:{submission.deliverable}"
        body = verdict_body(submission.deliverable, submission.sha, verdict)
        repo.upsert_comment(number, key, body, comments=submission.verdict_comments)
        written = 1
        ctx.log(
            f"{name}#{number}: {submission.deliverable} at {submission.sha[:7]}: "
            f"{verdict.kind}, {verdict.passed} of {verdict.total} hidden checks"
            + (f" ({verdict.detail})" if verdict.detail else "")
        )
    labels = [str(label.get("name")) for label in issue.get("labels") or []]
    repo.set_labels_diff(number, remove=[SUBMITTED_LABEL], current=labels)
    return written


def judge(ctx: Context, repo: Repo, found: Submission, courses: Path, sandbox: Sandbox) -> Verdict:
    """The hidden checks of one submission. Only the learner's own files come from the room
    (every deliverable's ``owns``, as the admin repository's copy of the project lists them):
    the runtime, the manifests and the limits are the published project's, kept in this admin
    repository, so a learner who edits their room's check.sh or project.yml changes nothing
    here. The run has no network, whatever the project declares: the hidden tests are in it."""
    from dataclasses import replace

    from glow.cohort.submissions import rooms as read
    from glow.cohort.submissions.decide import GONE, NO_RESULTS, UNREADABLE, Verdict, stopped_detail
    from glow.cohort.submissions.unpack import RoomTooLarge, UnreadableArchive
    from glow.errors import GitHubError
    from glow.harness.matrix import STARTER
    from glow.harness.package import project_id, published_bundle
    from glow.harness.verify import Run, run_one

    title = found.deliverable
    with tempfile.TemporaryDirectory(prefix="glow-grade-") as scratch:
        submitted = Path(scratch) / "room"
        submitted.mkdir()
        try:
            read.fetch_commit(repo, found.sha, submitted)
        except RoomTooLarge as exc:
            return Verdict(title, "failed", detail=f"the submission is too large: {exc}")
        except UnreadableArchive as exc:
            ctx.log(f"{repo.full_name}#{found.issue}: {exc}")
            return Verdict(title, "failed", detail=UNREADABLE)
        except GitHubError as exc:
            if exc.status != 404:
                raise  # GitHub failed now: the label stays and the next run tries again
            return Verdict(title, "failed", detail=GONE)
        project = project_id(submitted)
        published = courses / project / "project" if project else None
        loaded = published_bundle(published) if published else None
        if loaded is None or loaded.bundle is None:
            ctx.log(
                f"{repo.full_name}#{found.issue}: no published project {project!r} in {courses}"
            )
            missing = "the workshop has no hidden checks for this project yet"
            return Verdict(title, "not-run", detail=missing)
        bundle = loaded.bundle
        match = [d for d in bundle.deliverables if d.id == found.deliverable]
        hidden = courses / bundle.manifest.id / "hidden" / found.deliverable
        if not match or not hidden.is_dir():
            ctx.log(f"no hidden checks at {hidden} for {repo.full_name}#{found.issue}")
            missing = "the workshop has no hidden checks for this deliverable yet"
            return Verdict(title, "not-run", detail=missing)
        title = match[0].manifest.title
        work = Path(scratch) / "work"
        shutil.copytree(bundle.workspace, work, symlinks=True)
        for owned in sorted({path for d in bundle.deliverables for path in d.manifest.owns}):
            source, target = submitted / owned, work / owned
            if source.is_file() and not source.is_symlink():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            elif target.exists():
                target.unlink()  # the learner removed it: the checks meet its absence
        suites = dict(match[0].suites) | {"hidden": hidden}
        runtime = bundle.manifest.runtime
        limits = runtime.limits.model_copy(
            update={"wall_seconds": min(runtime.limits.wall_seconds, HIDDEN_WALL_SECONDS)}
        )
        offline = bundle.manifest.model_copy(
            update={"runtime": runtime.model_copy(update={"network": False, "limits": limits})}
        )
        graded = replace(
            bundle,
            root=work,
            workspace=work,
            manifest=offline,
            deliverables=tuple(
                replace(d, suites=suites) if d.id == found.deliverable else d
                for d in bundle.deliverables
            ),
        )
        result = run_one(graded, sandbox, Run(found.deliverable, "hidden", STARTER), Path(scratch))
    # What the learner reads is built from the outcome's kind, never from its text: a learner's
    # server or program writes the headline's excerpts (a boot poll's body, say), and the hidden
    # tests sat beside it. The facilitators' log has the headline.
    outcome = result.outcome
    ctx.log(
        f"{repo.full_name}#{found.issue}: {outcome.status} at {outcome.stage}: {outcome.headline}"
    )
    if outcome.status == "error":
        return Verdict(title, "not-run", detail="the sandbox that runs the hidden checks failed")
    if not result.ran:
        wall = graded.limits.wall_seconds
        return Verdict(title, "stopped", detail=stopped_detail(outcome.status, outcome.stage, wall))
    if outcome.stage != "check":
        return Verdict(title, "failed", detail=f"the project's {outcome.stage} step failed")
    if result.problem:
        return Verdict(title, "failed", detail=NO_RESULTS)
    if result.passed:
        return Verdict(title, "passed", result.passed_count, len(result.checks))
    return Verdict(title, "failed", result.passed_count, len(result.checks))
