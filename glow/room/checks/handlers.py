"""Content validation's handlers, on one router: a learner's pull request opened, pushed to or
reopened gets its changed Markdown checked (links, Markdown, accessibility) and one report
comment; the same run re-checks any other open learner pull request whose report a dropped run
left stale. No changed Markdown: no report, and an older report is rewritten to say so."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.bot.context import Context
from glow.bot.router import Router
from glow.room.events import EVENTS

if TYPE_CHECKING:
    from glow.github import Repo

router: Router[Context] = Router()


@router.register_keys(EVENTS)
def check_content(ctx: Context) -> int:
    from glow.room.checks.copy import COMMENT_KEY
    from glow.room.pulls import list_pulls, our_comments, pull_event
    from glow.room.rules import is_learner_pull, judged

    found = pull_event(ctx, "content checks")
    if found is None:
        return 0
    # Any other event: only the catching up (a replaced run may have left a report stale).
    repo, number = found
    reports = our_comments(repo, COMMENT_KEY)
    # Every pull request, as Gandalf lists them: the run reads that listing once for both.
    for data in list_pulls(repo, "all"):
        head = data.get("head") if isinstance(data.get("head"), dict) else None
        sha = str((head or {}).get("sha") or "")
        if not sha or data.get("state") != "open" or not is_learner_pull(data):
            continue
        pull = int(data["number"])
        report = reports.get(pull)
        if pull != number and judged((report or {}).get("body"), COMMENT_KEY) == sha[:12]:
            continue
        check_one(ctx, repo, pull, sha, report)
    return 0


def check_one(
    ctx: Context, repo: Repo, number: int, head_sha: str, report: dict[str, Any] | None
) -> None:
    """Check one pull request's changed Markdown at its head and write its one report."""
    from glow.markers import normalise_body, with_marker
    from glow.room.checks.copy import COMMENT_KEY
    from glow.room.checks.decide import check_file, is_markdown, needs_tree
    from glow.room.checks.decide import report as render
    from glow.room.pulls import changed_files, upsert_once
    from glow.room.rules import judged_line

    paths = sorted(
        f["filename"]
        for f in changed_files(repo, number)
        if is_markdown(f["filename"]) and f.get("status") != "removed"
    )
    if not paths and report is None:
        ctx.log("content checks: no Markdown changed, no report", pull=number)
        return
    texts = {}
    for path in paths:
        found = repo.read_file(path, head_sha)
        if found is not None:
            texts[path] = found.text
    known = tree_paths(repo, head_sha) if needs_tree(texts) else frozenset()
    findings = [f for path, text in texts.items() for f in check_file(path, text, known)]
    text = render(findings, sorted(texts), head_sha)
    body = with_marker(COMMENT_KEY, f"{text}\n\n{judged_line(COMMENT_KEY, head_sha[:12])}")
    if report is not None and normalise_body(report.get("body")) == normalise_body(body):
        ctx.log("content checks: report current", pull=number)
        return
    if getattr(ctx.args, "dry_run", False):
        print(f"would write the content report on #{number}:\n{body}")
        return
    outcome = upsert_once(repo, number, COMMENT_KEY, body)
    ctx.log(f"content checks: report {outcome}", pull=number, findings=len(findings))


def tree_paths(repo: Repo, sha: str) -> frozenset[str]:
    """Every file and folder at commit ``sha`` (one request: the recursive tree)."""
    tree = repo.get_json(repo.url("git", "trees", sha), {"recursive": "1"}) or {}
    return frozenset(
        str(entry["path"]) for entry in tree.get("tree") or [] if isinstance(entry, dict)
    )
