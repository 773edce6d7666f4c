"""Webhook-shaped event payloads, as GitHub delivers them (validated against
`@octokit/webhooks-schemas` in the tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.protocols import Hub


def repo_json(hub: Hub, repo: dict[str, Any]) -> dict[str, Any]:
    owner = hub.account_or_ghost(repo["owner"])
    return shapes.repository(hub.urls, repo, owner)


def sender_login(principal: Principal) -> str | None:
    if principal.kind == "job":
        return "github-actions[bot]"
    return principal.login


def finish_payload(
    hub: Hub, repo: dict[str, Any], payload: dict[str, Any], principal: Principal
) -> dict[str, Any]:
    """Add the fields every delivery carries: repository, sender, organization."""
    out = dict(payload)
    out.setdefault("repository", repo_json(hub, repo))
    out.setdefault("sender", hub.user_json(sender_login(principal)))
    owner = hub.store.account(repo["owner"])
    if owner and owner["type"] == "Organization":
        org = shapes.organization(hub.urls, owner, 0)
        out.setdefault(
            "organization",
            {
                k: org[k]
                for k in (
                    "login",
                    "id",
                    "node_id",
                    "url",
                    "repos_url",
                    "events_url",
                    "hooks_url",
                    "issues_url",
                    "members_url",
                    "public_members_url",
                    "avatar_url",
                    "description",
                )
            },
        )
    installation = _installation_for(hub, repo, principal)
    if installation is not None:
        out.setdefault("installation", installation)
    shaped: dict[str, Any] = webhook_shape(out)
    return shaped


def _installation_for(
    hub: Hub, repo: dict[str, Any], principal: Principal
) -> dict[str, Any] | None:
    """GitHub names the App installation in deliveries when the repository has one."""
    installs = hub.store.data["installations"]
    inst = None
    if principal.kind == "installation" and principal.token:
        inst = installs.get(str(principal.token.get("installation_id")))
    if inst is None:
        inst = next(
            (i for i in installs.values() if i["account"].lower() == repo["owner"].lower()), None
        )
    if inst is None:
        return None
    return {
        "id": inst["id"],
        "node_id": shapes.node_id("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", inst["id"]),
    }


def webhook_shape(value: Any) -> Any:
    """REST objects as webhooks carry them: webhook schemas are closed and differ in a few keys
    (no ``user_view_type``; repositories carry ``custom_properties``; issues no ``closed_by``,
    ``type``, ``pinned_comment`` or sub-issue and dependency counts; comments name
    ``performed_via_github_app``)."""
    if isinstance(value, list):
        return [webhook_shape(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: webhook_shape(item) for key, item in value.items()}
    if "login" in out and "site_admin" in out:
        out.pop("user_view_type", None)
    if "full_name" in out and "clone_url" in out:
        out.pop("network_count", None)
        out.pop("subscribers_count", None)
        out.setdefault("custom_properties", {})
    if "repository_url" in out and "labels_url" in out and "number" in out:
        for key in (
            "closed_by",
            "type",
            "pinned_comment",
            "sub_issues_summary",
            "issue_dependencies_summary",
        ):
            out.pop(key, None)
    if "issue_url" in out and "author_association" in out and "number" not in out:
        out.setdefault("performed_via_github_app", None)
    return out


def push_payload(
    hub: Hub,
    repo: dict[str, Any],
    ref: str,
    before: str,
    after: str,
    commits: list[dict[str, Any]],
    pusher: str | None,
    *,
    forced: bool = False,
) -> dict[str, Any]:
    zero = "0" * 40
    full = repo["full_name"]
    repository = repo_json(hub, repo)
    # Push deliveries carry timestamps as integers and a few extra keys (GitHub's own quirk).
    repository = {
        **repository,
        "created_at": _epoch(repository["created_at"]),
        "pushed_at": _epoch(repository["pushed_at"]),
        "stargazers": 0,
        "master_branch": repo["default_branch"],
    }
    head = commits[-1] if commits else None
    return {
        "ref": ref,
        "before": before,
        "after": after,
        "created": before == zero,
        "deleted": after == zero,
        "forced": forced,
        "base_ref": None,
        "compare": f"{hub.urls.web}/{full}/compare/{before[:12]}...{after[:12]}",
        "commits": commits,
        "head_commit": head,
        "repository": repository,
        "pusher": {
            "name": pusher or "ghost",
            "email": f"{pusher or 'ghost'}@users.noreply.localhub",
        },
    }


def _epoch(stamp: str) -> int:
    from datetime import datetime

    return int(
        datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
        .replace(tzinfo=__import__("datetime").timezone.utc)
        .timestamp()
    )


def commit_for_push(hub: Hub, repo: dict[str, Any], info: Any, files: list[Any]) -> dict[str, Any]:
    return {
        "id": info.sha,
        "tree_id": info.tree,
        "distinct": True,
        "message": info.message.rstrip("\n"),
        "timestamp": info.committer.date,
        "url": f"{hub.urls.web}/{repo['full_name']}/commit/{info.sha}",
        "author": {"name": info.author.name, "email": info.author.email},
        "committer": {
            "name": info.committer.name,
            "email": info.committer.email,
            # GitHub names the account behind a known address; web-editor commits are web-flow's.
            **({"username": "web-flow"} if info.committer.email == "noreply@github.com" else {}),
        },
        "added": [f.filename for f in files if f.status == "added"],
        "removed": [f.filename for f in files if f.status == "removed"],
        "modified": [f.filename for f in files if f.status == "modified"],
    }
