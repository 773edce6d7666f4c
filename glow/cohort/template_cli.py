"""Keep the Learning Room template repository in step with this project's
`learning-room-template/` folder: template sync and smoke validation, before any provisioning
(seed 003, section 7.4).

`glow template sync` validates the folder first (every workflow must parse with `on:` and
`jobs:`, the first challenge must be readable), then writes every file that differs into the
template repository's default branch as ONE commit through the git data API. Nothing is written
when the template already matches, or when validation fails. Files in the template that the
folder does not have are kept and listed, unless --delete is given. Text files only.

The Provision workflow runs it before every provisioning run, so a cohort's first room (which
pins the cohort's template commit) is made from what the workshop repository holds."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glow.cohort.cli_support import SETTINGS_HELP

if TYPE_CHECKING:
    from glow.github import Repo

EPILOG = (
    """examples:
  glow template sync --dry-run                 what would change in the template repository
  glow template sync                           validate, then write the differences (one commit)
  glow template sync --source path/to/folder --delete

"""
    + SETTINGS_HELP
    + """  LEARNING_ROOM_TEMPLATE_REPO    owner/name of the template repository to write

exit status: 0 in step (or synced), 1 when validation failed (nothing written), 2 when a
setting is missing.
Runbook: docs/runbooks/provisioning.md
"""
)

SKIPPED_NAMES = frozenset({"__pycache__", ".DS_Store", ".git"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    sync = sub.add_parser(
        "sync",
        help="write learning-room-template/ into the template repository (one commit)",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sync.add_argument(
        "--source",
        type=Path,
        default=Path("learning-room-template"),
        help="the folder to sync from (default: learning-room-template)",
    )
    sync.add_argument(
        "--delete",
        action="store_true",
        help="also delete files the template has and the folder does not",
    )
    sync.add_argument(
        "--dry-run", action="store_true", help="print what would change; write nothing"
    )


@dataclass(frozen=True)
class SyncPlan:
    """What a sync writes: path -> text, or None to delete; and the extras it keeps."""

    files: dict[str, str | None]
    kept: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.files


def read_source(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative POSIX path -> text); GlowError naming a file
    that is not UTF-8 text."""
    from glow.errors import ConfigError, GlowError

    if not folder.is_dir():
        raise ConfigError(f"--source {folder} is not a folder")
    texts = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_dir() or SKIPPED_NAMES & set(relative.parts):
            continue
        try:
            texts[relative.as_posix()] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise GlowError(
                f"{path} is not UTF-8 text; the template sync writes text files only"
            ) from None
    return texts


def validate(texts: dict[str, str]) -> list[str]:
    """The smoke validation provisioning runs, on the folder: one line per problem."""
    from glow.cohort.provisioning import (
        CHALLENGE_PATH,
        TemplateProblem,
        parse_challenge,
        smoke_problems,
    )

    problems = smoke_problems(texts)
    if CHALLENGE_PATH not in texts:
        problems.append(f"{CHALLENGE_PATH} is missing: provisioning seeds the first challenge")
    else:
        try:
            parse_challenge(texts[CHALLENGE_PATH])
        except TemplateProblem as exc:
            problems.append(f"{CHALLENGE_PATH}: {exc}")
    return problems


def plan_sync(texts: dict[str, str], existing: dict[str, str], *, delete: bool) -> SyncPlan:
    """Files whose blob differs (or is missing) from the template's ``existing`` path -> blob
    sha; extras deleted only when asked."""
    from glow.github.files import git_blob_sha

    files: dict[str, str | None] = {
        path: text
        for path, text in texts.items()
        if existing.get(path) != git_blob_sha(text.encode("utf-8"))
    }
    extras = tuple(sorted(set(existing) - set(texts)))
    if delete:
        files.update(dict.fromkeys(extras))
    return SyncPlan(files, () if delete else extras)


def template_files(repo: Repo) -> tuple[str, dict[str, str]]:
    """The default branch and its files (path -> blob sha); GlowError when unreadable."""
    from glow.errors import GlowError

    info = repo.get_json(repo.url())
    if info is None:
        raise GlowError(
            f"the template repository {repo.full_name} was not found, or these credentials "
            "cannot read it. Check LEARNING_ROOM_TEMPLATE_REPO and that the provisioning App "
            "is installed on it."
        )
    branch = str(info.get("default_branch") or "main")
    tree: Any = repo.get_json(repo.url("git", "trees", branch), {"recursive": "1"})
    if tree is not None and tree.get("truncated"):
        raise GlowError(f"GitHub truncated the file list of {repo.full_name}; sync by hand")
    entries = (tree or {}).get("tree") or []
    return branch, {str(e["path"]): str(e["sha"]) for e in entries if e.get("type") == "blob"}


def run(args: argparse.Namespace) -> int:
    from glow.cohort.settings import CohortSettings, provisioning_client
    from glow.github import Repo

    texts = read_source(args.source)
    problems = validate(texts)
    if problems:
        print(f"Template sync stopped, nothing was written: {args.source} failed validation.")
        for line in problems:
            print(f"  - {line}")
        print("Fix the files in the folder, then run again.")
        return 1
    settings = CohortSettings.from_env(need_template=True)
    owner, name = settings.template_repo.split("/", 1)
    repo = Repo(provisioning_client(settings), owner, name)
    branch, existing = template_files(repo)
    plan = plan_sync(texts, existing, delete=args.delete)
    where = f"{repo.full_name} ({branch})"
    for path in plan.kept:
        print(f"kept {path}: in the template, not in {args.source} (--delete removes it)")
    if plan.empty:
        print(f"Template {where} is in step with {args.source} ({len(texts)} files).")
        return 0
    verb = "would " if args.dry_run else ""
    for path, text in sorted(plan.files.items()):
        action = "delete" if text is None else ("update" if path in existing else "add")
        print(f"{verb}{action} {path}")
    if args.dry_run:
        print(f"Dry run: {len(plan.files)} file(s) of {where} would change; nothing was written.")
        return 0
    sha = repo.commit_files(
        plan.files, f"Sync the Learning Room template from {args.source}", branch=branch
    )
    print(f"Template {where} synced: {len(plan.files)} file(s) in one commit {str(sha)[:7]}.")
    return 0
