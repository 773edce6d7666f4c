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
import functools
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.model import Cohort, Learner, Roster
    from glow.cohort.registration import Decision, FormResult, Issue, RoomLinks
    from glow.github import Repo

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

UNASSIGNED = "intake/unassigned.json"
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

    _public.cache_clear()  # one client per run (tests run several in one process)
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
    from glow.cohort.registration import why_ignored
    from glow.cohort.settings import CohortSettings
    from glow.errors import GlowError

    CohortSettings.from_env(need_template=False)  # a missing setting is named before any request
    sender = event.payload.get("sender") or {}
    number = int(event.payload["issue"]["number"])
    raw = _public(event.repository).get_json(_public(event.repository).url("issues", number))
    if raw is None:
        log("glow register: the issue is gone, nothing to do", issue=number)
        return 0
    issue = issue_of(raw)  # GitHub's current state: an old event's payload may be stale
    reason = why_ignored(
        issue, event.action or "", str(sender.get("login") or ""), str(sender.get("type") or "")
    )
    if reason:
        log("glow register: nothing to do", event=event.key, reason=reason)
        set_output("status", "ignored")
        return 0
    try:
        if issue.state == "closed":
            outcome = withdraw(event.repository, issue, dry_run=args.dry_run)
        else:
            outcome = register(event.repository, issue, dry_run=args.dry_run)
    except GlowError:
        # An edit of a registration already answered keeps its answer; the run still fails.
        if not args.dry_run and event.action in ("opened", "reopened"):
            _say_we_failed(event.repository, issue)
        raise
    set_output("status", outcome)
    return 0


@functools.cache
def _public(repository: str) -> Repo:
    """The workshop repository through the job token: one client for the whole run."""
    from glow.github import Repo, client_from_env

    owner, name = repository.split("/", 1)
    return Repo(client_from_env(auth="token"), owner, name)


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
    result = _public(event.repository).upsert_comment(number, HELP_KEY, HELP_RECEIVED)
    log("glow register: help request answered", issue=number, comment=result)
    set_output("status", "help")
    return 0


def register(repository: str, issue: Issue, *, dry_run: bool) -> str:
    from glow.actionsenv import log
    from glow.cohort.registration import Decision, public_plan, read_form

    admin = _admin()
    cohorts = {c.id: c for c in admin.cohorts().cohorts}
    form = _with_unassigned(admin, issue.author, read_form(issue.body, cohorts))
    decision, moved = Decision(outcome="needs-info"), []  # moved: (cohort left, record there)
    if form.cohort:
        decision, form, moved = _place(admin, cohorts, issue, form, repository, dry_run=dry_run)
    plan = public_plan(decision, form, issue, links=_room_links(form.cohort, issue.author))
    log(
        "glow register: decided",
        repo=repository,
        learner=issue.author,
        issue=issue.number,
        outcome=decision.outcome,
        left_cohorts=[cohort for cohort, _ in moved],
    )
    if dry_run:
        print(
            f"outcome: {decision.outcome}\nlabels +{list(plan.add_labels)} "
            f"-{list(plan.remove_labels)}\nredact body: {plan.new_body is not None}\n\n"
            f"{plan.comment}"
        )
        return decision.outcome
    if form.cohort is None:
        _keep_unassigned(admin, issue, form, repository)
    else:
        _drop_unassigned(admin, issue.author)
    _apply_public(repository, issue, plan, decision, form.cohort)
    _announce_promotions(admin, [c.id for c in cohorts.values() if c.open], repository)
    return decision.outcome


def _place(
    admin: AdminRepo,
    cohorts: dict[str, Cohort],
    issue: Issue,
    form: FormResult,
    repository: str,
    *,
    dry_run: bool,
) -> tuple[Decision, FormResult, list[tuple[str, Learner]]]:
    """Where a registration naming a cohort goes, on the roster: (decision, form, moves).

    A learner with an active registration in another issue for another cohort: a duplicate of
    that one (the form then names its cohort, for the comment). A registration edited to name
    another cohort: it leaves the old one first, taking the private answers along."""
    from dataclasses import replace

    from glow.cohort.registration import fill_seats, place_in_order, with_private_from

    rosters = {c.id: admin.roster(c.id) for c in cohorts.values() if c.open}
    elsewhere = [
        (other, record)
        for other, record in _records_elsewhere(rosters, cohorts, issue.author, form.cohort)
        if record.enrollment != "withdrawn"
    ]
    first = next((o for o, r in elsewhere if r.registration_issue != issue.number), None)
    current = next((o for o, r in elsewhere if r.registration_issue == issue.number), None)
    moved = []
    if first is None and current is not None and form.problems:
        first = current  # an edit that breaks the form is judged where the seat is, not moved
    elif first is None:
        moved = _leave_cohorts(admin, elsewhere, issue, form.cohort or "", dry_run=dry_run)
    cohort = first or cohorts[form.cohort or ""]
    others = _unrecorded(repository, issue, cohorts, cohort.id, rosters)
    carried = [record for _, record in moved]
    decision = _decide(
        admin,
        cohort.id,
        # Seats freed meanwhile (a raised capacity) go to the waitlist before this registration.
        lambda roster, fresh: with_private_from(
            place_in_order(
                fill_seats(roster, cohort, fresh), issue, form, cohort, repository, fresh, others
            ),
            issue.author,
            carried,
        ),
        f"Registration of @{issue.author} (#{issue.number})",
        dry_run=dry_run,
    )
    return decision, replace(form, cohort=cohort.id), moved


def _unrecorded(
    repository: str,
    issue: Issue,
    cohorts: dict[str, Cohort],
    cohort_id: str,
    rosters: dict[str, Roster],
) -> list[tuple[Issue, FormResult]]:
    """Other complete registrations for ``cohort_id`` that no run has recorded yet (their runs
    may be running beside this one): ``place_in_order`` seats them in registration order."""
    from glow.cohort.model import handle_key
    from glow.cohort.rebuild import issue_of
    from glow.cohort.registration import is_registration, read_form
    from glow.cohort.registration_copy import LABEL_DUPLICATE, LABEL_WITHDRAWN
    from glow.cohort.signals import is_bot

    repo = _public(repository)
    # Not filtered by label: GitHub applies the form's label, but an issue filed by hand with the
    # form's fields (or by a learner the API does not let set labels) is a registration too.
    listing = {"state": "open", "per_page": 100}
    recorded = {key for roster in rosters.values() for key in roster.learners}
    found = []
    for raw in repo.paginate(repo.url("issues"), listing):
        other = issue_of(raw)
        if not is_registration(other):
            continue
        key = handle_key(other.author)
        labels = {label.lower() for label in other.labels}
        if (
            raw.get("pull_request")
            or other.number == issue.number
            or key in recorded
            or key == handle_key(issue.author)
            or is_bot(other.author)
            or labels & {LABEL_DUPLICATE, LABEL_WITHDRAWN}
        ):
            continue
        other_form = read_form(other.body, cohorts)
        if not other_form.problems and other_form.cohort == cohort_id:
            found.append((other, other_form))
    return found


def _records_elsewhere(
    rosters: dict[str, Roster], cohorts: dict[str, Cohort], author: str, cohort_id: str | None
) -> list[tuple[Cohort, Learner]]:
    """The learner's records in every open cohort but ``cohort_id``: (cohort, record). A
    finished cohort's records are history."""
    from glow.cohort.model import handle_key

    found = []
    for other_id, roster in rosters.items():
        record = roster.learners.get(handle_key(author))
        if other_id != cohort_id and record is not None:
            found.append((cohorts[other_id], record))
    return found


def _leave_cohorts(
    admin: AdminRepo,
    elsewhere: list[tuple[Cohort, Learner]],
    issue: Issue,
    cohort_id: str,
    *,
    dry_run: bool,
) -> list[tuple[str, Learner]]:
    """A registration edited to name another cohort leaves the one it named before: that
    record is withdrawn there (its room, if any, stays on record for teardown) and its seat
    goes to that cohort's waitlist (announced by ``_announce_promotions``). Returns each cohort
    left with the learner's record there."""
    from glow.cohort.registration import withdraw

    left = []
    for other, record in elsewhere:
        if record.registration_issue != issue.number:
            continue
        _decide(
            admin,
            other.id,
            lambda roster, fresh, other=other: withdraw(roster, issue, other, fresh),
            f"@{issue.author} moved from cohort {other.id} to {cohort_id} (#{issue.number})",
            dry_run=dry_run,
        )
        left.append((other.id, record))
    return left


def _say_we_failed(repository: str, issue: Issue) -> None:
    """Tell the learner, without blame, that their registration did not finish. Best effort:
    the run still fails (the watchdog and the Actions tab show it) whatever happens here."""
    from glow.actionsenv import log
    from glow.cohort.registration_copy import COMMENT_KEY, FAILED

    try:
        _public(repository).upsert_comment(issue.number, COMMENT_KEY, FAILED)
    except Exception as exc:  # the failure being reported is the one that matters
        log("glow register: could not tell the learner", issue=issue.number, error=str(exc))


def withdraw(repository: str, issue: Issue, *, dry_run: bool) -> str:
    """The closed registration gives up its seat; the waitlist moves up into any free seat."""
    from dataclasses import replace

    from glow.actionsenv import log
    from glow.cohort.registration import public_plan, read_form
    from glow.cohort.registration import withdraw as withdrawn

    admin = _admin()
    cohorts = {c.id: c for c in admin.cohorts().cohorts}
    form = read_form(issue.body, cohorts)
    # The cohort whose roster holds this registration (the form may name another, or none).
    cohort = next(
        (
            c
            for c in sorted(cohorts.values(), key=lambda c: c.id != form.cohort)
            if _record_of(admin, c.id, issue) is not None
        ),
        None,
    )
    if cohort is None:
        log("glow register: closed, no registration of record, nothing to withdraw")
        return "ignored"
    decision = _decide(
        admin,
        cohort.id,
        lambda roster, fresh: withdrawn(roster, issue, cohort, fresh),
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
    links = _room_links(cohort.id, issue.author)
    plan = public_plan(decision, replace(form, cohort=cohort.id), issue, links=links)
    if dry_run:
        promoted = ", ".join(f"@{lrn.github_handle}" for lrn in decision.promoted) or "nobody"
        print(f"outcome: withdrawn\nseat goes to: {promoted}\n\n{plan.comment}")
        return decision.outcome
    _apply_public(repository, issue, plan, decision, cohort.id)
    _announce_promotions(admin, [c.id for c in cohorts.values() if c.open], repository)
    return decision.outcome


def _record_of(admin: AdminRepo, cohort_id: str, issue: Issue) -> Learner | None:
    """The learner's record in the cohort when it is this issue's registration, else None."""
    from glow.cohort.model import handle_key

    record = admin.roster(cohort_id).learners.get(handle_key(issue.author))
    return record if record is not None and record.registration_issue == issue.number else None


def _decide(
    admin: AdminRepo,
    cohort_id: str,
    step: Callable[[Roster, Decision], Roster],
    message: str,
    *,
    dry_run: bool,
) -> Decision:
    """Apply ``step`` to the cohort's roster and return what it decided. The step is re-applied
    to the latest roster when another change lands first, so the decision is made on fresh
    data; a dry run decides on the stored roster and writes nothing."""
    from glow.cohort.registration import Decision

    decision = Decision()
    if dry_run:
        step(admin.roster(cohort_id), decision)
        return decision

    def change(roster: Roster) -> tuple[Roster, list[Any]]:
        fresh = Decision()
        new = step(roster, fresh)
        decision.__dict__.update(fresh.__dict__)
        return new, []

    admin.update(cohort_id, change, message)
    return decision


def _admin() -> AdminRepo:
    from glow.cohort.admin import AdminRepo
    from glow.cohort.settings import CohortSettings, provisioning_client
    from glow.github import Repo

    settings = CohortSettings.from_env(need_template=False)
    admin_owner, admin_name = settings.admin_repo.split("/")
    return AdminRepo(Repo(provisioning_client(settings), admin_owner, admin_name))


def _room_links(cohort: str | None, handle: str) -> RoomLinks:
    """The room's invitations page and its private intake form (GitHub's notifications page
    until the learner has a cohort)."""
    from glow.cohort.model import room_name
    from glow.cohort.registration import RoomLinks
    from glow.cohort.settings import CohortSettings

    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    if not cohort:
        return RoomLinks(f"{server}/notifications", f"{server}/notifications")
    owner = CohortSettings.from_env(need_template=False).rooms_owner
    room = f"{server}/{owner}/{room_name(cohort, handle)}"
    return RoomLinks(f"{room}/invitations", f"{room}/issues/new?template=intake.yml")


def _announce_promotions(admin: AdminRepo, cohort_ids: Iterable[str], repository: str) -> None:
    """Every learner the roster enrolled whose registration issue still says waitlisted: the
    issue now says enrolled and their room is requested. Derived from GitHub each time, so a
    re-run after a failure finishes what the first run began."""
    from glow.actionsenv import log
    from glow.cohort.registration import promoted_plan
    from glow.cohort.registration_copy import COMMENT_KEY, LABEL_WAITLISTED, LABELS

    repo = _public(repository)
    listing = {"labels": LABEL_WAITLISTED, "state": "open", "per_page": 100}
    waiting = {int(i["number"]) for i in repo.paginate(repo.url("issues"), listing)}
    if not waiting:
        return
    promoted = [
        learner
        for cohort_id in cohort_ids
        for learner in admin.roster(cohort_id).enrolled()
        if learner.registration_issue in waiting and learner.registration_repo == repository
    ]
    for learner in promoted:
        plan = promoted_plan(learner, links=_room_links(learner.cohort_id, learner.github_handle))
        for label in plan.add_labels:
            repo.ensure_label(label, *LABELS[label])
        number = learner.registration_issue
        repo.set_labels_diff(number, add=list(plan.add_labels), remove=list(plan.remove_labels))
        repo.upsert_comment(number, COMMENT_KEY, plan.comment or "")
        _request_room(repo, learner.cohort_id, learner.github_handle)
        log("glow register: enrolled from the waitlist", learner=learner.github_handle)


def _request_room(repo: Repo, cohort: str | None, handle: str) -> None:
    """A trickle: the Provision workflow creates this learner's room now (and heals hourly)."""
    repo.request(
        "POST",
        repo.url("dispatches"),
        json={"event_type": "provision", "client_payload": {"cohort": cohort, "learner": handle}},
    )


def _with_unassigned(admin: AdminRepo, author: str, form: FormResult) -> FormResult:
    """Text volunteered while the cohort was wrong was kept aside: bring it back."""
    import json
    from dataclasses import replace

    from glow.cohort.model import handle_key

    found = admin.repo.read_file(UNASSIGNED)
    kept = json.loads(found.text).get(handle_key(author), {}) if found else {}
    earlier = kept.get("volunteered")
    if not earlier or (form.volunteered and earlier in form.volunteered):
        return form
    joined = f"{earlier}\n\n{form.volunteered}" if form.volunteered else earlier
    return replace(form, volunteered=joined)


def _update_unassigned(
    admin: AdminRepo, author: str, value: dict[str, Any] | None, message: str
) -> None:
    import json

    from glow.cohort.model import handle_key

    def update(current: Any) -> dict[str, str | None]:
        data = json.loads(current[UNASSIGNED] or "{}")
        if value is None:
            data.pop(handle_key(author), None)
        else:
            data[handle_key(author)] = value
        return {UNASSIGNED: json.dumps(data, indent=2, sort_keys=True) + "\n" if data else None}

    admin.repo.update_files((UNASSIGNED,), update, message, branch=admin.branch)


def _keep_unassigned(admin: AdminRepo, issue: Issue, form: FormResult, repository: str) -> None:
    if form.volunteered is None:
        return
    _update_unassigned(
        admin,
        issue.author,
        {
            "volunteered": form.volunteered,
            "registration_repo": repository,
            "registration_issue": issue.number,
        },
        f"Private text of @{issue.author} kept until the cohort is fixed",
    )


def _drop_unassigned(admin: AdminRepo, author: str) -> None:
    _update_unassigned(admin, author, None, f"Private text of @{author} moved to the roster")


def _apply_public(
    repository: str, issue: Issue, plan: Any, decision: Decision, cohort: str | None
) -> None:
    from glow.actionsenv import log
    from glow.cohort.registration_copy import COMMENT_KEY, LABEL_ENROLLED, LABELS

    repo = _public(repository)
    if plan.new_body is not None and plan.new_body != issue.body:
        repo.request("PATCH", repo.url("issues", issue.number), json={"body": plan.new_body})
    for label in plan.add_labels:
        repo.ensure_label(label, *LABELS[label])
    labels = repo.set_labels_diff(
        issue.number, add=list(plan.add_labels), remove=list(plan.remove_labels)
    )
    outcome = repo.upsert_comment(issue.number, COMMENT_KEY, plan.comment)
    if plan.close:
        repo.request(
            "PATCH",
            repo.url("issues", issue.number),
            json={"state": "closed", "state_reason": "not_planned"},
        )
    # A seat decided by another run (registration order, see ``place_in_order``) is announced
    # here, when the issue first says enrolled.
    if decision.newly_enrolled or LABEL_ENROLLED in labels.added:
        _request_room(repo, cohort, issue.author)
    log("glow register: done", issue=issue.number, comment=outcome, writes=repo.counts.writes)
