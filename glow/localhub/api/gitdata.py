"""The git data API: refs, blobs, trees and commits (one commit for many files)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.api.pushes import MALFORMED_PATH, check_message, emit_push, identity_for
from glow.localhub.api.rules import refusal
from glow.localhub.api.webflow import verification
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

SHA_RE = gitstore.SHA_RE
_BAD_IDENT = re.compile(r"[\x00-\x1f\x7f<>]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})")
MODES = {"100644": "blob", "100755": "blob", "120000": "blob", "040000": "tree", "160000": "commit"}


def ref_json(hub: Hub, repo: dict[str, Any], ref: str, sha: str) -> dict[str, Any]:
    api = f"{hub.urls.api}/repos/{repo['full_name']}"
    kind = gitstore.object_type(hub.store.git_dir(repo), sha) or "commit"
    return {
        "ref": ref,
        "node_id": shapes.node_id("REF", f"{repo['id']}:{ref}"),
        "url": f"{api}/git/{ref}",
        "object": {"type": kind, "sha": sha, "url": f"{api}/git/{kind}s/{sha}"},
    }


def git_commit_json(hub: Hub, repo: dict[str, Any], info: gitstore.CommitInfo) -> dict[str, Any]:
    api = f"{hub.urls.api}/repos/{repo['full_name']}"
    return {
        "sha": info.sha,
        "node_id": shapes.node_id("C", info.sha),
        "url": f"{api}/git/commits/{info.sha}",
        "html_url": f"{hub.urls.web}/{repo['full_name']}/commit/{info.sha}",
        "author": {"name": info.author.name, "email": info.author.email, "date": info.author.date},
        "committer": {
            "name": info.committer.name,
            "email": info.committer.email,
            "date": info.committer.date,
        },
        "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
        "message": info.message.rstrip("\n"),
        "parents": [
            {
                "sha": p,
                "url": f"{api}/git/commits/{p}",
                "html_url": f"{hub.urls.web}/{repo['full_name']}/commit/{p}",
            }
            for p in info.parents
        ],
        "verification": verification(hub, repo, info.sha),
    }


def tree_json(hub: Hub, repo: dict[str, Any], sha: str, recursive: bool) -> dict[str, Any]:
    api = f"{hub.urls.api}/repos/{repo['full_name']}"
    entries = gitstore.list_tree(hub.store.git_dir(repo), sha, recursive=recursive)
    items = []
    for e in entries:
        item: dict[str, Any] = {
            "path": e.path,
            "mode": e.mode,
            "type": e.type,
            "sha": e.sha,
            "url": f"{api}/git/{e.type}s/{e.sha}",
        }
        if e.size is not None:
            item["size"] = e.size
        items.append(item)
    return {"sha": sha, "url": f"{api}/git/trees/{sha}", "tree": items, "truncated": False}


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/{ref}"


def _existing_ref(ref: str) -> str | None:
    """The full name of a ref from the URL, or None when no ref could have that name."""
    full = _full_ref(ref)
    return full if gitstore.valid_ref_name(full) else None


def _invalid_tree(field_name: str = "tree", message: str = "Invalid tree info") -> HubError:
    return HubError(
        422,
        message,
        errors=[{"resource": "Tree", "field": field_name, "code": "invalid"}],
    )


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    @r.route("GET", "/repos/{owner}/{repo}/git/ref/{ref}")
    def get_ref(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        ref = _existing_ref(ctx.params["ref"])
        sha = gitstore.refs(store.git_dir(repo), ref).get(ref) if ref else None
        if ref is None or sha is None:
            raise not_found()
        return Response(200, ref_json(hub, repo, ref, sha))

    def refs_under(repo: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
        found = gitstore.refs(store.git_dir(repo), "refs/")
        if not found:
            # "409: Conflict if the repository is empty" (git/list-matching-refs).
            raise HubError(409, "Git Repository is empty.")
        return [
            ref_json(hub, repo, ref, sha)
            for ref, sha in sorted(found.items())
            if ref.startswith(prefix)
        ]

    @r.route("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref}")
    def matching_refs(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        return Response(200, refs_under(repo, _full_ref(ctx.params["ref"])))

    @r.route("GET", "/repos/{owner}/{repo}/git/refs")
    def list_refs(ctx: Ctx) -> Response:
        """Every ref, paginated: the list form GitHub still serves (PyGithub's
        ``get_git_refs``), though its description now documents ``matching-refs`` only."""
        repo = repo_for(hub, ctx, "contents", "read", "read")
        return paginate(hub, ctx, refs_under(repo, "refs/"))

    @r.route("POST", "/repos/{owner}/{repo}/git/refs")
    def create_ref(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        ref = str_field(ctx, "ref", "Reference", required=True) or ""
        sha = str_field(ctx, "sha", "Reference", required=True) or ""
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise HubError(
                422, "Reference name must start with 'refs/' and have at least two slashes."
            )
        if not gitstore.valid_ref_name(ref):
            raise invalid("Reference", "ref", "invalid", f"{ref} is not a valid ref name.")
        git_dir = store.git_dir(repo)
        with store.lock:
            if ref in gitstore.refs(git_dir, ref):
                raise HubError(422, "Reference already exists")
            if not SHA_RE.fullmatch(sha) or gitstore.object_type(git_dir, sha) is None:
                raise HubError(422, "Object does not exist")
            refused = refusal(store, ctx.principal, repo, ref, sha)
            if refused is not None:
                raise HubError(422, refused.message())
            gitstore.update_ref(git_dir, ref, sha, "0" * 40)
        emit_push(hub, repo, ref, "0" * 40, sha, ctx.principal)
        return Response(
            201,
            ref_json(hub, repo, ref, sha),
            {"location": f"{hub.urls.api}/repos/{repo['full_name']}/git/{ref}"},
        )

    @r.route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}")
    def update_ref(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        ref = _existing_ref(ctx.params["ref"])
        sha = str_field(ctx, "sha", "Reference", required=True) or ""
        force = bool(ctx.body().get("force"))
        git_dir = store.git_dir(repo)
        with store.lock:
            old = gitstore.refs(git_dir, ref).get(ref) if ref else None
            if ref is None or old is None:
                raise HubError(422, "Reference does not exist")
            if not SHA_RE.fullmatch(sha) or gitstore.object_type(git_dir, sha) != "commit":
                raise HubError(422, "Object does not exist")
            if not force and gitstore.merge_base(git_dir, old, sha) != old:
                raise HubError(422, "Update is not a fast forward")
            refused = refusal(store, ctx.principal, repo, ref, sha)
            if refused is not None:
                raise HubError(422, refused.message())
            gitstore.update_ref(git_dir, ref, sha, old)
            repo["pushed_at"] = store.now_iso()
            store.mark_dirty()
        if old != sha:
            emit_push(hub, repo, ref, old, sha, ctx.principal)
        return Response(200, ref_json(hub, repo, ref, sha))

    @r.route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}")
    def delete_ref(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        ref = _existing_ref(ctx.params["ref"])
        git_dir = store.git_dir(repo)
        with store.lock:
            old = gitstore.refs(git_dir, ref).get(ref) if ref else None
            if ref is None or old is None:
                raise HubError(422, "Reference does not exist")
            gitstore.delete_ref(git_dir, ref)
        emit_push(hub, repo, ref, old, "0" * 40, ctx.principal)
        return Response(204)

    @r.route("POST", "/repos/{owner}/{repo}/git/blobs")
    def create_blob(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        content = ctx.field("content", str, required=True, resource="Blob")
        encoding = str_field(ctx, "encoding", "Blob") or "utf-8"
        if encoding not in ("utf-8", "base64"):
            raise invalid("Blob", "encoding", "invalid", "encoding must be utf-8 or base64")
        try:
            data = base64.b64decode(content) if encoding == "base64" else content.encode()
        except (binascii.Error, ValueError):
            raise invalid("Blob", "content", "invalid", "content is not valid Base64") from None
        sha = gitstore.hash_blob(store.git_dir(repo), data)
        url = f"{hub.urls.api}/repos/{repo['full_name']}/git/blobs/{sha}"
        return Response(201, {"url": url, "sha": sha}, {"location": url})

    @r.route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
    def get_blob(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        sha = ctx.params["file_sha"]
        git_dir = store.git_dir(repo)
        if not SHA_RE.fullmatch(sha) or gitstore.object_type(git_dir, sha) != "blob":
            raise not_found()
        data = gitstore.read_blob(git_dir, sha)
        return Response(
            200,
            {
                "content": base64.encodebytes(data).decode(),
                "encoding": "base64",
                "url": f"{hub.urls.api}/repos/{repo['full_name']}/git/blobs/{sha}",
                "sha": sha,
                "size": len(data),
                "node_id": shapes.node_id("B", sha),
            },
        )

    @r.route("POST", "/repos/{owner}/{repo}/git/trees")
    def create_tree(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        entries = ctx.field("tree", list, required=True, resource="Tree")
        base = str_field(ctx, "base_tree", "Tree")
        git_dir = store.git_dir(repo)
        if base is not None and gitstore.object_type(git_dir, base) not in ("tree", "commit"):
            raise _invalid_tree("base_tree")
        changes = _tree_changes(git_dir, entries)
        try:
            sha = gitstore.build_tree(
                git_dir, base and gitstore.out(git_dir, "rev-parse", f"{base}^{{tree}}"), changes
            )
        except gitstore.GitFailure:  # e.g. a file and a directory of the same name
            raise _invalid_tree() from None
        return Response(201, tree_json(hub, repo, sha, False))

    @r.route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")
    def get_tree(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        git_dir = store.git_dir(repo)
        ident = ctx.params["tree_sha"]
        # a tree or commit SHA, or a branch or tag name
        sha = ident
        if not gitstore.is_sha(ident) and gitstore.valid_ref_name(ident):
            sha = (
                gitstore.rev_parse(git_dir, f"refs/heads/{ident}")
                or gitstore.rev_parse(git_dir, f"refs/tags/{ident}")
                or ident
            )
        kind = gitstore.object_type(git_dir, sha)
        if kind not in ("tree", "commit"):
            raise not_found()
        tree = gitstore.out(git_dir, "rev-parse", f"{sha}^{{tree}}")
        recursive = (ctx.q("recursive") or "") not in ("", "0", "false")
        return Response(200, tree_json(hub, repo, tree, recursive))

    @r.route("POST", "/repos/{owner}/{repo}/git/commits")
    def create_commit(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        message = check_message(ctx.field("message", str, required=True, resource="Commit"))
        tree = str_field(ctx, "tree", "Commit", required=True) or ""
        parents = ctx.field("parents", list, resource="Commit") or []
        git_dir = store.git_dir(repo)
        if gitstore.object_type(git_dir, tree) != "tree":
            raise HubError(422, "Tree SHA does not exist")
        for parent in parents:
            if not isinstance(parent, str) or gitstore.object_type(git_dir, parent) != "commit":
                raise HubError(422, "Parent SHA does not exist or is not a commit object")
        who = identity_for(hub, ctx.principal.login)
        author = _identity(ctx.body().get("author"), who, "author")
        committer = _identity(ctx.body().get("committer"), author, "committer")
        sha = gitstore.commit_tree(git_dir, tree, parents, message, author, committer)
        info = gitstore.read_commit(git_dir, sha)
        assert info is not None
        return Response(201, git_commit_json(hub, repo, info))

    @r.route("GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}")
    def get_git_commit(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "read", "read")
        info = gitstore.read_commit(store.git_dir(repo), ctx.params["commit_sha"])
        if info is None:
            raise not_found()
        return Response(200, git_commit_json(hub, repo, info))


def _identity(value: Any, default: gitstore.Identity, field_name: str) -> gitstore.Identity:
    if not isinstance(value, dict):
        return default
    name, email, date = value.get("name"), value.get("email"), value.get("date")
    if not isinstance(name, str) or not isinstance(email, str):
        raise invalid("Commit", field_name, "invalid", f"{field_name} needs name and email")
    # git keeps an identity on one header line: no control characters, no angle brackets
    if any(_BAD_IDENT.search(text) for text in (name, email)) or not name.strip():
        raise invalid("Commit", field_name, "invalid", f"{field_name} has an invalid name or email")
    if date is not None and not (isinstance(date, str) and ISO_DATE.fullmatch(date)):
        raise invalid("Commit", field_name, "invalid", f"{field_name}.date must be ISO 8601")
    return gitstore.Identity(name, email, date or default.date)


def _tree_changes(git_dir: Any, entries: list[Any]) -> dict[str, tuple[str, str] | None]:
    # Check every entry before writing any blob: a rejected tree stores nothing.
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise _invalid_tree()
        if not gitstore.valid_path(entry["path"]):
            raise HubError(
                422,
                f"Invalid tree info: {MALFORMED_PATH}",
                errors=[{"resource": "Tree", "field": "path", "code": "invalid"}],
            )
        mode = entry.get("mode", "100644")
        if not isinstance(mode, str) or mode not in MODES:
            raise _invalid_tree("mode", f"Invalid tree info: mode {mode}")
        content, sha = entry.get("content"), entry.get("sha")
        if content is not None:
            if not isinstance(content, str) or MODES[mode] != "blob":
                raise _invalid_tree("content")
        elif sha is not None:
            if not isinstance(sha, str) or gitstore.object_type(git_dir, sha) is None:
                raise HubError(422, f"Invalid tree info: {sha} does not exist")
            if MODES[mode] != "commit" and gitstore.object_type(git_dir, sha) != MODES[mode]:
                raise _invalid_tree("sha", f"Invalid tree info: {sha} is not a {MODES[mode]}")
    changes: dict[str, tuple[str, str] | None] = {}
    for entry in entries:
        mode = entry.get("mode", "100644")
        if entry.get("content") is not None:
            changes[entry["path"]] = (mode, gitstore.hash_blob(git_dir, entry["content"].encode()))
        elif entry.get("sha") is None:
            changes[entry["path"]] = None
        else:
            changes[entry["path"]] = (mode, entry["sha"])
    return changes
