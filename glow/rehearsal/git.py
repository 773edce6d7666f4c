"""Real git for simulated learners: clone a room over smart HTTP with the learner's token,
commit as the learner, push. Nothing here is simulated: the local GitHub sees what GitHub sees
when a learner works on their own machine."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from glow.errors import GlowError


@dataclass
class Clone:
    """A learner's working copy of a repository."""

    path: Path
    login: str

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            "GIT_AUTHOR_NAME": self.login,
            "GIT_AUTHOR_EMAIL": f"{self.login}@users.noreply.localhub",
            "GIT_COMMITTER_NAME": self.login,
            "GIT_COMMITTER_EMAIL": f"{self.login}@users.noreply.localhub",
            "GIT_TERMINAL_PROMPT": "0",
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.path.parent),
        }
        proc = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, text=True, timeout=120
        )
        if check and proc.returncode != 0:
            raise GlowError(f"git {' '.join(args[:2])} failed: {proc.stderr.strip()[:300]}")
        return proc

    def write(self, relative: str, text: str) -> None:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    def commit_all(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def clone(base_url: str, token: str, full_name: str, login: str) -> Clone:
    """``git clone`` of ``full_name`` into a fresh temporary folder, as ``login``."""
    parent = Path(tempfile.mkdtemp(prefix=f"glow-{login}-"))
    url = base_url.replace("://", f"://x-access-token:{token}@") + f"/{full_name}.git"
    work = Clone(parent / "room", login)
    proc = subprocess.run(
        ["git", "clone", "-q", url, str(work.path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(parent), "GIT_TERMINAL_PROMPT": "0"},
    )
    if proc.returncode != 0:
        raise GlowError(f"could not clone {full_name}: {proc.stderr.strip()[:300]}")
    return work
