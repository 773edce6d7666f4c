"""Clients nobody here wrote, driven through a course's life on the local GitHub.

PyGithub (pinned in the ``test`` extra) and the real ``git`` binary: a maintainer lists their
repositories, makes one, writes files, lists git refs; a learner opens an issue and comments; the
maintainer labels it, locks it (the learner's next comment is refused) and unlocks it; lessons
are pushed over smart HTTP with and without ``.git`` (one clone partial) and merged through a
pull request that closes the issue; the repository is read back by id. Every request PyGithub
makes must reach a route of the local GitHub, and none may fail inside it.

octokit.js (``@octokit/rest``, pinned with integrity hashes in ``tests/clients/octokit/``) runs
a similar scenario (``scenario.mjs``). It is installed at test time with ``npm ci`` into
``${GLOW_CLIENT_CACHE:-~/.cache/glow-clients}``, never into the repository; without node and npm
that test is skipped, saying so.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from github import Auth, Github, GithubException

from glow.localhub.hub import LocalHub
from tests.localhub.conftest import git

pytestmark = pytest.mark.e2e

OCTOKIT = Path(__file__).parent / "clients" / "octokit"


class Course:
    """A started hub with a maintainer (admin of the ``school`` org) and a learner."""

    def __init__(self, hub: LocalHub) -> None:
        self.hub = hub
        control = httpx.Client(base_url=hub.url)
        for login in ("maintainer", "learner"):
            control.post("/_localhub/users", json={"login": login}).raise_for_status()
        org = {"login": "school", "admins": ["maintainer"]}
        control.post("/_localhub/orgs", json=org).raise_for_status()
        self.tokens = {
            login: control.post("/_localhub/tokens", json={"login": login}).json()["token"]
            for login in ("maintainer", "learner")
        }

    def client(self, login: str) -> Github:
        # PyGithub spaces requests out (0.25 s, 1 s between writes) to be kind to github.com;
        # the local GitHub needs no such kindness.
        return Github(
            auth=Auth.Token(self.tokens[login]),
            base_url=self.hub.api_url,
            seconds_between_requests=0,
            seconds_between_writes=0,
        )

    def git_url(self, clone_url: str, login: str) -> str:
        """A clone URL with the token as the password, as CI and people use it."""
        return clone_url.replace("http://", f"http://x-access-token:{self.tokens[login]}@", 1)


@pytest.fixture
def course(tmp_path: Path) -> Iterator[Course]:
    hub = LocalHub(tmp_path / "hub", runner=False).start()
    try:
        yield Course(hub)
    finally:
        hub.stop()
    assert [r for r in hub.requests if r["status"] >= 500] == []


def lesson(work: Path, name: str, text: str) -> None:
    (work / name).write_text(text)
    git(work, "add", name)
    git(work, "commit", "-q", "-m", f"Add {name}")


def test_pygithub_runs_a_course_on_the_local_github(course: Course, tmp_path: Path) -> None:
    gh, learner_gh = course.client("maintainer"), course.client("learner")
    me = gh.get_user()
    assert me.login == "maintainer"

    # Repositories: one of the org's, one of the maintainer's own; listed every way.
    school = gh.get_organization("school")
    repo = school.create_repo("course", description="A course", auto_init=True)
    me.create_repo("notes", private=True)
    assert [r.full_name for r in me.get_repos()] == ["maintainer/notes", "school/course"]
    assert [r.full_name for r in me.get_repos(visibility="private")] == ["maintainer/notes"]
    assert [r.full_name for r in school.get_repos()] == ["school/course"]
    assert [r.full_name for r in learner_gh.get_user("maintainer").get_repos()] == []
    assert repo.clone_url.endswith("/school/course.git")

    # Files through the contents API.
    made = repo.create_file("docs/intro.md", "Add the intro", "Welcome\n")
    intro = repo.get_contents("docs/intro.md")
    assert not isinstance(intro, list)
    assert intro.decoded_content == b"Welcome\n"
    repo.update_file("docs/intro.md", "Reword the intro", "Welcome, all\n", intro.sha)
    assert repo.get_contents("docs/intro.md").decoded_content == b"Welcome, all\n"  # type: ignore[union-attr]
    assert made["commit"].sha != repo.get_branch("main").commit.sha

    # A learner's question, discussed, labelled, locked and unlocked.
    question = learner_gh.get_repo("school/course").create_issue(
        "Where do I start?", body="The intro is short."
    )
    question.create_comment("I read docs/intro.md already.")
    issue = repo.get_issue(question.number)
    issue.add_to_labels("question")
    issue.lock("resolved")
    locked = repo.get_issue(question.number)
    assert (locked.locked, locked.active_lock_reason) == (True, "resolved")
    with pytest.raises(GithubException) as refused:
        question.create_comment("Hello?")
    assert refused.value.status == 403
    assert refused.value.data["message"] == "Unable to create comment because issue is locked."
    issue.create_comment("Lessons are on their way.")  # write access may still comment
    issue.unlock()
    question.create_comment("Thanks!")
    assert [c.body for c in issue.get_comments()] == [
        "I read docs/intro.md already.",
        "Lessons are on their way.",
        "Thanks!",
    ]
    assert [label.name for label in repo.get_issue(question.number).labels] == ["question"]

    # Lessons pushed with git: through the clone URL (.git), then from a partial clone of the
    # URL without .git.
    full = tmp_path / "full"
    git(tmp_path, "clone", "-q", course.git_url(repo.clone_url, "maintainer"), str(full))
    git(full, "switch", "-q", "-c", "lessons")
    lesson(full, "lesson-1.md", "# Lesson 1\n")
    git(full, "push", "-q", "origin", "lessons")
    bare_url = course.git_url(repo.html_url, "maintainer")
    assert not bare_url.endswith(".git")
    partial = tmp_path / "partial"
    git(tmp_path, "clone", "-q", "--filter=blob:none", "-b", "lessons", bare_url, str(partial))
    assert git(partial, "config", "remote.origin.promisor") == "true"
    lesson(partial, "lesson-2.md", "# Lesson 2\n")
    git(partial, "push", "-q", "origin", "lessons")

    refs = [ref.ref for ref in repo.get_git_refs()]
    assert refs == ["refs/heads/lessons", "refs/heads/main"]
    heads = [ref.ref for ref in repo.get_git_matching_refs("heads/les")]
    assert heads == ["refs/heads/lessons"]
    assert repo.get_git_ref("heads/lessons").object.sha == git(partial, "rev-parse", "HEAD")

    # A pull request from the pushed branch, merged; its closing keyword closes the question.
    pull = repo.create_pull(
        title="Add the first lessons",
        body=f"Closes #{question.number}",
        base="main",
        head="lessons",
    )
    assert sorted(f.filename for f in pull.get_files()) == ["lesson-1.md", "lesson-2.md"]
    # GitHub computes mergeability in the background: the first GET says null, a later one knows.
    assert repo.get_pull(pull.number).mergeable is None
    assert repo.get_pull(pull.number).mergeable is True
    merged = pull.merge(merge_method="squash")
    assert merged.merged is True
    assert repo.get_pull(pull.number).merged is True
    assert repo.get_issue(question.number).state == "closed"
    assert repo.get_contents("lesson-2.md").decoded_content == b"# Lesson 2\n"  # type: ignore[union-attr]

    # The repository by id, with the keys GitHub sends.
    by_id = gh.get_repo(repo.id)
    assert by_id.full_name == "school/course"
    assert by_id.organization.login == "school"
    assert by_id.allow_squash_merge is True
    assert by_id.permissions.admin is True

    assert_every_request_had_a_route(course.hub)


def assert_every_request_had_a_route(hub: LocalHub, *, clients: bool = True) -> None:
    """A request the local GitHub has no route for is a 404 without a route in its log: the
    client reached for something missing. With ``clients``, each route the PyGithub scenario
    is about must have been used."""
    log: list[dict[str, Any]] = [r for r in hub.requests if r["path"].startswith("/api/v3")]
    unrouted = [f"{r['method']} {r['path']}" for r in log if not r.get("route")]
    assert unrouted == []
    if not clients:
        return
    used = {(r["route_method"], r["route"]) for r in log}
    assert {
        ("GET", "/user/repos"),
        ("GET", "/users/{username}/repos"),
        ("GET", "/orgs/{org}/repos"),
        ("GET", "/repositories/{repository_id}"),
        ("GET", "/repos/{owner}/{repo}/git/refs"),
        ("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref}"),
        ("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/lock"),
        ("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/lock"),
    } <= used


def octokit_install() -> Path:
    """``@octokit/rest`` from the committed lock, in a cache folder named by the lock's digest
    (installed once; ``npm ci`` checks every package's integrity hash)."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.skip("octokit.js needs node and npm, and they are not on PATH")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    if int(version.stdout.lstrip("v").split(".")[0] or 0) < 20:
        pytest.skip(f"@octokit/rest 22 needs node 20 or later, not {version.stdout.strip()}")
    manifest = b"".join(
        (OCTOKIT / name).read_bytes() for name in ("package.json", "package-lock.json")
    )
    root = Path(os.environ.get("GLOW_CLIENT_CACHE") or Path.home() / ".cache" / "glow-clients")
    dest = root / f"octokit-{hashlib.sha256(manifest).hexdigest()[:16]}"
    if not (dest / "node_modules" / "@octokit" / "rest" / "package.json").is_file():
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=root, prefix=".octokit."))
        try:
            for name in ("package.json", "package-lock.json"):
                shutil.copy(OCTOKIT / name, work / name)
            # A private npm cache inside the work folder keeps ~/.npm untouched.
            command = [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--cache"]
            proc = subprocess.run(
                [*command, str(work / ".npm-cache")],
                cwd=work,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert proc.returncode == 0, f"npm ci for octokit.js failed: {proc.stderr[-800:]}"
            shutil.rmtree(work / ".npm-cache", ignore_errors=True)
            if not dest.exists():
                work.rename(dest)  # same file system: atomic, safe beside another run
        finally:
            shutil.rmtree(work, ignore_errors=True)
    # The script runs from the install folder, where Node resolves @octokit/rest.
    script = dest / f"scenario.{os.getpid()}.mjs"
    shutil.copy(OCTOKIT / "scenario.mjs", script)
    return script


def test_octokit_runs_a_course_on_the_local_github(course: Course) -> None:
    script = octokit_install()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(script.parent),
        "GLOW_API_URL": course.hub.api_url,
        "GLOW_TOKEN": course.tokens["maintainer"],
        "GLOW_LEARNER_TOKEN": course.tokens["learner"],
    }
    try:
        proc = subprocess.run(
            ["node", script.name],
            cwd=script.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        script.unlink(missing_ok=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["login"] == "maintainer"
    assert seen["cloneUrl"] == f"{course.hub.url}/school/octo-course.git"
    assert seen["orgRepos"] == ["school/octo-course", "school/octo-extra"]
    assert seen["myRepos"] == ["school/octo-course", "school/octo-extra"]
    assert seen["byId"] == "school/octo-course"
    # The raw media type reads as a string, as from GitHub, because the answer is UTF-8 text.
    assert (seen["rawType"], seen["raw"]) == ("string", "Welcome ✓\n")
    assert seen["rawContentType"] == "text/plain; charset=utf-8"
    assert seen["refs"] == ["refs/heads/lesson", "refs/heads/main"]
    assert {"locked", "active_lock_reason", "timeline_url", "sub_issues_summary"} <= set(
        seen["issueKeys"]
    )
    assert seen["locked"] == [True, "off-topic"]
    assert seen["lockedComment"] == [403, "Unable to create comment because issue is locked."]
    assert seen["comments"] == ["Hello", "Thanks"]
    assert (seen["merged"], seen["issueState"]) == (True, "closed")
    assert_every_request_had_a_route(course.hub, clients=False)
