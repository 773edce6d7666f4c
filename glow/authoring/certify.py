"""Learner-path certification: the exact path a learner takes, on a throwaway local GitHub.

An organisation is set up with `glow setup` from this project, as `glow demo`'s is. The bundle
is published as it would be: its learner package (``glow.harness.package.learner_files``) one
commit on the Learning Room template, its hidden tests one commit in the admin repository under
``courses/<id>/hidden/``. Then a learner registers through the real form and the real workflows
make their room, and:

1. the room as provisioned holds the untouched starter: every deliverable's visible-checks
   scorecard must say they fail;
2. the learner pushes the strong variant with git: every scorecard must say they pass;
3. the learner comments ``/submit`` on each deliverable's issue and the admin repository's Grade
   workflow runs (dispatched as the public Submissions schedule does): every hidden verdict must
   say passed.

Certification fails if a hidden test or a reference answer reaches the room: the template's
files and history, the room's files and history before the learner's own push, its issues and
comments, or its workflow logs (and, after grading, no hidden test anywhere in the room).
"""

from __future__ import annotations

import base64
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from glow.github.identity import JOB_TOKEN_LOGIN
from glow.harness.package import (
    Secret,
    admin_files,
    leaks,
    learner_files,
    lines_of,
    secrets,
)
from glow.markers import has_marker, read_result

if TYPE_CHECKING:
    import httpx

    from glow.harness.bundle import Bundle
    from glow.localhub.hub import LocalHub

Say = Callable[[str], None]
ORG = "certify"
COHORT = "certify"
LEARNER = "certifier"
ROOM_BOT = JOB_TOKEN_LOGIN  # the room's bots write with the room's job token
PATIENCE = 300.0


class Step(BaseModel):
    name: str
    ok: bool
    detail: str
    seconds: float


class Certification(BaseModel):
    ok: bool
    bundle: str
    steps: list[Step]
    leaks: list[str]
    seconds: float


class CertificationFailed(Exception):
    pass


def commit_files(
    api: httpx.Client, full_name: str, files: Mapping[str, bytes], message: str
) -> str:
    """One commit on ``full_name``'s main branch adding or replacing ``files``, through the git
    data API (as a web editor's or an App's commit is made); its sha."""
    head = api.get(f"/repos/{full_name}/git/ref/heads/main")
    head.raise_for_status()
    parent = head.json()["object"]["sha"]
    base_tree = api.get(f"/repos/{full_name}/git/commits/{parent}").json()["tree"]["sha"]
    entries = []
    for path, content in sorted(files.items()):
        blob = api.post(
            f"/repos/{full_name}/git/blobs",
            json={"content": base64.b64encode(content).decode(), "encoding": "base64"},
        )
        blob.raise_for_status()
        entries.append({"path": path, "mode": "100644", "type": "blob", "sha": blob.json()["sha"]})
    tree = api.post(f"/repos/{full_name}/git/trees", json={"base_tree": base_tree, "tree": entries})
    tree.raise_for_status()
    commit = api.post(
        f"/repos/{full_name}/git/commits",
        json={"message": message, "tree": tree.json()["sha"], "parents": [parent]},
    )
    commit.raise_for_status()
    sha: str = commit.json()["sha"]
    api.patch(f"/repos/{full_name}/git/refs/heads/main", json={"sha": sha}).raise_for_status()
    return sha


def _git_env(token: str, home: Path) -> dict[str, str]:
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}",
        "GIT_AUTHOR_NAME": LEARNER,
        "GIT_AUTHOR_EMAIL": f"{LEARNER}@users.noreply.github.com",
        "GIT_COMMITTER_NAME": LEARNER,
        "GIT_COMMITTER_EMAIL": f"{LEARNER}@users.noreply.github.com",
    }


def _git(args: list[str], cwd: Path, env: Mapping[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=dict(env), capture_output=True, timeout=120, check=False
    )
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CertificationFailed(f"git {args[0]} failed: {said[-1] if said else 'no message'}")
    return done.stdout.decode("utf-8", "replace")


def history_blobs(web: str, token: str, full_name: str) -> dict[str, bytes]:
    """Every blob in every commit of a repository's history, named ``repo@blob``."""
    with tempfile.TemporaryDirectory(prefix="glow-certify-") as folder:
        work = Path(folder)
        env = _git_env(token, work)
        _git(["clone", "-q", "--mirror", f"{web}/{full_name}.git", "mirror"], work, env)
        mirror = work / "mirror"
        listing = _git(["rev-list", "--objects", "--all"], mirror, env)
        found = {}
        for line in listing.splitlines():
            sha = line.split(" ", 1)[0]
            kind = _git(["cat-file", "-t", sha], mirror, env).strip()
            if kind == "blob":
                content = subprocess.run(
                    ["git", "cat-file", "blob", sha],
                    cwd=mirror,
                    env=env,
                    capture_output=True,
                    check=True,
                ).stdout
                found[f"{full_name}@{line.strip()}"] = content
        return found


def push_as_learner(web: str, token: str, room: str, files: Mapping[str, str]) -> str:
    """The learner clones their room, changes ``files`` (none: an empty commit, the untouched
    starter pushed), commits and pushes with git; the commit's sha."""
    with tempfile.TemporaryDirectory(prefix="glow-certify-") as folder:
        work = Path(folder)
        env = _git_env(token, work)
        _git(["clone", "-q", f"{web}/{room}.git", "room"], work, env)
        checkout = work / "room"
        for relative, text in files.items():
            path = checkout / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        _git(["add", "-A"], checkout, env)
        message = "Solve the project's deliverables" if files else "Start the project"
        _git(["commit", "-q", "--allow-empty", "-m", message], checkout, env)
        _git(["push", "-q", "origin", "HEAD"], checkout, env)
        return _git(["rev-parse", "HEAD"], checkout, env).strip()


def room_texts(api: httpx.Client, hub: LocalHub, room: str) -> dict[str, bytes]:
    """What the learner can read in their room besides its files: issues, comments, logs."""
    found: dict[str, bytes] = {}
    for issue in api.get(f"/repos/{room}/issues", params={"state": "all"}).json():
        found[f"{room}#{issue['number']}"] = str(issue.get("body") or "").encode()
    for comment in api.get(f"/repos/{room}/issues/comments", params={"per_page": 100}).json():
        found[f"{room} comment {comment['id']}"] = str(comment.get("body") or "").encode()
    if hub.runner is not None:
        for run in hub.runner.runs(room):
            found[f"{room} run {run.id} log"] = str(run.log or "").encode()
    return found


class Certifier:
    """One certification on its own local GitHub (started and stopped by ``certify``)."""

    def __init__(
        self,
        hub: LocalHub,
        root: Path,
        bundle: Bundle,
        say: Say,
        extra_template_files: Mapping[str, bytes] | None = None,
    ) -> None:
        self.hub, self.root, self.bundle, self.say = hub, root, bundle, say
        self.extra_template_files = dict(extra_template_files or {})
        # What a learner may see anyway: a secret's line that is also one of these is no leak.
        self.public = lines_of(learner_files(bundle))
        self.steps: list[Step] = []
        self.leaked: list[str] = []
        self.grader = ""

    def idle(self) -> None:
        if not self.hub.wait_idle(PATIENCE):
            raise CertificationFailed(
                f"the workflows on the local GitHub were still running after {PATIENCE:.0f} s"
            )

    def deliverable_issues(self, api: httpx.Client, room: str) -> dict[str, int]:
        """Each deliverable's issue the room's bot opened, found by marker and author."""
        from glow.room.project.decide import deliverable_issues

        listed = api.get(f"/repos/{room}/issues", params={"state": "all", "per_page": 100})
        ids = [d.id for d in self.bundle.deliverables]
        found = deliverable_issues(listed.json(), ROOM_BOT, ids)
        return {d: int(issue["number"]) for d, issue in found.items()}

    def results(self, api: httpx.Client, room: str, key: str, author: str) -> dict[str, str]:
        """Per deliverable, what the latest comment of ``author`` with ``key:<id>``'s marker
        says, from its hidden result line: ``passed``, or the kind and counts."""
        said: dict[str, str] = {}
        for d, number in self.deliverable_issues(api, room).items():
            comments = api.get(
                f"/repos/{room}/issues/{number}/comments", params={"per_page": 100}
            ).json()
            mine = [
                c
                for c in comments
                if (c.get("user") or {}).get("login") == author
                and has_marker(c.get("body"), f"{key}:{d}")
            ]
            result = read_result(mine[-1].get("body")) if mine else None
            if result is None:
                said[d] = "none"
            else:
                kind, passed, total = result
                ok = kind in ("ran", "passed") and passed == total and total > 0
                said[d] = "passed" if ok else f"{kind} {passed} of {total}"
        for deliverable in self.bundle.deliverables:
            said.setdefault(deliverable.id, "no issue")
        return said

    def step(self, name: str, check: Callable[[], str]) -> bool:
        started = time.monotonic()
        self.say(f"Certification: {name}")
        try:
            detail, ok = check(), True
        except CertificationFailed as failure:
            detail, ok = str(failure), False
        seconds = round(time.monotonic() - started, 2)
        self.steps.append(Step(name=name, ok=ok, detail=detail, seconds=seconds))
        if not ok:
            self.say(f"Certification failed: {name}: {detail}")
        return ok

    # ---- the learner path ------------------------------------------------------------------

    def open_world(self) -> None:
        """An organisation set up by `glow setup`, with one learner to be."""
        from glow.cohort.model import room_name
        from glow.rehearsal.world import FACILITATOR, build_world

        cohorts = {"cohorts": [{"id": COHORT}]}
        self.world = world = build_world(self.hub, self.root, [LEARNER], cohorts, org=ORG)
        world.post("config", {"template_delay_seconds": 0})
        self.api, self.web = world.api, self.hub.url
        self.staff = world.token(FACILITATOR)
        self.learner = world.token(LEARNER)
        self.grader = f"{world.app['slug']}[bot]"
        self.template, self.admin = f"{ORG}/learning-room-template", f"{ORG}/admin"
        self.room = f"{ORG}/{room_name(COHORT, LEARNER)}"

    # ---- the steps, each one line of the report ---------------------------------------------

    def publish(self) -> str:
        bundle = self.bundle
        # The template as it was is the learner's to read anyway: its lines give nothing away.
        self.public = self.public | lines_of(history_blobs(self.web, self.staff, self.template))
        package = learner_files(bundle) | dict(self.extra_template_files)
        commit_files(self.api, self.template, package, f"Publish the project {bundle.manifest.id}")
        kept = admin_files(bundle)
        commit_files(self.api, self.admin, kept, f"Hidden checks of {bundle.manifest.id}")
        hidden = [path for path in kept if "/hidden/" in path]
        return (
            f"{len(package)} files in the template, "
            f"{len(hidden)} hidden tests in the admin repository"
        )

    def template_clean(self) -> str:
        blobs = history_blobs(self.web, self.staff, self.template)
        found = leaks(secrets(self.bundle), blobs, self.public)
        self.leaked += found
        if found:
            raise CertificationFailed(f"the template gives away {', '.join(found)}")
        return "no hidden test or reference answer in the template or its history"

    def provisioned(self) -> str:
        from glow.cohort.registration.form import render_public
        from glow.rehearsal.world import accept_invitations, file_registration

        body = render_public(COHORT, "day1-day2")
        file_registration(self.api, self.learner, LEARNER, body, org=ORG)
        self.idle()
        accept_invitations(self.api, self.learner)
        if self.api.get(f"/repos/{self.room}").status_code != 200:
            raise CertificationFailed(f"no room {self.room} after registration")
        self.idle()
        return f"{self.room} made from the template"

    def push(self, variant: str | None) -> None:
        """The learner pushes a variant's files (None: an empty commit, the untouched starter)."""
        from glow.harness.verify import variant_files

        files = variant_files(self.bundle, variant) if variant else {}
        push_as_learner(self.web, self.learner, self.room, files)
        self.idle()

    def room_file(self, path: str) -> str:
        """A file of the room's default branch, as the learner reads it."""
        found = self.api.get(
            f"/repos/{self.room}/contents/{path}",
            headers={"Accept": "application/vnd.github.raw+json"},
        )
        found.raise_for_status()
        return found.text

    def scorecards(self) -> dict[str, str]:
        return self.results(self.api, self.room, "scorecard", ROOM_BOT)

    def starter_fails(self) -> str:
        self.push(None)
        cards = self.scorecards()
        # Any outcome but a pass is the starter failing, except no scorecard at all or a
        # failure of the sandbox itself.
        passing = [
            d
            for d, result in cards.items()
            if result in ("passed", "none", "no issue") or result.startswith("sandbox")
        ]
        if passing:
            raise CertificationFailed(
                "the untouched starter's scorecard does not say failed for "
                + ", ".join(f"{d} ({cards[d]})" for d in passing)
            )
        return f"{len(cards)} scorecards say the visible checks fail"

    def room_leaks(self, secret_files: list[Secret]) -> list[str]:
        """The secrets the learner could read in their room: its files and history, its
        issues and comments, its workflow logs."""
        visible = history_blobs(self.web, self.staff, self.room)
        visible |= room_texts(self.api, self.hub, self.room)
        found = leaks(secret_files, visible, self.public)
        self.leaked += found
        return found

    def room_clean_before(self) -> str:
        found = self.room_leaks(secrets(self.bundle))
        if found:
            raise CertificationFailed(f"the room gives away {', '.join(found)}")
        return "no hidden test or reference answer in the room, its history or its logs"

    def strong_passes(self) -> str:
        self.push("strong")
        cards = self.scorecards()
        failing = [d for d, result in cards.items() if result != "passed"]
        if failing:
            raise CertificationFailed(
                "after the strong variant's push the scorecard does not say passed for "
                + ", ".join(f"{d} ({cards[d]})" for d in failing)
            )
        return f"{len(cards)} scorecards say the visible checks pass"

    def submit_and_grade(self) -> dict[str, str]:
        """The learner comments /submit on every deliverable's issue; the public Submissions
        schedule finds them (GitHub's search index has caught up ten minutes later) and
        dispatches the admin repository's Grade workflow. The verdicts, per deliverable."""
        issues = self.deliverable_issues(self.api, self.room)
        for number in issues.values():
            self.api.post(
                f"/repos/{self.room}/issues/{number}/comments",
                headers={"Authorization": f"token {self.learner}"},
                json={"body": "/submit"},
            ).raise_for_status()
            self.idle()
        self.world.post("clock", {"advance_seconds": 600})
        self.idle()
        return self.results(self.api, self.room, "verdict", self.grader)

    def hidden_pass(self) -> str:
        verdicts = self.submit_and_grade()
        failing = [d for d, verdict in verdicts.items() if verdict != "passed"]
        if failing:
            raise CertificationFailed(
                "the hidden verdict does not say passed for "
                + ", ".join(f"{d} ({verdicts[d]})" for d in failing)
            )
        return f"{len(verdicts)} hidden verdicts say passed"

    def room_clean_after(self) -> str:
        # The learner pushed the strong variant themselves: only hidden tests are secret now.
        from glow.harness.verify import variant_files

        strong = {k: v.encode() for k, v in variant_files(self.bundle, "strong").items()}
        self.public = self.public | lines_of(strong)
        found = self.room_leaks([s for s in secrets(self.bundle) if "/hidden/" in s.source])
        if found:
            raise CertificationFailed(f"after grading the room gives away {', '.join(found)}")
        return "no hidden test in the room, its history, its comments or its logs"

    def run(self) -> Certification:
        started = time.monotonic()
        self.open_world()
        steps = (
            ("publish the project", self.publish),
            ("the template holds no secret", self.template_clean),
            ("a learner registers and gets a room", self.provisioned),
            ("the untouched starter's scorecards fail", self.starter_fails),
            ("the room holds no secret", self.room_clean_before),
            ("the strong variant's push passes the visible checks", self.strong_passes),
            ("a submission passes the hidden checks", self.hidden_pass),
            ("grading left no hidden test in the room", self.room_clean_after),
        )
        for name, check in steps:
            if not self.step(name, check):
                break
        return Certification(
            ok=all(s.ok for s in self.steps) and len(self.steps) == len(steps),
            bundle=str(self.bundle.root),
            steps=self.steps,
            leaks=sorted(set(self.leaked)),
            seconds=round(time.monotonic() - started, 2),
        )


def source_tree() -> Path:
    """GLOW's own source tree, which certification builds its workshop from, or one line
    saying what to do."""
    from glow.errors import ConfigError, GlowError
    from glow.rehearsal.command import project_root

    try:
        return project_root()
    except GlowError:
        raise ConfigError(
            "learner-path certification builds a workshop from GLOW's own source tree: run "
            "glow author verify from a clone of the GLOW repository, or add --no-certify"
        ) from None


def certify(
    bundle: Bundle,
    say: Say,
    *,
    extra_template_files: Mapping[str, bytes] | None = None,
    root: Path | None = None,
) -> Certification:
    """Certify ``bundle`` on a throwaway local GitHub, started and stopped here."""
    import shutil

    from glow.localhub.hub import LocalHub

    root = root or source_tree()
    data = Path(tempfile.mkdtemp(prefix="glow-certify-"))
    hub = LocalHub(data / "hub")
    hub.start()
    try:
        say(f"Certification: a throwaway local GitHub at {hub.url}")
        certifier = Certifier(hub, root, bundle, say, extra_template_files=extra_template_files)
        return certifier.run()
    finally:
        hub.stop()
        shutil.rmtree(data, ignore_errors=True)
