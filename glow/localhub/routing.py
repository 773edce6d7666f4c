"""Request routing for the local GitHub: OpenAPI path templates, GitHub's error bodies.

Routes are registered with GitHub's own path templates (``/repos/{owner}/{repo}/issues``) so
the request log names the documented operation each answer must match.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

DOCS = "https://docs.github.com/rest"


class HubError(Exception):
    """An answer GitHub would give: status, message, optional ``errors``, extra headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


def describe_bug(exc: BaseException) -> str:
    """One log line for an unexpected exception: its type and where it was raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    first = next(iter(str(exc).splitlines()), "")[:200]
    return f"{type(exc).__name__}{where}" + (f": {first}" if first else "")


def not_found() -> HubError:
    return HubError(404, "Not Found")


def invalid(
    resource: str, field_name: str, code: str = "invalid", message: str | None = None
) -> HubError:
    err: dict[str, Any] = {"resource": resource, "field": field_name, "code": code}
    if message:
        err["message"] = message
    return HubError(422, "Validation Failed", errors=[err])


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a non-JSON body (e.g. git smart HTTP)


@dataclass
class Ctx:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    raw_body: bytes
    params: dict[str, str] = field(default_factory=dict)
    principal: Any = None
    route: Route | None = None
    _json: Any = None

    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def q_int(self, name: str, default: int) -> int:
        value = self.q(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise invalid("Query", name, "invalid", f"{name} must be an integer") from None

    def body(self) -> dict[str, Any]:
        if self._json is None:
            self._json = {} if not self.raw_body.strip() else parse_json(self.raw_body)
            if not isinstance(self._json, dict):
                raise HubError(400, "Problems parsing JSON")
        return self._json

    def field(
        self,
        name: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = False,
        resource: str = "Request",
    ) -> Any:
        body = self.body()
        if name not in body or body[name] is None:
            if required:
                raise invalid(resource, name, "missing_field", f"{name} is missing")
            return None
        value = body[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _kinds(kind)):
            raise invalid(resource, name, "invalid", f"{name} has the wrong type")
        return value


# Ruby's JSON parser, behind GitHub's API, refuses documents nested deeper than 100 levels by
# default (max_nesting); deeper ones would also exhaust Python's recursion in json, copy and
# the runner's expression contexts.
MAX_JSON_DEPTH = 100


def parse_json(raw: bytes) -> Any:
    """A request's JSON document; anything GitHub could not parse is its 400."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        # ValueError: bad syntax, bad UTF-8, or an integer of more than 4,300 digits (Python's
        # limit on converting digits to int); RecursionError: nesting beyond the stack.
        raise HubError(400, "Problems parsing JSON") from None
    if _depth_over(value, MAX_JSON_DEPTH):
        raise HubError(400, "Problems parsing JSON")
    return value


def _depth_over(value: Any, limit: int) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` deep (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


Handler = Callable[[Ctx], Response]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    creates_content: bool = False
    # The rate-limit resource the route counts against (``core``, or ``search``: its own
    # budget per minute, as GitHub keeps it).
    resource: str = "core"


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        template: str,
        handler: Handler,
        *,
        creates_content: bool = False,
        resource: str = "core",
    ) -> None:
        regex = ""
        for part in re.split(r"(\{[^}]+\})", template):
            if part.startswith("{"):
                name = part[1:-1]
                # {path}, {ref} and {branch} may contain slashes, as on GitHub
                body = ".+" if name in ("path", "ref", "branch") else "[^/]+"
                regex += f"(?P<{name}>{body})"
            else:
                regex += re.escape(part)
        self.routes.append(
            Route(method, template, handler, re.compile(f"^{regex}$"), creates_content, resource)
        )

    def route(
        self, method: str, template: str, *, creates_content: bool = False, resource: str = "core"
    ) -> Callable[[Handler], Handler]:
        def wrap(fn: Handler) -> Handler:
            self.add(method, template, fn, creates_content=creates_content, resource=resource)
            return fn

        return wrap

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The matching route with the most literal segments: ``/issues/comments`` wins over
        ``/issues/{issue_number}``, as on GitHub."""
        from urllib.parse import unquote

        best: tuple[int, Route, re.Match[str]] | None = None
        allowed = False
        for route in self.routes:
            m = route.pattern.match(path)
            if not m:
                continue
            if route.method != method and not (method == "HEAD" and route.method == "GET"):
                allowed = True
                continue
            literal = sum(1 for seg in route.template.split("/") if seg and "{" not in seg)
            if best is None or literal > best[0]:
                best = (literal, route, m)
        if best is not None:
            _, route, m = best
            return route, {k: unquote(v) for k, v in m.groupdict().items()}
        if allowed:
            raise HubError(404, "Not Found")
        return None


def parse_query(qs: str) -> dict[str, list[str]]:
    return parse_qs(qs, keep_blank_values=True)
