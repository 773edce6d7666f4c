"""Repository rulesets: create, list, read, update and delete a repository's rulesets, and the
active rules a branch is under (``rules.py`` enforces them).

A ruleset is kept per repository by id (``repo["rulesets"][id]``), as given: name, target,
enforcement, conditions, rules and bypass actors. GitHub's list answers each ruleset's summary
(no rules, conditions or bypass actors: read one by id for those). Rulesets, like classic
protection, need a public repository or a paid plan: a private repository of an organisation
on GitHub Free answers 403 naming the upgrade.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.common import paginate, repo_for
from glow.localhub.api.rules import active_rulesets, bypasses, enforced_here
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

TARGETS = ("branch", "tag", "push")
ENFORCEMENTS = ("disabled", "active", "evaluate")
ACTOR_TYPES = ("Integration", "OrganizationAdmin", "RepositoryRole", "Team", "DeployKey", "User")
BYPASS_MODES = ("always", "pull_request", "exempt")
NEEDS_ACTOR_ID = ("Integration", "RepositoryRole", "Team", "User")
# The rule types of GitHub's description for a repository ruleset (``repository-rule``).
RULE_TYPES = (
    "creation",
    "update",
    "deletion",
    "required_linear_history",
    "merge_queue",
    "required_deployments",
    "required_signatures",
    "pull_request",
    "required_status_checks",
    "non_fast_forward",
    "commit_message_pattern",
    "commit_author_email_pattern",
    "committer_email_pattern",
    "branch_name_pattern",
    "tag_name_pattern",
    "file_path_restriction",
    "max_file_path_length",
    "file_extension_restriction",
    "max_file_size",
    "workflows",
    "code_scanning",
    "copilot_code_review",
)


def schema_error(text: str) -> HubError:
    # GitHub answers a body its schema refuses with 422 and the schema's words, no errors list.
    return HubError(422, f"Invalid request.\n\n{text}")


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise schema_error(f"For '{where}', {value!r} is not an array of strings.")
    return list(value)


def read_conditions(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise schema_error("For 'conditions', is not an object.")
    names = value.get("ref_name")
    if names is None:
        return {}
    if not isinstance(names, dict):
        raise schema_error("For 'ref_name', is not an object.")
    return {
        "ref_name": {
            "include": _strings(names.get("include", []), "include"),
            "exclude": _strings(names.get("exclude", []), "exclude"),
        }
    }


def read_rules(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise schema_error("For 'rules', is not an array.")
    rules = []
    for rule in value:
        if not isinstance(rule, dict) or rule.get("type") not in RULE_TYPES:
            raise schema_error(f"For 'items', {rule!r} is not a valid rule.")
        params = rule.get("parameters")
        if rule["type"] == "required_status_checks":
            checks = (params or {}).get("required_status_checks")
            if not isinstance(checks, list) or not all(
                isinstance(c, dict) and isinstance(c.get("context"), str) for c in checks
            ):
                raise schema_error(
                    "For 'required_status_checks', is not an array of status checks."
                )
            if not isinstance((params or {}).get("strict_required_status_checks_policy"), bool):
                raise schema_error('"strict_required_status_checks_policy" wasn\'t supplied.')
        rules.append({"type": rule["type"], **({"parameters": params} if params else {})})
    return rules


def read_bypass(hub: Hub, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise schema_error("For 'bypass_actors', is not an array.")
    actors = []
    for item in value:
        if not isinstance(item, dict) or item.get("actor_type") not in ACTOR_TYPES:
            raise schema_error(f"For 'items', {item!r} is not a valid bypass actor.")
        mode = item.get("bypass_mode", "always")
        if mode not in BYPASS_MODES:
            raise schema_error(f"For 'bypass_mode', {mode!r} is not a possible value.")
        kind, ident = item["actor_type"], item.get("actor_id")
        if kind in NEEDS_ACTOR_ID and not isinstance(ident, int):
            raise invalid("Ruleset", "bypass_actors", "invalid", f"{kind} needs an actor_id")
        if kind == "Integration" and str(ident) not in hub.store.data["apps"]:
            raise invalid("Ruleset", "bypass_actors", "invalid", f"No app with id {ident}")
        actors.append(
            {
                "actor_id": ident if kind != "OrganizationAdmin" else 1,
                "actor_type": kind,
                "bypass_mode": mode,
            }
        )
    return actors


def read_ruleset(
    hub: Hub, ctx: Ctx, repo: dict[str, Any], before: dict[str, Any] | None
) -> dict[str, Any]:
    """The stored fields a create (``before`` None) or an update asks for, checked."""
    body = ctx.body()
    wanted = dict(before or {"target": "branch", "bypass_actors": [], "conditions": None})
    wanted["rules"] = wanted.get("rules", [])
    for key in ("name", "enforcement"):
        if before is None and key not in body:
            raise schema_error(f'"{key}" wasn\'t supplied.')
    if "name" in body:
        if not isinstance(body["name"], str) or not body["name"].strip():
            raise schema_error("For 'name', is not a string.")
        clash = [
            r
            for r in (repo.get("rulesets") or {}).values()
            if r["name"] == body["name"] and r is not before
        ]
        if clash:
            raise invalid("Ruleset", "name", "already_exists", "Name must be unique")
        wanted["name"] = body["name"]
    if "enforcement" in body:
        if body["enforcement"] not in ENFORCEMENTS:
            raise schema_error(
                f"For 'enforcement', {body['enforcement']!r} is not a possible value."
            )
        wanted["enforcement"] = body["enforcement"]
    if "target" in body:
        if body["target"] not in TARGETS:
            raise schema_error(f"For 'target', {body['target']!r} is not a possible value.")
        wanted["target"] = body["target"]
    if "conditions" in body:
        wanted["conditions"] = read_conditions(body["conditions"])
    if "rules" in body:
        wanted["rules"] = read_rules(body["rules"])
    if "bypass_actors" in body:
        wanted["bypass_actors"] = read_bypass(hub, body["bypass_actors"])
    return wanted


def links(hub: Hub, repo: dict[str, Any], ident: int) -> dict[str, Any]:
    return {
        "self": {"href": f"{hub.urls.api}/repos/{repo['full_name']}/rulesets/{ident}"},
        "html": {"href": f"{hub.urls.web}/{repo['full_name']}/rules/{ident}"},
    }


def summary_json(hub: Hub, repo: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"],
        "name": r["name"],
        "target": r["target"],
        "source_type": "Repository",
        "source": repo["full_name"],
        "enforcement": r["enforcement"],
        "node_id": shapes.node_id("RRS", r["id"]),
        "_links": links(hub, repo, r["id"]),
        "created_at": r["created_at"],
        "updated_at": r["updated_at"],
    }


def ruleset_json(hub: Hub, ctx: Ctx, repo: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    can = any(bypasses(hub.store, ctx.principal, repo, a, merge=False) for a in r["bypass_actors"])
    return {
        **summary_json(hub, repo, r),
        "bypass_actors": [dict(a) for a in r["bypass_actors"]],
        "current_user_can_bypass": "always" if can else "never",
        "conditions": r["conditions"],
        "rules": [dict(rule) for rule in r["rules"]],
    }


def _rulable(hub: Hub, repo: dict[str, Any]) -> None:
    if not enforced_here(hub.store, repo):
        raise HubError(
            403, "Upgrade to GitHub Pro or make this repository public to enable this feature."
        )


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def one(repo: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
        found: dict[str, Any] | None = (repo.get("rulesets") or {}).get(ctx.params["ruleset_id"])
        if found is None:
            raise not_found()
        return found

    @r.route("GET", "/repos/{owner}/{repo}/rulesets")
    def list_rulesets(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "metadata", "read", "read")
        _rulable(hub, repo)
        found = sorted((repo.get("rulesets") or {}).values(), key=lambda x: x["id"])
        wanted = set((ctx.q("targets") or ",".join(TARGETS)).split(","))
        items = [summary_json(hub, repo, x) for x in found if x["target"] in wanted]
        return paginate(hub, ctx, items)

    @r.route("POST", "/repos/{owner}/{repo}/rulesets")
    def create_ruleset(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        _rulable(hub, repo)
        with store.lock:
            made = read_ruleset(hub, ctx, repo, None)
            now = store.now_iso()
            made.update(id=store.next_id(), created_at=now, updated_at=now)
            repo.setdefault("rulesets", {})[str(made["id"])] = made
            store.mark_dirty()
        return Response(201, ruleset_json(hub, ctx, repo, made))

    @r.route("GET", "/repos/{owner}/{repo}/rulesets/{ruleset_id}")
    def get_ruleset(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "metadata", "read", "read")
        _rulable(hub, repo)
        return Response(200, ruleset_json(hub, ctx, repo, one(repo, ctx)))

    @r.route("PUT", "/repos/{owner}/{repo}/rulesets/{ruleset_id}")
    def update_ruleset(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        _rulable(hub, repo)
        with store.lock:
            before = one(repo, ctx)
            after = read_ruleset(hub, ctx, repo, before)
            before.update(after, updated_at=store.now_iso())
            store.mark_dirty()
        return Response(200, ruleset_json(hub, ctx, repo, before))

    @r.route("DELETE", "/repos/{owner}/{repo}/rulesets/{ruleset_id}")
    def delete_ruleset(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "administration", "write", "admin")
        _rulable(hub, repo)
        with store.lock:
            one(repo, ctx)
            del repo["rulesets"][ctx.params["ruleset_id"]]
            store.mark_dirty()
        return Response(204)

    @r.route("GET", "/repos/{owner}/{repo}/rules/branches/{branch}")
    def branch_rules(ctx: Ctx) -> Response:
        """Every rule of an active ruleset that takes the branch, with its ruleset named."""
        repo = repo_for(hub, ctx, "metadata", "read", "read")
        ref = f"refs/heads/{ctx.params['branch']}"
        rules = []
        if enforced_here(store, repo):
            for ruleset in sorted(active_rulesets(repo, ref), key=lambda x: x["id"]):
                for rule in ruleset["rules"]:
                    rules.append(
                        {
                            **rule,
                            "ruleset_source_type": "Repository",
                            "ruleset_source": repo["full_name"],
                            "ruleset_id": ruleset["id"],
                        }
                    )
        return paginate(hub, ctx, rules)
