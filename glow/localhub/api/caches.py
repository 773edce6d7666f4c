"""GitHub Actions caches of a repository (what ``actions/cache`` saved): list and delete.

The entries live in the hub's data directory (``caches/``), written by the runner's
``actions/cache`` steps and read here through a ``CacheStore`` on the same directory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glow.localhub.api.common import paginate, repo_for
from glow.localhub.routing import Ctx, Response, invalid, not_found
from glow.localhub.runner.cachestore import CacheEntry, CacheStore, repo_key

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

SORTS = ("created_at", "last_accessed_at", "size_in_bytes")


def cache_store(hub: Hub) -> CacheStore:
    return CacheStore(hub.data_dir / "caches", hub.store.now)


def caches_of(hub: Hub, repo: dict[str, Any]) -> list[CacheEntry]:
    return cache_store(hub).entries(repo_key(repo["full_name"], repo["id"]))


def cache_list(entries: list[CacheEntry]) -> dict[str, Any]:
    return {"total_count": len(entries), "actions_caches": [e.api_json() for e in entries]}


def register(hub: Hub) -> None:
    r = hub.router

    @r.route("GET", "/repos/{owner}/{repo}/actions/caches")
    def list_caches(ctx: Ctx) -> Response:
        """``ref`` is a full ref; ``key`` "an explicit key or prefix"; sorted by
        ``last_accessed_at``, newest first, unless ``sort`` and ``direction`` say otherwise."""
        repo = repo_for(hub, ctx, "actions", "read", "read")
        sort = ctx.q("sort") or "last_accessed_at"
        if sort not in SORTS:
            raise invalid("Query", "sort", "invalid", f"sort must be one of {', '.join(SORTS)}")
        ref, key = ctx.q("ref"), ctx.q("key")
        entries = [
            e
            for e in caches_of(hub, repo)
            if (not ref or e.ref == ref) and (not key or e.key.startswith(key))
        ]
        entries.sort(key=lambda e: (getattr(e, sort), e.id), reverse=ctx.q("direction") != "asc")
        items = [e.api_json() for e in entries]
        return paginate(hub, ctx, items, wrap="actions_caches")

    @r.route("DELETE", "/repos/{owner}/{repo}/actions/caches")
    def delete_by_key(ctx: Ctx) -> Response:
        """Every entry with exactly this key (in ``ref`` only, when given); 404 when none."""
        repo = repo_for(hub, ctx, "actions", "write", "write")
        key = ctx.q("key")
        if not key:
            raise invalid("Query", "key", "missing_field", "key is required")
        owner = repo_key(repo["full_name"], repo["id"])
        gone = cache_store(hub).delete(owner, key=key, ref=ctx.q("ref") or None)
        if not gone:
            raise not_found()
        return Response(200, cache_list(gone))

    @r.route("DELETE", "/repos/{owner}/{repo}/actions/caches/{cache_id}")
    def delete_by_id(ctx: Ctx) -> Response:
        repo = repo_for(hub, ctx, "actions", "write", "write")
        cache_id = ctx.params["cache_id"]
        owner = repo_key(repo["full_name"], repo["id"])
        if not cache_id.isdigit() or not cache_store(hub).delete(owner, cache_id=int(cache_id)):
            raise not_found()
        return Response(204)
