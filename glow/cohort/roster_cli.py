"""The roster of record: `glow roster rebuild` reconstructs each cohort's roster from the
registration issues and the provisioning log, and reports every difference from the stored
roster (nothing is written unless you ask with --write)."""

from __future__ import annotations

import argparse
import os

EPILOG = """examples:
  glow roster rebuild --repo glow-org/workshop              compare, change nothing
  glow roster rebuild --repo glow-org/workshop --cohort 2026-12 --write

exit status: 0 identical (or written), 1 differences found (listed), 2 settings missing.
settings: ADMIN_ROSTER_REPO and the provisioning credentials, as for `glow provision`.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    rebuild = sub.add_parser(
        "rebuild",
        help="rebuild rosters from GitHub and compare",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rebuild.add_argument(
        "--repo",
        default=os.environ.get("GITHUB_REPOSITORY"),
        help="owner/name of the registration repository (default: GITHUB_REPOSITORY)",
    )
    rebuild.add_argument("--cohort", help="one cohort id (default: every cohort)")
    rebuild.add_argument(
        "--write",
        action="store_true",
        help="replace the stored roster with the rebuilt one (one commit)",
    )


def run(args: argparse.Namespace) -> int:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.rebuild import (
        carry_over,
        differences,
        issue_of,
        replay_log,
        replay_registrations,
    )
    from glow.cohort.settings import CohortSettings, provisioning_client
    from glow.errors import ConfigError
    from glow.github import Repo

    if not args.repo or "/" not in args.repo:
        raise ConfigError("--repo owner/name (or GITHUB_REPOSITORY) names the registration repo")
    settings = CohortSettings.from_env(need_template=False)
    gh = provisioning_client(settings)
    admin = AdminRepo(Repo(gh, *settings.admin_repo.split("/")))
    public = Repo(gh, *args.repo.split("/"))
    issues = [
        issue_of(raw)
        for raw in public.paginate(public.url("issues"), {"state": "all", "per_page": 100})
        if "pull_request" not in raw
    ]
    cohorts = [c for c in admin.cohorts().cohorts if not args.cohort or c.id == args.cohort]
    if args.cohort and not cohorts:
        raise ConfigError(f"cohort {args.cohort} is not in cohorts.json")
    found = 0
    for cohort in cohorts:
        stored = admin.roster(cohort.id)
        rebuilt = replay_log(replay_registrations(issues, cohort, args.repo), admin.log(cohort.id))
        rebuilt = carry_over(rebuilt, stored, issues)
        lines = differences(stored, rebuilt)
        print(
            f"cohort {cohort.id}: {len(rebuilt.learners)} learners rebuilt, "
            f"{'identical to the stored roster' if not lines else f'{len(lines)} differences'}"
        )
        for line in lines:
            print(f"  - {line}")
        if lines and args.write:
            admin.update(
                cohort.id,
                lambda _old, new=rebuilt: (new, []),
                f"Roster of {cohort.id} rebuilt from GitHub",
            )
            print(f"  written: the stored roster of {cohort.id} now matches GitHub")
        elif lines:
            found += len(lines)
    return 1 if found else 0
