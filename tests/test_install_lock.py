"""The supply chain of the jobs that hold the provisioning App's key: every Python package they
install comes from actions/install-glow/requirements.lock (exact versions, sha256 hashes),
glow itself from a checkout; the admin repository's GLOW_INSTALL pin must be a full commit.
The admin repository's Author job alone installs authoring.lock instead: the same lock with the
`authoring` extra added, held to the same rules."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from glow.localhub.runner import Runner
from tests.runner_fakes import REPO, FakeHost, make_runner, run_event

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "actions" / "install-glow" / "requirements.lock"
AUTHORING_LOCK = ROOT / "actions" / "install-glow" / "authoring.lock"
LOCKS = {"requirements": LOCK, "authoring": AUTHORING_LOCK}
LOCK_SUFFIX = "actions/install-glow/requirements.lock"
WORKSHOP_INSTALL = "actions/install-glow/action.yml"
ADMIN_INSTALL = "admin-roster/actions/install-glow/action.yml"
# The one action that installs authoring.lock, and the one workflow that runs it.
AUTHOR_ACTION = "admin-roster/actions/author/action.yml"
AUTHOR_WORKFLOW = "admin-roster/.github/workflows/author.yml"
NOT_FOR_BOTS = ("openai", "langgraph", "docker")
SHA = "0123456789abcdef0123456789abcdef01234567"
EXPECTED_FORM = "git+https://github.com/OWNER/WORKSHOP@<40-character commit SHA>"
ON_GITHUB_ONLY = "env.GLOW_LOCAL_RUNNER != '1'"
# The bots' machine (GitHub's ubuntu-latest, setup-python 3.11), for evaluating markers.
BOT_ENVIRONMENT = {
    "implementation_name": "cpython",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_system": "Linux",
    "python_full_version": "3.11.0",
    "python_version": "3.11",
    "sys_platform": "linux",
}


# ---- reading the lock, the actions and the workflows ---------------------------------------


@dataclass
class Pin:
    requirement: Requirement
    version: str
    hashes: list[str]


def read_lock(text: str) -> dict[str, Pin]:
    """The lock's entries by canonical name (pip's requirements format, one entry per line
    after joining backslash continuations)."""
    pins: dict[str, Pin] = {}
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        req_text, *options = re.split(r"\s+(?=--)", line)
        requirement = Requirement(req_text)
        [spec] = list(requirement.specifier)
        assert spec.operator == "==", f"not an exact pin: {line[:80]}"
        hashes = [o.removeprefix("--hash=sha256:") for o in options if o.startswith("--hash=")]
        assert len(hashes) == len(options), f"options other than --hash: {line[:80]}"
        pins[canonicalize_name(requirement.name)] = Pin(requirement, spec.version, hashes)
    return pins


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def action_files() -> list[Path]:
    return sorted([*ROOT.glob("actions/*/action.yml"), *ROOT.glob("*/actions/*/action.yml")])


def workflow_files() -> list[Path]:
    return sorted([*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob("*/.github/workflows/*.yml")])


def steps_of(path: Path) -> list[dict[str, Any]]:
    doc = yaml.safe_load(path.read_text())
    if "runs" in doc:
        return list(doc["runs"].get("steps") or [])
    return [step for job in (doc.get("jobs") or {}).values() for step in job.get("steps") or []]


INSTALLS = re.compile(r"\b(pip3?|uv pip|pipx)\b.*\binstall\b")  # pip, python -m pip, uv, pipx


def installs_in(script: str) -> list[list[str]]:
    """The commands of a run script that install Python packages, as argument lists."""
    found = []
    for line in script.replace("\\\n", " ").splitlines():
        if line.lstrip().startswith("#") or not INSTALLS.search(line):
            continue
        words = shlex.split(line, comments=True)
        command: list[str] = []
        for word in [*words, ";"]:
            if word in (";", "&&", "||", "|"):
                if INSTALLS.search(" ".join(command)):
                    found.append(command)
                command = []
            else:
                command.append(word)
    return found


def pip_installs(path: Path) -> list[tuple[dict[str, Any], list[str]]]:
    return [
        (step, words)
        for step in steps_of(path)
        for words in installs_in(str(step.get("run") or ""))
    ]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ---- the locks themselves --------------------------------------------------------------------


def wanted_by(lock: str) -> list[str]:
    """What pyproject.toml asks of a lock: the runtime dependencies and the build backend, and
    for the authoring lock the `authoring` extra too."""
    meta = pyproject()
    wanted = [*meta["project"]["dependencies"], *meta["build-system"]["requires"]]
    if lock == "authoring":
        wanted += meta["project"]["optional-dependencies"]["authoring"]
    return wanted


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_pin_is_exact_with_sha256_hashes_for_the_bots_machine(lock: str) -> None:
    """Exact versions and hashes (read_lock), and no entry the bots' machine would skip: pip
    leaves out an entry whose marker does not hold there, and the job misses a dependency."""
    pins = read_lock(LOCKS[lock].read_text())
    assert pins, "the lock is empty"
    for name, pin in pins.items():
        assert pin.hashes, f"{name} has no --hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in pin.hashes), name
        marker = pin.requirement.marker
        assert marker is None or marker.evaluate(BOT_ENVIRONMENT), f"{name}: {marker}"


def test_the_bots_lock_has_nothing_for_authoring() -> None:
    pins = read_lock(LOCK.read_text())
    unwanted = [n for n in pins if n in NOT_FOR_BOTS or n.startswith(("langgraph", "langchain"))]
    assert unwanted == []


def test_the_authoring_lock_is_the_bots_lock_with_the_authoring_extra_added() -> None:
    """Installed alone, it gives the Author job glow on exactly the bots' dependencies (same
    versions, extras and files), and authoring's besides."""
    bots = read_lock(LOCK.read_text())
    authoring = read_lock(AUTHORING_LOCK.read_text())
    for name, pin in bots.items():
        other = authoring.get(name)
        assert other is not None, f"{name} is missing: bash actions/install-glow/lock.sh"
        assert (other.version, other.requirement.extras, sorted(other.hashes)) == (
            pin.version,
            pin.requirement.extras,
            sorted(pin.hashes),
        ), name
    added = set(authoring) - set(bots)
    assert set(NOT_FOR_BOTS) <= added


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_the_lock_satisfies_pyproject_with_the_extras_it_asks_for(lock: str) -> None:
    """Every runtime dependency and build requirement of pyproject.toml (and, for the authoring
    lock, its `authoring` extra), at a locked version its specifier allows. Extras stay in the
    lock (githubkit[auth-app], pyjwt[crypto]): without them pip, in --require-hashes mode,
    reaches for an unpinned copy."""
    pins = read_lock(LOCKS[lock].read_text())
    for text in wanted_by(lock):
        req = Requirement(text)
        pin = pins.get(canonicalize_name(req.name))
        assert pin is not None, f"{req.name} is not in the lock: bash actions/install-glow/lock.sh"
        assert req.specifier.contains(pin.version, prereleases=True), (text, pin.version)
        assert req.extras <= pin.requirement.extras, (text, str(pin.requirement))


def test_the_authoring_extra_is_what_the_bots_never_install() -> None:
    meta = pyproject()
    extras = meta["project"]["optional-dependencies"]
    assert sorted(canonicalize_name(Requirement(r).name) for r in extras["authoring"]) == sorted(
        NOT_FOR_BOTS
    )
    runtime = {canonicalize_name(Requirement(r).name) for r in meta["project"]["dependencies"]}
    assert runtime.isdisjoint(NOT_FOR_BOTS)


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_the_lock_covers_every_transitive_runtime_dependency(lock: str) -> None:
    """Walk the requirements of what the lock is for (pyproject's dependencies, and the
    authoring extra for the authoring lock) through the packages installed here, with markers
    evaluated for the bots' machine: each one reached is locked at a version it allows. A
    package installed here at another version than the lock's (a newer release since the lock
    was made) is checked by name and version only, since its metadata here is not that of the
    locked file; the slow tests below let pip check the whole lock."""
    pins = read_lock(LOCKS[lock].read_text())
    build = {
        canonicalize_name(Requirement(r).name) for r in pyproject()["build-system"]["requires"]
    }
    todo = [
        req for req in map(Requirement, wanted_by(lock)) if canonicalize_name(req.name) not in build
    ]
    walked: set[str] = set()
    reached: set[str] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        pin = pins.get(name)
        assert pin is not None, f"{req} is not in the lock: bash actions/install-glow/lock.sh"
        assert req.specifier.contains(pin.version, prereleases=True), (str(req), pin.version)
        assert req.extras <= pin.requirement.extras, (str(req), str(pin.requirement))
        reached.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if name in walked or dist.version != pin.version:
            continue
        walked.add(name)
        for text in dist.requires or []:
            dep = Requirement(text)
            envs = [{**BOT_ENVIRONMENT, "extra": e} for e in ("", *pin.requirement.extras)]
            if dep.marker is None or any(dep.marker.evaluate(env) for env in envs):
                todo.append(dep)
    # Today the test venv resolves exactly the locks, so the walk reaches every locked runtime
    # package (only the build backend is outside it): a stale entry shows up here.
    assert walked, "no locked version is installed here: pip install -e '.[test]'"
    if walked == reached:
        assert set(pins) - build == reached


# ---- who installs what -----------------------------------------------------------------------


def test_only_the_install_glow_actions_install_python_packages() -> None:
    found = {relative(path) for path in [*action_files(), *workflow_files()] if pip_installs(path)}
    assert found == {WORKSHOP_INSTALL, ADMIN_INSTALL}


def default_lock(action: str) -> str:
    """The lock an install-glow action installs when its caller names none."""
    inputs = yaml.safe_load((ROOT / action).read_text()).get("inputs") or {}
    return str(inputs["lock"]["default"]) if "lock" in inputs else "requirements"


@pytest.mark.parametrize("action", [WORKSHOP_INSTALL, ADMIN_INSTALL])
def test_every_install_is_the_lock_with_hashes_then_glow_without_dependencies(action: str) -> None:
    found = pip_installs(ROOT / action)
    assert len(found) == 2, found
    lock_install, glow_install = (words for _, words in found)
    assert {"--require-hashes", "--only-binary", ":all:", "-r"} <= set(lock_install)
    # The workshop reads the lock beside its action; the admin side, the workshop checkout's,
    # requirements.lock unless its caller asks for the authoring lock.
    lock = lock_install[lock_install.index("-r") + 1]
    lock = lock.replace("$GITHUB_ACTION_PATH", "actions/install-glow")
    assert lock.replace("$GLOW_LOCK", default_lock(action)).endswith(LOCK_SUFFIX)
    assert {"--no-index", "--no-deps", "--no-build-isolation"} <= set(glow_install)
    assert "-r" not in glow_install and "-e" not in glow_install
    for step, _ in found:
        # The local runner runs glow from its own PATH; pip there would change its Python.
        assert step.get("if") == ON_GITHUB_ONLY, step["name"]


def test_every_action_that_runs_glow_installs_it_from_the_lock() -> None:
    for path in action_files():
        steps = steps_of(path)
        runs_glow = [i for i, s in enumerate(steps) if "exec glow" in str(s.get("run") or "")]
        if not runs_glow:
            continue
        install = [i for i, s in enumerate(steps) if s.get("uses") == "$/actions/install-glow"]
        assert install and install[0] < runs_glow[0], relative(path)
        step = steps[install[0]]
        if relative(path).startswith("actions/"):
            # Skipped on the local runner before its action is read (a rehearsal's workshop
            # repository need not hold actions/install-glow).
            assert step.get("if") == ON_GITHUB_ONLY, relative(path)
        else:
            # The admin side always runs it: its pin check must fail a rehearsal too.
            assert "if" not in step and "inputs.glow-install" in str(step.get("with")), path
        names = [str(s.get("name")) for s in steps]
        assert not any("Set up Python" in n for n in names), relative(path)


def install_glow_calls() -> dict[str, list[str]]:
    """Each action or workflow that calls an install-glow action -> the lock each call names
    (`requirements` when it names none)."""
    calls: dict[str, list[str]] = {}
    for path in [*action_files(), *workflow_files()]:
        for step in steps_of(path):
            if str(step.get("uses") or "").endswith("/actions/install-glow"):
                lock = (step.get("with") or {}).get("lock", "requirements")
                calls.setdefault(relative(path), []).append(str(lock))
    return calls


def callers_of(action: str) -> set[str]:
    """The workflows and actions with a step that uses the local action ``action``."""
    return {
        relative(path)
        for path in [*action_files(), *workflow_files()]
        if any(str(s.get("uses") or "") == f"$/actions/{action}" for s in steps_of(path))
    }


def test_only_the_author_job_installs_the_authoring_lock() -> None:
    """Every other job that runs glow holds the provisioning App's key with requirements.lock
    alone: nothing of authoring (openai, langgraph, docker) reaches it."""
    calls = install_glow_calls()
    assert len(calls) >= 5, calls  # the workshop's and the admin repository's bots
    authoring = {path for path, locks in calls.items() if locks != ["requirements"]}
    assert authoring == {AUTHOR_ACTION}
    assert calls[AUTHOR_ACTION] == ["authoring"]
    # The author action runs in the Author workflow only, and that workflow runs nothing else.
    assert callers_of("author") == {AUTHOR_WORKFLOW}
    [job] = yaml.safe_load((ROOT / AUTHOR_WORKFLOW).read_text())["jobs"].values()
    uses = [str(s["uses"]) for s in job["steps"] if "uses" in s]
    assert [u for u in uses if u.startswith("$/")] == ["$/actions/author"]
    # The workshop's own install-glow has no choice to make.
    assert default_lock(WORKSHOP_INSTALL) == "requirements"
    assert "lock" not in (yaml.safe_load((ROOT / WORKSHOP_INSTALL).read_text()).get("inputs") or {})


def run_install_step(tmp_path: Path, lock: str) -> tuple[int, str, list[str]]:
    """The admin install step's own script, as GitHub runs a bash step, with a `python` on PATH
    that records what it was asked to install."""
    [step] = [s for s in steps_of(ROOT / ADMIN_INSTALL) if s.get("env", {}).get("GLOW_LOCK")]
    assert step["env"] == {"GLOW_LOCK": "${{ inputs.lock }}"}  # never interpolated into run
    assert "${{" not in step["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "calls"
    calls.write_text("")
    fake = bin_dir / "python"
    fake.write_text(f'#!/bin/sh\necho "$*" >>{shlex.quote(str(calls))}\n')
    fake.chmod(0o755)
    script = tmp_path / "install.sh"
    script.write_text(step["run"])
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_WORKSPACE": "/ws",
        "GLOW_LOCK": lock,
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc.returncode, proc.stdout + proc.stderr, calls.read_text().splitlines()


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_the_lock_input_picks_the_workshops_lock_file(tmp_path: Path, lock: str) -> None:
    code, out, calls = run_install_step(tmp_path, lock)
    assert code == 0, out
    assert len(calls) == 2, calls
    assert calls[0].endswith(f"-r /ws/.glow-workshop/actions/install-glow/{lock}.lock")
    assert calls[1].endswith("/ws/.glow-workshop")
    inputs = yaml.safe_load((ROOT / ADMIN_INSTALL).read_text())["inputs"]
    assert inputs["lock"] == {
        "description": inputs["lock"]["description"],
        "required": False,
        "default": "requirements",
    }


@pytest.mark.parametrize("lock", ["", "test", "../../evil", "requirements.lock", "authoring x"])
def test_any_other_lock_input_fails_in_one_line_before_pip_runs(tmp_path: Path, lock: str) -> None:
    code, out, calls = run_install_step(tmp_path, lock)
    assert (code, calls) == (1, [])
    assert out.splitlines() == [
        f"::error::The install-glow input lock must be requirements or authoring, not '{lock}': "
        "fix the calling action's lock input."
    ]


# ---- the GLOW_INSTALL pin ----------------------------------------------------------------------


def pin_step() -> dict[str, Any]:
    [step] = [s for s in steps_of(ROOT / ADMIN_INSTALL) if s.get("id") == "pin"]
    return step


def check_pin(
    tmp_path: Path, value: str, *, local: bool = False, server: str = "https://github.com"
) -> tuple[int, str, dict[str, str]]:
    """Run the action's own pin check as GitHub runs a bash step (bash -eo pipefail)."""
    script = tmp_path / "pin.sh"
    script.write_text(pin_step()["run"])
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        "PATH": os.environ["PATH"],
        "GLOW_INSTALL": value,
        "GITHUB_OUTPUT": str(output),
        "GITHUB_SERVER_URL": server,
    }
    if local:
        env["GLOW_LOCAL_RUNNER"] = "1"
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc.returncode, proc.stdout + proc.stderr, outputs


def test_the_pin_check_runs_everywhere_and_takes_the_pin_only_from_env() -> None:
    step = pin_step()
    assert "if" not in step
    assert "${{" not in step["run"]  # untrusted text reaches the script through env only
    assert step["env"] == {"GLOW_INSTALL": "${{ inputs.glow-install }}"}
    later = [s for s in steps_of(ROOT / ADMIN_INSTALL) if s.get("id") != "pin"]
    assert later and all(s.get("if") == ON_GITHUB_ONLY for s in later)
    [checkout] = [s for s in later if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkout["with"] == {
        "repository": "${{ steps.pin.outputs.repository }}",
        "ref": "${{ steps.pin.outputs.sha }}",
        "path": ".glow-workshop",
        "persist-credentials": False,
    }


@pytest.mark.parametrize(
    ("value", "repository", "sha"),
    [
        (f"git+https://github.com/octo-org/workshop@{SHA}", "octo-org/workshop", SHA),
        (f"git+https://github.com/octo/glow.workshop.git@{SHA.upper()}", "octo/glow.workshop", SHA),
    ],
)
def test_a_full_commit_pin_is_accepted(
    tmp_path: Path, value: str, repository: str, sha: str
) -> None:
    code, out, outputs = check_pin(tmp_path, value)
    assert code == 0, out
    assert outputs == {"repository": repository, "sha": sha}
    assert f"glow comes from {repository} at {sha}." in out


def test_the_pin_names_this_server_on_github_enterprise(tmp_path: Path) -> None:
    server = "https://ghes.example.com"
    code, _, outputs = check_pin(tmp_path, f"git+{server}/octo/workshop@{SHA}", server=server)
    assert code == 0 and outputs["repository"] == "octo/workshop"
    code, out, _ = check_pin(tmp_path, f"git+https://github.com/octo/workshop@{SHA}", server=server)
    assert code == 1
    assert "GLOW_INSTALL to git+https://ghes.example.com/OWNER/WORKSHOP@<40-character" in out


@pytest.mark.parametrize(
    "value",
    [
        "",
        "git+https://github.com/octo/workshop@main",
        "git+https://github.com/octo/workshop@v1.2.0",
        "git+https://github.com/octo/workshop@0123456",
        f"git+https://github.com/octo/workshop@{SHA[:-1]}",
        f"git+https://github.com/octo/workshop@{SHA}0",
        "git+https://github.com/octo/workshop",
        f"octo/workshop@{SHA}",
        f"git+https://evil.example/octo/workshop@{SHA}",
        f"git+https://github.com/octo@{SHA}",
        f"git+https://user@github.com/octo/workshop@{SHA}",
        f"git+https://github.com/octo/workshop@{SHA}#egg=glow",
        f"glow @ git+https://github.com/octo/workshop@{SHA}",
        f" git+https://github.com/octo/workshop@{SHA}",
        f"git+https://github.com/octo/workshop@{SHA}\necho injected",
    ],
)
def test_anything_but_a_full_commit_fails_with_one_clear_error(tmp_path: Path, value: str) -> None:
    code, out, outputs = check_pin(tmp_path, value)
    assert code == 1
    assert outputs == {}
    assert out.splitlines() == [
        "::error::GLOW_INSTALL must name the workshop repository at a full commit: set the "
        f"repository variable GLOW_INSTALL to {EXPECTED_FORM} (not a branch, a tag or a short "
        "SHA)."
    ]


def test_on_the_local_runner_a_missing_or_bad_pin_fails_as_on_github(tmp_path: Path) -> None:
    """A rehearsal is no kinder than GitHub: the local runner installs nothing (glow is on its
    PATH), but the pin is checked all the same."""
    for value in ("", "git+https://github.com/octo/workshop@main"):
        code, out, outputs = check_pin(tmp_path, value, local=True)
        assert (code, outputs) == (1, {})
        assert out.startswith("::error::GLOW_INSTALL must name")


# ---- the pin check on the local runner -------------------------------------------------------


class VariablesHost(FakeHost):
    """A FakeHost with configuration variables (the runner's `vars` context)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.vars: dict[str, str] = {}

    def variables(self, repo: str) -> dict[str, str]:
        return dict(self.vars)


PIN_WORKFLOW = """\
on: workflow_dispatch
jobs:
  pin:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          persist-credentials: false
      - uses: $/actions/install-glow
        with:
          glow-install: ${{ vars.GLOW_INSTALL }}
      - run: echo "after the install, in $GITHUB_JOB"
"""


@pytest.fixture
def admin_repo(tmp_path: Path) -> Any:
    host = VariablesHost(tmp_path / "hub")
    seed = ROOT / "admin-roster"
    files = {
        path.relative_to(seed).as_posix(): path.read_text()
        for path in [*seed.glob(".github/workflows/*.yml"), *seed.glob("actions/*/action.yml")]
    }
    sha = host.commit({**files, ".github/workflows/pin.yml": PIN_WORKFLOW})
    runner = make_runner(host, tmp_path / "work")
    yield host, runner, sha
    runner.shutdown()
    host.close()


def dispatch(host: FakeHost, runner: Runner, sha: str, workflow: str) -> Any:
    [run] = run_event(
        runner, host, "workflow_dispatch", {"workflow": workflow, "inputs": {}}, sha=sha
    )
    return run


def test_the_local_runner_checks_the_pin_and_installs_nothing(admin_repo: Any) -> None:
    host, runner, sha = admin_repo
    host.vars["GLOW_INSTALL"] = f"git+{host.server_url}/{REPO}@{SHA}"
    run = dispatch(host, runner, sha, "pin.yml")
    assert run.conclusion == "success", run.log
    assert f"glow comes from {REPO} at {SHA}." in run.log
    assert "Skipped Install glow and its locked dependencies" in run.log
    assert "after the install, in pin" in run.log

    host.vars["GLOW_INSTALL"] = f"git+{host.server_url}/{REPO}@{SHA[:7]}"
    run = dispatch(host, runner, sha, "pin.yml")
    assert run.conclusion == "failure"
    assert "::error::GLOW_INSTALL must name the workshop repository at a full commit" in run.log
    assert "after the install, in pin" not in run.log


@pytest.mark.parametrize(
    ("workflow", "glow_step"),
    [("dashboard.yml", "Update the dashboard"), ("watchdog.yml", "Check for problems")],
)
def test_a_branch_pin_fails_the_admin_workflows_before_glow_runs(
    admin_repo: Any, workflow: str, glow_step: str
) -> None:
    host, runner, sha = admin_repo
    host.vars["GLOW_INSTALL"] = f"git+{host.server_url}/{REPO}@main"
    run = dispatch(host, runner, sha, workflow)
    assert run.conclusion == "failure"
    assert (
        f"::error::GLOW_INSTALL must name the workshop repository at a full commit: set the "
        f"repository variable GLOW_INSTALL to git+{host.server_url}/OWNER/WORKSHOP@<40-character"
    ) in run.log
    assert f"Skipped {glow_step}" in run.log


# ---- the lock from PyPI, as a job installs it -----------------------------------------------


def workshop_copy(tmp_path: Path) -> Path:
    """This checkout as the workshop repository a job installs from: glow, pyproject and the
    locks."""
    project = tmp_path / "workshop"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "glow", project / "glow", ignore=ignore)
    shutil.copytree(ROOT / "actions" / "install-glow", project / "actions" / "install-glow")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    return project


def install_in_fresh_venv(tmp_path: Path, run: str, env: dict[str, str]) -> dict[str, str]:
    """Run an install step's script in a fresh venv; what the venv then holds (pip's freeze,
    without pip), after pip has checked it is consistent and `glow --help` works."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    script = tmp_path / "install.sh"
    script.write_text(run)
    full_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    full_env.update(PATH=f"{venv / 'bin'}{os.pathsep}{full_env['PATH']}", **env)
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    python = str(venv / "bin" / "python")
    check = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True, check=True
    ).stdout
    installed = {
        canonicalize_name(name): version
        for name, version in (line.split("==") for line in listed.splitlines())
    }
    installed.pop("pip")
    help_text = subprocess.run(
        [str(venv / "bin" / "glow"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert help_text.returncode == 0 and "usage: glow" in help_text.stdout
    return installed


@pytest.mark.slow
def test_the_lock_installs_with_hashes_into_a_fresh_venv(tmp_path: Path) -> None:
    """The install step of actions/install-glow, verbatim, in a fresh venv on this checkout's
    copy: pip fetches the locked wheels from PyPI, checks every hash and that the lock is
    complete; the venv then holds exactly the lock and glow (about 15 seconds)."""
    project = workshop_copy(tmp_path)
    [step] = [s for s in steps_of(ROOT / WORKSHOP_INSTALL) if "run" in s]
    env = {"GITHUB_ACTION_PATH": str(project / "actions" / "install-glow")}
    installed = install_in_fresh_venv(tmp_path, step["run"], env)
    assert installed.pop("glow") == pyproject()["project"]["version"]
    assert installed == {name: pin.version for name, pin in read_lock(LOCK.read_text()).items()}


@pytest.mark.slow
def test_the_authoring_lock_installs_as_the_author_job_installs_it(tmp_path: Path) -> None:
    """The admin install step, verbatim, with the lock the author action asks for: the venv
    holds exactly the authoring lock and glow, and the authoring extra imports (about a
    minute)."""
    workshop_copy(tmp_path).rename(tmp_path / ".glow-workshop")
    [step] = [s for s in steps_of(ROOT / ADMIN_INSTALL) if "GLOW_LOCK" in (s.get("env") or {})]
    [lock] = install_glow_calls()[AUTHOR_ACTION]
    env = {"GITHUB_WORKSPACE": str(tmp_path), "GLOW_LOCK": lock}
    installed = install_in_fresh_venv(tmp_path, step["run"], env)
    assert installed.pop("glow") == pyproject()["project"]["version"]
    pins = read_lock(AUTHORING_LOCK.read_text())
    assert installed == {name: pin.version for name, pin in pins.items()}
    python = str(tmp_path / "venv" / "bin" / "python")
    imports = "import docker, langgraph.graph, openai, glow.authoring.llm"
    proc = subprocess.run([python, "-c", imports], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
