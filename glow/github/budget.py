"""The write budget: GitHub's limits on writes, kept ahead of time, one budget per identity.

GitHub's secondary limits ("Rate limits for the REST API" and "Best practices for using the
REST API" on docs.github.com): in general no more than 80 content-creating requests a minute
and 500 an hour, and at least one second between mutative requests (POST, PATCH, PUT, DELETE),
counted for each identity that makes them (an App installation, a job's GITHUB_TOKEN, a
person's token). ``backoff`` reacts to a 403 over them; GitHub may block an integration that
keeps meeting them, so this module keeps every request under them before it is sent.

``budget_for(gh)`` gives every client of one identity in a process the same ``WriteBudget``: a
ledger of the content-creating requests of the last hour and the time of the last write. The
limits come from GLOW_CONTENT_PER_MINUTE, GLOW_CONTENT_PER_HOUR and GLOW_WRITE_INTERVAL (default
GitHub's 80, 500 and 1 s; the local GitHub enforces the same content limits and needs no
spacing). The decisions (``earliest``, ``slots``) are pure; the class only keeps the ledger and
sleeps.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from glow.errors import ConfigError, RateLimited

MINUTE_S, HOUR_S = 60.0, 3600.0
# A request reaches GitHub a moment after it leaves here: a window is counted a second longer.
WINDOW_MARGIN_S = 1.0
MAX_WAIT_S = 15 * 60.0  # a longer wait inside one request fails instead (as backoff's does)
INTERVAL_VARIABLE = "GLOW_WRITE_INTERVAL"
PER_MINUTE_VARIABLE = "GLOW_CONTENT_PER_MINUTE"
PER_HOUR_VARIABLE = "GLOW_CONTENT_PER_HOUR"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_PER_WINDOW = 1_000_000

# GitHub's content-creating requests: what makes something new that people see (a repository,
# an issue, a comment, a review, a label, a reaction, an invitation, a commit through the
# contents API). The local GitHub marks the same routes ``creates_content`` (a test holds the
# two lists equal); reads, edits, deletions and git data writes are mutative only.
CONTENT_CREATING = (
    "POST /orgs/{org}/repos",
    "POST /user/repos",
    "POST /repos/{owner}/{repo}/generate",
    "POST /repos/{owner}/{repo}/issues",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions",
    "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    "POST /repos/{owner}/{repo}/labels",
    "POST /repos/{owner}/{repo}/pulls",
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/comments",
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    "PUT /repos/{owner}/{repo}/collaborators/{username}",
    "PUT /repos/{owner}/{repo}/contents/{path}",
)


def _pattern(route: str) -> tuple[str, re.Pattern[str]]:
    method, _, template = route.partition(" ")
    parts = [
        (".+" if part == "{path}" else "[^/]+") if part.startswith("{") else re.escape(part)
        for part in template.strip("/").split("/")
    ]
    return method, re.compile("/".join(parts))


_CREATING = tuple(_pattern(route) for route in CONTENT_CREATING)


def creates_content(method: str, path: str) -> bool:
    """True when ``method path`` is one of GitHub's content-creating requests. ``path`` is
    relative to the API root, as ``Repo.url`` makes it (a full URL, or one with GitHub
    Enterprise Server's ``/api/v3`` prefix, is read the same)."""
    method = method.upper()
    if method not in ("POST", "PUT"):
        return False
    tail = urlsplit(path).path.strip("/")
    tail = tail.removeprefix("api/v3/")
    return any(m == method and pattern.fullmatch(tail) for m, pattern in _CREATING)


@dataclass(frozen=True)
class WriteLimits:
    """One identity's limits: seconds between mutative requests and content-creating requests a
    minute and an hour (None: no such limit)."""

    spacing_s: float = 1.0
    per_minute: int | None = 80
    per_hour: int | None = 500

    @property
    def counts_content(self) -> bool:
        return self.per_minute is not None or self.per_hour is not None

    def describe(self) -> str:
        """``at most 80 content-creating requests a minute and 500 an hour, 1 s between
        writes``, or ``no write limits``."""
        windows = ((self.per_minute, "a minute"), (self.per_hour, "an hour"))
        counts = [f"{n} {window}" for n, window in windows if n]
        parts = []
        if counts:
            counts[0] = counts[0].replace(" ", " content-creating requests ", 1)
            parts.append("at most " + " and ".join(counts))
        if self.spacing_s:
            parts.append(f"{self.spacing_s:g} s between writes")
        return ", ".join(parts) or "no write limits"


GITHUB_LIMITS = WriteLimits()


def _floor(sent: Sequence[float], limit: int | None, window: float) -> float:
    """The earliest time one more request keeps ``limit`` in any ``window`` of ``sent``."""
    if limit is None or len(sent) < limit:
        return -math.inf
    return sent[-limit] + window + WINDOW_MARGIN_S


def earliest(
    sent: Sequence[float],
    last_write: float | None,
    *,
    now: float,
    limits: WriteLimits,
    creates: bool,
) -> float:
    """When the next mutative request may go: ``sent`` holds the times (ascending) of the
    content-creating requests already sent or promised, ``last_write`` the last write's."""
    at = now
    if last_write is not None:
        at = max(at, last_write + limits.spacing_s)
    if creates and limits.counts_content:
        at = max(
            at,
            _floor(sent, limits.per_minute, MINUTE_S),
            _floor(sent, limits.per_hour, HOUR_S),
            sent[-1] if sent else -math.inf,  # in the order they were promised
        )
    return at


def slots(sent: Sequence[float], *, now: float, limits: WriteLimits, count: int) -> list[float]:
    """When each of ``count`` more content-creating requests may go at the earliest (the
    spacing of other writes left out): the plan a batch is sized by."""
    ledger = list(sent)
    out: list[float] = []
    for _ in range(max(count, 0)):
        at = earliest(ledger, None, now=now, limits=limits, creates=True)
        ledger.append(at)
        out.append(at)
    return out


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_PER_WINDOW:
        raise ConfigError(
            f"{name} must be a whole number from 1 to {MAX_PER_WINDOW} (GitHub allows "
            f"{default}), got {raw!r}."
        )
    return value


def is_local_api(api_url: str) -> bool:
    """True when the API is the local GitHub on this machine (no write spacing needed there)."""
    return (urlsplit(api_url).hostname or "") in LOCAL_HOSTS


def interval_from_env(env: Mapping[str, str], api_url: str) -> float:
    """GLOW_WRITE_INTERVAL; default 1 s, or 0 against the local GitHub."""
    raw = env.get(INTERVAL_VARIABLE, "").strip()
    if not raw:
        return 0.0 if is_local_api(api_url) else 1.0
    try:
        interval = float(raw)
    except ValueError:
        interval = -1.0
    if not math.isfinite(interval) or interval < 0:
        raise ConfigError(
            f"{INTERVAL_VARIABLE} must be a number of seconds >= 0 (GitHub asks for 1), "
            f"got {raw!r}."
        )
    return interval


def limits_from_env(
    environ: Mapping[str, str] | None = None, *, api_url: str | None = None
) -> WriteLimits:
    """The limits from GLOW_WRITE_INTERVAL, GLOW_CONTENT_PER_MINUTE and GLOW_CONTENT_PER_HOUR
    (defaults: GitHub's); a bad value is a ConfigError naming the setting."""
    env = os.environ if environ is None else environ
    url = api_url or env.get("GITHUB_API_URL", "").strip() or "https://api.github.com"
    return WriteLimits(
        spacing_s=interval_from_env(env, url),
        per_minute=_count(env, PER_MINUTE_VARIABLE, 80),
        per_hour=_count(env, PER_HOUR_VARIABLE, 500),
    )


class WriteBudget:
    """One identity's writes: each waits until it keeps ``limits``; thread-safe (a request
    promises its time under the lock, then sleeps outside it)."""

    def __init__(
        self,
        limits: WriteLimits = GITHUB_LIMITS,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] = time.sleep,
        name: str = "these credentials",
        max_wait_s: float = MAX_WAIT_S,
    ) -> None:
        self.limits = limits
        self.name = name
        self.max_wait_s = max_wait_s
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()
        self._last_write: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._clock()

    def wait(self, *, creates: bool = False) -> None:
        """Block until one mutative request (``creates``: a content-creating one) may go, and
        count it. A wait over ``max_wait_s`` raises RateLimited instead: a job does not sleep
        through an hour inside one request."""
        with self._lock:
            now = self._clock()
            sent = list(self._sent) if creates else []
            at = earliest(sent, self._last_write, now=now, limits=self.limits, creates=creates)
            if at - now > self.max_wait_s:
                raise RateLimited(self._too_long(at))
            self._last_write = at
            if creates and self.limits.counts_content:
                self._sent.append(at)
                self._forget(now)
        if at > now:
            self._sleep(at - now)

    def plan(self, count: int) -> list[float]:
        """When each of ``count`` more content-creating requests may go at the earliest."""
        with self._lock:
            return slots(list(self._sent), now=self._clock(), limits=self.limits, count=count)

    def ready_at(self, count: int) -> float:
        """When ``count`` more content-creating requests can all have gone (now when 0)."""
        planned = self.plan(count)
        return planned[-1] if planned else self.now()

    def used(self, window_s: float = HOUR_S) -> int:
        """Content-creating requests sent or promised in the last ``window_s`` seconds."""
        with self._lock:
            since = self._clock() - window_s
            return sum(1 for at in self._sent if at > since)

    def sleep_until(self, at: float) -> None:
        left = at - self._clock()
        if left > 0:
            self._sleep(left)

    def seed(self, times: Iterable[float]) -> None:
        """Count content-creating requests an earlier process made as this identity."""
        if not self.limits.counts_content:
            return
        with self._lock:
            self._sent = deque(sorted([*self._sent, *times]))
            self._forget(self._clock())

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - HOUR_S - WINDOW_MARGIN_S:
            self._sent.popleft()

    def _too_long(self, at: float) -> str:
        when = datetime.fromtimestamp(at, UTC).strftime("%H:%M UTC")
        return (
            f"GitHub allows {self.name} {self.limits.describe()}: the next write may go at "
            f"{when}; stopped here: re-run after that (a re-run is safe; "
            f"{PER_HOUR_VARIABLE} sets the hourly limit)."
        )


class WritePacer(WriteBudget):
    """A budget that only spaces writes (no content limits): for tests and tools that bring no
    limits of their own. ``WritePacer(0)`` does not wait at all."""

    def __init__(
        self,
        min_interval_s: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if min_interval_s < 0:
            raise ValueError("min_interval_s must be >= 0")
        super().__init__(WriteLimits(min_interval_s, None, None), clock=clock, sleep=sleep)

    @property
    def min_interval_s(self) -> float:
        return self.limits.spacing_s

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WritePacer:
        """Interval from GLOW_WRITE_INTERVAL; default 1 s, or 0 against the local GitHub."""
        env = os.environ if environ is None else environ
        api_url = env.get("GITHUB_API_URL", "").strip() or "https://api.github.com"
        return cls(interval_from_env(env, api_url))


def identity_of(gh: Any) -> tuple[str, str]:
    """(key, name) of the identity a githubkit client writes as: its App installation, its App,
    or its token (a digest: a token is never kept in a key or said), on its API host."""
    auth = getattr(gh, "auth", None)
    host = str(getattr(getattr(gh, "config", None), "base_url", "") or "")
    installation = getattr(auth, "installation_id", None)
    if installation is not None:
        return f"{host} installation {installation}", f"the App's installation {installation}"
    app = getattr(auth, "app_id", None)
    if app is not None:
        return f"{host} app {app}", f"the App {app}"
    token = getattr(auth, "token", None)
    if isinstance(token, str):
        digest = hashlib.sha256(token.encode()).hexdigest()[:12]
        return f"{host} token {digest}", "this token"
    return f"{host} client {id(gh)}", "these credentials"


_budgets: dict[str, WriteBudget] = {}
_budgets_lock = threading.Lock()


def budget_for(gh: Any, environ: Mapping[str, str] | None = None) -> WriteBudget:
    """The process-wide budget of the identity ``gh`` writes as (made on first use, with the
    limits of the environment; no spacing against the local GitHub)."""
    key, name = identity_of(gh)
    with _budgets_lock:
        found = _budgets.get(key)
        if found is None:
            host = str(getattr(getattr(gh, "config", None), "base_url", "") or "") or None
            found = _budgets[key] = WriteBudget(limits_from_env(environ, api_url=host), name=name)
        return found
