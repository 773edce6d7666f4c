"""The supply chain of the jobs that hold the provisioning App's key: every Python package they
install comes from actions/install-glow/requirements.lock (exact versions, sha256 hashes),
glow itself from a checkout; the admin repository's GLOW_INSTALL pin must be a full commit."""

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
LOCK_SUFFIX = "actions/install-glow/requirements.lock"
WORKSHOP_INSTALL = "actions/install-glow/action.yml"
ADMIN_INSTALL = "admin-roster/actions/install-glow/action.yml"
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


# ---- the lock itself -------------------------------------------------------------------------


def test_every_pin_is_exact_with_sha256_hashes_and_nothing_for_authoring() -> None:
    pins = read_lock(LOCK.read_text())
    assert pins, "the lock is empty"
    for name, pin in pins.items():
        assert pin.hashes, f"{name} has no --hash"
        assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in pin.hashes), name
    unwanted = [n for n in pins if n in NOT_FOR_BOTS or n.startswith(("langgraph", "langchain"))]
    assert unwanted == []


def test_the_lock_satisfies_pyproject_with_the_extras_it_asks_for() -> None:
    """Every runtime dependency and build requirement of pyproject.toml, at a locked version
    its specifier allows. Extras stay in the lock (githubkit[auth-app], pyjwt[crypto]):
    without them pip, in --require-hashes mode, reaches for an unpinned copy."""
    pins = read_lock(LOCK.read_text())
    meta = pyproject()
    wanted = [*meta["project"]["dependencies"], *meta["build-system"]["requires"]]
    for text in wanted:
        req = Requirement(text)
        pin = pins.get(canonicalize_name(req.name))
        assert pin is not None, f"{req.name} is not in the lock: bash actions/install-glow/lock.sh"
        assert req.specifier.contains(pin.version, prereleases=True), (text, pin.version)
        assert req.extras <= pin.requirement.extras, (text, str(pin.requirement))
    extras = meta["project"]["optional-dependencies"]
    assert sorted(canonicalize_name(Requirement(r).name) for r in extras["authoring"]) == sorted(
        NOT_FOR_BOTS
    )
    runtime = {canonicalize_name(Requirement(r).name) for r in meta["project"]["dependencies"]}
    assert runtime.isdisjoint(NOT_FOR_BOTS)


def test_the_lock_covers_every_transitive_runtime_dependency() -> None:
    """Walk the requirements of pyproject's dependencies through the packages installed here:
    each one reached is locked at a version it allows. A package installed here at another
    version than the lock's (a newer release since the lock was made) is checked by name and
    version only, since its metadata here is not that of the locked file; the slow test below
    lets pip check the whole lock."""
    pins = read_lock(LOCK.read_text())
    todo = [Requirement(r) for r in pyproject()["project"]["dependencies"]]
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
    # Today the test venv resolves exactly the lock, so the walk reaches every locked runtime
    # package (only the build backend is outside it): a stale entry shows up here.
    assert walked, "no locked version is installed here: pip install -e '.[test]'"
    build = {
        canonicalize_name(Requirement(r).name) for r in pyproject()["build-system"]["requires"]
    }
    if walked == reached:
        assert set(pins) - build == reached


# ---- who installs what -----------------------------------------------------------------------


def test_only_the_install_glow_actions_install_python_packages() -> None:
    found = {relative(path) for path in [*action_files(), *workflow_files()] if pip_installs(path)}
    assert found == {WORKSHOP_INSTALL, ADMIN_INSTALL}


@pytest.mark.parametrize("action", [WORKSHOP_INSTALL, ADMIN_INSTALL])
def test_every_install_is_the_lock_with_hashes_then_glow_without_dependencies(action: str) -> None:
    found = pip_installs(ROOT / action)
    assert len(found) == 2, found
    lock_install, glow_install = (words for _, words in found)
    assert {"--require-hashes", "--only-binary", ":all:", "-r"} <= set(lock_install)
    # The workshop reads the lock beside its action; the admin side, the workshop checkout's.
    lock = lock_install[lock_install.index("-r") + 1]
    assert lock.replace("$GITHUB_ACTION_PATH", "actions/install-glow").endswith(LOCK_SUFFIX)
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


@pytest.mark.slow
def test_the_lock_installs_with_hashes_into_a_fresh_venv(tmp_path: Path) -> None:
    """The install step of actions/install-glow, verbatim, in a fresh venv on this checkout's
    copy: pip fetches the locked wheels from PyPI, checks every hash and that the lock is
    complete; the venv then holds exactly the lock and glow (about 15 seconds)."""
    project = tmp_path / "workshop"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "glow", project / "glow", ignore=ignore)
    shutil.copytree(ROOT / "actions" / "install-glow", project / "actions" / "install-glow")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    [step] = [s for s in steps_of(ROOT / WORKSHOP_INSTALL) if "run" in s]
    script = tmp_path / "install.sh"
    script.write_text(step["run"])
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}",
        GITHUB_ACTION_PATH=str(project / "actions" / "install-glow"),
    )
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
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
    assert installed.pop("glow") == pyproject()["project"]["version"]
    assert installed == {name: pin.version for name, pin in read_lock(LOCK.read_text()).items()}
    help_text = subprocess.run(
        [str(venv / "bin" / "glow"), "--help"], capture_output=True, text=True, timeout=60
    )
    assert help_text.returncode == 0 and "usage: glow" in help_text.stdout
