"""The public side of registration: the learner's issue (labels, the one comment, the
redacted body), the room request, and promotions off the waitlist, all through the job token.

Every function is given the workshop repository's adapter from the run's context (one client
per run), so its identity is asked once and every marker lookup matches the comments it writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.registration.copy import RoomLinks
    from glow.cohort.registration.decide import Decision, PublicPlan
    from glow.cohort.registration.issue import Issue
    from glow.github import Repo


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


def announce_promotions(admin: AdminRepo, cohort_ids: Iterable[str], repo: Repo) -> None:
    """Every learner the roster enrolled whose registration issue still says waitlisted: the
    issue now says enrolled and their room is requested. Derived from GitHub each time, so a
    re-run after a failure finishes what the first run began."""
    from glow.bot.actions import log
    from glow.cohort.registration.copy import COMMENT_KEY, LABEL_WAITLISTED, LABELS
    from glow.cohort.registration.decide import promoted_plan

    listing = {"labels": LABEL_WAITLISTED, "state": "open", "per_page": 100}
    waiting = {int(i["number"]) for i in repo.paginate(repo.url("issues"), listing)}
    if not waiting:
        return
    promoted = [
        learner
        for cohort_id in cohort_ids
        for learner in admin.roster(cohort_id).enrolled()
        if learner.registration_issue in waiting
        and learner.registration_repo.lower() == repo.full_name.lower()
    ]
    for learner in promoted:
        plan = promoted_plan(learner, links=room_links(learner.cohort_id, learner.github_handle))
        for label in plan.add_labels:
            repo.ensure_label(label, *LABELS[label])
        number = learner.registration_issue
        repo.set_labels_diff(number, add=list(plan.add_labels), remove=list(plan.remove_labels))
        repo.upsert_comment(number, COMMENT_KEY, plan.comment or "")
        request_room(repo, learner.cohort_id, learner.github_handle)
        log("glow register: enrolled from the waitlist", learner=learner.github_handle)


def request_room(repo: Repo, cohort: str | None, handle: str) -> None:
    """A trickle: the Provision workflow creates this learner's room now (and heals hourly)."""
    repo.request(
        "POST",
        repo.url("dispatches"),
        json={"event_type": "provision", "client_payload": {"cohort": cohort, "learner": handle}},
    )


def redact(repo: Repo, issue: Issue, new_body: str) -> bool:
    """Replace the public body with ``new_body`` (the two answers only), unless the learner
    edited it since this run read it: their edit's own run (queued behind this one in the
    issue's concurrency group) moves what the new text holds. True when written."""
    from glow.bot.actions import log
    from glow.cohort.registration.copy import LABEL_REDACTED, LABELS

    now = repo.get_json(repo.url("issues", issue.number))
    if now is None or (now.get("body") or "") != (issue.body or "") or new_body == issue.body:
        log("glow register: body not replaced (edited meanwhile, or nothing to move)")
        return False
    repo.request("PATCH", repo.url("issues", issue.number), json={"body": new_body})
    # The first version still holds the text in GitHub's edit history, which no API can delete:
    # the label is the facilitators' list of versions to delete by hand (runbook, contracts.md).
    repo.ensure_label(LABEL_REDACTED, *LABELS[LABEL_REDACTED])
    repo.set_labels_diff(issue.number, add=[LABEL_REDACTED])
    return True


def apply_public(
    repo: Repo, issue: Issue, plan: PublicPlan, decision: Decision, cohort: str | None
) -> None:
    from glow.bot.actions import log
    from glow.cohort.registration.copy import COMMENT_KEY, LABEL_ENROLLED, LABELS

    if plan.new_body is not None:
        redact(repo, issue, plan.new_body)
    for label in plan.add_labels:
        repo.ensure_label(label, *LABELS[label])
    labels = repo.set_labels_diff(
        issue.number, add=list(plan.add_labels), remove=list(plan.remove_labels)
    )
    outcome = (  # a plan without a comment leaves the one there is
        repo.upsert_comment(issue.number, COMMENT_KEY, plan.comment)
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
        request_room(repo, cohort, issue.author)
    log("glow register: done", issue=issue.number, comment=outcome, writes=repo.counts.writes)
