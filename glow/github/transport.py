"""An HTTP transport whose timeout is a total deadline per request, and that fires.

Two faults made a request wait for ever: githubkit's caching transport (hishel) rebuilds each
request without httpx's ``timeout`` extension, so no socket operation had a timeout at all; and
httpx's timeouts are per phase and per read, so an answer trickling in a byte at a time never
times out. Here every socket operation (connect, TLS, each write and each read) waits at most
what is left of the request's deadline, which is set when the request starts, whatever layers
sit above this transport. A stalled GitHub then costs a job ``GLOW_REQUEST_TIMEOUT`` seconds,
not the job's whole timeout (and, for provisioning, its organisation-wide concurrency group).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import httpcore
import httpx

from glow.errors import ConfigError

TIMEOUT_VARIABLE = "GLOW_REQUEST_TIMEOUT"
DEFAULT_TIMEOUT_S = 30.0

_deadline = threading.local()  # httpx's sync client does its I/O on the calling thread


def request_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds one request may take in all, from GLOW_REQUEST_TIMEOUT (default 30)."""
    env = os.environ if environ is None else environ
    raw = env.get(TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 3600:
        raise ConfigError(
            f"{TIMEOUT_VARIABLE} must be a number of seconds from 0.1 to 3600 (default 30), "
            f"got {raw!r}."
        )
    return seconds


def proxy_for(url: str) -> str | None:
    """The proxy the environment names for ``url``, or None (none set, NO_PROXY matches, or
    the local GitHub on this machine)."""
    import urllib.request
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host or host in ("127.0.0.1", "localhost", "::1"):
        return None
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if not proxy or bypass(host, proxies):
        return None
    return proxy


def _left(timeout: float | None) -> float | None:
    """The smaller of a phase's own timeout and what is left of the request's deadline."""
    deadline: float | None = getattr(_deadline, "at", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        return 0.0  # the socket operation times out at once
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(timeout), local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _left(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _Body(httpx.SyncByteStream):
    """The answer's body, read under the same deadline; the deadline ends with the body."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float) -> None:
        self._inner = inner
        self._at = deadline

    def __iter__(self) -> Iterator[bytes]:
        previous = getattr(_deadline, "at", None)
        _deadline.at = self._at
        try:
            yield from self._inner
        finally:
            _deadline.at = previous

    def close(self) -> None:
        self._inner.close()


def _timeouts(seconds: float) -> dict[str, float]:
    return {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}


class DeadlineTransport(httpx.BaseTransport):
    """Every request through it finishes, or fails with an httpx timeout, within ``seconds``.

    ``inner`` is for tests and rehearsals (an in-process transport); it then gets the deadline
    as httpx's per-phase timeout extension only, since it has no sockets to bound. Otherwise the
    connection goes to ``api_url`` directly, or through the proxy the environment names for it
    (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, as httpx and pip read them): httpx leaves
    the environment's proxies out once a transport is given, so this one honours them itself.
    """

    def __init__(
        self, seconds: float, inner: httpx.BaseTransport | None = None, *, api_url: str = ""
    ) -> None:
        self.seconds = seconds
        if inner is None:
            inner = httpx.HTTPTransport(proxy=proxy_for(api_url))
            # Every socket operation of the pool (direct or through the proxy) is bounded by
            # the request's deadline: the pool makes its connections through this backend.
            pool = getattr(inner, "_pool", None)
            if pool is not None and hasattr(pool, "_network_backend"):
                pool._network_backend = _Backend(pool._network_backend)
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.seconds
        request.extensions = {**request.extensions, "timeout": _timeouts(self.seconds)}
        previous = getattr(_deadline, "at", None)
        _deadline.at = deadline
        try:
            response = self._inner.handle_request(request)
        finally:
            _deadline.at = previous
        if isinstance(response.stream, httpx.SyncByteStream):
            response.stream = _Body(response.stream, deadline)
        return response

    def close(self) -> None:
        self._inner.close()
