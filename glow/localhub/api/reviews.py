"""Pull request reviews, with the ``pull_request_review`` event."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.api.issuedata import actor, association
from glow.localhub.api.pulldata import get_pull, pull_json
from glow.localhub.routing import Ctx, HubError, Response, invalid

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def diff_anchors(text: str) -> dict[tuple[str, int], tuple[int, str]]:
    """``(side, line) -> (position, diff_hunk)`` for every line of one file's unified diff.

    ``position`` counts lines from the first ``@@`` header (GitHub's ``position``);
    ``diff_hunk`` is the hunk from its header down to that line, as GitHub shows it."""
    anchors: dict[tuple[str, int], tuple[int, str]] = {}
    position = -1
    hunk: list[str] = []
    old = new = 0
    for raw in text.splitlines():
        m = HUNK.match(raw)
        if position < 0 and not m:
            continue  # the file header
        position += 1
        if m:
            old, new = int(m.group(1)), int(m.group(2))
            hunk = [raw]
            continue
        hunk.append(raw)
        mark = raw[:1]
        if mark == "\\":
            continue  # "\ No newline at end of file"
        if mark in (" ", "-"):
            anchors[("LEFT", old)] = (position, "\n".join(hunk))
        if mark in (" ", "+"):
            anchors[("RIGHT", new)] = (position, "\n".join(hunk))
        if mark in (" ", "-"):
            old += 1
        if mark in (" ", "+"):
            new += 1
    return anchors


def thread_error(field: str, message: str) -> HubError:
    return HubError(
        422,
        "Validation Failed",
        errors=[
            {
                "resource": "PullRequestReviewComment",
                "code": "custom",
                "field": f"pull_request_review_thread.{field}",
                "message": message,
            }
        ],
    )


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def review_json(
        repo: dict[str, Any], iss: dict[str, Any], rev: dict[str, Any]
    ) -> dict[str, Any]:
        api = f"{hub.urls.api}/repos/{repo['full_name']}/pulls/{iss['number']}"
        html = (
            f"{hub.urls.web}/{repo['full_name']}/pull/{iss['number']}#pullrequestreview-{rev['id']}"
        )
        return {
            "id": rev["id"],
            "node_id": shapes.node_id("PRR", rev["id"]),
            "user": hub.user_json(rev["user"]),
            "body": rev["body"],
            "state": rev["state"],
            "commit_id": rev["commit_id"],
            "html_url": html,
            "pull_request_url": api,
            "submitted_at": rev["submitted_at"],
            "author_association": rev["association"],
            "_links": {"html": {"href": html}, "pull_request": {"href": api}},
        }

    def comment_json(repo: dict[str, Any], c: dict[str, Any]) -> dict[str, Any]:
        full = repo["full_name"]
        api = f"{hub.urls.api}/repos/{full}/pulls"
        html = f"{hub.urls.web}/{full}/pull/{c['number']}#discussion_r{c['id']}"
        url = f"{api}/comments/{c['id']}"
        return {
            "url": url,
            "pull_request_review_id": c["review_id"],
            "id": c["id"],
            "node_id": shapes.node_id("PRRC", c["id"]),
            "diff_hunk": c["diff_hunk"],
            "path": c["path"],
            "position": c["position"],
            "original_position": c["position"],
            "commit_id": c["commit_id"],
            "original_commit_id": c["commit_id"],
            "user": hub.user_json(c["user"]),
            "body": c["body"],
            "created_at": c["created_at"],
            "updated_at": c["created_at"],
            "html_url": html,
            "pull_request_url": f"{api}/{c['number']}",
            "author_association": c["association"],
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "pull_request": {"href": f"{api}/{c['number']}"},
            },
            "start_line": None,
            "original_start_line": None,
            "start_side": None,
            "line": c["line"],
            "original_line": c["line"],
            "side": c["side"],
            "subject_type": "line",
            "reactions": shapes.reactions(url),
        }

    def anchored(
        repo: dict[str, Any], iss: dict[str, Any], spec: dict[str, Any], login: str | None
    ) -> dict[str, Any]:
        """A review comment from ``{body, path, line, side?, commit_id?}``: 422 unless the
        line is part of the pull request's diff, as on GitHub."""
        body, path, line = spec.get("body"), spec.get("path"), spec.get("line")
        side = spec.get("side") or "RIGHT"
        if not isinstance(body, str) or not body.strip():
            raise invalid("PullRequestReviewComment", "body", "missing_field")
        if not isinstance(path, str) or not path:
            raise invalid("PullRequestReviewComment", "path", "missing_field")
        if not isinstance(line, int) or isinstance(line, bool) or side not in ("LEFT", "RIGHT"):
            raise thread_error("line", "could not be resolved")
        pr = iss["pull"]
        git_dir = store.git_dir(repo)
        commit_id = spec.get("commit_id") or pr["head_sha"]
        if not isinstance(commit_id, str) or gitstore.object_type(git_dir, commit_id) != "commit":
            raise invalid("PullRequestReviewComment", "commit_id", "invalid")
        base = gitstore.rev_parse(git_dir, f"refs/heads/{pr['base_ref']}") or pr["base_sha"]
        mb = gitstore.merge_base(git_dir, base, commit_id) or base
        if not gitstore.valid_path(path):
            raise thread_error("path", "could not be resolved")
        diff = gitstore.git(git_dir, "diff", "--no-color", mb, commit_id, "--", path)
        anchors = diff_anchors(diff.stdout.decode(errors="replace"))
        if not anchors:
            raise thread_error("path", "could not be resolved")
        if (side, line) not in anchors:
            raise thread_error("line", "must be part of the diff")
        position, hunk = anchors[(side, line)]
        return {
            "id": store.next_id(),
            "number": iss["number"],
            "review_id": None,
            "user": login,
            "body": body,
            "path": path,
            "line": line,
            "side": side,
            "position": position,
            "diff_hunk": hunk,
            "commit_id": commit_id,
            "created_at": store.now_iso(),
            "association": association(hub, repo, login),
        }

    def emit_comments(
        repo: dict[str, Any], iss: dict[str, Any], comments: list[dict[str, Any]], ctx: Ctx
    ) -> None:
        for c in comments:
            hub.emit(
                repo,
                "pull_request_review_comment",
                {
                    "action": "created",
                    "comment": comment_json(repo, c),
                    "pull_request": pull_json(hub, repo, iss, full=False),
                },
                ctx.principal,
                sha=iss["pull"]["head_sha"],
            )

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/comments")
    def list_comments(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        iss = get_pull(repo, ctx.params["pull_number"])
        items = [
            c for c in repo.get("review_comments", {}).values() if c["number"] == iss["number"]
        ]
        items.sort(key=lambda c: c["id"])
        return paginate(hub, ctx, [comment_json(repo, c) for c in items])

    @r.route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/comments", creates_content=True)
    def create_comment(ctx: Ctx) -> Response:
        """A single inline comment: GitHub files it under a new COMMENTED review and sends
        ``pull_request_review_comment.created`` and ``pull_request_review.submitted``."""
        repo = repo_for(hub, ctx, "pull_requests", "write", "read")
        with store.lock:
            iss = get_pull(repo, ctx.params["pull_number"])
            login = actor(ctx.principal)
            comment = anchored(repo, iss, ctx.body(), login)
            rev = new_review(repo, iss, login, "", "COMMENTED", comment["commit_id"])
            comment["review_id"] = rev["id"]
            repo.setdefault("review_comments", {})[str(comment["id"])] = comment
            store.mark_dirty()
        emit_comments(repo, iss, [comment], ctx)
        emit_review(repo, iss, rev, ctx)
        return Response(
            201, comment_json(repo, comment), {"location": comment_json(repo, comment)["url"]}
        )

    def new_review(
        repo: dict[str, Any],
        iss: dict[str, Any],
        login: str | None,
        body: str,
        state: str,
        commit_id: str,
    ) -> dict[str, Any]:
        rev = {
            "id": store.next_id(),
            "number": iss["number"],
            "user": login,
            "body": body,
            "state": state,
            "commit_id": commit_id,
            "submitted_at": store.now_iso() if state != "PENDING" else None,
            "association": association(hub, repo, login),
        }
        repo.setdefault("reviews", {})[str(rev["id"])] = rev
        return rev

    def emit_review(
        repo: dict[str, Any], iss: dict[str, Any], rev: dict[str, Any], ctx: Ctx
    ) -> None:
        out = review_json(repo, iss, rev)
        hub.emit(
            repo,
            "pull_request_review",
            {
                "action": "submitted",
                "review": {**out, "state": out["state"].lower()},
                "pull_request": pull_json(hub, repo, iss, full=False),
            },
            ctx.principal,
            sha=iss["pull"]["head_sha"],
        )

    @r.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
    def list_reviews(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "read", "read")
        iss = get_pull(repo, ctx.params["pull_number"])
        items = [rev for rev in repo.get("reviews", {}).values() if rev["number"] == iss["number"]]
        return paginate(hub, ctx, [review_json(repo, iss, rev) for rev in items])

    @r.route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", creates_content=True)
    def create_review(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "pull_requests", "write", "read")
        event = str_field(ctx, "event", "PullRequestReview") or "PENDING"
        states = {
            "APPROVE": "APPROVED",
            "REQUEST_CHANGES": "CHANGES_REQUESTED",
            "COMMENT": "COMMENTED",
            "PENDING": "PENDING",
        }
        if event not in states:
            raise invalid("PullRequestReview", "event", "invalid")
        body = str_field(ctx, "body", "PullRequestReview") or ""
        with store.lock:
            iss = get_pull(repo, ctx.params["pull_number"])
            login = actor(ctx.principal)
            if (
                event in ("APPROVE", "REQUEST_CHANGES")
                and (login or "").lower() == (iss["user"] or "").lower()
            ):
                verb = "approve" if event == "APPROVE" else "request changes on"
                # GitHub answers this one with a list of plain strings, not error objects.
                own: list[Any] = [f"Review Can not {verb} your own pull request"]
                raise HubError(422, "Unprocessable Entity", errors=own)
            specs = ctx.field("comments", list, resource="PullRequestReview") or []
            if not all(isinstance(spec, dict) for spec in specs):
                raise invalid("PullRequestReview", "comments", "invalid")
            needs_body = event == "REQUEST_CHANGES" or (event == "COMMENT" and not specs)
            if needs_body and not body.strip():
                raise invalid(
                    "PullRequestReview",
                    "body",
                    "missing_field",
                    "Body is required for this review event",
                )
            comments = [anchored(repo, iss, spec, login) for spec in specs]
            rev = new_review(repo, iss, login, body, states[event], iss["pull"]["head_sha"])
            for comment in comments:
                comment["review_id"] = rev["id"]
                repo.setdefault("review_comments", {})[str(comment["id"])] = comment
            store.mark_dirty()
        if event != "PENDING":
            emit_comments(repo, iss, comments, ctx)
            emit_review(repo, iss, rev, ctx)
        return Response(200, review_json(repo, iss, rev))
