"""Labels of a repository and of its issues, with the ``labeled``/``unlabeled`` events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.common import paginate, repo_for, str_field
from glow.localhub.api.issuedata import ensure_label, get_issue, label_names, labels_of
from glow.localhub.api.pulldata import emit_issue
from glow.localhub.routing import Ctx, HubError, Response, invalid, not_found, parse_json

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

COLOR_HEX = set("0123456789abcdefABCDEF")
ARCHIVED_NEVER = {"archived_at": None, "archived_by": None}


def bare_array_body(ctx: Ctx) -> None:
    """Adding or setting issue labels also takes a bare array body (``["bug"]``), as on GitHub."""
    try:
        raw = parse_json(ctx.raw_body or b"null")
    except HubError:
        return  # ctx.body() answers 400
    if isinstance(raw, list):
        ctx._json = {"labels": raw}


def register(hub: Hub) -> None:
    r = hub.router
    store = hub.store

    def label_out(repo: dict[str, Any], lab: dict[str, Any]) -> dict[str, Any]:
        # REST labels carry archived_at/archived_by (required in API version 2026-03-10, which
        # githubkit sends); webhook labels must not (their schema forbids extra properties).
        return {**shapes.label(hub.urls, repo["full_name"], lab), **ARCHIVED_NEVER}

    def hook_label(repo: dict[str, Any], lab: dict[str, Any]) -> dict[str, Any]:
        return shapes.label(hub.urls, repo["full_name"], lab)

    def check_color(color: Any) -> str:
        if (
            not isinstance(color, str)
            or len(color.lstrip("#")) != 6
            or not set(color.lstrip("#")) <= COLOR_HEX
        ):
            raise invalid("Label", "color", "invalid", "color must be a 6-digit hex code")
        return color.lstrip("#").lower()

    @r.route("GET", "/repos/{owner}/{repo}/labels")
    def list_labels(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        return paginate(hub, ctx, [label_out(repo, lab) for lab in repo["labels"].values()])

    @r.route("POST", "/repos/{owner}/{repo}/labels", creates_content=True)
    def create_label(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "write")
        name = str_field(ctx, "name", "Label", required=True) or ""
        color = check_color(ctx.body().get("color", "ededed"))
        with store.lock:
            if name.lower() in repo["labels"]:
                raise HubError(
                    422,
                    "Validation Failed",
                    errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
                )
            lab = {
                "id": store.next_id(),
                "name": name,
                "color": color,
                "description": str_field(ctx, "description", "Label"),
                "default": False,
            }
            repo["labels"][name.lower()] = lab
            store.mark_dirty()
        return Response(201, label_out(repo, lab))

    @r.route("GET", "/repos/{owner}/{repo}/labels/{name}")
    def get_label(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        lab = repo["labels"].get(ctx.params["name"].lower())
        if lab is None:
            raise not_found()
        return Response(200, label_out(repo, lab))

    @r.route("PATCH", "/repos/{owner}/{repo}/labels/{name}")
    def update_label(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "write")
        with store.lock:
            lab = repo["labels"].get(ctx.params["name"].lower())
            if lab is None:
                raise not_found()
            body = ctx.body()
            if "color" in body:
                lab["color"] = check_color(body["color"])
            if "description" in body:
                lab["description"] = str_field(ctx, "description", "Label")
            new_name = str_field(ctx, "new_name", "Label")
            if new_name and new_name.lower() != lab["name"].lower():
                if new_name.lower() in repo["labels"]:
                    raise HubError(
                        422,
                        "Validation Failed",
                        errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
                    )
                old_key = lab["name"].lower()
                del repo["labels"][old_key]
                repo["labels"][new_name.lower()] = lab
                for iss in repo["issues"].values():
                    iss["labels"] = [new_name.lower() if k == old_key else k for k in iss["labels"]]
            if new_name:
                lab["name"] = new_name
            store.mark_dirty()
        return Response(200, label_out(repo, lab))

    @r.route("DELETE", "/repos/{owner}/{repo}/labels/{name}")
    def delete_label(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "write")
        key = ctx.params["name"].lower()
        with store.lock:
            if repo["labels"].pop(key, None) is None:
                raise not_found()
            for iss in repo["issues"].values():
                if key in iss["labels"]:
                    iss["labels"].remove(key)
            store.mark_dirty()
        return Response(204)

    @r.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
    def issue_labels(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "read", "read")
        iss = get_issue(repo, ctx.params["issue_number"])
        return paginate(hub, ctx, [label_out(repo, lab) for lab in labels_of(repo, iss)])

    def change_labels(ctx: Ctx, replace: bool) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "triage")
        bare_array_body(ctx)
        names = label_names(ctx)
        if not names and not replace and "labels" not in ctx.body():
            raise invalid("Label", "labels", "missing_field", "labels is missing")
        events = []
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            wanted = [ensure_label(hub, repo, n)["name"].lower() for n in names]
            if replace:
                for key in [k for k in iss["labels"] if k not in wanted]:
                    iss["labels"].remove(key)
                    events.append(("unlabeled", key))
            for key in wanted:
                if key not in iss["labels"]:
                    iss["labels"].append(key)
                    events.append(("labeled", key))
            if events:
                iss["updated_at"] = store.now_iso()
            store.mark_dirty()
        for action, key in events:
            lab = repo["labels"].get(key) or {"id": 0, "name": key, "color": "ededed"}
            emit_issue(hub, repo, iss, action, ctx.principal, label=hook_label(repo, lab))
        return Response(200, [label_out(repo, lab) for lab in labels_of(repo, iss)])

    r.add(
        "POST",
        "/repos/{owner}/{repo}/issues/{issue_number}/labels",
        lambda ctx: change_labels(ctx, False),
    )
    r.add(
        "PUT",
        "/repos/{owner}/{repo}/issues/{issue_number}/labels",
        lambda ctx: change_labels(ctx, True),
    )

    @r.route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}")
    def remove_label(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "issues", "write", "triage")
        key = ctx.params["name"].lower()
        with store.lock:
            iss = get_issue(repo, ctx.params["issue_number"])
            if key not in iss["labels"]:
                raise HubError(404, "Label does not exist")
            iss["labels"].remove(key)
            iss["updated_at"] = store.now_iso()
            store.mark_dirty()
        label = hook_label(repo, repo["labels"][key])
        emit_issue(hub, repo, iss, "unlabeled", ctx.principal, label=label)
        return Response(200, [label_out(repo, lab) for lab in labels_of(repo, iss)])
