"""What setup pushes as a new repository's first commit, and the push itself (git over HTTPS,
as a facilitator would push: one pack, however many files, and history GitHub keeps)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from glow.errors import GlowError

if TYPE_CHECKING:
    from glow.cohort.setup.decide import VariableScope

SKIPPED = (
    "__pycache__",
    ".git",
    ".venv",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
)

# The workshop repository is this project, less what only its developers run: the workflows,
# the actions, the issue forms, the docs, the package the admin repository installs
# (GLOW_INSTALL) and the sources of the admin and template repositories.
WORKSHOP_LEAVES_OUT = frozenset({"tests", "benchmarks", ".ci"})


def staged(source: Path | None, extra: Mapping[str, str]) -> Path:
    """A copy of ``source`` (or an empty folder) with ``extra`` files added; the caller removes
    it (``shutil.rmtree``)."""
    staging = Path(tempfile.mkdtemp(prefix="glow-stage-"))
    if source is not None:
        shutil.copytree(
            source, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*SKIPPED)
        )
    for name, text in extra.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    return staging


def project_files(root: Path) -> list[str]:
    """The project's files (relative POSIX paths): what git tracks in the clone at ``root``.
    Never the other files of the folder (a `.env`, a key): the workshop repository is public."""
    proc = None
    if (root / ".git").exists() and (root / "pyproject.toml").is_file():
        proc = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=False)
    if proc is None or proc.returncode != 0:
        raise GlowError(
            f"{root} is not a git clone of the GLOW project: run glow setup from the clone "
            "(docs/setup.md, step 1), or name it with --source"
        )
    names = [n for n in proc.stdout.decode().split("\0") if n]
    return [n for n in names if (root / n).is_file()]


def workshop_source(root: Path, workshop_url: str | None = None) -> Path:
    """A folder holding the workshop repository's first content: this project (with the
    contact link beside the registration form pointing at ``workshop_url``)."""
    staging = Path(tempfile.mkdtemp(prefix="glow-workshop-"))
    for name in project_files(root):
        if name.split("/", 1)[0] in WORKSHOP_LEAVES_OUT:
            continue
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    contact = staging / CONTACT_FILE
    if workshop_url and contact.is_file():
        text = contact.read_text(encoding="utf-8")
        contact.write_text(with_contact_link(text, workshop_url), encoding="utf-8")
    return staging


def variables_read(root: Path) -> dict[VariableScope, set[str]]:
    """Each scope's ``vars.NAME``, read from this project's workflows and actions."""
    from glow.cohort.setup.decide import VARIABLE_SOURCES, read_names

    return {
        scope: read_names(
            path.read_text(encoding="utf-8")
            for folder in folders
            for path in sorted((root / folder).rglob("*.yml"))
        )
        for scope, folders in VARIABLE_SOURCES.items()
    }


CONTACT_FILE = ".github/ISSUE_TEMPLATE/config.yml"
CONTACT_PLACEHOLDER = "https://github.com/OWNER/WORKSHOP"


def with_contact_link(text: str, workshop_url: str) -> str:
    """The issue chooser's config with its contact link pointing at the workshop itself."""
    return text.replace(CONTACT_PLACEHOLDER, workshop_url)


def first_cohort(cohort_id: str, title: str) -> str:
    """cohorts.json with one open cohort (the schema's defaults for the rest)."""
    cohorts = {"cohorts": [{"id": cohort_id, "title": title, "open": True}]}
    return json.dumps(cohorts, indent=2) + "\n"


def admin_source(root: Path, cohorts_json: str) -> Path:
    """The admin repository's first content: admin-roster/ with a cohorts.json."""
    return staged(root / "admin-roster", {"cohorts.json": cohorts_json})


def push_tree(web: str, token: str, full_name: str, source: Path, *, author: str) -> None:
    """Commit ``source`` as the first commit of ``full_name``'s main branch and push it over
    HTTPS with ``token`` (never written to disk: it goes in the URL of one `git push`)."""
    work = Path(tempfile.mkdtemp(prefix="glow-push-"))
    try:
        shutil.copytree(source, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*SKIPPED))
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": f"{author}@users.noreply.github.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": f"{author}@users.noreply.github.com",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(work),
        }
        # The token goes in an environment variable git reads as configuration, never on a
        # command line (which other users of the computer can list).
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env |= {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "http.extraHeader",
            "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        }
        url = f"{web}/{full_name}.git"
        for cmd in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "add", "-A"],
            ["git", "commit", "-q", "-m", "Initial content from the GLOW project"],
            ["git", "push", "-q", url, "main"],
        ):
            try:
                proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
            except FileNotFoundError:
                raise GlowError(
                    "git is not installed: install git, then run glow setup again"
                ) from None
            if proc.returncode != 0:
                said = proc.stderr.replace(token, "***").replace(basic, "***").strip().splitlines()
                raise GlowError(
                    f"could not push the first content of {full_name}: "
                    f"{said[-1] if said else 'git failed'} (the token needs the repo and "
                    "workflow scopes, or contents and workflows write)"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
