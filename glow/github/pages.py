"""Pagination that survives rate limits: every page goes through the backoff policy.

githubkit's paginator requests the next page itself, outside any retry of ours, so a secondary
limit on page 3 of 5 would abort the listing. Both helpers here retry the page that failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from glow.github.backoff import call_with_backoff

if TYPE_CHECKING:
    from githubkit import GitHub, Response

T = TypeVar("T")

PER_PAGE = 100  # GitHub's maximum: fewest requests against the hourly budget

GetPage = Callable[[str, "dict[str, Any] | None"], "Response[Any]"]


def paginate_path(
    get: GetPage, path: str, params: dict[str, Any] | None = None, *, key: str | None = None
) -> Iterator[Any]:
    """Yield every item of a list endpoint, following GitHub's ``Link: rel="next"`` headers.

    ``get(url, params)`` makes one request (with backoff and counting, as the caller wants);
    the next-page URL is absolute and already carries the query, so it gets no params.
    ``key``: the list is wrapped in an object (``{"total_count": N, key: [...]}``, as the
    Actions variables, secrets and an organisation's installations are).
    """
    url: str | None = path
    query: dict[str, Any] | None = {"per_page": PER_PAGE, **(params or {})}
    while url is not None:
        response = get(url, query)
        items = response.json()
        if key is not None and isinstance(items, dict):
            items = items.get(key) or []
        if not isinstance(items, list):
            raise TypeError(f"GET {path} did not answer with a list")
        yield from items
        url = response.raw_response.links.get("next", {}).get("url")
        query = None


def paginate(
    gh: GitHub[Any], operation: Callable[..., Any], *args: Any, **kwargs: Any
) -> Iterator[Any]:
    """githubkit's ``gh.rest.paginate`` with each page fetched through ``call_with_backoff``.

    Example: ``paginate(gh, gh.rest.issues.list_comments, "octo", "room", 3)``. A page that
    fails leaves the paginator where it was, so calling ``next`` again repeats that page.
    """
    pages = iter(gh.rest.paginate(operation, None, *args, **kwargs))
    while True:
        try:
            item = call_with_backoff(lambda: next(pages))
        except StopIteration:
            return
        yield item
