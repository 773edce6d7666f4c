"""Template sync's handlers, on one router: the Provisioning workflow runs `glow template sync`
before `glow provision`, so every event of that workflow (a `provision` repository dispatch, a
facilitator's dispatch, the schedule) runs the same sync, with the command's arguments. Run by
hand, the command runs that sync too. The template repository is written through the run's one
provisioning client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.template.copy import (
    CHANGE,
    COMMIT_MESSAGE,
    DRY_RUN,
    FIX_AND_RUN_AGAIN,
    IN_STEP,
    INVALID,
    KEPT,
    PROBLEM,
    SYNCED,
)
from glow.cohort.template.events import DISPATCH_TYPES

if TYPE_CHECKING:
    import argparse

    from glow.cohort.template.decide import SyncPlan
    from glow.github import Repo

router: Router[Context] = Router()


@router.register("repository_dispatch", *DISPATCH_TYPES)
@router.register("workflow_dispatch")
@router.register("schedule")
def sync_template(ctx: Context) -> int:
    """Validate the folder (nothing is written when it fails), then write every file that
    differs into the template repository's default branch as one commit."""
    from glow.cohort.settings import CohortSettings
    from glow.cohort.template.decide import plan_sync, validate
    from glow.cohort.template.files import read_source, template_files

    args = ctx.args
    texts = read_source(args.source)
    problems = validate(texts)
    if problems:
        print(INVALID.format(source=args.source))
        for problem in problems:
            print(PROBLEM.format(problem=problem))
        print(FIX_AND_RUN_AGAIN)
        return 1
    settings = CohortSettings.from_env(need_template=True, credentials=True)
    repo = ctx.repo(settings.template_repo, auth="provisioning")
    branch, existing = template_files(repo)
    plan = plan_sync(texts, existing, delete=args.delete)
    return write(repo, branch, existing, plan, len(texts), args)


def write(
    repo: Repo,
    branch: str,
    existing: dict[str, str],
    plan: SyncPlan,
    count: int,
    args: argparse.Namespace,
) -> int:
    """Say what the sync changes (``count`` files in the folder) and, unless --dry-run, write
    it in one commit."""
    from glow.cohort.template.decide import change_of

    where = f"{repo.full_name} ({branch})"
    for path in plan.kept:
        print(KEPT.format(path=path, source=args.source))
    if plan.empty:
        print(IN_STEP.format(where=where, source=args.source, count=count))
        return 0
    verb = "would " if args.dry_run else ""
    for path, text in sorted(plan.files.items()):
        print(CHANGE.format(verb=verb, action=change_of(path, text, existing), path=path))
    if args.dry_run:
        print(DRY_RUN.format(count=len(plan.files), where=where))
        return 0
    message = COMMIT_MESSAGE.format(source=args.source)
    sha = repo.commit_files(plan.files, message, branch=branch)
    print(SYNCED.format(where=where, count=len(plan.files), sha=str(sha)[:7]))
    return 0
