"""Commit statuses and branch protection's required status checks.

A status is kept per repository and commit sha, newest last (``repo["statuses"][sha]``); a
branch's protection per branch name (``repo["protection"][branch]``). Merging a pull request
into a protected branch asks ``unmet_checks`` first (``merge.py``), as GitHub refuses it with
405 while a required context's latest status on the head is not ``success``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import gitstore, shapes
from glow.localhub.api.actionsdata import plan_of
from glow.localhub.api.commits import resolve
from glow.localhub.api.common import paginate, repo_for, role_for
from glow.localhub.api.issuedata import actor
from glow.localhub.api.required import latest_by_context, unmet_contexts
from glow.localhub.routing import Ctx, HubError, Response, invalid

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

STATES = ("error", "failure", "pending", "success")
# "A short description of the status": GitHub refuses a longer one with a validation error.
MAX_DESCRIPTION = 140


def combined_state(latest: list[dict[str, Any]]) -> str:
    """GitHub's combined state: failure if any context says error or failure, pending if there
    is none or one is pending, success when every latest status is success."""
    states = {s["state"] for s in latest}
    if states & {"error", "failure"}:
        return "failure"
    if not states or "pending" in states:
        return "pending"
    return "success"


def unmet_checks(hub: Hub, ctx: Ctx, repo: dict[str, Any], base: str, head_sha: str) -> str:
    """Why a merge of ``head_sha`` into ``base`` is refused by its required status checks, or
    "" when they are met (or an administrator may bypass them: ``enforce_admins`` off)."""
    unmet = unmet_contexts(repo, base, head_sha)
    if not unmet:
        return ""
    protection = repo["protection"][base]
    if not protection.get("enforce_admins") and role_for(hub, ctx, repo) == "admin":
        return ""
    if len(protection["contexts"]) == 1:
        return f'Required status check "{unmet[0]}" is expected.'
    return f"{len(unmet)} of {len(protection['contexts'])} required status checks are expected."


def status_json(hub: Hub, repo: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
    creator = hub.user_json(status["creator"])
    return {
        "url": f"{hub.urls.api}/repos/{repo['full_name']}/statuses/{status['sha']}",
        "avatar_url": creator.get("avatar_url"),
        "id": status["id"],
        "node_id": shapes.node_id("SC", status["id"]),
        "state": status["state"],
        "description": status["description"],
        "target_url": status["target_url"],
        "context": status["context"],
        "created_at": status["created_at"],
        "updated_at": status["created_at"],
        "creator": creator,
    }


def protection_json(hub: Hub, repo: dict[str, Any], branch: str) -> dict[str, Any]:
    p = repo["protection"][branch]
    url = f"{hub.urls.api}/repos/{repo['full_name']}/branches/{branch}/protection"
    checks = f"{url}/required_status_checks"
    data: dict[str, Any] = {
        "url": url,
        "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": p["enforce_admins"]},
        "required_signatures": {"url": f"{url}/required_signatures", "enabled": False},
        "required_linear_history": {"enabled": False},
        "allow_force_pushes": {"enabled": False},
        "allow_deletions": {"enabled": False},
        "block_creations": {"enabled": False},
        "required_conversation_resolution": {"enabled": False},
        "lock_branch": {"enabled": False},
        "allow_fork_syncing": {"enabled": False},
    }
    if p["contexts"] is not None:
        data["required_status_checks"] = {
            "url": checks,
            "strict": p["strict"],
            "contexts": list(p["contexts"]),
            "contexts_url": f"{checks}/contexts",
            "checks": [{"context": c, "app_id": None} for c in p["contexts"]],
        }
    return data


def _commit_sha(hub: Hub, repo: dict[str, Any], ref: str) -> str:
    sha = resolve(hub, repo, ref)
    if sha is None or gitstore.read_commit(hub.store.git_dir(repo), sha) is None:
        raise HubError(422, f"No commit found for SHA: {ref}")
    return sha


def _protectable(hub: Hub, repo: dict[str, Any]) -> None:
    """GitHub protects branches of public repositories on every plan, of private ones only on
    a paid plan (GitHub Free: a 403 naming the upgrade)."""
    owner = hub.store.account(repo["owner"])
    if repo.get("private") and plan_of(owner) == "free":
        raise HubError(
            403, "Upgrade to GitHub Pro or make this repository public to enable this feature."
        )


def _read_protection_body(ctx: Ctx) -> dict[str, Any]:
    # GitHub answers a body its schema refuses with 422 and the schema's words, no errors list.
    body = ctx.body()
    for key in ("required_status_checks", "enforce_admins", "restrictions"):
        if key not in body:
            raise HubError(422, f'Invalid request.\n\n"{key}" wasn\'t supplied.')
    checks = body["required_status_checks"]
    contexts: list[str] | None = None
    strict = False
    if checks is not None:
        if not isinstance(checks, dict) or not isinstance(checks.get("contexts"), list):
            raise HubError(422, "Invalid request.\n\nFor 'properties/contexts', is not an array.")
        named = [c.get("context") for c in checks.get("checks") or [] if isinstance(c, dict)]
        contexts = list(dict.fromkeys(str(c) for c in [*checks["contexts"], *named] if c))
        strict = bool(checks.get("strict"))
    return {
        "contexts": contexts,
        "strict": strict,
        "enforce_admins": bool(body["enforce_admins"]),
    }


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    @r.route("POST", "/repos/{owner}/{repo}/statuses/{sha}")
    def create_status(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "statuses", "write", "write")
        state = ctx.body().get("state")
        if state not in STATES:
            raise invalid("Status", "state", "invalid", "state is not included in the list")
        description = ctx.field("description", str, resource="Status")
        if description is not None and len(description) > MAX_DESCRIPTION:
            raise invalid(
                "Status",
                "description",
                "custom",
                f"description is too long (maximum is {MAX_DESCRIPTION} characters)",
            )
        target_url = ctx.field("target_url", str, resource="Status")
        context = ctx.field("context", str, resource="Status") or "default"
        with store.lock:
            sha = _commit_sha(hub, repo, ctx.params["sha"])
            status = {
                "id": store.next_id(),
                "sha": sha,
                "state": state,
                "description": description,
                "target_url": target_url,
                "context": context,
                "creator": actor(ctx.principal),
                "created_at": store.now_iso(),
            }
            repo.setdefault("statuses", {}).setdefault(sha, []).append(status)
            store.mark_dirty()
        url = f"{hub.urls.api}/repos/{repo['full_name']}/statuses/{sha}"
        return Response(201, status_json(hub, repo, status), {"location": url})

    def list_statuses(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "statuses", "read", "read")
        sha = resolve(hub, repo, ctx.params["ref"])
        found = repo.get("statuses", {}).get(sha or "", [])
        return paginate(hub, ctx, [status_json(hub, repo, s) for s in reversed(found)])

    r.route("GET", "/repos/{owner}/{repo}/commits/{ref}/statuses")(list_statuses)
    # The legacy route GitHub still serves ("also available via a legacy route").
    r.route("GET", "/repos/{owner}/{repo}/statuses/{ref}")(list_statuses)

    @r.route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
    def combined(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "statuses", "read", "read")
        ref = ctx.params["ref"]
        sha = resolve(hub, repo, ref)
        if sha is None:
            raise HubError(404, f"No commit found for SHA: {ref}")
        latest = sorted(latest_by_context(repo, sha).values(), key=lambda s: s["context"])
        api = f"{hub.urls.api}/repos/{repo['full_name']}"
        simple = []
        for status in latest:
            full = status_json(hub, repo, status)
            simple.append({k: v for k, v in full.items() if k != "creator"} | {"required": None})
        return Response(
            200,
            {
                "state": combined_state(latest),
                "statuses": simple,
                "sha": sha,
                "total_count": len(simple),
                "repository": shapes.repository(
                    hub.urls, repo, hub.account_or_ghost(repo["owner"])
                ),
                "commit_url": f"{api}/commits/{sha}",
                "url": f"{api}/commits/{sha}/status",
            },
        )

    @r.route("PUT", "/repos/{owner}/{repo}/branches/{branch}/protection")
    def protect(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        _protectable(hub, repo)
        branch = ctx.params["branch"]
        if branch not in gitstore.branches(store.git_dir(repo)):
            raise HubError(404, "Branch not found")
        wanted = _read_protection_body(ctx)
        with store.lock:
            repo.setdefault("protection", {})[branch] = wanted
            store.mark_dirty()
        return Response(200, protection_json(hub, repo, branch))

    @r.route("GET", "/repos/{owner}/{repo}/branches/{branch}/protection")
    def get_protection(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "read", "admin")
        _protectable(hub, repo)
        branch = ctx.params["branch"]
        if branch not in repo.get("protection", {}):
            raise HubError(404, "Branch not protected")
        return Response(200, protection_json(hub, repo, branch) | {"enabled": True})
