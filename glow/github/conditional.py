"""Conditional requests kept between runs: a scheduled command asks GitHub "has this changed
since my last run?" instead of reading it again.

GitHub answers a GET that carries ``If-None-Match: <the ETag it sent last time>`` with
``304 Not Modified`` and no body when nothing changed, and a 304 made with an Authorization
header does not count against the primary rate limit (docs.github.com, "Best practices for
using the REST API", conditional requests). A healthy cohort changes little between two runs of
the dashboard or the watchdog, so most of their per-learner reads become free 304s.

``GLOW_HTTP_CACHE`` names a file: the ETags and bodies of the GET answers a command received.
It is loaded when the first client is made and saved when the process ends, keeping only what
this run asked for (so it never grows beyond one run's reads). The admin repository's workflows
keep that file between runs with ``actions/cache``; it holds private data (roster, rooms), so
it is only ever used in the private admin repository, never in the public workshop repository
(a fork's pull request may read a public repository's caches).

The cache is keyed by the URL and ``Accept`` header, not by the token: every run has a new
token, and GitHub checks each conditional request against the token that sends it (a token that
may not read the resource gets its 404 or 403, never our stored body).
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

import httpx

from glow.errors import ConfigError

CACHE_VARIABLE = "GLOW_HTTP_CACHE"
NOT_MODIFIED_HEADER = "x-glow-not-modified"
KEPT_HEADERS = ("content-type", "link", "etag")
MAX_BODY_BYTES = 4 * 1024 * 1024  # larger answers are not kept
FORMAT = 1


class ConditionalCache:
    """ETags and bodies of GET answers, by URL and Accept header; thread-safe."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = {}
        self._used: set[str] = set()
        self._changed = False
        self.not_modified = 0
        self.stored = 0
        if path is not None:
            self._entries = _load(path)

    def lookup(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._used.add(key)
            return entry

    def hit(self, key: str) -> None:
        with self._lock:
            self.not_modified += 1
            self._used.add(key)

    def store(self, key: str, etag: str, headers: dict[str, str], body: bytes) -> None:
        if len(body) > MAX_BODY_BYTES:
            return
        entry = {"etag": etag, "headers": headers, "body": base64.b64encode(body).decode()}
        with self._lock:
            self._used.add(key)
            if self._entries.get(key) != entry:
                self._entries[key] = entry
                self._changed = True
                self.stored += 1

    def save(self) -> bool:
        """Write the file (only this run's entries) when anything changed; True when written."""
        if self.path is None:
            return False
        with self._lock:
            kept = {k: v for k, v in self._entries.items() if k in self._used}
            if not self._changed and len(kept) == len(self._entries):
                return False
            data = json.dumps({"format": FORMAT, "entries": kept}, separators=(",", ":"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(data, encoding="utf-8")
        os.replace(partial, self.path)
        return True


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The entries of a cache file; a missing, unreadable or foreign file is an empty cache
    (the run then reads everything, as without a cache)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        print(f"glow: ignoring the HTTP cache {path}: {exc}", file=sys.stderr)
        return {}
    entries = raw.get("entries") if isinstance(raw, dict) and raw.get("format") == FORMAT else None
    if not isinstance(entries, dict):
        return {}
    return {
        str(k): v
        for k, v in entries.items()
        if isinstance(v, dict)
        and isinstance(v.get("etag"), str)
        and isinstance(v.get("body"), str)
        and isinstance(v.get("headers"), dict)
    }


def cache_key(request: httpx.Request) -> str:
    return f"{request.headers.get('accept', '')} {request.url}"


class ConditionalTransport(httpx.BaseTransport):
    """Sends a GET with the ETag of its last answer; a 304 comes back to the client as that
    answer (status 200, marked with ``x-glow-not-modified``), with GitHub's current rate-limit
    headers."""

    def __init__(self, inner: httpx.BaseTransport, cache: ConditionalCache) -> None:
        self._inner = inner
        self.cache = cache

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            return self._inner.handle_request(request)
        key = cache_key(request)
        entry = self.cache.lookup(key)
        if entry is not None and "if-none-match" not in request.headers:
            request.headers["If-None-Match"] = entry["etag"]
        response = self._inner.handle_request(request)
        if response.status_code == 304 and entry is not None:
            response.close()
            self.cache.hit(key)
            headers = {
                **{k: v for k, v in response.headers.items() if k.lower().startswith("x-")},
                **entry["headers"],
                NOT_MODIFIED_HEADER: "true",
            }
            return httpx.Response(
                200,
                headers=headers,
                content=base64.b64decode(entry["body"]),
                request=request,
                extensions=response.extensions,
            )
        etag = response.headers.get("etag")
        if response.status_code == 200 and etag:
            body = response.read()
            kept = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
            self.cache.store(key, etag, kept, body)
        return response

    def close(self) -> None:
        self._inner.close()


_shared: dict[str, ConditionalCache] = {}
_shared_lock = threading.Lock()


def shared_cache(environ: dict[str, str] | None = None) -> ConditionalCache | None:
    """The process's cache for the file ``GLOW_HTTP_CACHE`` names (saved when the process
    ends), or None when it names none."""
    env = os.environ if environ is None else environ
    raw = env.get(CACHE_VARIABLE, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if path.is_dir():
        raise ConfigError(f"{CACHE_VARIABLE} must name a file, not a folder: {raw!r}.")
    with _shared_lock:
        cache = _shared.get(str(path))
        if cache is None:
            cache = _shared[str(path)] = ConditionalCache(path)
            atexit.register(_save_quietly, cache)
        return cache


def _save_quietly(cache: ConditionalCache) -> None:
    try:
        cache.save()
    except OSError as exc:  # the next run reads everything afresh: never fail a run for it
        print(f"glow: could not save the HTTP cache {cache.path}: {exc}", file=sys.stderr)
