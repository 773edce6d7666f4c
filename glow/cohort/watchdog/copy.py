"""What the watchdog says: each alert's four parts (what failed and for whom, the retry
gesture, the manual fallback, who owns it; STYLE.md, rule 7), from one table keyed by kind, and
the note that closes a healed alert.

Alert text holds no relative time (absolute UTC only), so an unchanged problem writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from glow.cohort.cli_support import SETTINGS_HELP
from glow.cohort.marked_issues import Wanted
from glow.cohort.runbooks import (
    CONTRACTS,
    DASHBOARD_AND_WATCHDOG,
    PROVISIONING,
    WORKFLOW_PROVISIONING,
    WORKFLOW_ROOM,
    WORKFLOW_WATCHDOG,
    runbook_link,
)

if TYPE_CHECKING:
    from glow.cohort.watchdog.decide import Kind, Problem

LABEL = "watchdog"
LABELS: dict[str, tuple[str, str]] = {
    LABEL: ("b60205", "Watchdog alert: a problem that needs a facilitator"),
}


@dataclass(frozen=True)
class Copy:
    """The four parts of an alert (what failed and for whom, the retry, the manual fallback,
    who owns it); ``{names}`` come from the problem, ``{provisioning_runbook}`` and
    ``{contracts_runbook}`` are links to the workshop repository's runbooks."""

    title: str
    what: str
    retry: str
    fallback: str


_P = WORKFLOW_PROVISIONING
PROVISION_RETRY = (
    f"Re-run the {_P} workflow (Actions tab, {_P}, Run workflow) for cohort {{cohort}}, "
    "or run `glow provision --cohort {cohort} --learner {handle}`. It resumes safely and never "
    "makes a second room."
)
VERIFY_RETRY = (
    "Run `glow provision --cohort {cohort} --learner {handle} --verify` (or the "
    f"{_P} workflow with verify): it {{repairs}}."
)
COPY: dict[Kind, Copy] = {
    "provision-failed": Copy(
        title="Watchdog: {who} has no Learning Room yet (provisioning failed)",
        what="Provisioning of the Learning Room for {who} (cohort {cohort}) failed.",
        retry=PROVISION_RETRY,
        fallback=(
            "Create the room by hand from the template (Use this template, private, named "
            "{room_name}), add {who} as a collaborator with write access, then follow "
            "{provisioning_runbook} to record it in the roster."
        ),
    ),
    "provision-stalled": Copy(
        title="Watchdog: {who} has no Learning Room yet (provisioning stalled)",
        what=(
            "{who} (cohort {cohort}) registered at {registered} and provisioning is still "
            "pending after {stall} minutes."
        ),
        retry=PROVISION_RETRY,
        fallback=(
            f"Open the latest run of the {_P} workflow and read its error; if it is not "
            "running at all, follow {provisioning_runbook}."
        ),
    ),
    "room-missing": Copy(
        title="Watchdog: {who}'s Learning Room is missing or unreachable",
        what="The roster says {who} (cohort {cohort}) has the Learning Room {room}, {why}.",
        retry=VERIFY_RETRY,
        fallback=(
            "Check that {room} exists and that the provisioning App can reach it (organisation "
            "settings, GitHub Apps, repository access). If the room was deleted, set "
            "provision_state to failed for {who} in the roster and re-run provisioning."
        ),
    ),
    "room-access": Copy(
        title="Watchdog: {who} cannot open their Learning Room ({why})",
        what="{who} (cohort {cohort}) is not a collaborator of {room}: {why}.",
        retry=VERIFY_RETRY,
        fallback=(
            "In {room}, Settings, Collaborators: add {who} with write access, then ask the "
            "learner to accept the invitation from their GitHub notifications."
        ),
    ),
    "room-workflows": Copy(
        title="Watchdog: {who}'s Learning Room is missing required workflows",
        what=(
            "{room} (the Learning Room of {who}, cohort {cohort}) does not match the "
            "template's workflows at {template} {sha}."
        ),
        retry=VERIFY_RETRY,
        fallback=(
            "Copy the files listed above from {template} at commit {sha} into {room} on its "
            "default branch."
        ),
    ),
    "stuck": Copy(
        title="Watchdog: {who} is stuck ({where}, no activity since {since})",
        what="{who} (cohort {cohort}) has done nothing for {stuck} minutes or more: {where}.",
        retry=(
            "Open {room} and the learner's current challenge, read their last comment and offer "
            "help there. If the next challenge never opened, run the room's "
            f"{WORKFLOW_ROOM} workflow (Actions tab, {WORKFLOW_ROOM}, Run workflow) with "
            "start_challenge."
        ),
        fallback=(
            "Reach the learner directly (the workshop chat or in person). The registration "
            "issue is {registration}."
        ),
    ),
    "failed-runs": Copy(
        title="Watchdog: workflow runs are failing in {repo}",
        what="The latest run of these workflows in {repo} failed:",
        retry=(
            "Open the failed run, fix the cause, then re-run it (Re-run jobs). This alert "
            "closes when each workflow's latest run succeeds."
        ),
        fallback=(
            "Do by hand what the workflow does: each contract's manual fallback is in "
            "{contracts_runbook}."
        ),
    ),
}
OWNER = "Who owns it: the facilitators{of_cohort}."
FOOTER = (
    f"Raised by the {WORKFLOW_WATCHDOG} workflow (glow watchdog); it closes this alert itself "
    "when the problem is gone. What to do, step by step: {runbook}."
)
HEALED = (
    "Healed at {at}: the watchdog no longer sees this problem ({what}). Closing the alert; it "
    "reopens if the problem comes back."
)


# The parts of a problem's facts and values, filled in by ``decide``.
NO_DETAIL = "no detail recorded"
FACT_LAST_ATTEMPT = "Last attempt at {at}: {detail}"
FACT_MISSING = "Missing: {path}"
FACT_CHANGED = "Different from the template: {path}"
FACT_RUN = "{workflow} ({path}): failed at {at}, {url}"
WHY_ROOM_404 = "but GitHub answers that it does not exist or cannot be reached (404)"
WHY_NO_ROOM = "but the roster names no room for them"
WHY_EXPIRED = "the invitation expired"
WHY_NO_INVITATION = "no invitation"
WHERE_CHALLENGE = "on challenge {current}"
WHERE_NO_CHALLENGE = "no challenge issue open"
REPAIRS = "restores what the room lacks in one commit and invites the learner again"
RUNS_OFF = (
    "Failed workflow runs: not checked, because WATCHDOG_RUNS_TOKEN is not set (a read-only "
    "token with Actions: read; see docs/runbooks/dashboard-and-watchdog.md in the workshop "
    "repository)."
)


def utc(at: datetime | None) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else "never"


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"({key} unknown)"


def alert(problem: Problem, *, server: str, workshop: str | None) -> Wanted:
    """The alert's issue: the outcome once (the title, then the body's first sentence says
    what failed and for whom), then the facts, the retry, the manual fallback, who owns it, and
    the runbook's section for this kind, linked in the workshop repository."""
    copy = COPY[problem.kind]
    values = _Defaults(problem.values)
    values["provisioning_runbook"] = runbook_link(
        "the provisioning runbook", server, workshop, PROVISIONING
    )
    values["contracts_runbook"] = runbook_link(
        "the automation contracts runbook", server, workshop, CONTRACTS
    )
    title = copy.title.format_map(values)
    of_cohort = "" if problem.repo_wide else f" of cohort {problem.cohort}"
    runbook = runbook_link(
        f"the runbook's section for this alert ({problem.kind})",
        server,
        workshop,
        DASHBOARD_AND_WATCHDOG,
        f"alert-{problem.kind}",
    )
    lines = [copy.what.format_map(values)]
    if problem.facts:
        lines += [""] + [f"- {fact}" for fact in problem.facts]
    lines += [
        "",
        "Retry: " + copy.retry.format_map(values),
        "",
        "Manual fallback: " + copy.fallback.format_map(values),
        "",
        OWNER.format(of_cohort=of_cohort),
        "",
        FOOTER.format(runbook=runbook),
    ]
    return Wanted.make(problem.key, title, "\n".join(lines), (LABEL,))


def healed_note(title: str, at: datetime) -> str:
    return HEALED.format(at=utc(at), what=title.removeprefix("Watchdog: "))


ROOM_RUN_FAILED = """## Learning Room: a check did not finish

The room's automatic checks did not finish for this {thing} (run {run_id}), so you may be missing an answer from the bots.

This is a problem on our side, not something you did, and your work is safe.

Next step: make your next commit, edit or comment here and the checks run again.

If nothing changes within a few minutes, comment `help` here and a facilitator will see it."""


def room_run_notice(run_id: int, *, pull_request: bool) -> str:
    """The notice in a room when a run of room.yml failed and no later run healed it."""
    return ROOM_RUN_FAILED.format(run_id=run_id, thing="pull request" if pull_request else "issue")


# `glow watchdog --help`: what follows the options.
EPILOG = (
    """examples:
  glow watchdog --dry-run                    which alerts it would raise or close
  glow watchdog                              every cohort and repository (what the schedule runs)
  glow watchdog --cohort 2026-12             one cohort's learners only

"""
    + SETTINGS_HELP
    + """  LEARNING_ROOM_TEMPLATE_REPO    the template rooms must match (its workflows)
  GLOW_PROVISION_STALL_MINUTES   pending provisioning counts as stalled after this (default 15)
  GLOW_STUCK_MINUTES             no activity for this long is stuck (default 20)
  GLOW_FAILED_RUN_HOURS          failed runs older than this are history (default 24)
  WATCHDOG_RUNS_TOKEN            read-only token (Actions: read) for failed workflow runs;
                                 unset: that check is off (said on stdout), other checks run
  GLOW_WATCHDOG_STATE            a file where a run remembers the rooms it found healthy, so
                                 the next reads only what changed (the workflow keeps it in the
                                 Actions cache); unset or missing: every room is read in full
  GLOW_WATCHDOG_FULL_READ_MINUTES  a remembered room's learner access and runs are read again
                                 at least this often (default 60), spread over the runs
  GITHUB_TOKEN                   with GITHUB_REPOSITORY the admin repository (the workflow's
                                 job token): the alerts are written with it, not the App

exit status: 0 when every check ran (problems become alerts, not exit codes; a check turned off
by its unset token is said, not failed); 1 when something could not be checked (named on
stderr, its alerts left as they were); 2 when a setting is missing.
Runbook: docs/runbooks/dashboard-and-watchdog.md in the workshop repository.
"""
)
