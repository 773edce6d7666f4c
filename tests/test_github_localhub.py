"""The glow.github layer end to end on the local GitHub: the same calls bots make in a workflow."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.github import Repo, WritePacer, client_from_env, token_client
from glow.localhub.hub import LocalHub

pytestmark = pytest.mark.e2e


class Local:
    def __init__(self, hub: LocalHub) -> None:
        self.hub = hub
        self.http = httpx.Client(base_url=hub.url, timeout=30)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.http.request(method, f"/_localhub/{path}", json=body)
        assert resp.status_code < 300, f"{method} {path}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Local]:
    hub = LocalHub(tmp_path / "hub", runner=False).start()
    world = Local(hub)
    world.control("POST", "users", {"login": "alice"})
    world.control("POST", "orgs", {"login": "acme", "admins": ["alice"]})
    yield world
    world.http.close()
    hub.stop()


@pytest.fixture
def demo(local: Local, sleeps: list[float]) -> Repo:
    token = local.control("POST", "tokens", {"login": "alice"})["token"]
    gh = token_client(token, local.hub.api_url)
    gh.request("POST", "orgs/acme/repos", json={"name": "demo", "auto_init": True})
    gh.request("POST", "repos/acme/demo/issues", json={"title": "Status"})
    return Repo(gh, "acme", "demo", pacer=WritePacer(0), sleep=sleeps.append)


def test_a_rerun_makes_zero_writes(demo: Repo) -> None:
    def run() -> None:
        demo.upsert_comment(1, "status", "All good.")
        demo.ensure_label("needs-info", "d93f0b", "Something is missing")
        demo.set_labels_diff(1, add=["needs-info"])
        demo.write_file("roster/cohort-1.json", lambda old: "[]\n", "Start the roster")
        demo.commit_files({"log/a.md": "a\n", "log/b.md": "b\n"}, "Log", branch="main")

    run()
    first = demo.counts.writes
    assert first == 9  # comment, label, issue label, file, 2 blobs, tree, commit, ref
    run()
    assert demo.counts.writes == first


def test_faults_from_the_local_github_are_survived(
    local: Local, demo: Repo, sleeps: list[float]
) -> None:
    local.control("POST", "faults", {"kind": "secondary", "count": 1, "retry_after": 3})
    local.control("POST", "faults", {"kind": "status", "status": 502, "count": 1})
    assert demo.upsert_comment(1, "status", "Hello") == "created"
    assert sleeps == [3.0, 2.0]  # retry-after, then the 5xx wait for attempt 2 of the call
    assert demo.read_file("README.md") is not None
    # Counted apart from the request log, which a long rehearsal wraps.
    assert local.hub.secondary_403s == 1


def test_app_installation_client_from_the_environment(local: Local) -> None:
    app = local.control(
        "POST",
        "apps",
        {"slug": "glow-test", "owner": "acme", "permissions": {"issues": "write"}},
    )
    local.control("POST", "installations", {"app_id": app["id"], "account": "acme"})
    alice = local.control("POST", "tokens", {"login": "alice"})["token"]
    token_client(alice, local.hub.api_url).request(
        "POST", "orgs/acme/repos", json={"name": "room", "auto_init": True}
    )
    environ = {
        "GITHUB_API_URL": local.hub.api_url,
        "GITHUB_REPOSITORY": "ACME/room",
        "PROVISIONING_APP_ID": str(app["id"]),
        "PROVISIONING_APP_PRIVATE_KEY": app["private_key"].strip().replace("\n", "\\n"),
    }
    room = Repo(client_from_env(environ), "acme", "room", pacer=WritePacer(0))
    assert room.ensure_label("enrolled", "0e8a16") == "created"
    assert room.ensure_label("enrolled", "0e8a16") == "unchanged"


def test_a_held_request_fails_within_the_deadline_with_one_clear_line(
    local: Local, demo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """githubkit's cache layer drops httpx's timeout; ours is a total deadline that fires."""
    from glow.errors import GitHubError

    monkeypatch.setenv("GLOW_REQUEST_TIMEOUT", "0.5")
    token = local.control("POST", "tokens", {"login": "alice"})["token"]
    repo = Repo(token_client(token, local.hub.api_url), "acme", "demo", pacer=WritePacer(0))
    local.control(
        "POST",
        "faults",
        {"kind": "slow", "count": 1, "delay_seconds": 3, "match": {"path_prefix": "/api/v3/repos"}},
    )
    started = time.monotonic()
    with pytest.raises(GitHubError) as caught:
        repo.get_json(repo.url("issues", 1))
    assert time.monotonic() - started < 1.5
    message = str(caught.value)
    assert message.startswith("The GitHub API at http://127.0.0.1:")
    assert "did not answer GET /api/v3/repos/acme/demo/issues/1 within" in message
    assert "GLOW_REQUEST_TIMEOUT" in message and "GITHUB_API_URL" in message
    assert "Next step: " in message and "\n" not in message
    assert repo.get_json(repo.url("issues", 1))["title"] == "Status"  # the next one is answered


def test_an_unreachable_github_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from glow.errors import GitHubError

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    repo = Repo(token_client("t", f"http://127.0.0.1:{port}/api/v3"), "a", "b")
    unreachable = (
        r"^Could not connect to the GitHub API at http://127.0.0.1:\d+ \(.*\)\. "
        r"Next step: check that GITHUB_API_URL is right .* then re-run"
    )
    with pytest.raises(GitHubError, match=unreachable) as caught:
        repo.get_json(repo.url())
    assert "ConnectError" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_list_wrapped_in_an_object_is_read_to_its_last_page(local: Local, demo: Repo) -> None:
    """The organisation's variables come 30 a page inside ``{"total_count", "variables"}``:
    every page is followed by its Link header, so none is missed."""
    for n in range(35):
        local.control("POST", "variables", {"owner": "acme", "name": f"V{n:02d}", "value": "x"})
    names = [
        v["name"]
        for v in demo.paginate("orgs/acme/actions/variables", {"per_page": 30}, key="variables")
    ]
    assert sorted(names) == [f"V{n:02d}" for n in range(35)]
    assert demo.counts.requests == 2
