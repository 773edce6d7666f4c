"""What a branch's required status checks say about a commit: read from the repository's
statuses and protection alone (no other module), so pull requests, merges and the statuses
API all ask the same question."""

from __future__ import annotations

from typing import Any


def latest_by_context(repo: dict[str, Any], sha: str) -> dict[str, dict[str, Any]]:
    """Each context's latest status on ``sha`` (contexts compare case-insensitively)."""
    latest: dict[str, dict[str, Any]] = {}
    for status in repo.get("statuses", {}).get(sha, []):
        latest[status["context"].lower()] = status
    return latest


def unmet_contexts(repo: dict[str, Any], base: str, head_sha: str) -> list[str]:
    """The contexts ``base``'s protection requires whose latest status on ``head_sha`` is not
    success (none when the branch requires none)."""
    contexts = (repo.get("protection", {}).get(base) or {}).get("contexts") or []
    latest = latest_by_context(repo, head_sha)
    return [c for c in contexts if latest.get(c.lower(), {}).get("state") != "success"]
