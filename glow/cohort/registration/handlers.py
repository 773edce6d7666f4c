"""Registration's handlers, on one router: an issue event registers or withdraws, a learner's
comment asks for help. Each decides from GitHub's current state (``decide`` is pure), through
the run's context: the workshop repository with the job token, the admin repository with the
provisioning credential."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router
from glow.cohort.registration.events import COMMENT_ACTIONS, ISSUE_ACTIONS
from glow.cohort.registration.public import (
    announce_after,
    announce_promotions,
    apply_public,
    label_redacted,
    pace_answer,
    read_now,
    redact,
    room_links,
    say_we_failed,
    waitlisted,
    waitlisted_now,
)
from glow.cohort.registration.store import (
    decide,
    decide_everywhere,
    drop_unassigned,
    keep_unassigned,
    record_of,
    unrecorded,
    with_unassigned,
)

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort, Roster
    from glow.cohort.registration.decide import Decision, FormResult
    from glow.cohort.registration.issue import Issue
    from glow.github import Repo

router: Router[Context] = Router()


@router.register("issues", *ISSUE_ACTIONS)
def on_issue(ctx: Context) -> int:
    """Register, or withdraw a closed registration, from the issue as GitHub has it now."""
    from glow.bot.actions import set_output
    from glow.cohort.registration.copy import OUTCOME_LABELS
    from glow.cohort.registration.issue import is_registration, why_ignored
    from glow.cohort.settings import CohortSettings
    from glow.cohort.signals import is_bot
    from glow.errors import GlowError

    assert ctx.event is not None
    event, dry_run = ctx.event, bool(ctx.args.dry_run)
    # Every missing setting is named at once, before any request.
    CohortSettings.from_env(need_template=False, credentials=True, job_token=True)
    sender, number = event.sender, event.issue_number
    if number is None:
        ctx.log("nothing to do", event=event.key, reason="the payload names no issue")
        set_output("status", "ignored")
        return 0
    repo = ctx.repo(event.repository)
    # The workshop is read, and rooms requested, with the provisioning App, whose hourly budget
    # is many times the job token's 1,000 for the repository (a burst of 300 registrations
    # would spend it); the job token writes what the learner reads (labels, the comment).
    app = ctx.repo(event.repository, auth="provisioning")
    # GitHub's current state, never the event's copy (an old event re-run may be stale): for
    # an open issue, the open issues, read once, hold it and all a registration decides on.
    issue, listed = read_now(app, number, closing=event.action == "closed")
    if issue is None:
        ctx.log("the issue is gone, nothing to do", issue=number)
        return 0
    reason = why_ignored(issue, event.action or "", sender.login, sender.type)
    if reason:
        # A closed registration still gets the safety net: text added to it later is moved.
        if issue.state == "closed" and is_registration(issue) and not is_bot(issue.author):
            protect(ctx.admin, repo, issue, dry_run=dry_run)
        ctx.log("nothing to do", event=event.key, reason=reason)
        set_output("status", "ignored")
        return 0
    try:
        if issue.state == "closed":
            outcome = withdraw(ctx.admin, repo, issue, dry_run=dry_run, app=app)
        else:
            outcome = register(ctx.admin, repo, issue, listed, dry_run=dry_run, app=app)
    except GlowError:
        # A registration already answered keeps its answer (a re-run of an old event that
        # fails must not replace it); the run still fails, for the facilitators to see.
        if not dry_run and not {label.lower() for label in issue.labels} & set(OUTCOME_LABELS):
            say_we_failed(repo, issue)
        raise
    set_output("status", outcome)
    return 0


@router.register("issue_comment", *COMMENT_ACTIONS)
def on_comment(ctx: Context) -> int:
    """A learner's help request on their registration issue gets one upserted answer at once;
    the dashboard shows it as waiting until a facilitator replies."""
    from glow.bot.actions import set_output
    from glow.cohort.registration.copy import HELP_KEY, HELP_RECEIVED
    from glow.cohort.registration.issue import is_registration, issue_in
    from glow.cohort.signals import asks_for_help, is_bot

    assert ctx.event is not None
    event = ctx.event
    comment, issue = event.comment, issue_in(event.issue)
    reason = None
    if comment is None or issue is None:
        reason = "the payload names no comment on an issue"
    elif is_bot(comment.author.login, comment.author.type):
        reason = "made by a bot (GLOW never answers its own comments)"
    elif not is_registration(issue):
        reason = "not a registration issue"
    elif comment.author.login.lower() != issue.author.lower():
        reason = "not the learner's own comment"
    elif not asks_for_help(comment.body):
        reason = "not a help request"
    if reason or issue is None:
        ctx.log("nothing to do", event=event.key, reason=reason)
        set_output("status", "ignored")
        return 0
    number = issue.number
    if ctx.args.dry_run:
        print(f"outcome: help request answered\n\n{HELP_RECEIVED}")
        return 0
    result = ctx.repo(event.repository).upsert_comment(number, HELP_KEY, HELP_RECEIVED)
    ctx.log("help request answered", issue=number, comment=result)
    set_output("status", "help")
    return 0


def register(
    admin: AdminRepo,
    repo: Repo,
    issue: Issue,
    listed: list[Issue],
    *,
    dry_run: bool,
    app: Repo,
) -> str:
    """An open registration, decided on the open issues (``listed``, this one among them) and
    the rosters, recorded in one roster commit, then said on the issue."""
    from glow.bot.actions import log
    from glow.cohort.registration.decide import (
        Decision,
        may_have_kept_text,
        public_plan,
        read_form,
    )

    cohorts = {c.id: c for c in admin.cohorts().cohorts}
    form, kept = read_form(issue.body, cohorts), False
    if form.cohort is None or may_have_kept_text(issue, listed):
        form, kept = with_unassigned(admin, issue.author, form)
    decision = Decision(outcome="needs-info")
    rosters: dict[str, Roster] = {}
    if form.cohort:
        decision, form, rosters = _place(admin, cohorts, issue, form, repo, listed, dry_run=dry_run)
    plan = public_plan(decision, form, issue, links=room_links(form.cohort, issue.author))
    log(
        "glow register: decided",
        repo=repo.full_name,
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
        keep_unassigned(admin, issue, form, repo.full_name)
    elif kept:
        drop_unassigned(admin, issue.author)
    if plan.comment and not issue.comments:
        pace_answer(repo, listed)  # a new comment: within the workshop's minute
    apply_public(repo, issue, plan, decision, form.cohort, app=app)
    announce_after(
        admin,
        repo,
        issue=issue,
        decision=decision,
        rosters=rosters,
        waiting=waitlisted(listed),
        open_ids=[c.id for c in cohorts.values() if c.open],
        app=app,
    )
    return decision.outcome


def _place(
    admin: AdminRepo,
    cohorts: dict[str, Cohort],
    issue: Issue,
    form: FormResult,
    repo: Repo,
    listed: list[Issue],
    *,
    dry_run: bool,
) -> tuple[Decision, FormResult, dict[str, Roster]]:
    """Where a registration naming a cohort goes (``registration.place``), decided on every open
    cohort's roster in one commit, so two side-by-side runs of one learner's registrations
    can never give them two seats. ``listed``: the workshop repository's open issues. The
    rosters are returned as the decision left them."""
    from dataclasses import replace

    from glow.cohort.registration.placement import place

    open_ids = tuple(sorted(c.id for c in cohorts.values() if c.open))
    others = unrecorded(listed, issue, cohorts)
    repository = repo.full_name
    decision, rosters = decide_everywhere(
        admin,
        open_ids,
        lambda rosters, fresh: place(rosters, cohorts, issue, form, repository, fresh, others),
        f"Registration of @{issue.author} (#{issue.number})",
        dry_run=dry_run,
    )
    return decision, replace(form, cohort=decision.cohort or form.cohort), rosters


def withdraw(admin: AdminRepo, repo: Repo, issue: Issue, *, dry_run: bool, app: Repo) -> str:
    """The closed registration gives up its seat; the waitlist moves up into any free seat."""
    from dataclasses import replace

    from glow.bot.actions import log
    from glow.cohort.registration.decide import keep_volunteered, public_plan, read_form
    from glow.cohort.registration.decide import withdraw as withdrawn

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
        protect(admin, repo, issue, dry_run=dry_run)  # a closed duplicate: the text still moves
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
        repo=repo.full_name,
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
    apply_public(repo, issue, plan, decision, cohort.id, app=app)
    # Listed after the roster commit: an issue labelled waitlisted before the seat it now has
    # was committed is told here, one labelled after it by its own run.
    waiting = waitlisted_now(app)
    if waiting:
        open_ids = [c.id for c in cohorts.values() if c.open]
        rosters = {c: admin.roster(c) for c in open_ids}
        announce_promotions(repo, rosters, waiting, app=app)
    return decision.outcome


def protect(admin: AdminRepo, repo: Repo, issue: Issue, *, dry_run: bool) -> None:
    """A closed registration whose text holds anything beyond the two answers (added after it
    was closed, say): the text goes to the learner's record (or aside, when they have none)
    and leaves the public body, as for an open one. Nothing else about it changes."""
    from glow.bot.actions import log
    from glow.cohort.model import handle_key
    from glow.cohort.registration.decide import keep_volunteered, read_form, redacted_body

    new_body = redacted_body(issue.body)
    if new_body is None:
        return
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
        keep_unassigned(admin, issue, form, repo.full_name)
    else:
        decide(
            admin,
            home,
            lambda roster, fresh: keep_volunteered(roster, issue, form.volunteered, fresh),
            f"Private text of @{issue.author} moved off #{issue.number}",
            dry_run=False,
        )
    if redact(repo, issue, new_body):
        label_redacted(repo, issue)
