"""The HTTP front of the local GitHub: a threaded loopback server around ``LocalHub.handle``."""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from glow.localhub.routing import describe_bug

if TYPE_CHECKING:
    from glow.localhub.protocols import Hub

log = logging.getLogger("glow.localhub")

# GitHub's bodies for what never reaches the hub: a malformed request, or a bug in this module.
_BAD_REQUEST = {"message": "Bad Request", "documentation_url": "https://docs.github.com/rest"}
_SERVER_ERROR = {
    "message": "Server Error",
    "documentation_url": "https://docs.github.com/rest",
    "status": "500",
}


# The largest request body read: GitHub refuses files over 100 MB, and its front door answers
# 413 to bodies it will not take. A bigger Content-Length is answered at once, without reading
# what follows, and the connection is closed (it cannot be framed any more).
MAX_BODY_BYTES = 100 * 1024 * 1024
_TOO_LARGE = {
    "message": "Request Entity Too Large",
    "documentation_url": "https://docs.github.com/rest",
}


class _BadRequest(Exception):
    """The request's framing (Content-Length, chunked encoding) cannot be read."""


class _TooLarge(Exception):
    """The request's body is over ``MAX_BODY_BYTES``."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    hub: Hub

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
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunks()
        values = self.headers.get_all("Content-Length") or []
        if len(set(values)) > 1 or not all(v.strip().isdigit() for v in values):
            raise _BadRequest  # "abc", "-1", "+5", "5_000" and disagreeing duplicates
        digits = values[0].strip().lstrip("0") if values else ""
        if len(digits) > len(str(MAX_BODY_BYTES)):  # before int(): 5,000 digits cannot convert
            raise _TooLarge
        length = int(digits or "0")
        if length > MAX_BODY_BYTES:
            raise _TooLarge
        return self.rfile.read(length) if length else b""

    def _read_chunks(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip() or b"0"
            if not all(c in b"0123456789abcdefABCDEF" for c in line):
                raise _BadRequest
            if len(line.lstrip(b"0")) > 8:  # over 4 GiB in one chunk
                raise _TooLarge
            size = int(line, 16)
            if size == 0:
                while self.rfile.readline(65536) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _TooLarge
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except (_BadRequest, _TooLarge) as exc:
            # The rest of the stream cannot be framed (or is not worth reading): answer, then
            # close, as a front proxy does.
            self.close_connection = True
            status, answer = (
                (413, _TOO_LARGE) if isinstance(exc, _TooLarge) else (400, _BAD_REQUEST)
            )
            self._send(status, {"connection": "close"}, json.dumps(answer).encode(), json_body=True)
            self._linger()
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

    def _linger(self) -> None:
        """Read (and drop) what the client is still sending for a moment before closing, so
        that closing with unread data does not reset the connection before the client has read
        the answer (what web servers call a lingering close)."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            for _ in range(64):  # at most 4 MiB
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


def serve_in_thread(hub: Hub, host: str, port: int) -> _Server:
    server = _Server((host, port), _Handler)
    server.hub = hub
    # A short poll interval so that stop() (and each test's teardown) takes 0.1 s, not 0.5 s.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.1,), name="localhub-http", daemon=True
    )
    thread.start()
    return server
