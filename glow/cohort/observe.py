"""Read what the dashboard and the watchdog judge: each learner's room issues and registration.

The thin adapter under ``glow.cohort.progress`` (which decides). One ``Repo`` per repository,
all on one client, so a run can report how many requests it made. A room is found from the
roster (``learning_room_repo``), never by searching names (glow-facts.md, faults). Reads only:
a 404 means absent or hidden from this token, and is reported as "not readable", never raised.

Per learner: one listing of the room's issues (state all) and one of the registration issue's
comments; per registration repository, one listing of its issues for their labels. The dashboard
also asks for the room's comments updated since a time (one listing of every issue and pull
request of the room, for its help requests), skipped when the room's issues show no comment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from glow.errors import ConfigError, GitHubError

if TYPE_CHECKING:
    from glow.cohort.model import Learner
    from glow.github import Repo, RequestCounts, WriteBudget


def minutes_setting(
    name: str,
    default: float,
    environ: Mapping[str, str] | None = None,
    *,
    unit: Literal["minutes", "hours"] = "minutes",
) -> timedelta:
    """A threshold from the environment in ``unit`` (empty or unset: ``default``)."""
    env = os.environ if environ is None else environ
    text = env.get(name, "").strip()
    try:
        amount = float(text) if text else default
    except ValueError:
        raise ConfigError(f"{name} must be a number of {unit}, got {text!r}") from None
    if amount <= 0:
        raise ConfigError(f"{name} must be more than 0 {unit}, got {text!r}")
    return timedelta(**{unit: amount})


def web_url(api_url: str, environ: Mapping[str, str] | None = None) -> str:
    """Where people open repositories: GITHUB_SERVER_URL, else derived from the API's URL."""
    env = os.environ if environ is None else environ
    if server := env.get("GITHUB_SERVER_URL", "").strip():
        return server.rstrip("/")
    api = api_url.rstrip("/")
    if api == "https://api.github.com":
        return "https://github.com"
    return api.removesuffix("/api/v3")


class Repos:
    """One ``Repo`` adapter per repository, sharing a client; request counts summed."""

    def __init__(self, gh: Any, *, pacer: WriteBudget | None = None) -> None:
        self.gh = gh
        self.pacer = pacer
        self._repos: dict[str, Repo] = {}

    def get(self, full_name: str) -> Repo:
        from glow.github import Repo, split_full_name

        key = full_name.lower()
        if key not in self._repos:
            self._repos[key] = Repo(self.gh, *split_full_name(full_name), pacer=self.pacer)
        return self._repos[key]

    def add(self, repo: Repo) -> Repo:
        """Use this adapter for its repository (the admin repo, opened elsewhere)."""
        self._repos.setdefault(repo.full_name.lower(), repo)
        return self._repos[repo.full_name.lower()]

    def totals(self) -> RequestCounts:
        from glow.github import RequestCounts

        counts = RequestCounts()
        for repo in self._repos.values():
            counts.requests += repo.counts.requests
            counts.writes += repo.counts.writes
        return counts


def labels_by_issue(repo: Repo) -> dict[int, tuple[str, ...]]:
    """Every issue's labels in ``repo`` (state all, 100 to a page), by number; none when it
    cannot be read."""
    issues = list_or_none(repo, repo.url("issues"), {"state": "all"}) or []
    return {
        int(i["number"]): tuple(str(lab.get("name")) for lab in i.get("labels") or [])
        for i in issues
    }


def list_or_none(repo: Repo, url: str, params: Mapping[str, Any] | None = None) -> list[Any] | None:
    """Every item of a listing, or None when GitHub answers 404 (absent or hidden)."""
    try:
        return list(repo.paginate(url, params))
    except GitHubError as exc:
        if exc.status == 404:
            return None
        raise


@dataclass(frozen=True)
class Observation:
    """What GitHub shows about one learner, unjudged."""

    learner: Learner
    room_issues: list[dict[str, Any]] | None  # None: no room in the roster, or not readable
    comments: list[dict[str, Any]]
    labels: tuple[str, ...] = ()
    room_comments: list[dict[str, Any]] | None = None  # read only when asked for (dashboard)

    @property
    def room(self) -> str | None:
        return self.learner.learning_room_repo

    @property
    def room_readable(self) -> bool:
        return self.room is not None and self.room_issues is not None


def comments_by_issue(repo: Repo, since: datetime | None = None) -> dict[int, list[dict[str, Any]]]:
    """Every comment in ``repo`` (updated ``since``, when given), by the issue it is on: one
    repository-wide listing (100 a page, by ascending id, as one issue's listing is) instead of
    one listing per issue."""
    from glow.cohort.progress import github_time
    from glow.room.help.decide import issue_number

    query = {"since": github_time(since)} if since else None
    grouped: dict[int, list[dict[str, Any]]] = {}
    for comment in list_or_none(repo, repo.url("issues", "comments"), query) or []:
        if (number := issue_number(comment)) is not None:
            grouped.setdefault(number, []).append(comment)
    return grouped


@dataclass
class Observer:
    """Reads learners, caching what several learners share (a registration repository's labels
    and comments, each read once for all its learners)."""

    repos: Repos
    _labels: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)
    _comments: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)

    def registration_labels(self, learner: Learner) -> tuple[str, ...]:
        where = learner.registration_repo.lower()
        if where not in self._labels:
            self._labels[where] = labels_by_issue(self.repos.get(learner.registration_repo))
        return self._labels[where].get(learner.registration_issue, ())

    def room_issues(self, learner: Learner) -> list[dict[str, Any]] | None:
        if not learner.learning_room_repo:
            return None
        repo = self.repos.get(learner.learning_room_repo)
        return list_or_none(repo, repo.url("issues"), {"state": "all"})

    def comments(self, learner: Learner) -> list[dict[str, Any]]:
        """The comments on the learner's registration issue."""
        where = learner.registration_repo.lower()
        if where not in self._comments:
            self._comments[where] = comments_by_issue(self.repos.get(learner.registration_repo))
        return list(self._comments[where].get(learner.registration_issue, []))

    def observe(self, learner: Learner) -> Observation:
        """What GitHub shows of the learner (the dashboard reads rooms with its own
        ``dashboard.read.Reader``, which keeps facts between runs)."""
        return Observation(
            learner=learner,
            room_issues=self.room_issues(learner),
            comments=self.comments(learner),
            labels=self.registration_labels(learner),
        )


def any_comments(issues: list[dict[str, Any]]) -> bool:
    """Whether any issue or pull request of the listing may have a comment (``comments`` is a
    count in GitHub's issue listing; an item without it is taken to have some)."""
    return any(not isinstance(i.get("comments"), int) or i["comments"] > 0 for i in issues)
