"""Contents: files and directories at a ref, their raw bytes, and writing or deleting a file."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore
from glow.localhub.api.commits import commit_json, head_or_empty
from glow.localhub.api.common import repo_for, str_field
from glow.localhub.api.pushes import check_message, commit_files, malformed_path
from glow.localhub.api.rules import refusal
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub


def entry_json(
    hub: Hub,
    repo: dict[str, Any],
    entry: gitstore.TreeEntry,
    ref: str,
    content: bytes | None = None,
) -> dict[str, Any]:
    full = repo["full_name"]
    kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
    if entry.mode == "120000":
        kind = "symlink"
    self_url = f"{hub.urls.api}/repos/{full}/contents/{entry.path}?ref={ref}"
    git_url = f"{hub.urls.api}/repos/{full}/git/{'trees' if kind == 'dir' else 'blobs'}/{entry.sha}"
    html = f"{hub.urls.web}/{full}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{entry.path}"
    data: dict[str, Any] = {
        "type": kind,
        "size": entry.size or 0,
        "name": entry.path.rsplit("/", 1)[-1],
        "path": entry.path,
        "sha": entry.sha,
        "url": self_url,
        "git_url": git_url,
        "html_url": html,
        "download_url": f"{hub.urls.web}/{full}/raw/{ref}/{entry.path}" if kind == "file" else None,
        "_links": {"self": self_url, "git": git_url, "html": html},
    }
    if content is not None:
        data["content"] = base64.encodebytes(content).decode()
        data["encoding"] = "base64"
    return data


def register(hub: Hub) -> None:
    r = hub.router

    @r.route("GET", "/repos/{owner}/{repo}/contents/{path}")
    def get_contents(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        path = ctx.params["path"].strip("/")
        if path and not gitstore.valid_path(path):
            raise not_found()  # no file can have that name
        return contents_at(hub, ctx, repo, path)

    def get_root(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        return contents_at(hub, ctx, repo, "")

    # The root directory: clients send ``contents/`` (an empty {path}) or ``contents``.
    r.add("GET", "/repos/{owner}/{repo}/contents", get_root)
    r.add("GET", "/repos/{owner}/{repo}/contents/", get_root)

    @r.route("GET", "/repos/{owner}/{repo}/readme")
    def get_readme(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        return contents_at(hub, ctx, repo, "README.md")

    @r.route("PUT", "/repos/{owner}/{repo}/contents/{path}", creates_content=True)
    def put_contents(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        path = ctx.params["path"].strip("/")
        if not gitstore.valid_path(path):
            raise malformed_path()
        message = str_field(ctx, "message", "Commit", required=True)
        encoded = str_field(ctx, "content", "Commit", required=False)
        if encoded is None:
            raise invalid("Commit", "content", "missing_field", "content is missing")
        try:
            data = base64.b64decode(encoded, validate=False)
        except (binascii.Error, ValueError):
            raise invalid("Commit", "content", "invalid", "content is not valid Base64") from None
        return write_path(hub, ctx, repo, path, data, message or "")

    @r.route("DELETE", "/repos/{owner}/{repo}/contents/{path}")
    def delete_contents(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        path = ctx.params["path"].strip("/")
        if not gitstore.valid_path(path):
            raise malformed_path()
        message = str_field(ctx, "message", "Commit", required=True)
        if str_field(ctx, "sha", "Commit") is None:
            raise invalid("Commit", "sha", "missing_field", '"sha" wasn\'t supplied.')
        return write_path(hub, ctx, repo, path, None, message or "")


def contents_at(hub: Hub, ctx: Ctx, repo: dict[str, Any], path: str) -> Response:
    git_dir = hub.store.git_dir(repo)
    ref = ctx.q("ref") or repo["default_branch"]
    head = head_or_empty(hub, repo, ref)
    entry = gitstore.entry_at(git_dir, head, path)
    if entry is None:
        raise not_found()
    if entry.type == "tree":
        children = gitstore.list_tree(git_dir, f"{head}:{path}" if path else head)
        items = [
            entry_json(
                hub,
                repo,
                gitstore.TreeEntry(
                    c.mode, c.type, c.sha, f"{path}/{c.path}" if path else c.path, c.size
                ),
                ref,
            )
            for c in children
        ]
        return Response(200, items)
    data = gitstore.read_blob(git_dir, entry.sha)
    if "raw" in (ctx.headers.get("accept") or ""):
        # GitHub answers the raw media type as UTF-8 text whatever the file holds; clients go
        # by it (octokit decodes a "charset=utf-8" answer as a string, as for GitHub).
        return Response(200, None, {"content-type": "text/plain; charset=utf-8"}, raw=data)
    return Response(200, entry_json(hub, repo, entry, ref, data))


def write_path(
    hub: Hub, ctx: Ctx, repo: dict[str, Any], path: str, data: bytes | None, message: str
) -> Response:
    store = hub.store
    git_dir = store.git_dir(repo)
    branch = str_field(ctx, "branch", "Commit") or repo["default_branch"]
    given_sha = str_field(ctx, "sha", "Commit")
    check_message(message)
    if not gitstore.valid_ref_name(branch):
        raise HubError(404, f"Branch {branch} not found")
    with store.lock:
        branches = gitstore.branches(git_dir)
        if branches and branch not in branches:
            raise HubError(404, f"Branch {branch} not found")
        head = branches.get(branch)
        current = gitstore.entry_at(git_dir, head, path) if head else None
        if current is not None and current.type != "blob":
            raise invalid("Commit", "path", "invalid", f"{path} is a directory")
        if head and current is None:
            # git would silently replace a file by a directory of the same name
            parts = path.split("/")
            for depth in range(1, len(parts)):
                parent = gitstore.entry_at(git_dir, head, "/".join(parts[:depth]))
                if parent is not None and parent.type == "blob":
                    raise invalid("Commit", "path", "invalid", f"{parent.path} is a file")
        if data is None and current is None:
            raise not_found()
        if current is not None and given_sha is None:
            # GitHub's own answer, in its message alone (no "errors" list).
            raise HubError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if current is not None and given_sha != current.sha:
            raise HubError(409, f"{path} does not match {given_sha}")
        refused = refusal(store, ctx.principal, repo, f"refs/heads/{branch}", None)
        if refused is not None:
            # The new commit has no status yet: a required check refuses it (409, "Conflict").
            verb = "delete" if data is None else ("create" if current is None else "update")
            text = refused.message()
            raise HubError(
                409, text if refused.kind == "ruleset" else f"Could not {verb} file: {text}"
            )
        sha, _ = commit_files(
            hub, repo, branch, {path: data}, message, ctx.principal.login, principal=ctx.principal
        )
        info = gitstore.read_commit(git_dir, sha)
        assert info is not None
        content = None
        if data is not None:
            new_entry = gitstore.entry_at(git_dir, sha, path)
            if new_entry is None:  # checked above; never reached with a valid path
                raise HubError(500, "the new file is missing from its commit")
            content = entry_json(hub, repo, new_entry, branch)
    commit = commit_json(hub, repo, info)
    file_commit = {
        "sha": sha,
        "node_id": commit["node_id"],
        "url": commit["commit"]["url"],
        "html_url": commit["html_url"],
        "author": commit["commit"]["author"],
        "committer": commit["commit"]["committer"],
        "message": commit["commit"]["message"],
        "tree": commit["commit"]["tree"],
        "parents": commit["parents"],
        "verification": commit["commit"]["verification"],
    }
    status = 201 if current is None else 200
    return Response(status, {"content": content, "commit": file_commit})
