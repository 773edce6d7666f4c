"""``actions/cache``: restore at the step, save in a post step when the job succeeds.

What the action (v4) does, reproduced so a workflow behaves here as on GitHub:

- the step looks the cache up (``CacheStore.find``: the exact ``key``, then ``key`` and each
  of ``restore-keys`` as prefixes, newest first, in the run's ref and then the default
  branch's), extracts it into place and sets ``cache-hit`` to ``'true'`` on an exact match and
  ``'false'`` on a prefix match; on a miss the output is not set at all (actions/cache
  restoreImpl.ts: "`cache-hit` is intentionally not set to `false` here", issue #1466);
- its post step (``post-if: success()``) saves the paths under ``key`` unless the key was an
  exact hit; a key is never overwritten: "Unable to reserve cache with key ..., another job may
  be creating this cache", logged, not failed, as every save problem is a warning on GitHub.

Paths are newline-separated globs (``!`` excludes), ``~`` is the steps' ``HOME``, relative paths
are from the workspace, as ``@actions/glob`` resolves them. The archive is a gzipped tar of the
paths relative to the workspace (``..`` for those outside it), as the toolkit's tar is.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from glow.localhub.runner.cachestore import CacheEntry, CacheStore, repo_key
from glow.localhub.runner.context import JobContext, PostStep
from glow.localhub.runner.host import RepoIdHost
from glow.localhub.runner.model import StepOutcome

MAX_KEYS = 10  # the primary key and up to nine restore keys
MAX_KEY_LENGTH = 512
# getCacheVersion in @actions/cache: the path inputs, the compression (zstd on GitHub's
# ubuntu runners) and a salt, so a cache saved with other paths never matches.
VERSION_SUFFIX = ("zstd-without-long", "1.0")


@dataclass(frozen=True)
class CacheRequest:
    paths: list[str]
    key: str
    restore_keys: list[str]
    lookup_only: bool
    fail_on_cache_miss: bool

    @property
    def version(self) -> str:
        return cache_version(self.paths)


def input_list(text: str) -> list[str]:
    """``getInputAsArray``: one item a line, trimmed, ``! x`` read as ``!x``, blanks dropped."""
    items = [line.strip() for line in text.split("\n")]
    return [("!" + item[1:].lstrip()) if item.startswith("!") else item for item in items if item]


def cache_version(paths: list[str]) -> str:
    return hashlib.sha256("|".join([*paths, *VERSION_SUFFIX]).encode()).hexdigest()


def parse_request(with_: dict[str, str]) -> CacheRequest:
    return CacheRequest(
        paths=input_list(with_.get("path", "")),
        key=with_.get("key", "").strip(),
        restore_keys=input_list(with_.get("restore-keys", "")),
        lookup_only=with_.get("lookup-only", "").strip().lower() == "true",
        fail_on_cache_miss=with_.get("fail-on-cache-miss", "").strip().lower() == "true",
    )


def key_problem(request: CacheRequest) -> str | None:
    """What the action refuses, with its messages: a required input that is empty once
    evaluated (``core.getInput(..., {required: true})``), then the toolkit's key checks."""
    for name, value in (("key", request.key), ("path", request.paths)):
        if not value:
            return f"Input required and not supplied: {name}"
    keys = [request.key, *request.restore_keys]
    if len(keys) > MAX_KEYS:
        return f"Key Validation Error: Keys are limited to a maximum of {MAX_KEYS}."
    for key in keys:
        if len(key) > MAX_KEY_LENGTH:
            return f"Key Validation Error: {key} cannot be larger than {MAX_KEY_LENGTH} characters."
        if "," in key:
            return f"Key Validation Error: {key} cannot contain commas."
    return None


def restore_scopes(jc: JobContext) -> list[str]:
    """Where a run may restore from: its own ref, a pull request's base branch, the default
    branch; never another repository."""
    run = jc.rc.run
    base = jc.rc.github()["base_ref"]
    scopes = [run.ref, f"refs/heads/{base}" if base else ""]
    scopes.append(f"refs/heads/{jc.rc.host.default_branch(run.repo)}")
    return list(dict.fromkeys(scope for scope in scopes if scope))


def owner_key(jc: JobContext) -> str:
    host, repo = jc.rc.host, jc.rc.run.repo
    return repo_key(repo, host.repo_id(repo) if isinstance(host, RepoIdHost) else None)


def restore(jc: JobContext, with_: dict[str, str], name: str) -> StepOutcome:
    """The step: look up, extract, set ``cache-hit``; register the post step that saves."""
    store = jc.rc.caches
    if store is None:
        jc.log.write("##[error]this runner keeps no caches (it was started without a store)")
        return StepOutcome(False)
    request = parse_request(with_)
    problem = key_problem(request)
    if problem is not None:
        jc.log.write(f"##[error]{problem}")
        return StepOutcome(False)
    found = store.find(
        owner_key(jc), restore_scopes(jc), [request.key, *request.restore_keys], request.version
    )
    if found is not None and not request.lookup_only and not _extract(jc, store, found):
        found = None
    # isExactKeyMatch compares with localeCompare(..., {sensitivity: "accent"}): case aside.
    exact = found is not None and found.key.casefold() == request.key.casefold()
    jc.post_steps.append(PostStep(name, lambda: save(jc, store, request, exact)))
    if found is None:
        keys = ", ".join([request.key, *request.restore_keys])
        if request.fail_on_cache_miss:
            jc.log.write(
                "##[error]Failed to restore cache entry. Exiting as fail-on-cache-miss is set. "
                f"Input key: {request.key}"
            )
            return StepOutcome(False)
        jc.log.write(f"Cache not found for input keys: {keys}")
        return StepOutcome(True)
    if request.lookup_only:
        jc.log.write(f"Cache found and can be restored from key: {found.key}")
    else:
        jc.log.write(f"Cache restored from key: {found.key}")
    return StepOutcome(True, {"cache-hit": "true" if exact else "false"})


def save(jc: JobContext, store: CacheStore, request: CacheRequest, exact: bool) -> None:
    """The post step: save unless the key was hit; a taken key is skipped, never replaced."""
    jc.log.write("Post job cleanup.")
    if exact:
        jc.log.write(f"Cache hit occurred on the primary key {request.key}, not saving cache.")
        return
    files = resolve_paths(request.paths, jc.workspace, _home(jc))
    if not files:
        jc.log.write(
            "##[warning]Path Validation Error: Path(s) specified in the action for caching "
            "do(es) not exist, hence no cache is being saved."
        )
        return
    ref, version = jc.rc.run.ref, request.version
    entry = store.reserve(owner_key(jc), ref, request.key, version)
    if entry is None:
        jc.log.write(
            f"Failed to save: Unable to reserve cache with key {request.key}, another job may "
            f"be creating this cache. More details: Cache already exists. Scope: {ref}, "
            f"Key: {request.key}, Version: {version}"
        )
        return
    archive = store.staging()
    try:
        _write_archive(files, jc.workspace, archive)
        saved = store.commit(entry, archive)
    except (OSError, tarfile.TarError) as exc:
        store.abandon(entry, archive)
        jc.log.write(f"##[warning]Failed to save: {exc}")
        return
    jc.log.write(_size_line(saved))
    jc.log.write(f"Cache saved with key: {request.key}")


def resolve_paths(patterns: list[str], workspace: Path, home: Path) -> list[Path]:
    """Every file, directory and link the patterns name, directories with all they hold,
    less what a ``!`` pattern names; sorted, so the archive is the same for the same files."""
    included: set[Path] = set()
    excluded: set[Path] = set()
    for pattern in patterns:
        negated = pattern.startswith("!")
        text = pattern[1:] if negated else pattern
        if text == "~" or text.startswith("~/"):
            text = str(home) + text[1:]
        full = os.path.join(workspace, text)  # an absolute path stays itself
        for match in glob.glob(full, recursive=True, include_hidden=True):
            (excluded if negated else included).add(Path(os.path.normpath(match)))
    found: set[Path] = set()
    for path in included:
        found.add(path)
        if path.is_dir() and not path.is_symlink():
            for root, dirs, files in os.walk(path):
                found.update(Path(root) / name for name in [*dirs, *files])
    return sorted(p for p in found if not any(p == x or x in p.parents for x in excluded))


def _home(jc: JobContext) -> Path:
    home = jc.process_env(jc.env, {}).get("HOME")
    return Path(home) if home else Path.home()


def _write_archive(files: list[Path], workspace: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        for path in files:
            tar.add(path, arcname=os.path.relpath(path, workspace), recursive=False)


def _extract(jc: JobContext, store: CacheStore, entry: CacheEntry) -> bool:
    """Unpack an entry where its paths were (relative to the workspace); a failure is a
    warning and a miss, as in the toolkit's restoreCache."""
    jc.log.write(_size_line(entry))
    try:
        with tarfile.open(store.archive(entry), "r:gz") as tar:
            for member in tar:
                _extract_member(tar, member, Path(os.path.normpath(jc.workspace / member.name)))
    except (OSError, tarfile.TarError) as exc:
        jc.log.write(f"##[warning]Failed to restore: {exc}")
        return False
    return True


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    """One member, overwriting what is there (as ``tar -x`` does). Our own archives only: the
    names may lead outside the workspace on purpose (``~/...``, absolute paths)."""
    if member.isdir():
        target.mkdir(parents=True, exist_ok=True)
        return
    if not (member.isfile() or member.issym()):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    if member.issym():
        target.symlink_to(member.linkname)
        return
    source = tar.extractfile(member)
    if source is None:
        return
    with source, open(target, "wb") as handle:
        shutil.copyfileobj(source, handle)
    target.chmod(member.mode & 0o777)


def _size_line(entry: CacheEntry) -> str:
    size = entry.size_in_bytes
    return f"Cache Size: ~{round(size / (1024 * 1024))} MB ({size} B)"
