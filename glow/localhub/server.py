"""The HTTP front of the local GitHub: a threaded loopback server around ``LocalHub.handle``."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glow.localhub.hub import LocalHub


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    hub: LocalHub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the hub keeps a request log
        return

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        resp = self.server.hub.handle(self.command, self.path, headers, body)
        if resp.raw is not None:
            payload = resp.raw
        elif resp.body is None or resp.status in (204, 304):
            payload = b""
        else:
            payload = json.dumps(resp.body).encode()
            resp.headers.setdefault("content-type", "application/json; charset=utf-8")
            resp.headers.setdefault("x-github-media-type", "github.v3; format=json")
        self.send_response(resp.status)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


def serve_in_thread(hub: LocalHub, host: str, port: int) -> _Server:
    server = _Server((host, port), _Handler)
    server.hub = hub
    # A short poll interval so that stop() (and each test's teardown) takes 0.1 s, not 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.1,), name="localhub-http", daemon=True
    )
    thread.start()
    return server
