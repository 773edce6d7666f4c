"""Actions variables and secrets as the store keeps them, for the REST API, the control API
and the runner alike.

Values live where the runner reads them: ``data["variables"]`` and ``data["secrets"]``, keyed
by scope (``owner/repo`` or ``owner``, lower-cased), then by name. Each entry's times and, for
an owner's, its visibility live beside them in ``data["actions_meta"][kind][scope][NAME]``.
Names are case-insensitive, as on GitHub (and ``vars.name`` in an expression).

An organisation's entries reach its private repositories only on a paid plan: on GitHub Free
"organization secrets and variables cannot be used by private repositories" (Team and
Enterprise let them, as each entry's visibility says). ``plan_of`` reads the organisation's
plan (``free`` unless the control API made it ``team`` or ``enterprise``).
"""

from __future__ import annotations

import re
from typing import Any

from glow.localhub.state import Store

KINDS = ("variables", "secrets")
VISIBILITIES = ("all", "private", "selected")
PLANS = ("free", "team", "enterprise")
FREE = "free"
# GitHub: letters, digits and underscores, not starting with a digit or GITHUB_.
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def scope_of(owner: str, repo: str | None = None) -> str:
    return (f"{owner}/{repo}" if repo else owner).lower()


def valid_name(name: str) -> bool:
    return bool(NAME_RE.fullmatch(name)) and not name.upper().startswith("GITHUB_")


def _values(store: Store, kind: str, scope: str) -> dict[str, str]:
    values: dict[str, str] = store.data.setdefault(kind, {}).setdefault(scope, {})
    return values


def _metas(store: Store, kind: str, scope: str) -> dict[str, dict[str, Any]]:
    metas: dict[str, dict[str, Any]] = (
        store.data.setdefault("actions_meta", {}).setdefault(kind, {}).setdefault(scope, {})
    )
    return metas


def find(store: Store, kind: str, scope: str, name: str) -> str | None:
    """The stored spelling of ``name`` in ``scope``, if there is one."""
    wanted = name.upper()
    values = store.data.get(kind, {}).get(scope, {})
    return next((key for key in values if key.upper() == wanted), None)


def meta(store: Store, kind: str, scope: str, key: str) -> dict[str, Any]:
    """An entry's times and visibility; one set before they were kept gets them now."""
    metas = _metas(store, kind, scope)
    found = metas.get(key.upper())
    if found is None:
        now = store.now_iso()
        found = metas[key.upper()] = {"created_at": now, "updated_at": now}
        store.mark_dirty()
    return found


def put(
    store: Store,
    kind: str,
    scope: str,
    name: str,
    value: str,
    *,
    visibility: str | None = None,
    selected: list[int] | None = None,
) -> bool:
    """Set a variable or secret (replacing any spelling of its name); True when it is new."""
    with store.lock:
        values = _values(store, kind, scope)
        old = find(store, kind, scope, name)
        if old is not None and old != name:
            values.pop(old)
        values[name] = value
        now = store.now_iso()
        entry = _metas(store, kind, scope).setdefault(name.upper(), {"created_at": now})
        entry["updated_at"] = now
        if visibility is not None:
            entry["visibility"] = visibility
        if selected is not None:
            entry["selected_repository_ids"] = list(selected)
        store.mark_dirty()
        return old is None


def remove(store: Store, kind: str, scope: str, name: str) -> bool:
    with store.lock:
        key = find(store, kind, scope, name)
        if key is None:
            return False
        _values(store, kind, scope).pop(key)
        _metas(store, kind, scope).pop(key.upper(), None)
        store.mark_dirty()
        return True


def listing(store: Store, kind: str, scope: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every entry of a scope, by name: (name, value, meta)."""
    values = store.data.get(kind, {}).get(scope, {})
    return [
        (key, values[key], meta(store, kind, scope, key)) for key in sorted(values, key=str.upper)
    ]


def plan_of(account: dict[str, Any] | None) -> str:
    """An organisation's plan: ``free`` (a new organisation's, as on GitHub) unless set."""
    plan = (account or {}).get("plan")
    return plan if plan in PLANS else FREE


def paid(account: dict[str, Any] | None) -> bool:
    """Whether the owner's entries may reach its private repositories: an organisation on a
    paid plan. A user's entries (the control API's; GitHub has none) reach all theirs."""
    if account is None or account.get("type") != "Organization":
        return True
    return plan_of(account) != FREE


def reaches(entry: dict[str, Any], repo: dict[str, Any], *, on_paid_plan: bool = True) -> bool:
    """Whether an owner's entry reaches a repository: ``all``, ``private`` (private
    repositories only) or ``selected`` (those listed); a private repository only when the
    owner is ``on_paid_plan``."""
    if repo["private"] and not on_paid_plan:
        return False
    visibility = entry.get("visibility", "all")
    if visibility == "private":
        return bool(repo["private"])
    if visibility == "selected":
        return repo["id"] in entry.get("selected_repository_ids", [])
    return True


def visible(store: Store, kind: str, repo: dict[str, Any]) -> dict[str, str]:
    """What a workflow of ``repo`` sees: its owner's entries that reach it (none in a private
    repository of a Free organisation), overridden by the repository's own."""
    with store.lock:
        own = dict(store.data.get(kind, {}).get(scope_of(repo["full_name"]), {}))
        owner_scope = scope_of(repo["owner"])
        owner_paid = paid(store.account(repo["owner"]))
        inherited = {
            key: value
            for key, value, entry in listing(store, kind, owner_scope)
            if reaches(entry, repo, on_paid_plan=owner_paid)
            and find(store, kind, scope_of(repo["full_name"]), key) is None
        }
        return {**inherited, **own}


def forget(store: Store, scope: str) -> None:
    """Drop a deleted repository's variables and secrets: one made again under its name starts
    with none, as on GitHub."""
    with store.lock:
        for kind in KINDS:
            store.data.get(kind, {}).pop(scope, None)
            store.data.get("actions_meta", {}).get(kind, {}).pop(scope, None)
        store.mark_dirty()
