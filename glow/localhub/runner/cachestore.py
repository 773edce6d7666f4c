"""The caches ``actions/cache`` saves: GitHub's cache service, kept in one directory.

An entry belongs to one repository and to the ref it was saved on (its scope), and it is
immutable: a key is reserved before its archive is written, so of two jobs saving the same key
at once one wins and the other is told the key is taken, as GitHub's service answers. Entries
nobody restored for 7 days are evicted ("GitHub will remove any cache entries that have not
been accessed in over 7 days", docs.github.com/actions/reference/workflows-and-actions/
dependency-caching). The index is a JSON file beside the archives, read and written under an
exclusive file lock, so the runner and the REST API, each with its own ``CacheStore`` on the
same directory, see one state, and a restarted hub finds every entry again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

EVICT_AFTER = timedelta(days=7)


def repo_key(full_name: str, repo_id: int | None = None) -> str:
    """Whose caches: a repository by name and, when the host has one, by id, so a repository
    deleted and created again under the same name does not see the old one's caches."""
    name = full_name.lower()
    return name if repo_id is None else f"{name}#{repo_id}"


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class CacheEntry:
    id: int
    repo: str  # repo_key(...)
    ref: str  # the scope: refs/heads/<branch>, refs/tags/<tag>, refs/pull/<n>/merge
    key: str
    version: str
    created_at: str
    last_accessed_at: str
    size_in_bytes: int = 0
    ready: bool = False  # False while the job that reserved the key writes its archive

    def api_json(self) -> dict[str, Any]:
        """One item of GitHub's ``actions-cache-list``."""
        return {
            "id": self.id,
            "ref": self.ref,
            "key": self.key,
            "version": self.version,
            "last_accessed_at": self.last_accessed_at,
            "created_at": self.created_at,
            "size_in_bytes": self.size_in_bytes,
        }


class CacheStore:
    """Cache entries of every repository, under ``root`` (``index.json`` and ``<id>.tar.gz``)."""

    def __init__(self, root: Path, now: Callable[[], datetime]) -> None:
        self.root = Path(root)
        self.now = now

    # ---- queries ----------------------------------------------------------------------------

    def find(
        self, repo: str, scopes: Sequence[str], keys: Sequence[str], version: str
    ) -> CacheEntry | None:
        """The entry a restore gets, as GitHub matches: in each scope in turn (the run's ref
        first, then the default branch), an exact match of the first key, then the newest
        entry whose key starts with it, then the newest starting with each other key in order.
        Only entries of the same version (the same paths) match. Marks the entry accessed."""
        with self._index() as index:
            ready = [e for e in _entries(index) if e.repo == repo and e.version == version]
            for scope in scopes:
                in_scope = [e for e in ready if e.ref == scope]
                found = next((e for e in in_scope if keys and e.key == keys[0]), None)
                for prefix in keys if found is None else ():
                    found = _newest([e for e in in_scope if e.key.startswith(prefix)])
                    if found is not None:
                        break
                if found is not None:
                    found = replace(found, last_accessed_at=_iso(self.now()))
                    _put(index, found)
                    return found
        return None

    def entries(self, repo: str | None = None) -> list[CacheEntry]:
        """Saved entries (of one repository, or all), oldest first."""
        with self._index() as index:
            return [e for e in _entries(index) if repo is None or e.repo == repo]

    def archive(self, entry: CacheEntry) -> Path:
        return self.root / f"{entry.id}.tar.gz"

    # ---- saving -----------------------------------------------------------------------------

    def reserve(self, repo: str, ref: str, key: str, version: str) -> CacheEntry | None:
        """Claim ``key`` in this scope, or None when an entry (saved or being saved) has it."""
        with self._index() as index:
            for entry in _entries(index, ready_only=False):
                if (entry.repo, entry.ref, entry.key, entry.version) == (repo, ref, key, version):
                    return None
            index["seq"] = int(index.get("seq", 0)) + 1
            now = _iso(self.now())
            entry = CacheEntry(int(index["seq"]), repo, ref, key, version, now, now)
            _put(index, entry)
            return entry

    def staging(self) -> Path:
        """A fresh path to write an archive at before ``commit`` moves it into place."""
        directory = self.root / "staging"
        directory.mkdir(parents=True, exist_ok=True)
        return directory / f"{uuid.uuid4().hex}.tar.gz"

    def commit(self, entry: CacheEntry, archive: Path) -> CacheEntry:
        """Make a reserved entry restorable with the archive written at ``archive``."""
        saved = replace(entry, size_in_bytes=archive.stat().st_size, ready=True)
        with self._index() as index:
            os.replace(archive, self.archive(entry))
            _put(index, saved)
        return saved

    def abandon(self, entry: CacheEntry, archive: Path | None = None) -> None:
        """Give a reservation up (the save failed): the key is free again."""
        with self._index() as index:
            index["entries"].pop(str(entry.id), None)
        if archive is not None:
            archive.unlink(missing_ok=True)

    def delete(
        self,
        repo: str,
        *,
        key: str | None = None,
        ref: str | None = None,
        cache_id: int | None = None,
    ) -> list[CacheEntry]:
        """Delete the saved entries of ``repo`` matching every criterion given; returns them."""
        with self._index() as index:
            gone = [
                e
                for e in _entries(index)
                if e.repo == repo
                and (key is None or e.key == key)
                and (ref is None or e.ref == ref)
                and (cache_id is None or e.id == cache_id)
            ]
            for entry in gone:
                index["entries"].pop(str(entry.id), None)
                self.archive(entry).unlink(missing_ok=True)
        return gone

    # ---- the index --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _index(self) -> Iterator[dict[str, Any]]:
        """The index, locked against every other thread and process, written back after."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "index.json"
        with open(self.root / "index.lock", "a+", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            index: dict[str, Any] = (
                json.loads(path.read_text(encoding="utf-8"))
                if path.exists()
                else {"seq": 0, "entries": {}}
            )
            before = json.dumps(index, sort_keys=True)
            self._evict(index)
            yield index
            text = json.dumps(index, sort_keys=True)
            if text != before:
                temporary = path.with_suffix(".tmp")
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, path)

    def _evict(self, index: dict[str, Any]) -> None:
        oldest = self.now() - EVICT_AFTER
        for entry in _entries(index):
            if datetime.fromisoformat(entry.last_accessed_at) < oldest:
                index["entries"].pop(str(entry.id), None)
                self.archive(entry).unlink(missing_ok=True)


def _entries(index: dict[str, Any], *, ready_only: bool = True) -> list[CacheEntry]:
    found = [CacheEntry(**raw) for raw in index["entries"].values()]
    return sorted((e for e in found if e.ready or not ready_only), key=lambda e: e.id)


def _put(index: dict[str, Any], entry: CacheEntry) -> None:
    index["entries"][str(entry.id)] = asdict(entry)


def _newest(entries: list[CacheEntry]) -> CacheEntry | None:
    return max(entries, key=lambda e: (e.created_at, e.id), default=None)
