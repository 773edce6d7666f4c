"""Branches and commits: the REST face of the repository's real git history."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.common import paginate, repo_for
from glow.localhub.api.webflow import WEB_FLOW_EMAIL, verification, web_flow_user
from glow.localhub.routing import Ctx, HubError, Response

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

NOREPLY = re.compile(r"^(\d+)\+([^@]+)@users\.noreply\.localhub$")


def resolve(hub: Hub, repo: dict[str, Any], ref: str | None) -> str | None:
    git_dir = hub.store.git_dir(repo)
    ref = ref or repo["default_branch"]
    if not gitstore.safe_rev(ref):
        return None  # not a ref name nor an object name: no commit can match it
    for candidate in (f"refs/heads/{ref}", f"refs/tags/{ref}", ref):
        sha = gitstore.rev_parse(git_dir, candidate)
        if sha:
            return sha
    return None


def head_or_empty(
    hub: Hub, repo: dict[str, Any], ref: str | None, *, empty_status: int = 404
) -> str:
    if not gitstore.branches(hub.store.git_dir(repo)):
        # The contents API says 404 here; the commits API says 409 "Git Repository is empty."
        if empty_status == 409:
            raise HubError(409, "Git Repository is empty.")
        raise HubError(404, "This repository is empty.")
    sha = resolve(hub, repo, ref)
    if sha is None:
        raise HubError(404, f"No commit found for the ref {ref}")
    return sha


def person(hub: Hub, who: gitstore.Identity) -> dict[str, Any] | None:
    if who.email == WEB_FLOW_EMAIL:
        return web_flow_user(hub.urls.api, hub.urls.web)
    m = NOREPLY.match(who.email)
    return hub.user_json(m.group(2)) if m and hub.store.account(m.group(2)) else None


def commit_json(
    hub: Hub, repo: dict[str, Any], info: gitstore.CommitInfo, *, files: bool = False
) -> dict[str, Any]:
    full = repo["full_name"]
    api = f"{hub.urls.api}/repos/{full}"
    data: dict[str, Any] = {
        "url": f"{api}/commits/{info.sha}",
        "sha": info.sha,
        "node_id": shapes.node_id("C", info.sha),
        "html_url": f"{hub.urls.web}/{full}/commit/{info.sha}",
        "comments_url": f"{api}/commits/{info.sha}/comments",
        "commit": {
            "url": f"{api}/git/commits/{info.sha}",
            "message": info.message.rstrip("\n"),
            "author": {
                "name": info.author.name,
                "email": info.author.email,
                "date": info.author.date,
            },
            "committer": {
                "name": info.committer.name,
                "email": info.committer.email,
                "date": info.committer.date,
            },
            "comment_count": 0,
            "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
            "verification": verification(hub, repo, info.sha),
        },
        "author": person(hub, info.author),
        "committer": person(hub, info.committer),
        "parents": [
            {"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{hub.urls.web}/{full}/commit/{p}"}
            for p in info.parents
        ],
    }
    if files:
        git_dir = hub.store.git_dir(repo)
        base = info.parents[0] if info.parents else gitstore.EMPTY_TREE
        entries = [
            diff_entry(hub, repo, f, info.sha, base)
            for f in gitstore.diff_files(git_dir, base, info.sha)
        ]
        adds = sum(e["additions"] for e in entries)
        dels = sum(e["deletions"] for e in entries)
        data["files"] = entries
        data["stats"] = {"additions": adds, "deletions": dels, "total": adds + dels}
    return data


def diff_entry(
    hub: Hub, repo: dict[str, Any], f: gitstore.FileChange, ref: str, base: str | None = None
) -> dict[str, Any]:
    """One changed file as GitHub lists it; with ``base``, its ``patch`` (text files only)."""
    full = repo["full_name"]
    entry = {
        "sha": f.sha,
        "filename": f.filename,
        "status": f.status,
        "additions": f.additions,
        "deletions": f.deletions,
        "changes": f.additions + f.deletions,
        "blob_url": f"{hub.urls.web}/{full}/blob/{ref}/{f.filename}",
        "raw_url": f"{hub.urls.web}/{full}/raw/{ref}/{f.filename}",
        "contents_url": f"{hub.urls.api}/repos/{full}/contents/{f.filename}?ref={ref}",
    }
    if base is not None:
        patch = gitstore.file_patch(hub.store.git_dir(repo), base, ref, f.filename)
        if patch is not None:
            entry["patch"] = patch
    return entry


def branch_json(hub: Hub, repo: dict[str, Any], name: str, sha: str) -> dict[str, Any]:
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{hub.urls.api}/repos/{repo['full_name']}/commits/{sha}"},
        "protected": name in repo.get("protection", {}),
    }


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    @r.route("GET", "/repos/{owner}/{repo}/branches")
    def list_branches(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        items = [
            branch_json(hub, repo, n, s)
            for n, s in sorted(gitstore.branches(store.git_dir(repo)).items())
        ]
        return paginate(hub, ctx, items)

    @r.route("GET", "/repos/{owner}/{repo}/branches/{branch}")
    def get_branch(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        name = ctx.params["branch"]
        sha = gitstore.branches(store.git_dir(repo)).get(name)
        if sha is None:
            raise HubError(404, "Branch not found")
        info = gitstore.read_commit(store.git_dir(repo), sha)
        assert info is not None
        url = f"{hub.urls.api}/repos/{repo['full_name']}/branches/{name}"
        protection = repo.get("protection", {}).get(name)
        contexts = list((protection or {}).get("contexts") or [])
        return Response(
            200,
            {
                "name": name,
                "commit": commit_json(hub, repo, info),
                "protected": protection is not None,
                "_links": {"html": f"{hub.urls.web}/{repo['full_name']}/tree/{name}", "self": url},
                "protection": {
                    "enabled": protection is not None,
                    "required_status_checks": {
                        # GitHub says "non_admins" when administrators may bypass the checks.
                        "enforcement_level": "off"
                        if not contexts
                        else ("everyone" if protection["enforce_admins"] else "non_admins"),
                        "contexts": contexts,
                        "checks": [{"context": c, "app_id": None} for c in contexts],
                    },
                },
                "protection_url": f"{url}/protection",
            },
        )

    @r.route("GET", "/repos/{owner}/{repo}/commits")
    def list_commits(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        head = head_or_empty(hub, repo, ctx.q("sha"), empty_status=409)
        git_dir = store.git_dir(repo)
        path = (ctx.q("path") or "").strip("/")
        if path and not gitstore.valid_path(path):
            return paginate(hub, ctx, [])  # no commit touches a path no file can have
        shas = gitstore.log(git_dir, head, path=path or None)
        items = [commit_json(hub, repo, gitstore.read_commit(git_dir, s)) for s in shas]  # type: ignore[arg-type]
        return paginate(hub, ctx, items)

    @r.route("GET", "/repos/{owner}/{repo}/commits/{ref}")
    def get_commit(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        sha = head_or_empty(hub, repo, ctx.params["ref"], empty_status=409)
        info = gitstore.read_commit(store.git_dir(repo), sha)
        if info is None:
            raise HubError(422, f"No commit found for SHA: {ctx.params['ref']}")
        return Response(200, commit_json(hub, repo, info, files=True))
