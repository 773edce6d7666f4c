"""``actions/checkout``: fetch the repository from the hub into the workspace.

Like the real action: the job token is sent as an HTTP basic-auth header for user
``x-access-token`` (through ``GIT_CONFIG_*`` variables, so it never appears on a command line or
in the log), the event's commit is checked out (a branch push gets a local branch, so a later
``git push`` works), and with ``persist-credentials`` the header is stored in the clone's local
config so later steps can push with the same token.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

from glow.localhub.runner.context import JobContext
from glow.localhub.runner.process import run_process

_SHA = re.compile(r"[0-9a-f]{40}\Z")


def checkout(
    jc: JobContext, with_: dict[str, str], env: dict[str, str]
) -> tuple[bool, dict[str, str]]:
    run, host = jc.rc.run, jc.rc.host
    repo = with_.get("repository") or run.repo
    token = with_.get("token") or jc.token
    header = "AUTHORIZATION: basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()
    jc.log.add_mask(token)
    jc.log.add_mask(header.split()[-1])
    dest = _destination(jc, with_.get("path", ""))
    if dest is None:
        return False, {}
    depth_text = with_.get("fetch-depth", "1") or "1"
    if not depth_text.isdigit():
        jc.log.write(f"##[error]fetch-depth must be a number, not {depth_text!r}")
        return False, {}
    git = _Git(jc, env, dest, header)
    url = host.clone_url(repo)
    sha, ref = _target(jc, repo, with_.get("ref", ""))
    where = " ".join(part for part in (ref, sha and f"({sha})") if part)
    jc.log.write(f"Checking out {repo} at {where} into {dest}")
    if not (
        git(dest.parent, "init", "-q", str(dest)) and git(dest, "remote", "add", "origin", url)
    ):
        return False, {}
    if ref and not sha:
        sha, ref = _resolve_remote(git, dest, ref)
        if sha is None:
            return False, {}
    ok = _fetch(git, dest, sha, ref, int(depth_text)) and _switch(git, dest, sha, ref)
    if ok and with_.get("persist-credentials", "true").lower() != "false":
        _persist(dest, host.server_url, header)
    return ok, {"ref": ref or sha or "", "commit": sha or ""}


class _Git:
    """Runs git for the checkout with the auth header in the environment only."""

    def __init__(self, jc: JobContext, env: dict[str, str], dest: Path, header: str) -> None:
        self.jc = jc
        self.env = jc.process_env(
            env,
            {
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_CONFIG_COUNT": "3",
                "GIT_CONFIG_KEY_0": "http.extraheader",
                "GIT_CONFIG_VALUE_0": header,
                "GIT_CONFIG_KEY_1": "advice.detachedHead",
                "GIT_CONFIG_VALUE_1": "false",
                "GIT_CONFIG_KEY_2": "init.defaultBranch",
                "GIT_CONFIG_VALUE_2": "main",
            },
        )

    def __call__(self, cwd: Path, *args: str) -> bool:
        cmd = ["git", *args]
        self.jc.log.write(f"[command]{' '.join(cmd)}")
        outcome = run_process(
            cmd,
            cwd=cwd,
            env=self.env,
            log=self.jc.log,
            should_stop=self.jc.cancelled,
            deadline=self.jc.deadline,
        )
        return outcome.ok

    def capture(self, cwd: Path, *args: str) -> str | None:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, env=self.env, capture_output=True, text=True, check=False
        )
        return proc.stdout if proc.returncode == 0 else None


def _persist(dest: Path, server_url: str, header: str) -> None:
    """Store the auth header in the clone's own config (written directly, never on argv)."""
    config = dest / ".git" / "config"
    section = f'[http "{server_url.rstrip("/")}/"]\n\textraheader = {header}\n'
    with config.open("a", encoding="utf-8") as handle:
        handle.write(section)


def _destination(jc: JobContext, path: str) -> Path | None:
    workspace = jc.workspace.resolve()
    dest = (workspace / path).resolve()
    if not dest.is_relative_to(workspace):
        jc.log.write(f"##[error]checkout path {path!r} is outside the workspace")
        return None
    if dest.exists():
        if dest == workspace:
            for child in dest.iterdir():
                shutil.rmtree(
                    child
                ) if child.is_dir() and not child.is_symlink() else child.unlink()
        else:
            shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest


def _target(jc: JobContext, repo: str, ref: str) -> tuple[str | None, str | None]:
    """``(sha, ref)`` to check out: the event's commit unless ``ref``/``repository`` say else."""
    run = jc.rc.run
    if ref:
        return (ref, None) if _SHA.match(ref) else (None, ref)
    if repo == run.repo:
        return run.head_sha, run.ref
    return None, f"refs/heads/{jc.rc.host.default_branch(repo)}"


def _resolve_remote(git: _Git, dest: Path, ref: str) -> tuple[str | None, str]:
    candidates = [ref] if ref.startswith("refs/") else [f"refs/heads/{ref}", f"refs/tags/{ref}"]
    listing = git.capture(dest, "ls-remote", "origin", *candidates) or ""
    found: dict[str, str] = {}
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        found[name.strip()] = sha.strip()
    for candidate in candidates:
        if candidate in found:
            return found[candidate], candidate
    git.jc.log.write(f"##[error]could not find ref {ref!r} in the repository")
    return None, ref


def _local_ref(ref: str | None) -> str | None:
    if ref and ref.startswith("refs/heads/"):
        return "refs/remotes/origin/" + ref[len("refs/heads/") :]
    if ref and ref.startswith("refs/tags/"):
        return ref
    if ref and ref.startswith("refs/"):
        return "refs/remotes/" + ref[len("refs/") :]
    return None


def _fetch(git: _Git, dest: Path, sha: str | None, ref: str | None, depth: int) -> bool:
    """Fetch the target; with ``fetch-depth: 0`` all branches and tags, then the commit."""
    args = ["fetch", "--no-tags", "--prune", "--no-recurse-submodules"]
    if depth == 0:
        wildcards = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
        if not git(dest, *args, "origin", *wildcards):
            return False
        if sha is None or git.capture(dest, "cat-file", "-e", f"{sha}^{{commit}}") is not None:
            return True
        return git(dest, *args, "origin", sha)
    local = _local_ref(ref)
    source = sha or ref or "HEAD"
    refspec = f"+{source}:{local}" if local else source
    return git(dest, *args, f"--depth={depth}", "origin", refspec)


def _switch(git: _Git, dest: Path, sha: str | None, ref: str | None) -> bool:
    """A branch ref gets a local branch (so ``git push`` works); anything else is detached."""
    target = sha or _local_ref(ref) or "FETCH_HEAD"
    if ref and ref.startswith("refs/heads/"):
        branch = ref[len("refs/heads/") :]
        if not git(dest, "checkout", "--force", "-B", branch, target):
            return False
        git.capture(dest, "branch", "-q", f"--set-upstream-to=origin/{branch}")
        return True
    return git(dest, "checkout", "--force", "--detach", target)
