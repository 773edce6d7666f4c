"""The request deadline, through the network as bots meet it: direct, held, and through the
proxy a self-hosted runner names in its environment."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from glow.errors import GitHubError
from glow.github import Repo, WritePacer, token_client
from glow.github.transport import proxy_for

API = "http://ghe.example.test/api/v3"


class Proxy:
    """A forward proxy on loopback that answers every request itself (or holds it).

    ``close`` stops its thread for good. A thread left blocked in ``accept`` on a closed socket
    retries the call after a signal (a child process ending) on whatever socket then has that
    file number: the next test's local GitHub, whose connections it would steal."""

    def __init__(self, *, hold: bool = False) -> None:
        self.hold = hold
        self.seen: list[str] = []
        self.held: list[socket.socket] = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.05)
        self.stopped = threading.Event()
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            request = conn.recv(65536).decode(errors="replace")
            self.seen.append(request.split("\r\n", 1)[0])
            if self.hold:
                self.held.append(conn)  # never answers; the client must give up at its deadline
                continue
            body = b'{"login": "someone", "type": "User"}'
            head = (
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n"
            )
            conn.sendall(head.encode() + body)
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    found = Proxy()
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", found.url)
    yield found
    found.close()


def test_requests_go_through_the_proxy_the_environment_names(proxy: Proxy) -> None:
    repo = Repo(token_client("t", API), "o", "r", pacer=WritePacer(0))
    assert repo.login() == "someone"
    assert proxy.seen == ["GET http://ghe.example.test/api/v3/user HTTP/1.1"]


def test_no_proxy_and_the_local_github_bypass_it(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert proxy_for(API) == proxy.url
    assert proxy_for("http://127.0.0.1:8765/api/v3") is None
    monkeypatch.setenv("NO_PROXY", "example.test")
    assert proxy_for(API) is None


def test_a_proxy_that_holds_the_request_meets_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = Proxy(hold=True)
    try:
        monkeypatch.setenv("HTTP_PROXY", held.url)
        monkeypatch.setenv("GLOW_REQUEST_TIMEOUT", "0.5")
        repo = Repo(token_client("t", API), "o", "r", pacer=WritePacer(0))
        started = time.monotonic()
        with pytest.raises(
            GitHubError, match=r"did not answer GET /api/v3/repos/o/r within 0\.5 s"
        ):
            repo.get_json(repo.url())
        assert time.monotonic() - started < 2
    finally:
        held.close()
