"""Real git repositories behind the REST API: plumbing commands on bare repositories.

The REST endpoints (contents, git data, branches, commits, merges) and smart HTTP share the same
bare repository, so a ``git push`` is seen by the API and an API write is seen by ``git clone``.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
SHA_RE = re.compile(r"[0-9a-f]{40}")
_HEX_RE = re.compile(r"[0-9a-fA-F]{4,40}")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# git check-ref-format: no control characters, space, ~ ^ : ? * [ or backslash anywhere.
_BAD_REF_RE = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


class GitFailure(Exception):
    """A git command failed; the message is git's own."""


@dataclass(frozen=True)
class Identity:
    name: str
    email: str
    date: str  # ISO 8601, from the hub's clock


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str
    sha: str
    path: str
    size: int | None = None


def is_sha(value: object) -> bool:
    """A full, lower-case object name, as GitHub's git data API requires."""
    return isinstance(value, str) and SHA_RE.fullmatch(value) is not None


def valid_ref_name(name: str) -> bool:
    """``git check-ref-format --allow-onelevel``, plus no leading ``-`` (never an option)."""
    if not name or name == "@" or name.startswith(("-", "/")) or name.endswith(("/", ".")):
        return False
    if ".." in name or "@{" in name or "//" in name or _BAD_REF_RE.search(name):
        return False
    return not any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))


def valid_path(path: str) -> bool:
    """A path GitHub would store: non-empty components, none ``.``, ``..`` or ``.git``, and no
    NUL, newline or other control character."""
    if not path or _CONTROL_RE.search(path):
        return False
    return all(part not in ("", ".", "..") and part.lower() != ".git" for part in path.split("/"))


def safe_rev(rev: str) -> bool:
    """A revision that may reach git's command line: a ref name or a (short) hex object name."""
    return valid_ref_name(rev) or _HEX_RE.fullmatch(rev) is not None


def _env(git_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {
        "GIT_DIR": str(git_dir),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(git_dir),
        "GIT_CONFIG_NOSYSTEM": "1",
        "LANG": "C",
    }
    if extra:
        env.update(extra)
    return env


def git(
    git_dir: Path,
    *args: str,
    data: bytes | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(
        ["git", *args], input=data, capture_output=True, env=_env(git_dir, env), check=False
    )
    if check and proc.returncode != 0:
        raise GitFailure(proc.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return proc


def out(git_dir: Path, *args: str) -> str:
    return git(git_dir, *args).stdout.decode().strip()


def init_bare(git_dir: Path, default_branch: str) -> None:
    git_dir.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["git", "init", "--bare", "-q", f"--initial-branch={default_branch}", str(git_dir)],
        check=True,
        capture_output=True,
    )
    git(git_dir, "config", "http.receivepack", "true")
    git(git_dir, "config", "uploadpack.allowAnySHA1InWant", "true")


def rev_parse(git_dir: Path, rev: str) -> str | None:
    if not rev or rev.startswith("-") or _CONTROL_RE.search(rev):
        return None  # never a command-line option, never a NUL byte in argv
    proc = git(git_dir, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def object_type(git_dir: Path, sha: str) -> str | None:
    if not is_sha(sha):
        return None
    proc = git(git_dir, "cat-file", "-t", sha, check=False)
    return proc.stdout.decode().strip() if proc.returncode == 0 else None


def refs(git_dir: Path, prefix: str = "refs/") -> dict[str, str]:
    text = out(git_dir, "for-each-ref", "--format=%(refname) %(objectname)", prefix)
    return dict(line.split(" ", 1) for line in text.splitlines() if line)


def branches(git_dir: Path) -> dict[str, str]:
    return {
        name.removeprefix("refs/heads/"): sha for name, sha in refs(git_dir, "refs/heads/").items()
    }


def update_ref(git_dir: Path, ref: str, new: str, old: str | None = None) -> None:
    args = ["update-ref", ref, new]
    if old is not None:
        args.append(old)
    git(git_dir, *args)


def delete_ref(git_dir: Path, ref: str) -> None:
    git(git_dir, "update-ref", "-d", ref)


def entry_at(git_dir: Path, commit: str, path: str) -> TreeEntry | None:
    """The tree entry at ``path`` in ``commit`` (``""`` is the root tree)."""
    if not path:
        tree = out(git_dir, "rev-parse", f"{commit}^{{tree}}")
        return TreeEntry("040000", "tree", tree, "")
    proc = git(git_dir, "ls-tree", "-z", "-l", "--full-tree", commit, "--", path, check=False)
    records = _tree_records(proc.stdout)
    if proc.returncode != 0 or not records:
        return None
    return records[0]


def _tree_records(raw: bytes) -> list[TreeEntry]:
    # -z output: names are raw bytes, never C-quoted (a tab or a non-ASCII name stays itself)
    entries = []
    for record in raw.decode(errors="replace").split("\0"):
        if not record:
            continue
        meta, name = record.split("\t", 1)
        mode, kind, sha, size = meta.split()
        entries.append(TreeEntry(mode, kind, sha, name, None if size == "-" else int(size)))
    return entries


def list_tree(git_dir: Path, treeish: str, *, recursive: bool = False) -> list[TreeEntry]:
    args = ["ls-tree", "-z", "-l", "--full-tree"] + (["-r", "-t"] if recursive else []) + [treeish]
    return _tree_records(git(git_dir, *args).stdout)


def read_blob(git_dir: Path, sha: str) -> bytes:
    return git(git_dir, "cat-file", "blob", sha).stdout


def hash_blob(git_dir: Path, data: bytes) -> str:
    return git(git_dir, "hash-object", "-w", "--stdin", data=data).stdout.decode().strip()


def build_tree(
    git_dir: Path, base_tree: str | None, changes: dict[str, tuple[str, str] | None]
) -> str:
    """A new tree from ``base_tree`` with ``path -> (mode, blob sha)`` set, or removed for None."""
    with tempfile.TemporaryDirectory(prefix="localhub-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git(git_dir, "read-tree", base_tree or EMPTY_TREE, env=env) if base_tree else git(
            git_dir, "read-tree", "--empty", env=env
        )
        lines = []
        for path, change in changes.items():
            if change is None:
                lines.append(f"0 {'0' * 40}\t{path}")
            else:
                mode, sha = change
                lines.append(f"{mode} {sha}\t{path}")
        if lines:
            git(
                git_dir,
                "update-index",
                "--index-info",
                data=("\n".join(lines) + "\n").encode(),
                env=env,
            )
        return git(git_dir, "write-tree", env=env).stdout.decode().strip()


def commit_tree(
    git_dir: Path,
    tree: str,
    parents: list[str],
    message: str,
    author: Identity,
    committer: Identity | None = None,
) -> str:
    committer = committer or author
    args = ["commit-tree", tree]
    for parent in parents:
        args += ["-p", parent]
    env = {
        "GIT_AUTHOR_NAME": author.name,
        "GIT_AUTHOR_EMAIL": author.email,
        "GIT_AUTHOR_DATE": author.date,
        "GIT_COMMITTER_NAME": committer.name,
        "GIT_COMMITTER_EMAIL": committer.email,
        "GIT_COMMITTER_DATE": committer.date,
    }
    return git(git_dir, *args, data=message.encode(), env=env).stdout.decode().strip()


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    author: Identity
    committer: Identity
    message: str


def _identity(line: str) -> Identity:
    # "Name <email> 1700000000 +0000"
    name, rest = line.split(" <", 1)
    email, stamp = rest.split("> ", 1)
    seconds = int(stamp.split()[0])
    from datetime import UTC, datetime

    return Identity(
        name, email, datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def read_commit(git_dir: Path, sha: str) -> CommitInfo | None:
    if object_type(git_dir, sha) != "commit":
        return None
    raw = git(git_dir, "cat-file", "commit", sha).stdout.decode(errors="replace")
    header, _, message = raw.partition("\n\n")
    tree, parents, author, committer = "", [], None, None
    for line in header.splitlines():
        key, _, value = line.partition(" ")
        if key == "tree":
            tree = value
        elif key == "parent":
            parents.append(value)
        elif key == "author":
            author = _identity(value)
        elif key == "committer":
            committer = _identity(value)
    assert author and committer
    return CommitInfo(sha, tree, parents, author, committer, message)


def log(
    git_dir: Path,
    rev: str,
    *,
    path: str | None = None,
    limit: int = 1000,
    exclude: tuple[str, ...] = (),
) -> list[str]:
    """Commits reachable from ``rev`` but not from any of ``exclude``, newest first."""
    args = ["rev-list", f"--max-count={limit}", rev, *(f"^{sha}" for sha in exclude)]
    if path:
        args += ["--", path]
    return out(git_dir, *args).splitlines()


def merge_base(git_dir: Path, a: str, b: str) -> str | None:
    proc = git(git_dir, "merge-base", a, b, check=False)
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def merge_trees(git_dir: Path, base: str, head: str) -> str | None:
    """The merged tree of two commits, or None on a conflict (git merge-tree --write-tree)."""
    proc = git(git_dir, "merge-tree", "--write-tree", base, head, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode().splitlines()[0].strip()


def _z_fields(proc: subprocess.CompletedProcess[bytes]) -> list[str]:
    return [f for f in proc.stdout.decode(errors="replace").split("\0") if f]


@dataclass(frozen=True)
class FileChange:
    status: str  # added, removed, modified, renamed
    filename: str
    additions: int
    deletions: int
    sha: str


def file_patch(git_dir: Path, base: str, head: str, path: str) -> str | None:
    """One file's unified diff from its first ``@@`` hunk on, as GitHub's ``patch`` field has
    it (no ``diff --git`` header); None for a binary file or no textual change."""
    out = git(git_dir, "diff", "--no-color", base, head, "--", path).stdout.decode(errors="replace")
    at = out.find("\n@@")
    if at < 0:
        return None
    return out[at + 1 :].rstrip("\n")


def diff_files(git_dir: Path, base: str, head: str) -> list[FileChange]:
    statuses = {}
    # -z: file names come raw, not C-quoted
    fields = _z_fields(git(git_dir, "diff", "-z", "--name-status", "--no-renames", base, head))
    for code, name in zip(fields[::2], fields[1::2], strict=False):
        statuses[name] = {"A": "added", "D": "removed"}.get(code[0], "modified")
    changes = []
    for line in _z_fields(git(git_dir, "diff", "-z", "--numstat", "--no-renames", base, head)):
        added, deleted, name = line.split("\t", 2)
        entry = entry_at(git_dir, head, name)
        changes.append(
            FileChange(
                statuses.get(name, "modified"),
                name,
                int(added) if added != "-" else 0,
                int(deleted) if deleted != "-" else 0,
                entry.sha if entry else "0" * 40,
            )
        )
    return changes


def fetch_all(git_dir: Path, source: Path) -> None:
    """Copy every object reachable from ``source``'s branches (template generation)."""
    git(git_dir, "fetch", "-q", "--no-tags", str(source), "+refs/heads/*:refs/glow-template/*")


def archive(git_dir: Path, commit: str, prefix: str, fmt: str) -> bytes:
    """``commit``'s tree as ``git archive`` writes it (``tar`` or ``zip``), every path under
    ``prefix`` (which ends in ``/``). A commit id gives the tar a pax header naming it, as
    GitHub's archives carry; ``export-ignore`` attributes are honoured, as on GitHub."""
    return git(git_dir, "archive", f"--format={fmt}", f"--prefix={prefix}", commit).stdout
