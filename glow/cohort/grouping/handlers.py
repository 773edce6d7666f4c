"""Grouping's handlers, on one router: a facilitator's dispatch of the Student grouping
workflow groups the cohort its input names (the composite action passes it as --cohort). Run by
hand, the command does the same. The admin repository is read and written through the run's one
provisioning client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.grouping.copy import (
    COMMIT_MESSAGE,
    NO_CHANGE,
    UNCHANGED,
    WOULD_RECORD,
    WRITTEN,
)

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo

Groups = list[list[str]]

router: Router[Context] = Router()


@router.register("workflow_dispatch")
def group_cohort(ctx: Context) -> int:
    """Pair the cohort's enrolled learners, keeping every existing pair, and say what changed."""
    from glow.cohort.cli_support import named_cohort
    from glow.cohort.grouping.decide import describe_changes

    admin, dry_run = ctx.admin, bool(ctx.args.dry_run)
    cohort = named_cohort(admin.cohorts(), ctx.args.cohort)
    names = {learner.key: learner.github_handle for learner in admin.roster(cohort.id).enrolled()}
    previous, groups = write_groups(admin, cohort.id, names, dry_run=dry_run)
    changes = describe_changes(previous, groups)
    for line in changes:
        print((WOULD_RECORD if dry_run else "") + line)
    if not changes:
        print(NO_CHANGE)
    return 0


def write_groups(
    admin: AdminRepo, cohort_id: str, names: Mapping[str, str], *, dry_run: bool
) -> tuple[Groups, Groups]:
    """The groups before and after: the groups file and the readable list written in one
    commit (nothing when unchanged), or with ``dry_run`` the list printed and nothing written."""
    from glow.cohort.grouping import decide as g

    json_path, md_path = g.groups_json_path(cohort_id), g.groups_md_path(cohort_id)
    seen: dict[str, Groups] = {}

    def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
        previous = g.parse_groups(current[json_path], cohort_id).groups
        groups = g.regroup(cohort_id, previous, names)
        seen.update(previous=previous, groups=groups)
        return {
            json_path: g.Groups(cohort_id=cohort_id, groups=groups).to_text(),
            md_path: g.render_markdown(cohort_id, groups, names),
        }

    if dry_run:
        found = admin.repo.read_file(json_path)
        files = update({json_path: found.text if found else None})
        print(files[md_path], end="")
    else:
        message = COMMIT_MESSAGE.format(cohort=cohort_id, count=len(names))
        sha = admin.repo.update_files((json_path, md_path), update, message, branch=admin.branch)
        print(WRITTEN.format(path=md_path, sha=sha[:7]) if sha else UNCHANGED.format(path=md_path))
    return seen["previous"], seen["groups"]
