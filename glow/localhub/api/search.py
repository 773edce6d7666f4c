"""Issue search, ``GET /search/issues``: issues and pull requests across every repository the
caller can see, as GitHub's ``search/issues-and-pull-requests`` answers.

What GitHub does and this reproduces:

- ``q`` must name ``is:issue`` or ``is:pr`` (``is:pull-request``): without one GitHub answers
  422 "Query must include 'is:issue' or 'is:pull-request'" (the REST description's note for
  user-to-server tokens; since 2025 every caller meets it). ``type:`` filters but does not count
  here: whether GitHub accepts it in place of ``is:`` is not documented, and stricter is safer.
- A missing ``q`` is 422 (``code: missing``); a repository, user or organisation in ``q`` that
  does not exist or that the caller cannot see is 422 "The listed users and repositories cannot
  be searched...". Anything ``searchquery`` cannot parse is 422 naming the part (GitHub reads an
  unknown qualifier as text; refusing it catches a typo such as ``lable:``).
- Only what the caller can read: a job token's repository, an installation's repositories, a
  person's readable ones, and public ones for everyone (with the ``issues`` or
  ``pull_requests`` permission a fine-grained token needs).
- ``total_count``, ``incomplete_results`` (always false), ``search_type`` (``lexical``) and
  ``items`` (the issue JSON of the issues endpoints, with ``score``: 1.0, no ranking here);
  ``sort`` ``created``, ``updated`` or ``comments`` with ``order``; without ``sort`` GitHub
  ranks by best match, for which the most recently updated come first here (and ``order`` is
  ignored, as GitHub documents). Pages of ``per_page`` (at most 100) with Link headers; only the
  first 1,000 results can be reached, as on GitHub (a later page is 422).
- The index lags (``searchindex``, ``search_lag_seconds``), and search has its own rate limit,
  30 a minute per identity, 10 without a token (``limits``, the ``search`` resource).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from glow.localhub.api.common import paginate
from glow.localhub.api.issuedata import issue_json
from glow.localhub.api.searchquery import SORTS, Query, QueryError, in_scope, matches, ordered
from glow.localhub.api.searchquery import parse as parse_query
from glow.localhub.auth import effective_role, scope_level
from glow.localhub.routing import Ctx, HubError, Response, invalid
from glow.localhub.state import iso

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

KIND_REQUIRED = "Query must include 'is:issue' or 'is:pull-request'"
UNSEEN = (
    "The listed users and repositories cannot be searched either because the resources do not "
    "exist or you do not have permission to view them."
)
MAX_RESULTS = 1000
BEYOND = f"Only the first {MAX_RESULTS} search results are available"


def register(hub: Hub) -> None:
    @hub.router.route("GET", "/search/issues", resource="search")
    def search_issues(ctx: Ctx) -> Response:
        query = read_query(ctx)
        sort = ctx.q("sort")
        if sort is not None and sort not in SORTS:
            raise invalid("Search", "sort", "invalid", "sort must be created, updated or comments")
        order = ctx.q("order") or "desc"
        if order not in ("asc", "desc"):
            raise invalid("Search", "order", "invalid", "order must be asc or desc")
        if ctx.q("search_type"):
            raise invalid("Search", "search_type", "invalid", "the local GitHub searches lexically")
        repos = searchable(hub, ctx, query)
        cutoff = lag_cutoff(hub)
        found = []
        for repo in repos:
            render = partial(issue_json, hub, repo)
            for iss in list(repo["issues"].values()):
                if not readable(hub, ctx, repo, iss):
                    continue
                doc = hub.search_index.document(iss, cutoff, render)
                if doc is not None and matches(query, doc, private=repo["private"]):
                    found.append({**doc, "score": 1.0})
        return page(hub, ctx, ordered(found, sort, order))


def read_query(ctx: Ctx) -> Query:
    text = ctx.q("q")
    if text is None or not text.strip():
        raise invalid("Search", "q", "missing")
    me = None if ctx.principal.kind == "anonymous" else ctx.principal.login
    try:
        query = parse_query(text, me=me)
    except QueryError as refused:
        raise invalid("Search", "q", "invalid", str(refused)) from None
    if not query.names_kind:
        raise HubError(422, KIND_REQUIRED)
    return query


def searchable(hub: Hub, ctx: Ctx, query: Query) -> list[dict[str, Any]]:
    """The repositories the query covers that the caller can see; 422 when it names one, or an
    account, that does not exist or that the caller cannot see."""
    store = hub.store
    visible = [
        repo
        for repo in store.data["repos"].values()
        if effective_role(store, ctx.principal, repo) != "none"
    ]
    seen = {repo["full_name"].lower() for repo in visible}
    unseen = [name for name in query.repos if name not in seen]
    unseen += [login for login in query.owners if store.account(login) is None]
    if unseen:
        raise invalid("Search", "q", "invalid", UNSEEN)
    return [repo for repo in visible if in_scope(query, repo["full_name"])]


def readable(hub: Hub, ctx: Ctx, repo: dict[str, Any], iss: dict[str, Any]) -> bool:
    scope = "pull_requests" if iss.get("pull") else "issues"
    return scope_level(ctx.principal, scope, hub.store, repo) >= 1


def lag_cutoff(hub: Hub) -> str:
    """The hub's time ``search_lag_seconds`` ago: changes since then are not searchable yet."""
    lag = float(hub.store.config.get("search_lag_seconds", 0))
    return iso(hub.store.now() - timedelta(seconds=lag))


def catch_up(hub: Hub, repo: dict[str, Any]) -> None:
    """Index a repository's issues that are old enough, before a write may change them."""
    if float(hub.store.config.get("search_lag_seconds", 0)) <= 0:
        return
    issues = list(repo["issues"].values())
    hub.search_index.catch_up(issues, lag_cutoff(hub), partial(issue_json, hub, repo))


def page(hub: Hub, ctx: Ctx, items: list[dict[str, Any]]) -> Response:
    per_page = min(max(ctx.q_int("per_page", 30), 1), 100)
    if (ctx.q_int("page", 1) - 1) * per_page >= MAX_RESULTS:
        raise HubError(422, BEYOND)
    reachable = items[:MAX_RESULTS]
    resp = paginate(
        hub,
        ctx,
        reachable,
        wrap="items",
        extra={"incomplete_results": False, "search_type": "lexical"},
    )
    body = resp.body
    resp.body = {
        "total_count": len(items),
        "incomplete_results": False,
        "search_type": "lexical",
        "items": body["items"],
    }
    return resp
