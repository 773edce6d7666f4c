"""Repositories: create, generate from a template, get, update (archive), delete, and
repository dispatch. Lists of repositories are ``repolists.py``; collaborators and invitations
``collaborators.py``."""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api import actionsdata
from glow.localhub.api.common import bool_field, repo_for, role_for, str_field, touch
from glow.localhub.api.pushes import commit_files
from glow.localhub.auth import LEVELS, permission_flags, require_user
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

NAME_RE = re.compile(r"[A-Za-z0-9._-]{1,100}")


def repo_response(hub: Hub, ctx: Ctx, repo: dict[str, Any]) -> dict[str, Any]:
    owner = hub.account_or_ghost(repo["owner"])
    template = None
    if repo.get("template_id"):
        src = hub.store.repo_by_id(repo["template_id"])
        if src is not None:
            template = shapes.repository(hub.urls, src, hub.account_or_ghost(src["owner"]))
    return shapes.full_repository(
        hub.urls,
        repo,
        owner,
        template=template,
        permissions=permission_flags(role_for(hub, ctx, repo)),
    )


def can_create_in(hub: Hub, ctx: Ctx, owner_login: str) -> None:
    p = ctx.principal
    owner = hub.store.account(owner_login)
    if owner is None:
        raise not_found()
    if p.kind == "installation":
        inst = hub.store.data["installations"].get(str(p.token["installation_id"]))
        if inst is None or inst["account"].lower() != owner_login.lower():
            raise HubError(403, "Resource not accessible by integration")
        if LEVELS.get((p.permissions or {}).get("administration", "none"), 0) < LEVELS["write"]:
            raise HubError(403, "Resource not accessible by integration")
        return
    login = require_user(p)
    if p.kind == "job":
        raise HubError(403, "Resource not accessible by integration")
    perms = p.permissions
    if perms is not None and LEVELS.get(perms.get("administration", "none"), 0) < LEVELS["write"]:
        raise HubError(403, "Resource not accessible by personal access token")
    if owner["type"] == "Organization":
        members = [m.lower() for m in owner.get("admins", []) + owner.get("members", [])]
        if login.lower() not in members:
            raise HubError(
                403, "You need admin access to the organization before adding a repository to it."
            )
    elif owner["login"].lower() != login.lower():
        raise HubError(403, p.message_403())


def new_repo(
    hub: Hub,
    owner: dict[str, Any],
    name: Any,
    *,
    private: bool,
    description: str | None,
    is_template: bool = False,
    auto_init: bool = False,
    creator: str | None = None,
) -> dict[str, Any]:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name) or name in (".", ".."):
        raise invalid(
            "Repository",
            "name",
            "missing_field" if not name else "invalid",
            "name is missing" if not name else "name is invalid",
        )
    store = hub.store
    with store.lock:
        if store.repo(owner["login"], name) is not None:
            raise HubError(
                422,
                "Repository creation failed.",
                errors=[
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "name",
                        "message": "name already exists on this account",
                    }
                ],
            )
        now = store.now_iso()
        repo = {
            "id": store.next_id(),
            "name": name,
            "owner": owner["login"],
            "full_name": f"{owner['login']}/{name}",
            "private": private,
            "description": description,
            "default_branch": "main",
            "is_template": is_template,
            "archived": False,
            "created_at": now,
            "updated_at": now,
            "pushed_at": None,
            "collaborators": {},
            "labels": {},
            "issues": {},
            "comments": {},
            "reviews": {},
            "next_number": 1,
            "open_issues": 0,
        }
        gitstore.init_bare(store.git_dir(repo), "main")
        for lab in DEFAULT_LABELS:
            repo["labels"][lab[0].lower()] = {
                "id": store.next_id(),
                "name": lab[0],
                "color": lab[1],
                "description": lab[2],
                "default": True,
            }
        store.data["repos"][repo["full_name"].lower()] = repo
        store.mark_dirty()
        if auto_init:
            commit_files(
                hub,
                repo,
                "main",
                {"README.md": f"# {name}\n\n{description or ''}\n".encode()},
                "Initial commit",
                creator,
            )
        return repo


DEFAULT_LABELS = [
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
]


def copy_template(
    hub: Hub, src: dict[str, Any], dst: dict[str, Any], creator: str | None, all_branches: bool
) -> None:
    """Copy the template's files as one fresh commit per branch (what GitHub does, late)."""
    store = hub.store
    src_dir, dst_dir = store.git_dir(src), store.git_dir(dst)
    with store.lock:
        if store.repo_by_id(dst["id"]) is None:
            return  # deleted before its files arrived
        src_branches = gitstore.branches(src_dir)
        if not src_branches:
            return
        gitstore.fetch_all(dst_dir, src_dir)
        acc = hub.account_or_ghost(creator)
        who = gitstore.Identity(
            acc["login"], f"{acc['id']}+{acc['login']}@users.noreply.localhub", store.now_iso()
        )
        names = (
            src_branches
            if all_branches
            else {src["default_branch"]: src_branches[src["default_branch"]]}
        )
        for branch, sha in names.items():
            tree = gitstore.out(dst_dir, "rev-parse", f"{sha}^{{tree}}")
            commit = gitstore.commit_tree(dst_dir, tree, [], "Initial commit", who)
            gitstore.update_ref(dst_dir, f"refs/heads/{branch}", commit)
        for ref in gitstore.refs(dst_dir, "refs/glow-template/"):
            gitstore.delete_ref(dst_dir, ref)
        dst["default_branch"] = src["default_branch"]
        gitstore.git(dst_dir, "symbolic-ref", "HEAD", f"refs/heads/{src['default_branch']}")
        dst["pushed_at"] = store.now_iso()
        store.mark_dirty()


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def create(ctx: Ctx, owner_login: str) -> Response:
        can_create_in(hub, ctx, owner_login)
        owner = store.account(owner_login)
        assert owner is not None
        private = bool_field(ctx, "private", "Repository")
        visibility = ctx.field("visibility", str, resource="Repository")
        if visibility is not None:
            private = visibility != "public"
        repo = new_repo(
            hub,
            owner,
            ctx.body().get("name"),
            private=bool(private),
            description=str_field(ctx, "description", "Repository"),
            is_template=bool(bool_field(ctx, "is_template", "Repository")),
            auto_init=bool(bool_field(ctx, "auto_init", "Repository")),
            creator=ctx.principal.login,
        )
        return Response(201, repo_response(hub, ctx, repo))

    r.add(
        "POST",
        "/orgs/{org}/repos",
        lambda ctx: create(ctx, ctx.params["org"]),
        creates_content=True,
    )
    r.add(
        "POST",
        "/user/repos",
        lambda ctx: create(ctx, require_user(ctx.principal)),
        creates_content=True,
    )

    @r.route("GET", "/repos/{owner}/{repo}")
    def get(ctx: Ctx) -> Response:
        return Response(200, repo_response(hub, ctx, repo_for(hub, ctx)))

    @r.route("PATCH", "/repos/{owner}/{repo}")
    def update(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        with store.lock:
            for key in ("archived", "is_template", "private"):
                value = bool_field(ctx, key, "Repository")
                if value is not None:
                    if key == "archived" and repo["archived"] and not value:
                        pass  # unarchiving is allowed through the API
                    repo[key] = value
            desc = str_field(ctx, "description", "Repository")
            if desc is not None:
                repo["description"] = desc
            branch = str_field(ctx, "default_branch", "Repository")
            if branch is not None:
                if branch not in gitstore.branches(store.git_dir(repo)):
                    raise invalid(
                        "Repository",
                        "default_branch",
                        "invalid",
                        f"The branch {branch} was not found.",
                    )
                repo["default_branch"] = branch
                gitstore.git(store.git_dir(repo), "symbolic-ref", "HEAD", f"refs/heads/{branch}")
            touch(hub, repo)
        return Response(200, repo_response(hub, ctx, repo))

    @r.route("DELETE", "/repos/{owner}/{repo}")
    def delete(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        with store.lock:
            del store.data["repos"][repo["full_name"].lower()]
            for key in [
                k for k, inv in store.data["invitations"].items() if inv["repo_id"] == repo["id"]
            ]:
                del store.data["invitations"][key]
            actionsdata.forget(store, actionsdata.scope_of(repo["full_name"]))
            store.mark_dirty()
        shutil.rmtree(store.git_dir(repo), ignore_errors=True)
        return Response(204)

    @r.route("POST", "/repos/{template_owner}/{template_repo}/generate", creates_content=True)
    def generate(ctx: Ctx) -> Response:
        src = repo_for(hub, ctx, "contents", "read", "read")
        if not src.get("is_template"):
            raise HubError(
                422,
                "Validation Failed",
                errors=[
                    {
                        "resource": "Repository",
                        "code": "custom",
                        "field": "template_repository",
                        "message": f"{src['full_name']} is not a template repository",
                    }
                ],
            )
        owner_login = str_field(ctx, "owner", "Repository") or require_user(ctx.principal)
        can_create_in(hub, ctx, owner_login)
        owner = store.account(owner_login)
        assert owner is not None
        repo = new_repo(
            hub,
            owner,
            ctx.body().get("name"),
            private=bool(bool_field(ctx, "private", "Repository")),
            description=str_field(ctx, "description", "Repository"),
            creator=ctx.principal.login,
        )
        repo["template_id"] = src["id"]
        all_branches = bool(bool_field(ctx, "include_all_branches", "Repository"))
        creator = ctx.principal.login
        # GitHub answers before the files are copied: callers must poll for a known file.
        hub.background(
            float(store.config["template_delay_seconds"]),
            lambda: copy_template(hub, src, repo, creator, all_branches),
        )
        return Response(201, repo_response(hub, ctx, repo))

    @r.route("POST", "/repos/{owner}/{repo}/dispatches")
    def dispatch(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "contents", "write", "write")
        event_type = str_field(ctx, "event_type", "Dispatch", required=True)
        payload = ctx.field("client_payload", dict, resource="Dispatch") or {}
        if len(payload) > 10:
            raise invalid(
                "Dispatch",
                "client_payload",
                "invalid",
                "client_payload can have at most 10 top-level properties",
            )
        branch = repo["default_branch"]
        hub.emit(
            repo,
            "repository_dispatch",
            {"action": event_type, "branch": branch, "client_payload": payload},
            ctx.principal,
            ref=f"refs/heads/{branch}",
        )
        return Response(204)
