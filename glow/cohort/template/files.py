"""The two sides of a template sync, read: the folder's files (text only) and the template
repository's default branch (path -> git blob sha)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.cohort.template.copy import NO_TEMPLATE, NOT_A_FOLDER, NOT_TEXT, TRUNCATED

if TYPE_CHECKING:
    from glow.github import Repo

SKIPPED_NAMES = frozenset({"__pycache__", ".DS_Store", ".git"})


def read_source(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative POSIX path -> text); GlowError naming a file
    that is not UTF-8 text."""
    from glow.errors import ConfigError, GlowError

    if not folder.is_dir():
        raise ConfigError(NOT_A_FOLDER.format(folder=folder))
    texts = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or SKIPPED_NAMES & set(relative.parts):
            continue
        try:
            texts[relative.as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise GlowError(NOT_TEXT.format(path=path)) from None
    return texts


def template_files(repo: Repo) -> tuple[str, dict[str, str]]:
    """The default branch and its files (path -> blob sha); GlowError when unreadable."""
    from glow.errors import GitHubError, GlowError

    info = repo.get_json(repo.url())
    if info is None:
        raise GlowError(NO_TEMPLATE.format(repo=repo.full_name))
    branch = str(info.get("default_branch") or "main")
    try:
        tree: Any = repo.get_json(repo.url("git", "trees", branch), {"recursive": "1"})
    except GitHubError as exc:
        if exc.status != 409:  # "Git Repository is empty.": a new repository, nothing pushed
            raise
        tree = None
    if tree is not None and tree.get("truncated"):
        raise GlowError(TRUNCATED.format(repo=repo.full_name))
    entries = (tree or {}).get("tree") or []
    return branch, {str(e["path"]): str(e["sha"]) for e in entries if e.get("type") == "blob"}
