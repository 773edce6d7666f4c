"""git over smart HTTP as people and tools use it: with and without ``.git``, partial clones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.localhub.conftest import World, git


def git_stderr(cwd: Path, *args: str) -> str:
    """Run git (as ``conftest.git`` does) and return what it printed on stderr."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


def url(world: World, repo: str, *, suffix: str) -> str:
    hub = world.gh.hub
    return f"http://x-access-token:{world.token}@{hub.host}:{hub.port}/{repo}{suffix}"


def test_clone_and_push_with_or_without_dot_git(world: World, tmp_path: Path) -> None:
    gh = world.gh
    clone_url = gh.ok("GET", "/repos/acme/demo", world.token)["clone_url"]
    assert clone_url.endswith("/acme/demo.git")  # what GitHub's clone_url looks like
    for suffix, branch in ((".git", "with-suffix"), ("", "without-suffix")):
        work = tmp_path / branch
        git(tmp_path, "clone", "-q", url(world, world.repo, suffix=suffix), str(work))
        assert (work / "README.md").exists()
        git(work, "switch", "-q", "-c", branch)
        (work / f"{branch}.md").write_text("hi\n")
        git(work, "add", ".")
        git(work, "commit", "-q", "-m", branch)
        git(work, "push", "-q", "origin", branch)
    branches = {b["name"] for b in gh.ok("GET", "/repos/acme/demo/branches", world.token)}
    assert {"with-suffix", "without-suffix"} <= branches
    assert gh.events().count("push") == 2


def test_a_partial_clone_leaves_blobs_on_the_server_until_needed(
    world: World, tmp_path: Path
) -> None:
    gh = world.gh
    gh.put_file(world.token, world.repo, "big.txt", "x" * 10_000)
    work = tmp_path / "partial"
    # git warns "filtering not recognized by server, ignoring" and clones everything when the
    # server does not allow filters; an allowed filter makes a promisor remote.
    out = git_stderr(
        tmp_path,
        "clone",
        "--filter=blob:none",
        "--no-checkout",
        url(world, world.repo, suffix=""),
        str(work),
    )
    assert "filtering not recognized" not in out
    assert git(work, "config", "remote.origin.promisor") == "true"
    missing = git(work, "rev-list", "--objects", "--missing=print", "HEAD")
    assert [line for line in missing.splitlines() if line.startswith("?")]  # blobs left out
    git(work, "checkout", "-q", "main")  # fetches the blobs it needs
    assert (work / "big.txt").read_text() == "x" * 10_000


def test_only_the_smart_http_endpoints_are_served_without_the_suffix(world: World) -> None:
    gh = world.gh
    auth = {"authorization": f"token {world.token}"}
    refs = gh.http.get("/acme/demo/info/refs?service=git-upload-pack", headers=auth)
    assert refs.status_code == 200
    assert refs.headers["content-type"] == "application/x-git-upload-pack-advertisement"
    # a web page path is not git (and the local GitHub serves no web pages)
    assert gh.http.get("/acme/demo/blob/main/README.md", headers=auth).status_code == 404
    assert gh.http.get("/acme/demo/info/refs?service=git-upload-pack").status_code == 401
