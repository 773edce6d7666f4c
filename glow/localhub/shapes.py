"""GitHub's JSON shapes, built from state: users, repositories, issues, pulls, labels, comments.

The keys follow `@octokit/openapi` (GitHub's REST description); tests validate every response
against it, so a missing required key here fails a test rather than a user.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote


@dataclass(frozen=True)
class Urls:
    web: str  # http://127.0.0.1:PORT
    api: str  # http://127.0.0.1:PORT/api/v3


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"{kind}:{ident}".encode()).decode().rstrip("=")


def user(u: Urls, acc: dict[str, Any]) -> dict[str, Any]:
    login = acc["login"]
    api = f"{u.api}/users/{login}"
    return {
        "login": login,
        "id": acc["id"],
        "node_id": node_id("U", acc["id"]),
        "avatar_url": f"{u.web}/avatars/{login}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{u.web}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": acc["type"],
        "site_admin": False,
        "user_view_type": "public",
    }


def public_user(u: Urls, acc: dict[str, Any], public_repos: int) -> dict[str, Any]:
    return {
        **user(u, acc),
        "name": acc.get("name"),
        "company": None,
        "blog": "",
        "location": None,
        "email": acc.get("email"),
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": acc["created_at"],
        "updated_at": acc["created_at"],
    }


def organization(
    u: Urls, acc: dict[str, Any], public_repos: int, *, owner_view: bool = False
) -> dict[str, Any]:
    """An organisation; ``owner_view`` adds what GitHub shows its owners (the ``plan``)."""
    login = acc["login"]
    api = f"{u.api}/orgs/{login}"
    people = {p.lower() for p in [*acc.get("admins", []), *acc.get("members", [])]}
    plan = acc.get("plan") or "free"
    owners_only = {
        "plan": {
            "name": plan,
            "space": 976562499,
            "private_repos": 999999,
            "filled_seats": len(people),
            "seats": len(people) if plan != "free" else 0,
        }
    }
    return {
        "login": login,
        "id": acc["id"],
        "node_id": node_id("O", acc["id"]),
        "url": api,
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events",
        "hooks_url": f"{api}/hooks",
        "issues_url": f"{api}/issues",
        "members_url": f"{api}/members{{/member}}",
        "public_members_url": f"{api}/public_members{{/member}}",
        "avatar_url": f"{u.web}/avatars/{login}",
        "description": acc.get("description"),
        "html_url": f"{u.web}/{login}",
        "has_organization_projects": False,
        "has_repository_projects": False,
        "public_repos": public_repos,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "type": "Organization",
        "created_at": acc["created_at"],
        "updated_at": acc["created_at"],
        "archived_at": None,
        **({"name": acc["name"]} if acc.get("name") else {}),
        **(owners_only if owner_view else {}),
    }


def repository(
    u: Urls,
    repo: dict[str, Any],
    owner: dict[str, Any],
    *,
    permissions: dict[str, bool] | None = None,
    template: dict[str, Any] | None = None,
) -> dict[str, Any]:
    full = repo["full_name"]
    api = f"{u.api}/repos/{full}"
    data: dict[str, Any] = {
        "id": repo["id"],
        "node_id": node_id("R", repo["id"]),
        "name": repo["name"],
        "full_name": full,
        "owner": user(u, owner),
        "private": repo["private"],
        "html_url": f"{u.web}/{full}",
        "description": repo.get("description"),
        "fork": False,
        "url": api,
        "archive_url": f"{api}/{{archive_format}}{{/ref}}",
        "assignees_url": f"{api}/assignees{{/user}}",
        "blobs_url": f"{api}/git/blobs{{/sha}}",
        "branches_url": f"{api}/branches{{/branch}}",
        "collaborators_url": f"{api}/collaborators{{/collaborator}}",
        "comments_url": f"{api}/comments{{/number}}",
        "commits_url": f"{api}/commits{{/sha}}",
        "compare_url": f"{api}/compare/{{base}}...{{head}}",
        "contents_url": f"{api}/contents/{{+path}}",
        "contributors_url": f"{api}/contributors",
        "deployments_url": f"{api}/deployments",
        "downloads_url": f"{api}/downloads",
        "events_url": f"{api}/events",
        "forks_url": f"{api}/forks",
        "git_commits_url": f"{api}/git/commits{{/sha}}",
        "git_refs_url": f"{api}/git/refs{{/sha}}",
        "git_tags_url": f"{api}/git/tags{{/sha}}",
        "git_url": f"{u.web}/{full}.git",
        "hooks_url": f"{api}/hooks",
        "issue_comment_url": f"{api}/issues/comments{{/number}}",
        "issue_events_url": f"{api}/issues/events{{/number}}",
        "issues_url": f"{api}/issues{{/number}}",
        "keys_url": f"{api}/keys{{/key_id}}",
        "labels_url": f"{api}/labels{{/name}}",
        "languages_url": f"{api}/languages",
        "merges_url": f"{api}/merges",
        "milestones_url": f"{api}/milestones{{/number}}",
        "notifications_url": f"{api}/notifications{{?since,all,participating}}",
        "pulls_url": f"{api}/pulls{{/number}}",
        "releases_url": f"{api}/releases{{/id}}",
        "ssh_url": f"git@localhub:{full}.git",
        "stargazers_url": f"{api}/stargazers",
        "statuses_url": f"{api}/statuses/{{sha}}",
        "subscribers_url": f"{api}/subscribers",
        "subscription_url": f"{api}/subscription",
        "tags_url": f"{api}/tags",
        "teams_url": f"{api}/teams",
        "trees_url": f"{api}/git/trees{{/sha}}",
        "clone_url": f"{u.web}/{full}.git",
        "mirror_url": None,
        "svn_url": f"{u.web}/{full}",
        "homepage": None,
        "language": None,
        "forks_count": 0,
        "forks": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "watchers": 0,
        "size": 0,
        "default_branch": repo["default_branch"],
        "open_issues_count": repo.get("open_issues", 0),
        "open_issues": repo.get("open_issues", 0),
        "is_template": repo.get("is_template", False),
        "topics": [],
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": repo.get("archived", False),
        "disabled": False,
        "visibility": "private" if repo["private"] else "public",
        "pushed_at": repo.get("pushed_at") or repo["created_at"],
        "created_at": repo["created_at"],
        "updated_at": repo["updated_at"],
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "license": None,
        "network_count": 0,
        "subscribers_count": 0,
    }
    if permissions is not None:
        data["permissions"] = permissions
    if template is not None:
        data["template_repository"] = template
    return data


# What a repository's own answer (get, create, update, the lists) carries beyond the shape it has
# inside other objects: GitHub's merge settings, and the owning organisation. The local GitHub
# merges by merge commit or squash; ``rebase`` is accepted and squashes (see the docs' gaps).
MERGE_SETTINGS: dict[str, Any] = {
    "allow_squash_merge": True,
    "allow_merge_commit": True,
    "allow_rebase_merge": True,
    "allow_auto_merge": False,
    "delete_branch_on_merge": False,
    "allow_update_branch": False,
    "use_squash_pr_title_as_default": False,
    "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
    "squash_merge_commit_message": "COMMIT_MESSAGES",
    "merge_commit_title": "MERGE_MESSAGE",
    "merge_commit_message": "PR_TITLE",
}


def full_repository(
    u: Urls,
    repo: dict[str, Any],
    owner: dict[str, Any],
    *,
    permissions: dict[str, bool],
    template: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A repository as ``GET /repos/{owner}/{repo}`` answers it (``full-repository``)."""
    data = repository(u, repo, owner, permissions=permissions, template=template)
    data.update(MERGE_SETTINGS)
    data["temp_clone_token"] = ""  # GitHub mints one for private clones; git here needs none
    data["custom_properties"] = {}
    data.setdefault("template_repository", None)
    if owner["type"] == "Organization":
        data["organization"] = user(u, owner)
    return data


def label(u: Urls, full_name: str, lab: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": lab["id"],
        "node_id": node_id("L", lab["id"]),
        "url": f"{u.api}/repos/{full_name}/labels/{quote(lab['name'])}",
        "name": lab["name"],
        "description": lab.get("description"),
        "color": lab["color"],
        "default": lab.get("default", False),
    }


def reactions(url: str) -> dict[str, Any]:
    return {
        "url": f"{url}/reactions",
        "total_count": 0,
        "+1": 0,
        "-1": 0,
        "laugh": 0,
        "confused": 0,
        "heart": 0,
        "hooray": 0,
        "eyes": 0,
        "rocket": 0,
    }


def issue(
    u: Urls,
    full_name: str,
    iss: dict[str, Any],
    author: dict[str, Any],
    labels: list[dict[str, Any]],
    closed_by: dict[str, Any] | None = None,
) -> dict[str, Any]:
    api = f"{u.api}/repos/{full_name}/issues/{iss['number']}"
    kind = "pull" if iss.get("pull") else "issues"
    data: dict[str, Any] = {
        "id": iss["id"],
        "node_id": node_id("I", iss["id"]),
        "url": api,
        "repository_url": f"{u.api}/repos/{full_name}",
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"{u.web}/{full_name}/{kind}/{iss['number']}",
        "number": iss["number"],
        "state": iss["state"],
        "state_reason": iss.get("state_reason"),
        "title": iss["title"],
        "body": iss.get("body"),
        "user": user(u, author),
        "labels": [label(u, full_name, lab) for lab in labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": bool(iss.get("locked", False)),
        "active_lock_reason": iss.get("active_lock_reason"),
        "comments": iss.get("comments", 0),
        "closed_at": iss.get("closed_at"),
        "created_at": iss["created_at"],
        "updated_at": iss["updated_at"],
        "author_association": iss.get("author_association", "NONE"),
        "reactions": reactions(api),
        "closed_by": closed_by,
        # Keys GitHub sends on every issue (the ``issue`` schema of its REST description):
        # the timeline, the App that made it, its type, a pinned comment, and sub-issue and
        # dependency counts (none of which the local GitHub has).
        "timeline_url": f"{api}/timeline",
        "performed_via_github_app": None,
        "type": None,
        "pinned_comment": None,
        "sub_issues_summary": {"total": 0, "completed": 0, "percent_completed": 0},
        "issue_dependencies_summary": {
            "blocked_by": 0,
            "total_blocked_by": 0,
            "blocking": 0,
            "total_blocking": 0,
        },
    }
    if iss.get("pull"):
        data["draft"] = bool(iss["pull"].get("draft", False))
        pr_api = f"{u.api}/repos/{full_name}/pulls/{iss['number']}"
        data["pull_request"] = {
            "url": pr_api,
            "html_url": f"{u.web}/{full_name}/pull/{iss['number']}",
            "diff_url": f"{u.web}/{full_name}/pull/{iss['number']}.diff",
            "patch_url": f"{u.web}/{full_name}/pull/{iss['number']}.patch",
            "merged_at": iss["pull"].get("merged_at"),
        }
    return data


def comment(u: Urls, full_name: str, com: dict[str, Any], author: dict[str, Any]) -> dict[str, Any]:
    api = f"{u.api}/repos/{full_name}/issues/comments/{com['id']}"
    return {
        "id": com["id"],
        "node_id": node_id("IC", com["id"]),
        "url": api,
        "html_url": f"{u.web}/{full_name}/issues/{com['issue_number']}#issuecomment-{com['id']}",
        "body": com["body"],
        "user": user(u, author),
        "created_at": com["created_at"],
        "updated_at": com["updated_at"],
        "issue_url": f"{u.api}/repos/{full_name}/issues/{com['issue_number']}",
        "author_association": com.get("author_association", "NONE"),
        "reactions": reactions(api),
    }


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
