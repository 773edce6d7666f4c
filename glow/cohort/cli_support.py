"""What the cohort commands (day2-release, group, teardown) share: the admin repo and cohorts.

The admin repository is written with the provisioning credential (the App's short-lived
installation token, or PROVISIONING_TOKEN in actions-bot mode): never the job's GITHUB_TOKEN,
which cannot reach another repository.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from glow.errors import GlowError

if TYPE_CHECKING:
    import argparse

    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort, Cohorts
    from glow.cohort.settings import CohortSettings

SETTINGS_HELP = """settings (environment):
  ADMIN_ROSTER_REPO   owner/name of the private admin repository (cohorts.json, rosters)
  PROVISIONING_MODE   github-app (default: PROVISIONING_APP_ID and PROVISIONING_APP_PRIVATE_KEY)
                      or actions-bot (PROVISIONING_TOKEN): the credential for the admin repo
  GLOW_ROOMS_OWNER    the account the App is installed on and rooms live under
                      (default: the owner of LEARNING_ROOM_TEMPLATE_REPO, else of the admin repo)
  GITHUB_API_URL      https://api.github.com by default; GitHub Enterprise Server or local
"""


def now() -> datetime:
    return datetime.now(UTC)


def open_admin() -> tuple[CohortSettings, AdminRepo]:
    """Settings from the environment and the admin repository behind the provisioning client."""
    from glow.cohort.admin import AdminRepo
    from glow.cohort.settings import CohortSettings, provisioning_client
    from glow.github import Repo, split_full_name

    settings = CohortSettings.from_env(need_template=False, credentials=True)
    owner, name = split_full_name(settings.admin_repo)
    return settings, AdminRepo(Repo(provisioning_client(settings), owner, name))


def named_cohort(cohorts: Cohorts, cohort_id: str) -> Cohort:
    """The cohort called ``cohort_id`` in cohorts.json, or a GlowError listing the known ones."""
    found = cohorts.get(cohort_id.strip().lower())
    if found is None:
        known = ", ".join(c.id for c in cohorts.cohorts) or "none"
        raise GlowError(
            f"cohort {cohort_id!r} is not in cohorts.json of the admin repository "
            f"(cohorts there: {known}); check the cohort id"
        )
    return found


def parse_now(text: str) -> datetime:
    """``--now``: judge as of this UTC time (rehearsals); argparse says what it could not read."""
    import argparse

    from glow.cohort.progress import parse_time

    found = parse_time(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (e.g. 2026-11-23T09:30:00Z)")
    return found


def add_now_argument(parser: argparse.ArgumentParser) -> None:
    """``--now``, for the commands that judge time (the dashboard and the watchdog)."""
    parser.add_argument(
        "--now",
        type=parse_now,
        metavar="TIME",
        help="judge as of this UTC time, e.g. 2026-11-23T09:30:00Z (default: now)",
    )
