"""The HTTP front of the local GitHub: a threaded loopback server around ``LocalHub.handle``."""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from glow.localhub.hub import describe_bug

if TYPE_CHECKING:
    from glow.localhub.hub import LocalHub

log = logging.getLogger("glow.localhub")

# GitHub's bodies for what never reaches the hub: a malformed request, or a bug in this module.
_BAD_REQUEST = {"message": "Bad Request", "documentation_url": "https://docs.github.com/rest"}
_SERVER_ERROR = {
    "message": "Server Error",
    "documentation_url": "https://docs.github.com/rest",
    "status": "500",
}


class _BadRequest(Exception):
    """The request's framing (Content-Length, chunked encoding) cannot be read."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    hub: LocalHub

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints a traceback to stderr here; log one line instead.
        exc = sys.exc_info()[1]
        if exc is None or isinstance(exc, ConnectionError | socket.timeout):
            return  # the client went away
        log.error("HTTP server error from %s: %s", client_address[0], describe_bug(exc))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the hub keeps a request log
        return

    def _read_body(self) -> bytes:
        try:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size < 0:
                        raise ValueError(size)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _BadRequest from None
        if length < 0:
            raise _BadRequest
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest:
            self.close_connection = True  # the rest of the stream cannot be framed
            self._send(400, {}, json.dumps(_BAD_REQUEST).encode(), json_body=True)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            resp = self.server.hub.handle(self.command, self.path, headers, body)
            if resp.raw is not None:
                payload = resp.raw
            elif resp.body is None or resp.status in (204, 304):
                payload = b""
            else:
                payload = json.dumps(resp.body).encode()
                resp.headers.setdefault("content-type", "application/json; charset=utf-8")
                resp.headers.setdefault("x-github-media-type", "github.v3; format=json")
            status, out_headers = resp.status, resp.headers
        except Exception as exc:  # a bug outside the hub's own guard: still answer like GitHub
            log.error("internal error on %s %s: %s", self.command, self.path, describe_bug(exc))
            self._send(500, {}, json.dumps(_SERVER_ERROR).encode(), json_body=True)
            return
        self._send(status, out_headers, payload)

    def _send(
        self, status: int, headers: dict[str, str], payload: bytes, *, json_body: bool = False
    ) -> None:
        self.send_response(status)
        if json_body:
            headers = {**headers, "content-type": "application/json; charset=utf-8"}
        for name, value in headers.items():
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
