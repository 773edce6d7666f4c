"""Rate limits and fault injection: the parts of GitHub that make bots back off.

Primary limit: ``x-ratelimit-*`` headers on every answer (a 304 costs nothing). Secondary limit:
a budget of content-creating requests per minute and per hour; over it, 403 with
``retry-after``, as GitHub answers. Faults are queued rules from ``POST /_localhub/faults``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glow.localhub.routing import HubError, invalid

if TYPE_CHECKING:
    from glow.localhub.auth import Principal

# The window each rate-limit resource is counted over: the primary limit an hour, search a minute.
WINDOW_SECONDS = {"core": 3600, "search": 60}

SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)


class InjectedFault(HubError):
    """An answer from ``POST /_localhub/faults``: the request log marks it with its kind."""

    def __init__(self, kind: str, status: int, message: str, headers: dict[str, str]) -> None:
        super().__init__(status, message, headers=headers)
        self.kind = kind


@dataclass
class Fault:
    kind: str  # secondary | status | slow
    remaining: int
    status: int = 502
    retry_after: int | None = 1
    delay_seconds: float = 0.0
    method: str | None = None
    path_prefix: str | None = None
    # A test instrument to pick one of many alike requests (side-by-side runs all write the
    # same file): only a request whose body holds this text matches.
    body_contains: str | None = None
    # slow: "before" delays the request; "after" handles it fully, then holds the answer, so a
    # client that gives up first has lost the answer to a write that landed (as on a network
    # that drops a response).
    when: str = "before"

    def matches(self, method: str, path: str, body: bytes = b"") -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.body_contains and self.body_contains.encode() not in body:
            return False
        return not (self.path_prefix and not path.startswith(self.path_prefix))


MAX_DELAY_SECONDS = 600.0


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_fault(body: dict[str, Any]) -> Fault:
    """A fault from its JSON description; any bad field is a 422 naming that field."""
    kind = body.get("kind")
    if kind not in ("secondary", "status", "slow"):
        raise invalid("Fault", "kind", "invalid", "kind must be one of secondary, status, slow")
    count = body.get("count", 1)
    if not _int(count) or count < 1:
        raise invalid("Fault", "count", "invalid", "count must be an integer, 1 or more")
    status = body.get("status", 502)
    if not _int(status) or not 400 <= status <= 599:
        raise invalid("Fault", "status", "invalid", "status must be an integer from 400 to 599")
    retry_after = body.get("retry_after", 1)
    if retry_after is not None and (not _int(retry_after) or retry_after < 0):
        raise invalid(
            "Fault", "retry_after", "invalid", "retry_after must be an integer, zero or more"
        )
    delay = body.get("delay_seconds", 0.0)
    if not _number(delay) or not 0 <= delay <= MAX_DELAY_SECONDS:
        raise invalid(
            "Fault",
            "delay_seconds",
            "invalid",
            f"delay_seconds must be a number from 0 to {MAX_DELAY_SECONDS:g}",
        )
    when = body.get("when", "before")
    if when not in ("before", "after"):
        raise invalid("Fault", "when", "invalid", "when must be before or after")
    match = body.get("match") or {}
    if not isinstance(match, dict):
        raise invalid("Fault", "match", "invalid", "match must be an object")
    method, prefix = match.get("method"), match.get("path_prefix")
    if method is not None and not isinstance(method, str):
        raise invalid("Fault", "match.method", "invalid", "match.method must be a string")
    if prefix is not None and not isinstance(prefix, str):
        raise invalid("Fault", "match.path_prefix", "invalid", "match.path_prefix must be a string")
    contains = match.get("body_contains")
    if contains is not None and not (isinstance(contains, str) and contains):
        raise invalid(
            "Fault", "match.body_contains", "invalid", "match.body_contains must be a string"
        )
    return Fault(
        kind=kind,
        remaining=count,
        status=status,
        retry_after=retry_after,
        delay_seconds=float(delay),
        method=method,
        path_prefix=prefix,
        body_contains=contains,
        when=when,
    )


@dataclass
class Limits:
    config: dict[str, Any]
    faults: list[Fault] = field(default_factory=list)
    # Per account, as GitHub counts secondary limits (a burst of learners each opening one issue
    # is not one client's burst).
    _created: dict[str, deque[float]] = field(default_factory=dict)
    # "resource|key" -> (window start, used)
    _primary: dict[str, tuple[int, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bucket(self, principal: Principal, resource: str = "core") -> tuple[str, int]:
        """The identity a principal's requests are counted for (the primary limit and the
        content-creation budget), and its limit, as GitHub counts them: anonymous callers share
        60 an hour; a job's GITHUB_TOKEN counts against its repository's; each App installation
        has its own (two installations of one App are two identities); a person's tokens share
        that person's. The ``search`` resource counts the same identities per minute: 30 a
        minute (``search_limit_per_minute``), 10 without a token."""
        if principal.kind == "anonymous":
            return "anonymous", 10 if resource == "search" else 60
        if resource == "search":
            limit = int(self.config["search_limit_per_minute"])
        elif principal.kind == "job":
            limit = int(self.config["job_token_limit_per_hour"])
        else:
            limit = int(self.config["primary_limit_per_hour"])
        if principal.kind == "job":
            repo_id = principal.token and principal.token.get("repo_id")
            return f"repo:{repo_id}", limit
        if principal.kind == "installation":
            installation = principal.token and principal.token.get("installation_id")
            return f"installation:{installation}", limit
        return f"{principal.kind}:{principal.login}", limit

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def take_fault(self, method: str, path: str, body: bytes = b"") -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.matches(method, path, body):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def apply_fault(self, method: str, path: str, body: bytes = b"") -> Fault | None:
        """Apply the next matching fault (sleep, or raise its answer); returns it.

        A slow fault ``when: after`` is only taken here: the caller sleeps once it has handled
        the request."""
        fault = self.take_fault(method, path, body)
        if fault is None:
            return None
        if fault.kind == "slow":
            if fault.when == "before":
                time.sleep(fault.delay_seconds)
            return fault
        headers = {}
        if fault.retry_after is not None:
            headers["retry-after"] = str(fault.retry_after)
        if fault.kind == "secondary":
            raise InjectedFault(fault.kind, 403, SECONDARY_MESSAGE, headers)
        raise InjectedFault(
            fault.kind,
            fault.status,
            "Server Error" if fault.status >= 500 else "Injected fault",
            headers,
        )

    def charge_content_creation(self, now: float, key: str = "") -> None:
        """Count one content-creating request of the account ``key``; 403 with retry-after when
        over its budget."""
        per_min = int(self.config["content_creation_per_minute"])
        per_hour = int(self.config["content_creation_per_hour"])
        with self._lock:
            created = self._created.setdefault(key, deque())
            while created and created[0] <= now - 3600:
                created.popleft()
            last_minute = [t for t in created if t > now - 60]
            if len(last_minute) >= per_min:
                wait = math.ceil(last_minute[0] + 60 - now)
                raise HubError(403, SECONDARY_MESSAGE, headers={"retry-after": str(max(wait, 1))})
            if len(created) >= per_hour:
                wait = math.ceil(created[0] + 3600 - now)
                raise HubError(403, SECONDARY_MESSAGE, headers={"retry-after": str(max(wait, 1))})
            created.append(now)

    def primary_headers(
        self, key: str, limit: int, now: float, *, charge: bool, resource: str = "core"
    ) -> dict[str, str]:
        """The ``x-ratelimit-*`` headers of ``key`` on ``resource`` (``core``: an hour's
        window; ``search``: a minute's), charging one request when ``charge``; over the limit,
        GitHub's 403 with the same headers."""
        length = WINDOW_SECONDS[resource]
        window = int(now // length) * length
        with self._lock:
            start, used = self._primary.get(f"{resource}|{key}", (window, 0))
            if start != window:
                start, used = window, 0
            if charge:
                used += 1
            self._primary[f"{resource}|{key}"] = (start, used)
        headers = {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(max(limit - used, 0)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(start + length),
            "x-ratelimit-resource": resource,
        }
        if used > limit:
            raise HubError(403, f"API rate limit exceeded for {key}.", headers=headers)
        return headers
