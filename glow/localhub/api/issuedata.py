"""Issues as state: who is who on a repository, creating and updating an issue (pull requests
are issues too), its labels, state and lock, and the issue as GitHub's JSON.

The routes live in ``issues.py``, ``labels.py``, ``comments.py`` and the pull request modules;
this module has no routes and no events, so all of them can share it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub import shapes
from glow.localhub.api.bodies import Kind, check_body, record_version
from glow.localhub.api.common import touch
from glow.localhub.routing import Ctx, invalid, not_found

if TYPE_CHECKING:
    from glow.localhub.auth import Principal
    from glow.localhub.protocols import Hub


def association(hub: Hub, repo: dict[str, Any], login: str | None) -> str:
    if not login:
        return "NONE"
    owner = hub.store.account(repo["owner"])
    key = login.lower()
    if repo["owner"].lower() == key or (
        owner and key in (a.lower() for a in owner.get("admins", []))
    ):
        return "OWNER"
    if owner and key in (m.lower() for m in owner.get("members", [])):
        return "MEMBER"
    if key in repo.get("collaborators", {}):
        return "COLLABORATOR"
    return "NONE"


def labels_of(repo: dict[str, Any], iss: dict[str, Any]) -> list[dict[str, Any]]:
    return [repo["labels"][key] for key in iss["labels"] if key in repo["labels"]]


def issue_json(hub: Hub, repo: dict[str, Any], iss: dict[str, Any]) -> dict[str, Any]:
    closed_by = hub.user_json(iss["closed_by"]) if iss.get("closed_by") else None
    data = shapes.issue(
        hub.urls,
        repo["full_name"],
        iss,
        hub.account_or_ghost(iss["user"]),
        labels_of(repo, iss),
        closed_by,
    )
    people = [hub.user_json(login) for login in iss.get("assignees", [])]
    data["assignees"] = people
    data["assignee"] = people[0] if people else None
    return data


def get_issue(repo: dict[str, Any], number: str) -> dict[str, Any]:
    iss: dict[str, Any] | None = repo["issues"].get(number)
    if iss is None:
        raise not_found()
    return iss


def actor(principal: Principal) -> str | None:
    return "github-actions[bot]" if principal.kind == "job" else principal.login


def new_issue(
    hub: Hub,
    repo: dict[str, Any],
    principal: Principal,
    title: str,
    body: str | None,
    labels: list[str],
    *,
    pull: dict[str, Any] | None = None,
) -> dict[str, Any]:
    store = hub.store
    check_body(body, "PullRequest" if pull is not None else "Issue")
    with store.lock:
        number = repo["next_number"]
        repo["next_number"] += 1
        now = store.now_iso()
        login = actor(principal)
        iss = {
            "id": store.next_id(),
            "number": number,
            "title": title,
            "body": body,
            "state": "open",
            "state_reason": None,
            "user": login,
            "labels": [],
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "closed_by": None,
            "comments": 0,
            "author_association": association(hub, repo, login),
        }
        if pull is not None:
            iss["pull"] = pull
        # GitHub's open_issues_count counts open pull requests too.
        repo["open_issues"] = repo.get("open_issues", 0) + 1
        for name in labels:
            iss["labels"].append(ensure_label(hub, repo, name)["name"].lower())
        repo["issues"][str(number)] = iss
        record_version(
            hub, repo, "pull_request" if pull is not None else "issue", number, body, login
        )
        touch(hub, repo)
        return iss


def ensure_label(hub: Hub, repo: dict[str, Any], name: str) -> dict[str, Any]:
    key = name.lower()
    if key not in repo["labels"]:
        repo["labels"][key] = {
            "id": hub.store.next_id(),
            "name": name,
            "color": "ededed",
            "description": None,
            "default": False,
        }
    label: dict[str, Any] = repo["labels"][key]
    return label


def label_names(ctx: Ctx, resource: str = "Label") -> list[str]:
    body = ctx.body()
    raw = body.get("labels")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid(resource, "labels", "invalid", "labels must be an array")
    names = []
    for item in raw:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise invalid(resource, "labels", "invalid", "each label must be a non-empty name")
        names.append(name)
    return names


# "Lock will fail if you don't use one of these reasons" (issues/lock in GitHub's description).
LOCK_REASONS = ("off-topic", "too heated", "resolved", "spam")
LOCKED_MESSAGE = "Unable to create comment because issue is locked."


def set_lock(hub: Hub, iss: dict[str, Any], locked: bool, reason: str | None = None) -> bool:
    """Lock (with a reason or none) or unlock an issue's conversation; True when its locked
    state changed (an event is due). The caller holds the state lock."""
    before = (bool(iss.get("locked")), iss.get("active_lock_reason"))
    after = (locked, reason if locked else None)
    if before != after:
        iss["locked"], iss["active_lock_reason"] = after
        iss["updated_at"] = hub.store.now_iso()
        hub.store.mark_dirty()
    return before[0] != locked


def may_comment(principal: Principal, role: str, iss: dict[str, Any]) -> bool:
    """Whether a comment may be added: on a locked conversation only people with write access
    ("only collaborators ... can comment"); GitHub refuses Apps and the GITHUB_TOKEN there too,
    as bots that comment on locked issues report (403, ``LOCKED_MESSAGE``)."""
    if not iss.get("locked"):
        return True
    return principal.kind == "user" and role in ("write", "maintain", "admin")


STATE_REASONS = (None, "completed", "not_planned", "duplicate", "reopened")


def validate_issue_update(ctx: Ctx, body: dict[str, Any], resource: str = "Issue") -> None:
    """422 for any field of an issue update GitHub would refuse, before anything is applied."""
    title = body.get("title")
    if title is not None and (not isinstance(title, str | int) or not str(title).strip()):
        raise invalid("Issue", "title", "invalid", "title can't be blank")
    if body.get("body") is not None and not isinstance(body["body"], str):
        raise invalid(resource, "body", "invalid", "body must be a string")
    check_body(body.get("body"), resource)
    if body.get("state") is not None and body["state"] not in ("open", "closed"):
        raise invalid("Issue", "state", "invalid", "state must be open or closed")
    if body.get("state_reason") not in STATE_REASONS:
        raise invalid(
            "Issue", "state_reason", "invalid", "state_reason must be completed or not_planned"
        )
    assignees = body.get("assignees")
    if assignees is not None and (
        not isinstance(assignees, list) or not all(isinstance(a, str) for a in assignees)
    ):
        raise invalid("Issue", "assignees", "invalid", "assignees must be an array of logins")
    milestone = body.get("milestone")
    if milestone is not None and (isinstance(milestone, bool) or not isinstance(milestone, int)):
        raise invalid("Issue", "milestone", "invalid", "milestone must be a number or null")
    label_names(ctx, "Issue")  # raises for a malformed list


def apply_issue_update(
    hub: Hub,
    repo: dict[str, Any],
    iss: dict[str, Any],
    ctx: Ctx,
    *,
    can_label: bool,
    resource: str = "Issue",
) -> list[tuple[str, dict[str, Any]]]:
    store = hub.store
    body = ctx.body()
    validate_issue_update(ctx, body, resource)  # all of it first: a rejected update changes nothing
    events: list[tuple[str, dict[str, Any]]] = []
    changes: dict[str, Any] = {}
    title = body.get("title")
    if title is not None:
        if not isinstance(title, str | int) or not str(title).strip():
            raise invalid("Issue", "title", "invalid", "title can't be blank")
        if str(title) != iss["title"]:
            changes["title"] = {"from": iss["title"]}
            iss["title"] = str(title)
    if "body" in body:
        text = body["body"]
        if text is not None and not isinstance(text, str):
            raise invalid("Issue", "body", "invalid", "body must be a string")
        if text != iss.get("body"):
            changes["body"] = {"from": iss.get("body") or ""}
            iss["body"] = text
            kind: Kind = "pull_request" if iss.get("pull") else "issue"
            record_version(hub, repo, kind, iss["number"], text, actor(ctx.principal))
    if changes:
        events.append(("edited", {"changes": changes}))
    state = body.get("state")
    if state is not None:
        if state not in ("open", "closed"):
            raise invalid("Issue", "state", "invalid", "state must be open or closed")
        if state != iss["state"]:
            events.append(set_state(hub, repo, iss, state, body.get("state_reason"), ctx.principal))
    if "labels" in body and can_label:
        wanted = [n.lower() for n in label_names(ctx, "Issue")]
        for name in label_names(ctx, "Issue"):
            ensure_label(hub, repo, name)
        for key in [k for k in iss["labels"] if k not in wanted]:
            iss["labels"].remove(key)
            events.append(
                (
                    "unlabeled",
                    {"label": shapes.label(hub.urls, repo["full_name"], repo["labels"][key])},
                )
            )
        for key in wanted:
            if key not in iss["labels"]:
                iss["labels"].append(key)
                events.append(
                    (
                        "labeled",
                        {"label": shapes.label(hub.urls, repo["full_name"], repo["labels"][key])},
                    )
                )
    if events:
        iss["updated_at"] = store.now_iso()
        store.mark_dirty()
    return events


def set_state(
    hub: Hub,
    repo: dict[str, Any],
    iss: dict[str, Any],
    state: str,
    reason: Any,
    principal: Principal,
) -> tuple[str, dict[str, Any]]:
    delta = -1 if state == "closed" else 1
    repo["open_issues"] = max(repo.get("open_issues", 0) + delta, 0)
    iss["state"] = state
    if state == "closed":
        iss["closed_at"] = hub.store.now_iso()
        iss["closed_by"] = actor(principal)
        iss["state_reason"] = (
            reason if reason in ("completed", "not_planned", "duplicate") else "completed"
        )
        return ("closed", {})
    iss["closed_at"] = None
    iss["closed_by"] = None
    iss["state_reason"] = "reopened"
    return ("reopened", {})
