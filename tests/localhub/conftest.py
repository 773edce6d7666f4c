"""Fixtures for the local GitHub's behaviour tests: a started hub per test and small helpers.

Every hub a test starts is checked afterwards: a 5xx that the test did not inject through
``POST /_localhub/faults`` is a bug in the local GitHub, so the test fails.
"""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.localhub.hub import LocalHub


class Hub:
    """A started LocalHub with an httpx client and the control-API helpers the tests share."""

    def __init__(self, hub: LocalHub) -> None:
        self.hub = hub
        self.http = httpx.Client(base_url=hub.url, timeout=30)

    def stop(self) -> None:
        if self.http.is_closed:
            return
        self.http.close()
        self.hub.stop()

    def clone_url(self, repo: str, token: str) -> str:
        return f"http://x-access-token:{token}@{self.hub.host}:{self.hub.port}/{repo}.git"

    # -- control API -----------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.http.request(method, f"/_localhub/{path}", json=body)
        assert resp.status_code < 300, f"{method} /_localhub/{path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None

    def user(self, login: str) -> dict[str, Any]:
        return self.control("POST", "users", {"login": login})

    def org(self, login: str, admins: list[str], members: list[str] | None = None) -> None:
        self.control("POST", "orgs", {"login": login, "admins": admins, "members": members or []})

    def token(self, login: str, permissions: dict[str, str] | None = None) -> str:
        body: dict[str, Any] = {"login": login}
        if permissions is not None:
            body["permissions"] = permissions
        return self.control("POST", "tokens", body)["token"]

    def config(self, **settings: float) -> None:
        self.control("POST", "config", settings)

    def advance(self, seconds: float) -> None:
        self.control("POST", "clock", {"advance_seconds": seconds})

    def fault(self, **rule: Any) -> None:
        self.control("POST", "faults", rule)

    # -- REST ------------------------------------------------------------------------------
    def api(
        self,
        method: str,
        path: str,
        token: str | None = None,
        *,
        json: Any = None,
        headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> httpx.Response:
        all_headers = {"accept": "application/vnd.github+json", **(headers or {})}
        if token:
            all_headers["authorization"] = f"token {token}"
        return self.http.request(method, "/api/v3" + path, json=json, headers=all_headers, **kw)

    def ok(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        """The JSON of a 2xx answer; anything else fails the test with GitHub's message."""
        resp = self.api(method, path, token, **kw)
        assert resp.is_success, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None

    def put_file(
        self, token: str, repo: str, path: str, text: str, *, branch: str | None = None, **kw: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message": f"write {path}",
            "content": base64.b64encode(text.encode()).decode(),
            **kw,
        }
        if branch:
            body["branch"] = branch
        return self.ok("PUT", f"/repos/{repo}/contents/{path}", token, json=body)

    def branch_from(self, token: str, repo: str, name: str, base: str = "main") -> str:
        sha = self.ok("GET", f"/repos/{repo}/git/ref/heads/{base}", token)["object"]["sha"]
        self.ok(
            "POST", f"/repos/{repo}/git/refs", token, json={"ref": f"refs/heads/{name}", "sha": sha}
        )
        return sha

    # -- logs ------------------------------------------------------------------------------
    def deliveries(self, since: int = 0) -> list[dict[str, Any]]:
        return [d for d in list(self.hub.deliveries) if d["id"] > since]

    def last_delivery_id(self) -> int:
        return self.hub.deliveries[-1]["id"] if self.hub.deliveries else 0

    def events(self, since: int = 0) -> list[str]:
        """``event.action`` (or ``event``) of each delivery, in order."""
        return [
            f"{d['event']}.{d['action']}" if d["action"] else d["event"]
            for d in self.deliveries(since)
        ]


def git(cwd: Path, *args: str) -> str:
    """Run git as a user would (no system or global config, never prompting)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "Alice",
        "GIT_AUTHOR_EMAIL": "alice@example.com",
        "GIT_COMMITTER_NAME": "Alice",
        "GIT_COMMITTER_EMAIL": "alice@example.com",
    }
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout.strip()


@dataclass
class World:
    """One org ``acme`` (admin alice) with an auto-initialised private repo ``acme/demo``."""

    gh: Hub
    token: str  # alice's PAT, everything she may do
    org: str = "acme"
    repo: str = "acme/demo"


@pytest.fixture(autouse=True)
def started_hubs() -> Iterator[list[Hub]]:
    """Every hub a test starts; at teardown each is stopped, and any 5xx answer it gave that
    the test did not inject through ``POST /_localhub/faults`` fails the test."""
    started: list[Hub] = []
    yield started
    errors = []
    for gh in started:
        gh.stop()
        errors += [
            f"{r['method']} {r['path']} -> {r['status']}: {r.get('response')}"
            for r in list(gh.hub.requests)
            if r["status"] >= 500 and not r.get("fault")
        ]
    assert not errors, "the local GitHub answered 5xx:\n" + "\n".join(errors)


@pytest.fixture
def start_hub(tmp_path: Path, started_hubs: list[Hub]) -> Callable[..., Hub]:
    """Start a LocalHub on a data directory (``tmp_path/hub`` unless given)."""

    def start(data_dir: Path | None = None) -> Hub:
        hub = LocalHub(data_dir or tmp_path / "hub", runner=False, record_bodies=True)
        started_hubs.append(Hub(hub.start()))
        return started_hubs[-1]

    return start


@pytest.fixture
def gh(start_hub: Callable[..., Hub]) -> Hub:
    return start_hub()


@pytest.fixture
def world(gh: Hub) -> World:
    gh.user("alice")
    gh.org("acme", admins=["alice"])
    token = gh.token("alice")
    gh.ok(
        "POST", "/orgs/acme/repos", token, json={"name": "demo", "private": True, "auto_init": True}
    )
    return World(gh, token)
