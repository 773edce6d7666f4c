"""The public side of registration: the workshop's open issues (read once a run), the
learner's issue (labels, the one comment, the redacted body), the room request, and promotions
off the waitlist, all through the job token.

Every function is given the workshop repository's adapter from the run's context (one client
per run), so its identity is asked once and every marker lookup matches the comments it writes.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Roster
    from glow.cohort.registration.copy import RoomLinks
    from glow.cohort.registration.decide import Decision, PublicPlan
    from glow.cohort.registration.issue import Issue
    from glow.github import LabelDiff, Repo


def open_issues(repo: Repo) -> list[Issue]:
    """The workshop repository's open issues, pull requests left out: one request per 100, and
    everything a registration run decides on from the public side, as GitHub has it now (this
    issue's body, labels and comment count; the registrations other runs have not recorded;
    the ones that say waitlisted)."""
    from glow.cohort.registration.issue import issue_of

    listing = {"state": "open", "per_page": 100}
    return [
        issue_of(raw)
        for raw in repo.paginate(repo.url("issues"), listing)
        if not raw.get("pull_request")
    ]


def read_now(repo: Repo, number: int, *, closing: bool) -> tuple[Issue | None, list[Issue]]:
    """The issue as GitHub has it now (None when it is gone), and the open issues when it is
    open (``open_issues``: they hold it, so it costs nothing more). A closing event's issue is
    most likely closed: it is read on its own first, and the open issues only if it is not."""
    from glow.cohort.registration.issue import issue_of

    listed = [] if closing else open_issues(repo)
    issue = next((i for i in listed if i.number == number), None)
    if issue is None:
        raw = repo.get_json(repo.url("issues", number))
        issue = issue_of(raw) if raw is not None else None
        if closing and issue is not None and issue.state == "open":
            listed = open_issues(repo)
    return issue, listed


def pace_answer(repo: Repo, listed: list[Issue]) -> None:
    """Wait, when the answers other runs gave in the last minute (``decide.answer_wait``, from
    the open issues this run listed) leave no room for one more in GitHub's minute."""
    from datetime import UTC, datetime

    from glow.bot.actions import log
    from glow.cohort.registration.decide import answer_wait

    budget = repo.pacer
    wait = answer_wait(listed, now=datetime.fromtimestamp(budget.now(), UTC))
    if wait > 0:
        log("glow register: waiting for GitHub's per-minute limit", seconds=round(wait, 1))
        budget.sleep_until(budget.now() + wait)


def waitlisted(issues: Iterable[Issue]) -> set[int]:
    """The numbers of the issues that say waitlisted."""
    from glow.cohort.registration.copy import LABEL_WAITLISTED

    return {i.number for i in issues if LABEL_WAITLISTED in {lab.lower() for lab in i.labels}}


def waitlisted_now(repo: Repo) -> set[int]:
    """The open issues that say waitlisted, asked of GitHub now (one request per 100)."""
    from glow.cohort.registration.copy import LABEL_WAITLISTED

    listing = {"labels": LABEL_WAITLISTED, "state": "open", "per_page": 100}
    return {int(i["number"]) for i in repo.paginate(repo.url("issues"), listing)}


def say_we_failed(repo: Repo, issue: Issue) -> None:
    """Tell the learner, without blame, that their registration did not finish. Best effort:
    the run still fails (the watchdog and the Actions tab show it) whatever happens here."""
    from glow.bot.actions import log
    from glow.cohort.registration.copy import COMMENT_KEY, FAILED

    try:
        repo.upsert_comment(issue.number, COMMENT_KEY, FAILED)
    except Exception as exc:  # the failure being reported is the one that matters
        log("glow register: could not tell the learner", issue=issue.number, error=str(exc))


def room_links(cohort: str | None, handle: str) -> RoomLinks:
    """The room's invitations page and its private intake form (GitHub's notifications page
    until the learner has a cohort)."""
    from glow.cohort.model import room_name
    from glow.cohort.registration.copy import RoomLinks
    from glow.cohort.settings import CohortSettings

    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    if not cohort:
        return RoomLinks(f"{server}/notifications", f"{server}/notifications")
    owner = CohortSettings.from_env(need_template=False).rooms_owner
    room = f"{server}/{owner}/{room_name(cohort, handle)}"
    return RoomLinks(f"{room}/invitations", f"{room}/issues/new?template=intake.yml")


def announce_promotions(
    repo: Repo,
    rosters: Mapping[str, Roster],
    waiting: Collection[int],
    *,
    app: Repo,
) -> None:
    """Every learner ``rosters`` enrolled whose registration issue still says waitlisted
    (``waiting``: the issues that say so): the issue now says enrolled and their room is
    requested (through ``app``, the workshop as the provisioning App reaches it). Derived from
    GitHub each time, so a re-run after a failure finishes what the first run began."""
    from glow.bot.actions import log
    from glow.cohort.registration.copy import COMMENT_KEY, LABELS
    from glow.cohort.registration.decide import promoted_plan

    if not waiting:
        return
    promoted = [
        learner
        for roster in rosters.values()
        for learner in roster.enrolled()
        if learner.registration_issue in waiting
        and learner.registration_repo.lower() == repo.full_name.lower()
    ]
    for learner in promoted:
        plan = promoted_plan(learner, links=room_links(learner.cohort_id, learner.github_handle))
        number = learner.registration_issue
        repo.set_labels_diff(
            number, add=list(plan.add_labels), remove=list(plan.remove_labels), specs=LABELS
        )
        repo.upsert_comment(number, COMMENT_KEY, plan.comment or "")
        request_room(app, learner.cohort_id, learner.github_handle)
        log("glow register: enrolled from the waitlist", learner=learner.github_handle)


def announce_after(
    admin: AdminRepo,
    repo: Repo,
    *,
    issue: Issue,
    decision: Decision,
    rosters: Mapping[str, Roster],
    waiting: set[int],
    open_ids: list[str],
    app: Repo,
) -> None:
    """After a registration: promotions told on the issues (``announce_promotions``), with as
    few requests as keep every one told. ``waiting`` and ``rosters`` are what this run read
    (and committed): a promotion an earlier run could not tell is told now. Two races need a
    fresh look: seats this run gave to issues labelled waitlisted since its listing (so it lists
    them again), and a seat given to this issue by another run while this run labelled it
    waitlisted (so it reads that roster again)."""

    if decision.promoted:
        waiting = waitlisted_now(app)
    if decision.outcome == "waitlisted" and decision.cohort:
        # Not only when this run added the label: a run that found the issue waitlisted in its
        # listing may label and comment after another run promoted it (and relabelled it), so
        # the roster as it is now says whether this issue must be told it is enrolled.
        rosters = {**rosters, decision.cohort: admin.roster(decision.cohort)}
        waiting = {*waiting, issue.number}
    if waiting and not rosters:
        rosters = {cohort_id: admin.roster(cohort_id) for cohort_id in open_ids}
    announce_promotions(repo, rosters, waiting, app=app)


def request_room(repo: Repo, cohort: str | None, handle: str) -> None:
    """A trickle: the Provisioning workflow creates this learner's room now (and heals hourly)."""
    repo.request(
        "POST",
        repo.url("dispatches"),
        json={"event_type": "provision", "client_payload": {"cohort": cohort, "learner": handle}},
    )


def redact(repo: Repo, issue: Issue, new_body: str) -> bool:
    """Replace the public body with ``new_body`` (the two answers only), unless the learner
    edited it since this run read it: their edit's own run (queued behind this one in the
    issue's concurrency group) moves what the new text holds. True when written: the caller
    then labels the issue ``redacted`` (``LABEL_REDACTED``)."""
    from glow.bot.actions import log

    now = repo.get_json(repo.url("issues", issue.number))
    if now is None or (now.get("body") or "") != (issue.body or "") or new_body == issue.body:
        log("glow register: body not replaced (edited meanwhile, or nothing to move)")
        return False
    repo.request("PATCH", repo.url("issues", issue.number), json={"body": new_body})
    return True


def label_redacted(repo: Repo, issue: Issue) -> None:
    """The first version still holds the moved text in GitHub's edit history, which no API can
    delete: the label is the facilitators' list of versions to delete by hand (runbook,
    contracts.md)."""
    from glow.cohort.registration.copy import LABEL_REDACTED, LABELS

    repo.set_labels_diff(issue.number, add=[LABEL_REDACTED], current=issue.labels, specs=LABELS)


def apply_public(
    repo: Repo,
    issue: Issue,
    plan: PublicPlan,
    decision: Decision,
    cohort: str | None,
    *,
    app: Repo,
) -> LabelDiff:
    """The issue says what was decided: the body redacted, the labels (``redacted`` with
    them, in one request), the one comment, closed for a duplicate, and the room requested
    when it first says enrolled (through ``app``, the workshop as the provisioning App reaches
    it). ``issue`` is as this run read it: its labels and comment count
    spare the requests that would read them again. What the labels changed is returned."""
    from glow.bot.actions import log
    from glow.cohort.registration.copy import COMMENT_KEY, LABEL_ENROLLED, LABEL_REDACTED, LABELS

    redacted = plan.new_body is not None and redact(repo, issue, plan.new_body)
    labels = repo.set_labels_diff(
        issue.number,
        add=[*plan.add_labels, *([LABEL_REDACTED] if redacted else [])],
        remove=list(plan.remove_labels),
        current=issue.labels,
        specs=LABELS,
    )
    outcome = (  # a plan without a comment leaves the one there is
        repo.upsert_comment(issue.number, COMMENT_KEY, plan.comment, comments=issue.comments)
        if plan.comment
        else "unchanged"
    )
    if plan.close:
        repo.request(
            "PATCH",
            repo.url("issues", issue.number),
            json={"state": "closed", "state_reason": "not_planned"},
        )
    # A seat decided by another run (registration order, see ``place_in_order``) is announced
    # here, when the issue first says enrolled.
    if decision.newly_enrolled or LABEL_ENROLLED in labels.added:
        request_room(app, cohort, issue.author)
    log("glow register: done", issue=issue.number, comment=outcome, writes=repo.counts.writes)
    return labels
