"""Create and heal learners' Learning Rooms from the template, one learner at a time, and record
every outcome in the admin repository's roster and provisioning log (seed 003, section 7.2b).

Visits enrolled learners whose provisioning is pending or failed (--verify: every enrolled
learner). For each: generate the room from the template if it does not exist, restore missing
required files (.github/workflows/, .github/ISSUE_TEMPLATE/) in one commit, invite the learner,
seed challenge 1 once. Idempotent on (github_handle, cohort_id): running again resumes, never
makes a second room, and writes nothing when every room is healthy. A pre-flight check runs
before any room is created."""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = """examples:
  glow provision --check-auth                     can these credentials provision? (no changes)
  glow provision --dry-run                        what would happen for every open cohort
  glow provision --cohort 2026-12                 provision pending and failed learners
  glow provision --cohort 2026-12 --verify        also re-check provisioned rooms and heal them
  glow provision --cohort 2026-12 --learner ada   check and heal one learner's room

progress goes to stderr, one line per learner:
  [3/10] ada: created learning-room-2026-12-ada, invited, challenge 1 seeded

settings (environment):
  ADMIN_ROSTER_REPO            owner/name of the private admin repository (roster and log)
  LEARNING_ROOM_TEMPLATE_REPO  owner/name of the Learning Room template
  PROVISIONING_MODE            github-app (default) or actions-bot
  PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY   the provisioning App (github-app mode)
  PROVISIONING_TOKEN           a fine-grained token (actions-bot mode)
  GLOW_ROOMS_OWNER             where rooms are created (default: the template's owner)
  GLOW_PROVISION_DELAY         seconds between learners (default 1; 0 on the local GitHub)
  GITHUB_API_URL               the GitHub API (default https://api.github.com)

exit status: 0 when every visited learner is provisioned; 1 when a learner failed, the batch
stopped or the pre-flight failed (the message says what to do); 2 when a setting is missing.
Manual fallback and recovery: docs/runbooks/provisioning.md
"""

DRY_RUN = "Dry run: nothing will be changed."
PLAN_HEADER = "Cohort {cohort}: {count} of {enrolled} enrolled learners to visit; rooms in {owner}."
PLAN_CREATE = "  {index}. {handle} ({state}): create {room}, invite {handle}, seed challenge 1"
PLAN_CHECK = (
    "  {index}. {handle} ({state}): {room} exists; check its required files, the learner's "
    "access and challenge 1, and restore what is missing"
)
NO_OPEN_COHORT = "No open cohort in cohorts.json: nothing to provision."
CHECK_MODE = {
    "github-app": "Credentials: the provisioning App (github-app mode), installed on {owner}; "
    "its installation token was minted for this check and is kept in memory only.",
    "actions-bot": "Credentials: PROVISIONING_TOKEN (actions-bot mode).",
}
CHECK_PASSED = "Check passed for cohort {cohort}: provisioning can run. Nothing was changed."
CHECK_HEAD = "No open cohort in cohorts.json; checking the template's latest commit."
NOT_ENROLLED = (
    "{handle} is not an enrolled learner of cohort {cohorts}: check the handle and the "
    "cohort (waitlisted and withdrawn learners get no room)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", metavar="ID", help="one cohort (default: every open cohort)")
    parser.add_argument(
        "--learner", metavar="HANDLE", help="only this learner, whatever their state"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan (after pre-flight); change nothing"
    )
    parser.add_argument(
        "--check-auth",
        action="store_true",
        help="mint the token, read the template and the admin repository, print what the "
        "credentials can do; change nothing",
    )
    parser.add_argument(
        "--verify", action="store_true", help="re-check provisioned learners' rooms too, and heal"
    )
    parser.add_argument(
        "--allow-empty-required-set",
        action="store_true",
        help="accept a template with no .github/workflows/ or .github/ISSUE_TEMPLATE/ files",
    )


def run(args: argparse.Namespace) -> int:
    from glow.cohort.provisioner import Provisioner
    from glow.cohort.settings import CohortSettings, provisioning_client

    settings = CohortSettings.from_env()
    return execute(Provisioner(provisioning_client(settings), settings), args)


def execute(engine: Any, args: argparse.Namespace) -> int:
    """The command on a ready engine (tests inject one with a client of their own)."""
    from glow.cohort.provisioner import connected

    with connected(engine.gh):
        cohorts = engine.cohorts(args.cohort)
        if args.check_auth:
            return check_auth(engine, cohorts, args)
        if not cohorts:
            print(NO_OPEN_COHORT)
            return 0
        if args.dry_run:
            return dry_run(engine, cohorts, args)
        return provision(engine, cohorts, args)


def provision(engine: Any, cohorts: list[Any], args: argparse.Namespace) -> int:
    from glow.bot.actions import add_summary
    from glow.cohort.provisioning import NOTHING_TO_DO, summary_lines
    from glow.errors import GlowError

    reports = [
        engine.run(
            cohort,
            verify=args.verify,
            learner=args.learner,
            allow_empty=args.allow_empty_required_set,
        )
        for cohort in cohorts
    ]
    if args.learner and not any(report.outcomes for report in reports):
        ids = ", ".join(c.id for c in cohorts)
        raise GlowError(NOT_ENROLLED.format(handle=args.learner, cohorts=ids))
    lines: list[str] = []
    for report in reports:
        if report.template is None and args.learner:
            continue  # the learner is in another cohort
        if report.template is None:
            lines.append(NOTHING_TO_DO.format(cohort=report.cohort_id, enrolled=report.enrolled))
        else:
            lines += summary_lines(report.cohort_id, report.outcomes, report.template)
            lines += [f"Pre-flight: {line}" for line in report.checks]
    print("\n".join(lines))
    add_summary("\n\n".join(lines))
    return 1 if any(report.failed for report in reports) else 0


def dry_run(engine: Any, cohorts: list[Any], args: argparse.Namespace) -> int:
    print(DRY_RUN)
    for cohort in cohorts:
        roster, chosen = engine.plan(cohort, verify=args.verify, learner=args.learner)
        if not chosen and args.learner:
            continue
        if not chosen:
            from glow.cohort.provisioning import NOTHING_TO_DO

            print(NOTHING_TO_DO.format(cohort=cohort.id, enrolled=len(roster.enrolled())))
            continue
        _, checks = engine.preflight(cohort, chosen, allow_empty=args.allow_empty_required_set)
        print("\n".join(checks))
        print(
            PLAN_HEADER.format(
                cohort=cohort.id,
                count=len(chosen),
                enrolled=len(roster.enrolled()),
                owner=engine.settings.rooms_owner,
            )
        )
        for index, learner in enumerate(chosen, 1):
            room = engine.room_of(learner)
            line = PLAN_CHECK if engine.exists(room) else PLAN_CREATE
            state = learner.provision_state
            print(line.format(index=index, handle=learner.github_handle, state=state, room=room))
    return 0


def check_auth(engine: Any, cohorts: list[Any], args: argparse.Namespace) -> int:
    from glow.cohort.model import Cohort

    settings = engine.settings
    print(CHECK_MODE[settings.mode].format(owner=settings.rooms_owner))
    if not cohorts:
        print(CHECK_HEAD)
        cohorts = [Cohort(id="latest")]
    for cohort in cohorts:
        chosen = engine.plan(cohort)[1] if cohort.id != "latest" else []
        _, checks = engine.preflight(cohort, chosen, allow_empty=args.allow_empty_required_set)
        print("\n".join(checks))
        print(CHECK_PASSED.format(cohort=cohort.id))
    return 0
