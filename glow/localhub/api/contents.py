"""Contents, branches and commits: the REST face of the repository's real git history."""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.hub import LocalHub

NOREPLY = re.compile(r"^(\d+)\+([^@]+)@users\.noreply\.localhub$")
MALFORMED_PATH = "path contains a malformed path component"


def malformed_path(resource: str = "Commit") -> HubError:
    return HubError(
        422,
        MALFORMED_PATH,
        errors=[
            {"resource": resource, "field": "path", "code": "invalid", "message": MALFORMED_PATH}
        ],
    )


def check_message(message: str, resource: str = "Commit") -> str:
    """git refuses a NUL byte in a commit message; GitHub answers 422."""
    if "\0" in message:
        raise invalid(resource, "message", "invalid", "message must not contain a NUL byte")
    return message


def identity_for(hub: LocalHub, login: str | None) -> gitstore.Identity:
    acc = hub.account_or_ghost(login)
    return gitstore.Identity(
        acc.get("name") or acc["login"],
        f"{acc['id']}+{acc['login']}@users.noreply.localhub",
        hub.store.now_iso(),
    )


def resolve(hub: LocalHub, repo: dict[str, Any], ref: str | None) -> str | None:
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
    hub: LocalHub, repo: dict[str, Any], ref: str | None, *, empty_status: int = 404
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


def commit_files(
    hub: LocalHub,
    repo: dict[str, Any],
    branch: str,
    files: dict[str, bytes | None],
    message: str,
    login: str | None,
    *,
    principal: Principal | None = None,
) -> tuple[str, str | None]:
    """One commit on ``branch`` setting (or deleting, for None) files; emits ``push``.

    Everything is checked before the first git write, so a rejected call changes nothing."""
    git_dir = hub.store.git_dir(repo)
    if not gitstore.valid_ref_name(branch):
        raise HubError(404, f"Branch {branch} not found")
    if not all(gitstore.valid_path(path) for path in files):
        raise malformed_path()
    check_message(message)
    with hub.store.lock:
        parent = gitstore.rev_parse(git_dir, f"refs/heads/{branch}")
        changes: dict[str, tuple[str, str] | None] = {}
        for path, data in files.items():
            changes[path] = None if data is None else ("100644", gitstore.hash_blob(git_dir, data))
        base_tree = gitstore.out(git_dir, "rev-parse", f"{parent}^{{tree}}") if parent else None
        tree = gitstore.build_tree(git_dir, base_tree, changes)
        who = identity_for(hub, login)
        sha = gitstore.commit_tree(git_dir, tree, [parent] if parent else [], message, who)
        gitstore.update_ref(git_dir, f"refs/heads/{branch}", sha, parent or "0" * 40)
        repo["pushed_at"] = hub.store.now_iso()
        hub.store.mark_dirty()
    if principal is not None:
        emit_push(hub, repo, f"refs/heads/{branch}", parent or "0" * 40, sha, principal)
    return sha, parent


def emit_push(
    hub: LocalHub, repo: dict[str, Any], ref: str, before: str, after: str, principal: Principal
) -> None:
    from glow.localhub.events import commit_for_push, push_payload, sender_login

    git_dir = hub.store.git_dir(repo)
    commits = []
    zero = "0" * 40
    if after != zero:
        rev = after if before == zero else f"{before}..{after}"
        # A new branch lists only the commits no other branch has, as GitHub's push does.
        others = tuple(
            sha
            for name, sha in gitstore.refs(git_dir, "refs/heads/").items()
            if name != ref and before == zero
        )
        for sha in reversed(gitstore.log(git_dir, rev, limit=20, exclude=others)):
            info = gitstore.read_commit(git_dir, sha)
            parent = info.parents[0] if info and info.parents else gitstore.EMPTY_TREE
            files = gitstore.diff_files(git_dir, parent, sha)
            commits.append(commit_for_push(hub, repo, info, files))
    # A push that drops commits (a force push, or PATCH ref with force) says so.
    forced = zero not in (before, after) and gitstore.merge_base(git_dir, before, after) != before
    payload = push_payload(
        hub, repo, ref, before, after, commits, sender_login(principal), forced=forced
    )
    hub.emit(repo, "push", payload, principal, sha=after if after != zero else None, ref=ref)
    if ref.startswith("refs/heads/"):
        from glow.localhub.api.pulls import branch_moved

        branch_moved(hub, repo, ref.removeprefix("refs/heads/"), before, after, principal)
    kind = "branch" if ref.startswith("refs/heads/") else "tag"
    short = ref.removeprefix("refs/heads/").removeprefix("refs/tags/")
    if before == zero and ref.startswith(("refs/heads/", "refs/tags/")):
        hub.emit(
            repo,
            "create",
            {
                "ref": short,
                "ref_type": kind,
                "master_branch": repo["default_branch"],
                "description": None,
                "pusher_type": "user",
            },
            principal,
            sha=after,
            ref=ref,
        )
    if after == zero and ref.startswith(("refs/heads/", "refs/tags/")):
        hub.emit(repo, "delete", {"ref": short, "ref_type": kind, "pusher_type": "user"}, principal)


def person(hub: LocalHub, who: gitstore.Identity) -> dict[str, Any] | None:
    m = NOREPLY.match(who.email)
    return hub.user_json(m.group(2)) if m and hub.store.account(m.group(2)) else None


def commit_json(
    hub: LocalHub, repo: dict[str, Any], info: gitstore.CommitInfo, *, files: bool = False
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
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
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
            diff_entry(hub, repo, f, info.sha) for f in gitstore.diff_files(git_dir, base, info.sha)
        ]
        adds = sum(e["additions"] for e in entries)
        dels = sum(e["deletions"] for e in entries)
        data["files"] = entries
        data["stats"] = {"additions": adds, "deletions": dels, "total": adds + dels}
    return data


def diff_entry(
    hub: LocalHub, repo: dict[str, Any], f: gitstore.FileChange, ref: str
) -> dict[str, Any]:
    full = repo["full_name"]
    return {
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


def entry_json(
    hub: LocalHub,
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


def branch_json(hub: LocalHub, repo: dict[str, Any], name: str, sha: str) -> dict[str, Any]:
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{hub.urls.api}/repos/{repo['full_name']}/commits/{sha}"},
        "protected": False,
    }


def register(hub: LocalHub) -> None:
    r = hub.router
    store = hub.store

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
        return Response(
            200,
            {
                "name": name,
                "commit": commit_json(hub, repo, info),
                "protected": False,
                "_links": {"html": f"{hub.urls.web}/{repo['full_name']}/tree/{name}", "self": url},
                "protection": {
                    "enabled": False,
                    "required_status_checks": {
                        "enforcement_level": "off",
                        "contexts": [],
                        "checks": [],
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


def contents_at(hub: LocalHub, ctx: Ctx, repo: dict[str, Any], path: str) -> Response:
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
        return Response(200, None, {"content-type": "application/vnd.github.raw"}, raw=data)
    return Response(200, entry_json(hub, repo, entry, ref, data))


def write_path(
    hub: LocalHub, ctx: Ctx, repo: dict[str, Any], path: str, data: bytes | None, message: str
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
            raise invalid("Commit", "sha", "missing_field", '"sha" wasn\'t supplied.')
        if current is not None and given_sha != current.sha:
            raise HubError(409, f"{path} does not match {given_sha}")
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
