"""The local GitHub: one object that owns the state, answers requests and emits events.

``LocalHub(data_dir).start()`` serves on loopback in a background thread; ``handle`` is the
whole request pipeline (faults, authentication, rate limits, routing, ETag), shared by the HTTP
server and by tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import logging
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.localhub import control, shapes
from glow.localhub.api import (
    accounts,
    actions,
    actionsettings,
    apps,
    archives,
    assignees,
    caches,
    collaborators,
    comments,
    commits,
    contents,
    gitdata,
    issues,
    labels,
    merge,
    pulls,
    reactions,
    repolists,
    repos,
    reviews,
    rulesets,
    search,
    statuses,
    teams,
)
from glow.localhub.auth import ANONYMOUS, Principal, authenticate
from glow.localhub.codeload import handle_codeload, is_codeload_path
from glow.localhub.githttp import handle_git, is_git_path
from glow.localhub.limits import InjectedFault, Limits
from glow.localhub.routing import Ctx, HubError, Response, Router, describe_bug, parse_query
from glow.localhub.searchindex import SearchIndex
from glow.localhub.state import FlushThread, Store

if TYPE_CHECKING:
    from glow.localhub.runner import Runner

log = logging.getLogger("glow.localhub")

API_PREFIX = "/api/v3"
API_VERSIONS = ("2022-11-28", "2026-03-10")
ACTIONS_BOT = "github-actions[bot]"

# The API modules in the order their routes are added. Each takes the hub it serves
# (``protocols.Hub``) and none imports this module: the import graph runs one way, from here.
API_MODULES = (
    accounts,
    apps,
    repos,
    repolists,
    collaborators,
    contents,
    archives,
    commits,
    statuses,
    rulesets,
    gitdata,
    issues,
    assignees,
    labels,
    comments,
    reactions,
    pulls,
    merge,
    reviews,
    actions,
    actionsettings,
    caches,
    teams,
    search,
)


_RUN_IN_AGENT = re.compile(r"\(run (\d+)\)")


@dataclass
class _Meeting:
    method: str
    path: re.Pattern[str]
    left: int
    barrier: threading.Barrier
    met: bool = False  # every one of them arrived in time


class LocalHub:
    def __init__(
        self,
        data_dir: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        runner: bool = True,
        record_bodies: bool = False,
        runner_workers: int | None = None,
    ) -> None:
        from glow.localhub.runner.scheduler import DEFAULT_WORKERS

        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.data_dir)
        self.host, self.port = host, port
        self.limits = Limits(self.store.config)
        self.record_bodies = record_bodies
        self.requests: deque[dict[str, Any]] = deque(maxlen=100_000)
        self.secondary_403s = 0  # every secondary-limit 403 answered, the log's or not
        self.deliveries: deque[dict[str, Any]] = deque(maxlen=20_000)
        self._request_ids = itertools.count(1)
        self._background = 0
        self._bg_cond = threading.Condition()
        self._meetings: list[_Meeting] = []
        self.router = Router()
        self.control = Router()
        self.urls = shapes.Urls(web="http://unstarted", api="http://unstarted" + API_PREFIX)
        self._server: Any = None
        self._flusher: FlushThread | None = None
        self._use_runner = runner
        # Runs execute side by side as on GitHub, so races between them show here too.
        self._runner_workers = DEFAULT_WORKERS if runner_workers is None else runner_workers
        if self._runner_workers < 1:
            raise ValueError("runner_workers must be 1 or more")
        self.runner: Runner | None = None
        self.search_index = SearchIndex()
        self._register()
        self._ensure_builtin_accounts()

    # -- life cycle ----------------------------------------------------------------------------
    def _register(self) -> None:
        for module in API_MODULES:
            module.register(self)
        control.register(self)

    def start(self) -> LocalHub:
        from glow.localhub.server import serve_in_thread

        self._server = serve_in_thread(self, self.host, self.port)
        self.port = self._server.server_address[1]
        base = f"http://{self.host}:{self.port}"
        self.urls = shapes.Urls(web=base, api=base + API_PREFIX)
        self._flusher = FlushThread(self.store)
        self._flusher.start()
        if self._use_runner:
            from glow.localhub.runner_host import start_runner

            self.runner = start_runner(self, workers=self._runner_workers)
        return self

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.shutdown()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._flusher is not None:
            self._flusher.stop()
        self.store.flush()

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self.urls.web

    @property
    def api_url(self) -> str:
        return self.urls.api

    @property
    def runner_workers(self) -> int:
        """How many workflow runs the runner executes side by side."""
        return self._runner_workers

    # -- background work (template copies) and idleness ------------------------------------------
    def background(self, delay: float, fn: Callable[[], None]) -> None:
        with self._bg_cond:
            self._background += 1

        def run() -> None:
            try:
                fn()
            except Exception:  # a background failure is logged, never silent
                log.exception("background task failed")
            finally:
                with self._bg_cond:
                    self._background -= 1
                    self._bg_cond.notify_all()

        timer = threading.Timer(delay, run)
        timer.daemon = True
        timer.start()

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until no template copy is pending and the runner has nothing queued or running."""
        deadline = time.monotonic() + timeout
        while True:
            with self._bg_cond:
                while self._background:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._bg_cond.wait(left)
            left = deadline - time.monotonic()
            if self.runner is not None and not self.runner.wait_idle(max(left, 0.01)):
                return False
            with self._bg_cond:
                if self._background == 0:
                    return True

    # -- accounts ------------------------------------------------------------------------------
    def _ensure_builtin_accounts(self) -> None:
        if self.store.account(ACTIONS_BOT) is None:
            self.create_account(ACTIONS_BOT, "Bot", ident=41898282)

    def create_account(
        self, login: str, kind: str, *, ident: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        with self.store.lock:
            acc = {
                "login": login,
                "id": ident or self.store.next_id(),
                "type": kind,
                "created_at": self.store.now_iso(),
                **extra,
            }
            self.store.data["accounts"][login.lower()] = acc
            self.store.mark_dirty()
            return acc

    def account_or_ghost(self, login: str | None) -> dict[str, Any]:
        acc = self.store.account(login) if login else None
        return acc or {
            "login": "ghost",
            "id": 10137,
            "type": "User",
            "created_at": "2008-05-13T00:00:00Z",
        }

    def user_json(self, login: str | None) -> dict[str, Any]:
        return shapes.user(self.urls, self.account_or_ghost(login))

    # -- events --------------------------------------------------------------------------------
    def emit(
        self,
        repo: dict[str, Any],
        event: str,
        payload: dict[str, Any],
        principal: Principal,
        *,
        sha: str | None = None,
        ref: str | None = None,
    ) -> None:
        """Record a delivery and start the workflows it triggers, with GitHub's token rules."""
        from glow.localhub.events import finish_payload

        payload = finish_payload(self, repo, payload, principal)
        triggers = not principal.is_job or event in ("workflow_dispatch", "repository_dispatch")
        approval = principal.is_job and event == "pull_request"
        self.record_delivery(repo, event, payload, triggers=triggers, approval=approval)
        if self.runner is None or not (triggers or approval):
            return
        from glow.localhub.runner_host import dispatch

        dispatch(self, repo, event, payload, sha=sha, ref=ref, approval_required=approval)

    def record_delivery(
        self,
        repo: dict[str, Any],
        event: str,
        payload: dict[str, Any],
        *,
        triggers: bool,
        approval: bool = False,
    ) -> None:
        self.deliveries.append(
            {
                "id": next(self._request_ids),
                "guid": str(uuid.uuid4()),
                "event": event,
                "action": payload.get("action"),
                "repository": repo["full_name"],
                "sender": (payload.get("sender") or {}).get("login"),
                "at": self.store.now_iso(),
                # A pull request made with a job token gets runs that wait for approval.
                "triggers_workflows": triggers or approval,
                "approval_required": approval,
                "payload": payload,
            }
        )

    # -- the request pipeline ------------------------------------------------------------------
    def meet(self, method: str, path: str, count: int = 2, timeout: float = 30.0) -> _Meeting:
        """The next ``count`` requests ``method path`` (a regular expression matched against
        the whole API path) wait for each other before any is served: two jobs that both read
        the same state, then both write, as side-by-side runs on GitHub can. A test instrument:
        after ``timeout`` seconds those that came go on alone. The meeting says whether all
        of them met (``met``), so a test can tell the race really happened."""
        meeting = _Meeting(
            method, re.compile(path), count, threading.Barrier(count, timeout=timeout)
        )
        with self._bg_cond:
            self._meetings.append(meeting)
        return meeting

    def _wait_to_meet(self, method: str, path: str) -> None:
        with self._bg_cond:
            meeting = next(
                (
                    m
                    for m in self._meetings
                    if m.left > 0 and m.method == method and m.path.fullmatch(path)
                ),
                None,
            )
            if meeting is None:
                return
            meeting.left -= 1
            if meeting.left == 0:
                self._meetings.remove(meeting)
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.barrier.wait()
            meeting.met = True

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Response:
        path, _, qs = target.partition("?")
        if self._meetings and path.startswith(API_PREFIX + "/"):
            self._wait_to_meet(method, path[len(API_PREFIX) :])
        request_id = next(self._request_ids)
        ctx = Ctx(method=method, path=path, query=parse_query(qs), headers=headers, raw_body=body)
        entry: dict[str, Any] = {
            "id": request_id,
            "at": self.store.now_iso(),
            "method": method,
            "path": path,
            "query": qs,
        }
        if (run := _RUN_IN_AGENT.search(headers.get("user-agent") or "")) is not None:
            entry["run_id"] = int(run.group(1))  # a glow client names its Actions run
        try:
            if path.startswith("/_localhub/"):
                resp = self._dispatch(self.control, ctx, path)
            elif path.startswith(API_PREFIX + "/") or path == API_PREFIX:
                resp = self._api(ctx, path[len(API_PREFIX) :] or "/", entry)
            elif is_codeload_path(path):  # archive downloads: not the API, never git
                resp = handle_codeload(self, ctx)
            elif is_git_path(path):
                resp = handle_git(self, ctx)
            else:
                raise HubError(404, "Not Found")
        except HubError as err:
            resp = Response(err.status, err.body(), dict(err.headers))
        except Exception as exc:  # a bug in the local GitHub: say so, never hang the client
            log.error("internal error on %s %s: %s", method, path, describe_bug(exc))
            # GitHub's 500 body: no exception text, which may name the data directory
            resp = Response(
                500,
                {
                    "message": "Server Error",
                    "documentation_url": "https://docs.github.com/rest",
                    "status": "500",
                },
            )
        resp.headers.setdefault("x-github-request-id", f"LOCAL:{request_id}")
        entry["status"] = resp.status
        if self.record_bodies and resp.raw is None:
            entry["response"] = resp.body
        self.requests.append(entry)
        # Counted apart from the log, which keeps the last 100,000 requests only: a long
        # rehearsal still knows every secondary-limit 403 it met.
        if entry.get("limited") == "secondary" or entry.get("fault") == "secondary":
            self.secondary_403s += 1
        if entry.get("hold_seconds"):
            time.sleep(entry["hold_seconds"])
        return resp

    def _dispatch(self, router: Router, ctx: Ctx, path: str) -> Response:
        found = router.match(ctx.method, path)
        if found is None:
            raise HubError(404, "Not Found")
        ctx.route, ctx.params = found
        return ctx.route.handler(ctx)

    def _api(self, ctx: Ctx, path: str, entry: dict[str, Any]) -> Response:
        # Every answer carries x-ratelimit-* headers, errors included; only an authenticated
        # request is charged (a 401 shows the anonymous budget, untouched).
        key, limit = self.limits.bucket(ANONYMOUS)
        resource = "core"
        try:
            version = ctx.headers.get("x-github-api-version")
            if version and version not in API_VERSIONS:
                raise HubError(400, f"API version {version} is not supported.")
            try:
                fault = self.limits.apply_fault(ctx.method, API_PREFIX + path, ctx.raw_body)
            except InjectedFault as injected:
                entry["fault"] = injected.kind
                raise
            if fault is not None:
                entry["fault"] = fault.kind
                if fault.when == "after":  # handled in full, then the answer waits (handle())
                    entry["hold_seconds"] = fault.delay_seconds
            ctx.principal = authenticate(self.store, ctx.headers.get("authorization"))
            entry.update(kind=ctx.principal.kind, login=ctx.principal.login)
            key, limit = self.limits.bucket(ctx.principal)
            found = self.router.match(ctx.method, path)
            if found is None:
                raise HubError(404, "Not Found")
            ctx.route, ctx.params = found
            entry["route"] = ctx.route.template
            entry["route_method"] = ctx.route.method
            entry["creates_content"] = ctx.route.creates_content
            resource = ctx.route.resource
            key, limit = self.limits.bucket(ctx.principal, resource)
            rate = self.limits.primary_headers(
                key, limit, self.store.epoch(), charge=False, resource=resource
            )
            if ctx.route.creates_content:
                try:
                    self.limits.charge_content_creation(self.store.epoch(), key)
                except HubError:
                    entry["limited"] = "secondary"  # over the content-creation budget
                    raise
            # Each REST request is atomic, as GitHub's are: jobs now call the API side by side,
            # and a handler must never see another's half-made change (or a dict changing size
            # under its loop). Waiting (faults, template copies, the runner) happens outside.
            with self.store.lock:
                if ctx.method != "GET":
                    self._index_before_write(ctx)
                resp = ctx.route.handler(ctx)
        except HubError as err:
            if "x-ratelimit-limit" not in err.headers:
                charged = ctx.principal is not None
                rate_now = (
                    self._charge(key, limit, resource)
                    if charged
                    else self._peek(key, limit, resource)
                )
                err.headers = {**rate_now, **err.headers}
            raise
        if resp.raw is None and ctx.method == "GET" and resp.status == 200:
            # GitHub's ETags are specific to the token that asked (GitHub Support, quoted in
            # github/docs#34689): an App's new installation token, or a job's, never gets a
            # 304 for what an earlier token read.
            seen_by = (ctx.headers.get("authorization") or "").encode()
            body = json.dumps(resp.body, sort_keys=True).encode()
            etag = 'W/"' + hashlib.sha256(body + b"\0" + seen_by).hexdigest()[:40] + '"'

            resp.headers["etag"] = etag
            if etag in (ctx.headers.get("if-none-match") or ""):
                # A 304 does not count against the primary rate limit.
                resp.headers.update(rate)
                return Response(304, None, resp.headers)
        # GET /rate_limit does not count against the limit it reports (GitHub documents this).
        free = ctx.route.template == "/rate_limit"
        resp.headers.update(rate if free else self._charge(key, limit, resource))
        if version:
            resp.headers["x-github-api-version-selected"] = version
        return resp

    def _index_before_write(self, ctx: Ctx) -> None:
        """Let the search index catch up on a repository before a write may change its issues,
        so search keeps the version the write replaces until the new one is old enough."""
        owner, name = ctx.params.get("owner"), ctx.params.get("repo")
        repo = self.store.repo(owner, name) if owner and name else None
        if repo is not None:
            search.catch_up(self, repo)

    def _charge(self, key: str, limit: int, resource: str = "core") -> dict[str, str]:
        return self.limits.primary_headers(
            key, limit, self.store.epoch(), charge=True, resource=resource
        )

    def _peek(self, key: str, limit: int, resource: str = "core") -> dict[str, str]:
        try:
            return self.limits.primary_headers(
                key, limit, self.store.epoch(), charge=False, resource=resource
            )
        except HubError as over:  # already over the limit: show it, keep the original answer
            return over.headers
