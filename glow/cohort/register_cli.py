"""Handle a registration issue event: validate the form, record the learner in the private
roster, label the issue (`enrolled`, `waitlisted`, `needs-info` or `duplicate`) and post the next
steps in one comment that is updated, never duplicated. A newly enrolled learner's Learning Room
is requested at once (a `provision` repository dispatch).

The public form asks only the cohort and the path; accessibility needs and contact details are
asked privately, in the learner's Learning Room. Anything else a learner writes on the public
issue is moved to the private roster and removed from the issue's text (the safety net).

Every run decides from the issue as GitHub has it now, never from the event's copy, so an old
run re-run hours later changes nothing that happened since. Runs of a burst of registrations go
side by side; seats still go in the order learners registered.

Closing a registration withdraws it (label `withdrawn`) when the learner closes it or anyone
closes it as "not planned"; a seat it frees goes to the first learner on the waitlist, whose
issue and comment then say they are enrolled, and whose room is requested. Reopening registers
again. A facilitator closing a registration as completed changes nothing.

A learner's comment on their registration that starts with the word `help` gets one answer at
once (updated, never repeated), and waits on the facilitator dashboard until someone replies.

Runs inside GitHub Actions on `issues` events (opened, edited, reopened, closed) and
`issue_comment` events (created) of the workshop repository. Any other event, and any change
made by a bot, is logged and ignored (exit 0)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

# Both import only the standard library at load time: an ignored event stays cheap.
from glow.cohort.registration_public import (
    announce_promotions,
    apply_public,
    public_repo,
    redact,
    room_links,
    say_we_failed,
)
from glow.cohort.registration_store import (
    decide,
    decide_everywhere,
    drop_unassigned,
    keep_unassigned,
    open_admin,
    record_of,
    unrecorded,
    with_unassigned,
)

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort
    from glow.cohort.registration import Decision, FormResult, Issue

EPILOG = """examples:
  # in a workflow step (see actions/register/action.yml):
  GITHUB_TOKEN=${{ github.token }} glow register
  # show what it would do, changing nothing (reads the issue and the admin repo):
  GITHUB_EVENT_NAME=issues GITHUB_EVENT_PATH=event.json glow register --dry-run

settings (environment):
  ADMIN_ROSTER_REPO            owner/name of the private admin repo (cohorts.json, rosters)
  PROVISIONING_MODE            github-app (default) or actions-bot
  PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY   the App that writes the admin repo
  PROVISIONING_TOKEN           the token that writes it in actions-bot mode
  GITHUB_TOKEN                 the job token: labels, comments and the public issue
  GLOW_REQUEST_TIMEOUT         seconds one GitHub request may take (default 30)
"""

# Decided before anything heavy is imported: an event we ignore costs well under half a second.
HANDLED_ACTIONS = ("opened", "edited", "reopened", "closed")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the decision (labels, comment) and change nothing",
    )


def run(args: argparse.Namespace) -> int:
    from glow.actionsenv import log, read_event, set_output

    public_repo.cache_clear()  # one client per run (tests run several in one process)
    event = read_event()
    if event.name == "issue_comment" and "comment" in event.payload:
        return answer_help(event, dry_run=args.dry_run)
    if event.name != "issues" or "issue" not in event.payload:
        log("glow register: event not handled, nothing to do", event=event.key)
        return 0
    if event.action not in HANDLED_ACTIONS:
        log("glow register: nothing to do", event=event.key, reason="action not handled")
        set_output("status", "ignored")
        return 0
    # Only now the cohort modules (pydantic) and the API.
    from glow.cohort.rebuild import issue_of
    from glow.cohort.registration import is_registration, why_ignored
    from glow.cohort.registration_copy import OUTCOME_LABELS
    from glow.cohort.settings import CohortSettings
    from glow.cohort.signals import is_bot
    from glow.errors import GlowError

    CohortSettings.from_env(need_template=False)  # a missing setting is named before any request
    sender = event.payload.get("sender") or {}
    number = int(event.payload["issue"]["number"])
    repo = public_repo(event.repository)
    raw = repo.get_json(repo.url("issues", number))
    if raw is None:
        log("glow register: the issue is gone, nothing to do", issue=number)
        return 0
    issue = issue_of(raw)  # GitHub's current state: an old event's payload may be stale
    reason = why_ignored(
        issue, event.action or "", str(sender.get("login") or ""), str(sender.get("type") or "")
    )
    if reason:
        # A closed registration still gets the safety net: text added to it later is moved.
        if issue.state == "closed" and is_registration(issue) and not is_bot(issue.author):
            protect(event.repository, issue, dry_run=args.dry_run)
        log("glow register: nothing to do", event=event.key, reason=reason)
        set_output("status", "ignored")
        return 0
    try:
        if issue.state == "closed":
            outcome = withdraw(event.repository, issue, dry_run=args.dry_run)
        else:
            outcome = register(event.repository, issue, dry_run=args.dry_run)
    except GlowError:
        # A registration already answered keeps its answer (a re-run of an old event that
        # fails must not replace it); the run still fails, for the facilitators to see.
        if not args.dry_run and not {label.lower() for label in issue.labels} & set(OUTCOME_LABELS):
            say_we_failed(event.repository, issue)
        raise
    set_output("status", outcome)
    return 0


def answer_help(event: Any, *, dry_run: bool) -> int:
    """A learner's help request on their registration issue gets one upserted answer at once;
    the dashboard shows it as waiting until someone other than a bot replies."""
    from glow.actionsenv import log, set_output
    from glow.cohort.rebuild import issue_of
    from glow.cohort.registration import is_registration
    from glow.cohort.registration_copy import HELP_KEY, HELP_RECEIVED
    from glow.cohort.signals import asks_for_help, is_bot

    issue, comment = event.payload.get("issue") or {}, event.payload["comment"]
    user = comment.get("user") or {}
    author = str(user.get("login") or "")
    reason = None
    if event.action != "created":
        reason = f"issue_comment.{event.action} needs no answer"
    elif is_bot(author, str(user.get("type") or "")):
        reason = "made by a bot (GLOW never answers its own comments)"
    elif not is_registration(issue_of(issue)):
        reason = "not a registration issue"
    elif author.lower() != str((issue.get("user") or {}).get("login") or "").lower():
        reason = "not the learner's own comment"
    elif not asks_for_help(str(comment.get("body") or "")):
        reason = "not a help request"
    if reason:
        log("glow register: nothing to do", event=event.key, reason=reason)
        set_output("status", "ignored")
        return 0
    number = int(issue["number"])
    if dry_run:
        print(f"outcome: help request answered\n\n{HELP_RECEIVED}")
        return 0
    result = public_repo(event.repository).upsert_comment(number, HELP_KEY, HELP_RECEIVED)
    log("glow register: help request answered", issue=number, comment=result)
    set_output("status", "help")
    return 0


def register(repository: str, issue: Issue, *, dry_run: bool) -> str:
    from glow.actionsenv import log
    from glow.cohort.registration import Decision, public_plan, read_form

    admin = open_admin()
    cohorts = {c.id: c for c in admin.cohorts().cohorts}
    form = with_unassigned(admin, issue.author, read_form(issue.body, cohorts))
    decision = Decision(outcome="needs-info")
    if form.cohort:
        decision, form = _place(admin, cohorts, issue, form, repository, dry_run=dry_run)
    plan = public_plan(decision, form, issue, links=room_links(form.cohort, issue.author))
    log(
        "glow register: decided",
        repo=repository,
        learner=issue.author,
        issue=issue.number,
        outcome=decision.outcome,
        left_cohorts=decision.left,
    )
    if dry_run:
        print(
            f"outcome: {decision.outcome}\nlabels +{list(plan.add_labels)} "
            f"-{list(plan.remove_labels)}\nredact body: {plan.new_body is not None}\n\n"
            f"{plan.comment}"
        )
        return decision.outcome
    if form.cohort is None:
        keep_unassigned(admin, issue, form, repository)
    else:
        drop_unassigned(admin, issue.author)
    apply_public(repository, issue, plan, decision, form.cohort)
    announce_promotions(admin, [c.id for c in cohorts.values() if c.open], repository)
    return decision.outcome


def _place(
    admin: AdminRepo,
    cohorts: dict[str, Cohort],
    issue: Issue,
    form: FormResult,
    repository: str,
    *,
    dry_run: bool,
) -> tuple[Decision, FormResult]:
    """Where a registration naming a cohort goes (``registration.place``), decided on every open
    cohort's roster in one commit, so two side-by-side runs of one learner's registrations
    can never give them two seats."""
    from dataclasses import replace

    from glow.cohort.registration import place

    open_ids = tuple(sorted(c.id for c in cohorts.values() if c.open))
    others = unrecorded(repository, issue, cohorts)
    decision = decide_everywhere(
        admin,
        open_ids,
        lambda rosters, fresh: place(rosters, cohorts, issue, form, repository, fresh, others),
        f"Registration of @{issue.author} (#{issue.number})",
        dry_run=dry_run,
    )
    return decision, replace(form, cohort=decision.cohort or form.cohort)


def withdraw(repository: str, issue: Issue, *, dry_run: bool) -> str:
    """The closed registration gives up its seat; the waitlist moves up into any free seat."""
    from dataclasses import replace

    from glow.actionsenv import log
    from glow.cohort.registration import keep_volunteered, public_plan, read_form
    from glow.cohort.registration import withdraw as withdrawn

    admin = open_admin()
    cohorts = {c.id: c for c in admin.cohorts().cohorts}
    form = read_form(issue.body, cohorts)
    # The cohort whose roster holds this registration (the form may name another, or none).
    cohort = next(
        (
            c
            for c in sorted(cohorts.values(), key=lambda c: c.id != form.cohort)
            if record_of(admin, c.id, issue) is not None
        ),
        None,
    )
    if cohort is None:
        log("glow register: closed, no registration of record, nothing to withdraw")
        protect(repository, issue, dry_run=dry_run)  # a closed duplicate: the text still moves
        return "ignored"
    decision = decide(
        admin,
        cohort.id,
        lambda roster, fresh: keep_volunteered(
            withdrawn(roster, issue, cohort, fresh), issue, form.volunteered, fresh
        ),
        f"@{issue.author} withdrew (#{issue.number})",
        dry_run=dry_run,
    )
    log(
        "glow register: decided",
        repo=repository,
        learner=issue.author,
        issue=issue.number,
        outcome=decision.outcome,
        promoted=[learner.github_handle for learner in decision.promoted],
    )
    if decision.outcome != "withdrawn":
        return "ignored"  # not the learner's registration of record
    links = room_links(cohort.id, issue.author)
    plan = public_plan(decision, replace(form, cohort=cohort.id), issue, links=links)
    if dry_run:
        promoted = ", ".join(f"@{lrn.github_handle}" for lrn in decision.promoted) or "nobody"
        print(f"outcome: withdrawn\nseat goes to: {promoted}\n\n{plan.comment}")
        return decision.outcome
    apply_public(repository, issue, plan, decision, cohort.id)
    announce_promotions(admin, [c.id for c in cohorts.values() if c.open], repository)
    return decision.outcome


def protect(repository: str, issue: Issue, *, dry_run: bool) -> None:
    """A closed registration whose text holds anything beyond the two answers (added after it
    was closed, say): the text goes to the learner's record (or aside, when they have none)
    and leaves the public body, as for an open one. Nothing else about it changes."""
    from glow.actionsenv import log
    from glow.cohort.model import handle_key
    from glow.cohort.registration import keep_volunteered, read_form, redacted_body

    new_body = redacted_body(issue.body)
    if new_body is None:
        return
    admin = open_admin()
    cohorts = {c.id: c for c in admin.cohorts().cohorts}
    form = read_form(issue.body, cohorts)
    log("glow register: moving text off a closed registration", issue=issue.number)
    if dry_run:
        return
    # The record of this registration, else the learner's record (a closed duplicate).
    records = {
        c.id: admin.roster(c.id).learners.get(handle_key(issue.author)) for c in cohorts.values()
    }
    home = next(
        (cid for cid, r in records.items() if r and r.registration_issue == issue.number),
        next((cid for cid, r in records.items() if r and r.enrollment != "withdrawn"), None),
    )
    if home is None:
        keep_unassigned(admin, issue, form, repository)
    else:
        decide(
            admin,
            home,
            lambda roster, fresh: keep_volunteered(roster, issue, form.volunteered, fresh),
            f"Private text of @{issue.author} moved off #{issue.number}",
            dry_run=False,
        )
    redact(repository, issue, new_body)
