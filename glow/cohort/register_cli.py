"""Handle a registration issue event: validate the form, label it `enrolled` or `needs-info`,
and post the next steps in one comment that is updated, never duplicated.

Runs inside GitHub Actions on `issues` events (opened, edited, reopened) of the workshop
repository. Any other event is logged and ignored (exit 0)."""

from __future__ import annotations

import argparse
import os

EPILOG = """examples:
  # in a workflow step (see actions/register/action.yml):
  GITHUB_TOKEN=${{ github.token }} glow register
  # try it on a recorded payload against the local GitHub:
  GITHUB_EVENT_NAME=issues GITHUB_EVENT_PATH=tests/payloads/issues.opened.json \\
    GITHUB_API_URL=http://127.0.0.1:8765/api/v3 GITHUB_TOKEN=... glow register --dry-run

settings (environment):
  GLOW_COHORTS   comma-separated cohort names open for registration (empty: any valid name)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan (labels, comment) and change nothing"
    )


def run(args: argparse.Namespace) -> int:
    from glow.actionsenv import log, read_event, set_output
    from glow.cohort.registration import Issue, plan_registration

    event = read_event()
    if event.name != "issues" or "issue" not in event.payload:
        log("glow register: event not handled, nothing to do", event=event.key)
        return 0
    raw = event.payload["issue"]
    issue = Issue(
        number=int(raw["number"]),
        title=str(raw.get("title") or ""),
        body=raw.get("body"),
        author=str((raw.get("user") or {}).get("login") or ""),
        labels=tuple(str(lab.get("name")) for lab in raw.get("labels") or []),
        state=str(raw.get("state") or "open"),
    )
    cohorts = tuple(
        c.strip().lower() for c in os.environ.get("GLOW_COHORTS", "").split(",") if c.strip()
    )
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    plan = plan_registration(
        issue, event.action or "", cohorts=cohorts, invitations_url=f"{server}/notifications"
    )
    log(
        "glow register: planned",
        event=event.key,
        repo=event.repository,
        learner=issue.author,
        issue=issue.number,
        status=plan.status,
    )
    set_output("status", plan.status)
    if plan.status == "ignored":
        log("glow register: nothing to do", reason=plan.reason)
        return 0
    if args.dry_run:
        print(f"labels +{list(plan.add_labels)} -{list(plan.remove_labels)}\n\n{plan.comment}")
        return 0
    apply(event.repository, issue.number, plan)
    return 0


def apply(repository: str, number: int, plan: object) -> None:
    from glow.actionsenv import log
    from glow.cohort.registration import COMMENT_KEY, LABELS, RegistrationPlan
    from glow.github import Repo, client_from_env

    assert isinstance(plan, RegistrationPlan)
    owner, name = repository.split("/", 1)
    repo = Repo(client_from_env(), owner, name)
    for label in plan.add_labels:
        color, description = LABELS[label]
        repo.ensure_label(label, color, description)
    repo.set_labels_diff(number, add=list(plan.add_labels), remove=list(plan.remove_labels))
    assert plan.comment is not None
    outcome = repo.upsert_comment(number, COMMENT_KEY, plan.comment)
    log("glow register: done", issue=number, comment=outcome, writes=repo.counts.writes)
