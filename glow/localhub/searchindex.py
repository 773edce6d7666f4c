"""GitHub's search index, which lags behind the issues it indexes.

A new or changed issue reaches GitHub's search a little after the change (usually within a
minute): until then, search answers from the version it indexed before, or leaves a new issue
out. The local GitHub keeps the same gap, ``search_lag_seconds`` of its clock (config): the index
holds, for each issue, its newest version at least that old. It catches up when a search runs
and before every write to a repository (so the version a write replaces is kept while the new
one waits), rendering each version once. It lives in memory: after a restart, issues changed in
the last ``search_lag_seconds`` are missing from search until their lag has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Render = Callable[[dict[str, Any]], dict[str, Any]]


class SearchIndex:
    """The issues as search sees them, by issue id: ``(updated_at, GitHub's JSON)``.

    ``cutoff`` is the hub's time ``search_lag_seconds`` ago, in the one ISO 8601 form the hub
    writes every time in (``state.iso``), so times compare as text."""

    def __init__(self) -> None:
        self._docs: dict[int, tuple[str, dict[str, Any]]] = {}

    def document(self, iss: dict[str, Any], cutoff: str, render: Render) -> dict[str, Any] | None:
        """The issue as search finds it now: as it is when its last change is old enough (read
        afresh, so a renamed label shows), else the version indexed before, or None."""
        if iss["updated_at"] <= cutoff:
            doc = render(iss)
            self._docs[iss["id"]] = (iss["updated_at"], doc)
            return doc
        kept = self._docs.get(iss["id"])
        return kept[1] if kept is not None else None

    def catch_up(self, issues: Iterable[dict[str, Any]], cutoff: str, render: Render) -> None:
        """Index every issue whose last change is old enough and not indexed yet."""
        for iss in issues:
            if iss["updated_at"] > cutoff:
                continue
            kept = self._docs.get(iss["id"])
            if kept is None or kept[0] != iss["updated_at"]:
                self._docs[iss["id"]] = (iss["updated_at"], render(iss))
