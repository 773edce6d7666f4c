"""The local GitHub's state: accounts, repositories, issues, tokens; one lock, one JSON file.

Everything lives in plain dicts so that it persists as one JSON document in the data directory
(git objects live beside it in real bare repositories). A rehearsal can stop and resume: the
file is flushed shortly after every change and on shutdown.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

STATE_VERSION = 1

DEFAULT_CONFIG: dict[str, Any] = {
    # GitHub documents about 80 content-creating requests a minute and 500 an hour.
    "content_creation_per_minute": 80,
    "content_creation_per_hour": 500,
    # POST /generate answers 201 before the files are copied; callers must poll.
    "template_delay_seconds": 0.5,
    "primary_limit_per_hour": 5000,
    "job_token_limit_per_hour": 1000,
    # GitHub computes a pull request's mergeability in the background: the first GET after
    # the PR is opened or its head or base moves answers ``mergeable: null`` and starts the
    # job; a GET at least this many seconds (of the hub's clock) later has the answer.
    "mergeability_delay_seconds": 0,
    # GET /search/issues: 30 requests a minute per identity (10 without a token, fixed), and
    # the index's lag: a new or changed issue is searchable this many seconds (of the hub's
    # clock) after the change, as GitHub's index trails its issues (``searchindex.py``).
    "search_limit_per_minute": 30,
    "search_lag_seconds": 5,
}


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """All state, guarded by one re-entrant lock (``with store.lock:``)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.git_root = data_dir / "git"
        self.git_root.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._path = data_dir / "state.json"
        self._dirty = False
        self.data: dict[str, Any] = self._load()

    # -- persistence -------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self._path.exists():
            data = json.loads(self._path.read_text(encoding="utf-8"))
            data.setdefault("config", {})
            for key, value in DEFAULT_CONFIG.items():
                data["config"].setdefault(key, value)
            loaded: dict[str, Any] = data
            return loaded
        return {
            "version": STATE_VERSION,
            "seq": 1000,
            "clock_offset": 0.0,
            "config": dict(DEFAULT_CONFIG),
            "accounts": {},
            "repos": {},
            "tokens": {},
            "apps": {},
            "installations": {},
            "invitations": {},
            "runs": {},
            "secrets": {},
        }

    def mark_dirty(self) -> None:
        self._dirty = True

    def flush(self) -> None:
        with self.lock:
            if not self._dirty:
                return
            text = json.dumps(self.data, separators=(",", ":"))
            self._dirty = False
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self._path)

    # -- identity and time -------------------------------------------------------------------
    def next_id(self) -> int:
        with self.lock:
            self.data["seq"] += 1
            self.mark_dirty()
            return int(self.data["seq"])

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=float(self.data["clock_offset"]))

    def now_iso(self) -> str:
        return iso(self.now())

    def epoch(self) -> float:
        return time.time() + float(self.data["clock_offset"])

    def advance_clock(self, seconds: float) -> tuple[datetime, datetime]:
        with self.lock:
            before = self.now()
            self.data["clock_offset"] = float(self.data["clock_offset"]) + seconds
            self.mark_dirty()
            return before, self.now()

    @property
    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.data["config"]
        return config

    # -- lookups -----------------------------------------------------------------------------
    def account(self, login: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.data["accounts"].get(login.lower())
        return found

    def repo(self, owner: str, name: str) -> dict[str, Any] | None:
        found: dict[str, Any] | None = self.data["repos"].get(f"{owner}/{name}".lower())
        return found

    def repo_by_id(self, repo_id: int) -> dict[str, Any] | None:
        return next((r for r in self.data["repos"].values() if r["id"] == repo_id), None)

    def repos_of(self, owner: str) -> list[dict[str, Any]]:
        prefix = owner.lower() + "/"
        return [r for key, r in self.data["repos"].items() if key.startswith(prefix)]

    def git_dir(self, repo: dict[str, Any]) -> Path:
        return self.git_root / str(repo["id"])


class FlushThread(threading.Thread):
    """Writes the state file shortly after changes, so a crash loses at most a moment."""

    def __init__(self, store: Store, interval: float = 0.5) -> None:
        super().__init__(name="localhub-flush", daemon=True)
        self.store = store
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            with contextlib.suppress(OSError):
                self.store.flush()

    def stop(self) -> None:
        self.stopping.set()
        self.store.flush()
