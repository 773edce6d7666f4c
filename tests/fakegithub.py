"""A small in-memory GitHub REST fake for the glow.github layer, served as an httpx transport.

It answers only the endpoints GLOW's adapter uses, with GitHub's paths, status codes and the
fields we read; any other request is recorded in ``unexpected`` and fails loudly (STYLE.md, 12).
Git data is real enough to matter: blob shas are git's, so "unchanged" is decided as on GitHub.
Faults (rate limits, 5xx) and hooks (a concurrent writer) are injected per request. The
endpoints themselves live in ``tests/fakegithub_routes.py``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import jwt

Handler = Callable[..., httpx.Response]


@dataclass
class Call:
    method: str
    path: str  # decoded, without the API prefix
    query: dict[str, str]
    body: Any
    headers: httpx.Headers


@dataclass
class _Rule:
    method: str
    contains: str
    times: int
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    message: str = ""
    action: Callable[[FakeGitHub], None] | None = None
    landed: bool = False  # serve the request, then answer ``status`` (the answer was lost)


@dataclass
class RepoState:
    default_branch: str
    refs: dict[str, str] = field(default_factory=dict)  # branch -> commit sha
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower name -> label
    issue_labels: dict[int, list[str]] = field(default_factory=dict)


def error(status: int, message: str, **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"message": message, **extra})


def content_sha(kind: str, payload: Any) -> str:
    return hashlib.sha1(f"{kind}:{json.dumps(payload, sort_keys=True)}".encode()).hexdigest()


class FakeGitHub:
    """GitHub for one test: repos, comments, labels, contents, git data, App installations."""

    def __init__(self, base_url: str = "https://ghe.example.test/api/v3") -> None:
        self.base_url = base_url
        self.prefix = urlsplit(base_url).path.rstrip("/")
        self.now = 1_800_000_000.0
        self.tokens: dict[str, str] = {"test-token": "github-actions[bot]"}
        self.requests: list[Call] = []
        self.unexpected: list[str] = []
        self.repos: dict[str, RepoState] = {}
        self.blobs: dict[str, bytes] = {}
        self.trees: dict[str, dict[str, tuple[str, str]]] = {}  # sha -> path -> (mode, blob)
        self.commits: dict[str, dict[str, Any]] = {}
        self.app_id: str | None = None
        self.app_public_key: str | None = None
        self.installations: list[dict[str, Any]] = []
        self.jwts_seen: list[dict[str, Any]] = []
        self._rules: list[_Rule] = []
        self._ids = itertools.count(1001)
        self.transport = httpx.MockTransport(self.handle)
        self._routes: list[tuple[str, tuple[str, ...], Handler]] = []
        _register_routes(self)

    # Set-up and inspection -------------------------------------------------------------------

    def add_repo(self, full_name: str, files: dict[str, str] | None = None) -> None:
        self.repos[full_name] = RepoState(default_branch="main")
        tree = self._store_tree(
            {p: ("100644", self._store_blob(t.encode())) for p, t in (files or {}).items()}
        )
        self.repos[full_name].refs["main"] = self._store_commit(tree, [], "initial")

    def add_app(self, app_id: str, public_key_pem: str, accounts: list[str]) -> None:
        self.app_id, self.app_public_key = app_id, public_key_pem
        self.installations = [
            {"id": 500 + i, "app_slug": "glow-app", "account": {"login": login}}
            for i, login in enumerate(accounts)
        ]

    def add_comment(self, repo: str, issue: int, body: str, login: str = "someone") -> int:
        comment = {"id": next(self._ids), "body": body, "user": {"login": login}}
        self.repos[repo].comments.setdefault(issue, []).append(comment)
        return int(comment["id"])

    def comments(self, repo: str, issue: int) -> list[dict[str, Any]]:
        return self.repos[repo].comments.get(issue, [])

    def fail(
        self,
        method: str,
        contains: str,
        status: int,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        message: str = "fault",
        landed: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` instead of serving them
        (``landed``: serve them first, as GitHub does a write whose answer a proxy then lost)."""
        rule = _Rule(method, contains, times, status, headers or {}, message, landed=landed)
        self._rules.append(rule)

    def before(self, method: str, contains: str, action: Callable[[FakeGitHub], None]) -> None:
        """Run ``action`` once just before the next matching request is served."""
        self._rules.append(_Rule(method, contains, 1, action=action))

    def writes(self) -> list[Call]:
        return [c for c in self.requests if c.method not in ("GET", "HEAD")]

    def calls(self, method: str, contains: str = "") -> list[Call]:
        return [c for c in self.requests if c.method == method and contains in c.path]

    def head(self, repo: str, branch: str = "main") -> str:
        return self.repos[repo].refs[branch]

    def files_at(self, repo: str, branch: str = "main") -> dict[str, str]:
        tree = self.trees[self.commits[self.head(repo, branch)]["tree"]]
        return {path: self.blobs[sha].decode() for path, (_, sha) in tree.items()}

    def commit_files(self, repo: str, files: dict[str, str], branch: str = "main") -> str:
        """Another writer commits directly (used from ``before`` hooks)."""
        head = self.head(repo, branch)
        tree = dict(self.trees[self.commits[head]["tree"]])
        tree.update({p: ("100644", self._store_blob(t.encode())) for p, t in files.items()})
        sha = self._store_commit(self._store_tree(tree), [head], "someone else")
        self.repos[repo].refs[branch] = sha
        return sha

    # Storage ---------------------------------------------------------------------------------

    def _store_blob(self, data: bytes) -> str:
        sha = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        self.blobs[sha] = data
        return sha

    def _store_tree(self, entries: dict[str, tuple[str, str]]) -> str:
        sha = content_sha("tree", sorted(entries.items()))
        self.trees[sha] = dict(entries)
        return sha

    def _store_commit(self, tree: str, parents: list[str], message: str) -> str:
        sha = content_sha("commit", [tree, parents, message, len(self.commits)])
        self.commits[sha] = {"tree": tree, "parents": parents, "message": message}
        return sha

    def ancestors(self, sha: str) -> set[str]:
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.commits[current]["parents"])
        return seen

    # The transport ---------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        raw = request.url.raw_path.split(b"?")[0].decode()
        if not raw.startswith(self.prefix + "/"):
            return self._unexpected(request, raw)
        segments = tuple(unquote(s) for s in raw[len(self.prefix) + 1 :].split("/"))
        path = "/" + "/".join(segments)
        body = json.loads(request.content) if request.content else None
        query = dict(request.url.params)
        self.requests.append(Call(request.method, path, query, body, request.headers))
        lost: _Rule | None = None
        for rule in self._rules:
            if rule.times > 0 and rule.method == request.method and rule.contains in path:
                rule.times -= 1
                if rule.action is not None:
                    rule.action(self)
                    break
                if rule.landed:
                    lost = rule
                    break
                return httpx.Response(
                    rule.status, json={"message": rule.message}, headers=rule.headers
                )
        served = self._serve(request, path, segments, body, query)
        if lost is not None:
            return httpx.Response(lost.status, json={"message": lost.message}, headers=lost.headers)
        return served

    def _serve(
        self,
        request: httpx.Request,
        path: str,
        segments: tuple[str, ...],
        body: Any,
        query: dict[str, str],
    ) -> httpx.Response:
        for method, pattern, handler in self._routes:
            params = _match(pattern, segments)
            if method == request.method and params is not None:
                denied = self._authorise(request, app=segments[0] == "app")
                return denied or handler(request=request, body=body, query=query, **params)
        return self._unexpected(request, path)

    def _unexpected(self, request: httpx.Request, path: str) -> httpx.Response:
        self.unexpected.append(f"{request.method} {path}")
        raise AssertionError(f"FakeGitHub was not told about {request.method} {path}")

    def _authorise(self, request: httpx.Request, *, app: bool) -> httpx.Response | None:
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        if app and scheme.lower() == "bearer" and self.app_public_key:
            try:
                claims = jwt.decode(
                    credential,
                    self.app_public_key,
                    algorithms=["RS256"],
                    options={"verify_iat": False},
                )
            except jwt.PyJWTError:
                return error(401, "A JSON web token could not be decoded")
            self.jwts_seen.append(claims)
            ok = claims.get("iss") == self.app_id and claims["exp"] - claims["iat"] <= 600
            return None if ok else error(401, "'Issuer' claim ('iss') must be the App ID")
        if not app and scheme.lower() == "token" and credential in self.tokens:
            return None
        return error(401, "Bad credentials")

    def login_of(self, request: httpx.Request) -> str:
        return self.tokens[request.headers["authorization"].partition(" ")[2]]

    def page(self, request: httpx.Request, items: list[Any]) -> httpx.Response:
        per_page = int(request.url.params.get("per_page", 30))
        number = int(request.url.params.get("page", 1))
        chunk = items[(number - 1) * per_page : number * per_page]
        headers = {}
        if number * per_page < len(items):
            nxt = request.url.copy_merge_params({"page": str(number + 1)})
            headers["link"] = f'<{nxt}>; rel="next"'
        return httpx.Response(200, json=chunk, headers=headers)


def _match(pattern: tuple[str, ...], segments: tuple[str, ...]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        if part.startswith("*"):
            if index >= len(segments):
                return None
            params[part[1:]] = "/".join(segments[index:])
            return params
        if index >= len(segments):
            return None
        if part.startswith(":"):
            params[part[1:]] = segments[index]
        elif part != segments[index]:
            return None
    return params if len(pattern) == len(segments) else None


def _register_routes(fake: FakeGitHub) -> None:
    from tests.fakegithub_routes import ROUTES

    for method, pattern, handler in ROUTES:
        bound = functools.partial(handler, fake)
        fake._routes.append((method, tuple(pattern.split("/")), bound))
