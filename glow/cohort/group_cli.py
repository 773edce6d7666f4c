"""Pair the enrolled learners of a cohort for peer review, stable across re-runs.

Reads the cohort's roster and its groups file in the admin repository, keeps every existing
pair, pairs new learners among themselves (a trio when the count is odd), re-pairs anyone
whose partner left, and writes `groups/<cohort>.json` (the record) and `groups/<cohort>.md`
(a numbered list, easy to read with a screen reader) in one commit. Nothing is written when
the groups are unchanged; the same input always gives the same groups."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from glow.cohort.cli_support import SETTINGS_HELP

EPILOG = (
    """examples:
  glow group --cohort 2026-12 --dry-run   show the groups and what would change; write nothing
  glow group --cohort 2026-12             write groups/2026-12.json and groups/2026-12.md

"""
    + SETTINGS_HELP
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", required=True, help="the cohort to group")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the groups and the changes; write nothing"
    )


def run(args: argparse.Namespace) -> int:
    from glow.cohort import grouping as g
    from glow.cohort.cli_support import named_cohort, open_admin

    _, admin = open_admin()
    cohort = named_cohort(admin.cohorts(), args.cohort)
    names = {learner.key: learner.github_handle for learner in admin.roster(cohort.id).enrolled()}
    json_path, md_path = g.groups_json_path(cohort.id), g.groups_md_path(cohort.id)
    seen: dict[str, list[list[str]]] = {}

    def update(current: Mapping[str, str | None]) -> dict[str, str | None]:
        previous = g.parse_groups(current[json_path], cohort.id).groups
        groups = g.regroup(cohort.id, previous, names)
        seen.update(previous=previous, groups=groups)
        return {
            json_path: g.Groups(cohort_id=cohort.id, groups=groups).to_text(),
            md_path: g.render_markdown(cohort.id, groups, names),
        }

    if args.dry_run:
        found = admin.repo.read_file(json_path)
        files = update({json_path: found.text if found else None})
        print(files[md_path], end="")
    else:
        message = f"Peer-review groups, cohort {cohort.id}: {len(names)} learners"
        sha = admin.repo.update_files((json_path, md_path), update, message, branch=admin.branch)
        print(f"{md_path}: " + (f"written (commit {sha[:7]})" if sha else "unchanged"))
    changes = g.describe_changes(seen["previous"], seen["groups"])
    for line in changes:
        print(("would record " if args.dry_run else "") + line)
    if not changes:
        print("no change to the groups")
    return 0
