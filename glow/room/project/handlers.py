"""`glow project`'s router: a push (or a dispatch) runs each deliverable's visible checks and
upserts its scorecard; a comment records the learner's ``/submit`` requests.

Both converge from the room's current state: a re-run on the same commit with the same verdicts
writes nothing, and a comment run records every ``/submit`` of the learner not yet recorded
(one replaced by a newer pending run is recorded by that run)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from glow.bot.context import Context
from glow.bot.router import Router

if TYPE_CHECKING:
    from glow.room.project.checks import SandboxFactory

router: Router[Context] = Router()
SANDBOX: SandboxFactory | None = None
"""The sandbox the visible checks run in (None: the process sandbox); tests set another."""


def _checkout(ctx: Context) -> Path:
    given = getattr(ctx.args, "checkout", None)
    return Path(given or os.environ.get("GITHUB_WORKSPACE") or ".")


@router.register("push")
@router.register("workflow_dispatch")
def score(ctx: Context) -> int:
    """Run the visible checks of every deliverable on the commit and upsert its scorecard."""
    from glow.errors import ConfigError
    from glow.harness.package import PROJECT_FILE, published_bundle
    from glow.markers import result_line, with_marker
    from glow.room.project import checks, copy, room
    from glow.room.project.decide import (
        deliverable_issues,
        scorecard_key,
        target_of,
    )
    from glow.room.rules import our_comments

    assert ctx.event is not None  # the router calls this only for an event
    checkout = _checkout(ctx)
    if not (checkout / PROJECT_FILE).is_file():
        ctx.log("this room holds no project: nothing to check")
        return 0
    target = target_of(ctx.event.name, ctx.event.payload, os.environ.get("GITHUB_SHA", ""))
    if isinstance(target, str):
        ctx.log(target)
        return 0
    loaded = published_bundle(checkout)
    if loaded.bundle is None:
        raise ConfigError(
            "the room's project cannot be read: " + "; ".join(f.line() for f in loaded.findings)
        )
    bundle = loaded.bundle
    verdicts = checks.run_visible(bundle, (SANDBOX or checks.process_sandbox)())
    repo = ctx.repo(ctx.event.repository)
    bot = repo.login()
    found = deliverable_issues(room.issues(repo), bot, verdicts)
    listed = room.comments(repo) if found else []
    default = room.default_branch(repo, ctx.event.payload)
    dry_run = bool(getattr(ctx.args, "dry_run", False))
    written, ours_failed = [], []
    for d in bundle.deliverables:
        visible = verdicts[d.id]
        spec = d.manifest
        key = scorecard_key(d.id)
        text = copy.scorecard(spec.title, target, visible, spec.owns, default)
        body = with_marker(key, text)
        outcome = result_line(visible.kind, visible.passed, visible.total)
        body += f"\n\n<!-- commit: {target.sha} -->\n{outcome}"
        if visible.kind == "sandbox":
            ours_failed.append(f"{d.id}: {visible.headline}")
        if dry_run:
            print(f"would post the scorecard of {d.id}: {visible.kind}, "
                  f"{visible.passed} of {visible.total}")  # fmt: skip
            continue
        issue = found.get(d.id)
        if issue is None:
            issue = room.open_issue(repo, d, default)
            written.append(f"issue {d.id}")
        existing = our_comments(listed, bot, key).get(int(issue["number"]))
        if room.put_comment(repo, int(issue["number"]), existing, body) != "none":
            written.append(f"scorecard {d.id}")
    ctx.log(
        "checked",
        commit=target.short,
        branch=target.branch,
        written=len(written),
        requests=repo.counts.requests,
    )
    if ours_failed:
        from glow.errors import GlowError

        raise GlowError("the sandbox could not run the visible checks: " + "; ".join(ours_failed))
    return 0


@router.register("issue_comment", "created")
def submit(ctx: Context) -> int:
    """Record each ``/submit`` of the learner's not yet recorded: the default branch's head now,
    the ``submitted`` label, and one submission comment on the deliverable's issue."""
    from glow.markers import with_marker
    from glow.room.project import copy, room
    from glow.room.project.decide import (
        Target,
        commit_sha,
        deliverable_issues,
        hidden_lines,
        is_submit,
        pending_submissions,
        submission_key,
    )
    from glow.room.pulls import learner_handle
    from glow.room.rules import our_comments

    assert ctx.event is not None
    comment = ctx.event.comment
    if comment is None or not is_submit(comment.body):
        # A pending /submit run may have been replaced by this one: look for any all the same.
        ctx.log("this comment is no /submit; recording any earlier one still pending")
    project = _project(_checkout(ctx))
    if project is None:
        ctx.log("this room holds no project: nothing to submit")
        return 0
    repo = ctx.repo(ctx.event.repository)
    handle = learner_handle(repo)
    bot = repo.login()
    listed_issues = room.issues(repo)
    found = deliverable_issues(listed_issues, bot, project)
    listed = room.comments(repo) if found else []
    numbers = {d: int(issue["number"]) for d, issue in found.items()}
    requests = pending_submissions(numbers, listed, handle, bot)
    if not requests:
        ctx.log("no /submit of the learner's to record", learner=handle)
        return 0
    default = room.default_branch(repo, ctx.event.payload)
    # The default branch's head when the comment was made (GITHUB_SHA of an issue_comment run),
    # else now.
    head = commit_sha(os.environ.get("GITHUB_SHA", "")) or room.branch_head(repo, default)
    if head is None:
        ctx.log("the default branch has no commit: nothing to submit", branch=default)
        return 0
    target = Target(default, head)
    for request in requests:
        issue = found[request.deliverable]
        title = project[request.deliverable]
        key = submission_key(request.deliverable)
        text = f"{hidden_lines(head, request.comment)}\n{copy.submission(title, target)}"
        existing = our_comments(listed, bot, key).get(request.issue)
        if getattr(ctx.args, "dry_run", False):
            print(f"would record the submission of {request.deliverable} at {target.short}")
            continue
        labels = [str(label.get("name")) for label in issue.get("labels") or []]
        room.label_submitted(repo, request.issue, labels)
        room.put_comment(repo, request.issue, existing, with_marker(key, text))
    ctx.log("recorded", submissions=len(requests), commit=target.short,
            requests=repo.counts.requests)  # fmt: skip
    return 0


def _project(checkout: Path) -> dict[str, str] | None:
    """The title of each deliverable of the checkout's project, by id, in order (None: the room
    holds no project)."""
    from glow.harness.package import published_bundle

    loaded = published_bundle(checkout)
    if loaded.bundle is None:
        return None
    return {d.id: d.manifest.title for d in loaded.bundle.deliverables}
