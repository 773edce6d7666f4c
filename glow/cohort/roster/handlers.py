"""The rebuild, through the run's context: the registration repository and the admin
repository are both read (and the roster written, with --write) with the one provisioning
client. Run by hand only: there is no router (no workflow calls `glow roster rebuild`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.cohort.roster.copy import (
    COMMIT_MESSAGE,
    DIFFERENCE,
    DIFFERENT,
    IDENTICAL,
    NO_COHORT,
    NO_REPO,
    VERDICT,
    WRITTEN,
)

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort
    from glow.cohort.registration.issue import Issue


def rebuild(ctx: Context) -> int:
    """Rebuild every cohort's roster (or --cohort's) and list the differences; 1 when any
    differ and were not written."""
    from glow.cohort.registration.issue import issue_of
    from glow.errors import ConfigError, GlowError
    from glow.github import split_full_name

    args = ctx.args
    try:
        split_full_name(args.repo or "")  # the request paths need exactly owner/name
    except GlowError:
        raise ConfigError(NO_REPO) from None
    admin = ctx.admin  # a missing setting is named here, before any request
    public = ctx.repo(args.repo, auth="provisioning")
    issues = [
        issue_of(raw)
        for raw in public.paginate(public.url("issues"), {"state": "all", "per_page": 100})
        if "pull_request" not in raw
    ]
    cohorts = [c for c in admin.cohorts().cohorts if not args.cohort or c.id == args.cohort]
    if args.cohort and not cohorts:
        raise ConfigError(NO_COHORT.format(cohort=args.cohort))
    found = sum(compare(admin, cohort, issues, args.repo, write=args.write) for cohort in cohorts)
    return 1 if found else 0


def compare(
    admin: AdminRepo, cohort: Cohort, issues: list[Issue], repository: str, *, write: bool
) -> int:
    """One cohort: rebuilt, compared and said; with ``write`` a differing roster is replaced
    (one commit). The number of differences left unwritten."""
    from glow.cohort.roster.decide import carry_over, differences, replay_log, replay_registrations

    stored = admin.roster(cohort.id)
    rebuilt = replay_log(replay_registrations(issues, cohort, repository), admin.log(cohort.id))
    rebuilt = carry_over(rebuilt, stored, issues)
    lines = differences(stored, rebuilt)
    verdict = DIFFERENT.format(count=len(lines)) if lines else IDENTICAL
    print(VERDICT.format(cohort=cohort.id, count=len(rebuilt.learners), verdict=verdict))
    for line in lines:
        print(DIFFERENCE.format(line=line))
    if lines and write:
        admin.update(cohort.id, lambda _old: (rebuilt, []), COMMIT_MESSAGE.format(cohort=cohort.id))
        print(WRITTEN.format(cohort=cohort.id))
        return 0
    return len(lines)
