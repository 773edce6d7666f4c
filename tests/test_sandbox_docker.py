"""The Docker sandbox, through a real engine: what a bundle's author sees (status, stage,
headline) for a bundle that passes, fails or misbehaves, and that the host is unharmed.

The engine is this machine's: the session starts ``dockerd`` when it is not running and we are
root with the binary present, and skips only when no engine can start. No registry is needed:
the base image is built from this machine's programs (``glow.authoring.baseimage``).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glow.authoring import headlines
from glow.harness.sandbox import BootPoll, Job, Limits

docker = pytest.importorskip("docker")

from glow.authoring import dockerbuild  # noqa: E402
from glow.authoring.baseimage import build_base_image  # noqa: E402
from glow.authoring.dockerbox import JOB_LABEL, DockerSandbox  # noqa: E402
from glow.authoring.engine import NO_SDK, unavailable  # noqa: E402

BASE_TAG = "glow-test-base:latest"
PROGRAMS = ["sh", "cat", "sleep", "dd", "env", "python3", "node"]
DOCKERFILE = "ARG BASE_IMAGE=python:3.12-slim\nFROM ${BASE_IMAGE}\n"
JUNIT = (
    "python3 -c \"import os; open(os.environ['COURSEGEN_RESULTS'], 'w').write("
    '\'<testsuite tests=\\"1\\"><testcase name=\\"adds\\"/></testsuite>\')"'
)
QUICK = Limits(wall_seconds=20, memory_mb=256, processes=64, file_size_mb=16)


def start_dockerd() -> subprocess.Popen[bytes] | None:
    if os.geteuid() != 0 or shutil.which("dockerd") is None:
        return None
    log = open("/tmp/glow-test-dockerd.log", "ab")  # noqa: SIM115 (the daemon writes it)
    daemon = subprocess.Popen(["dockerd"], stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if unavailable() is None:
            return daemon
        time.sleep(0.5)
    daemon.terminate()
    return None


@pytest.fixture(scope="session")
def engine() -> Iterator[Any]:
    started = None
    if unavailable() is not None:
        started = start_dockerd()
        if started is None:
            pytest.skip(f"no Docker engine can start here: {unavailable()}")
    client = docker.from_env()
    yield client
    for container in client.containers.list(all=True, filters={"label": JOB_LABEL}):
        container.remove(force=True)
    if started is not None:
        started.terminate()
        started.wait(30)


@pytest.fixture(scope="session")
def base_image(engine: Any) -> str:
    build_base_image(BASE_TAG, PROGRAMS, client=engine)
    return BASE_TAG


@pytest.fixture(scope="session")
def sandbox(base_image: str, tmp_path_factory: pytest.TempPathFactory) -> DockerSandbox:
    """One prepared bundle: its jobs are scratch workspaces with their own scripts."""
    box = DockerSandbox(base_image=base_image)
    bundle = tmp_path_factory.mktemp("bundle")
    (bundle / "Dockerfile").write_text(DOCKERFILE)
    assert box.prepare(bundle) is None
    return box


def workspace(root: Path, **scripts: str) -> Path:
    runtime = root / "ws" / ".coursegen" / "runtime"
    runtime.mkdir(parents=True)
    (root / "ws" / "Dockerfile").write_text(DOCKERFILE)
    for stage in ("install", "boot", "check"):
        (runtime / f"{stage}.sh").write_text(scripts.get(stage, "exit 0") + "\n")
    return root / "ws"


def job_containers(engine: Any) -> list[Any]:
    return list(engine.containers.list(all=True, filters={"label": JOB_LABEL}))


def job_volumes(engine: Any) -> list[Any]:
    return list(engine.volumes.list(filters={"label": JOB_LABEL}))


@pytest.fixture
def host_server(engine: Any) -> Iterator[tuple[str, int, list[str]]]:
    """A TCP server on the host, at the address a container on Docker's bridge reaches it by;
    it records every connection."""
    config = engine.networks.get("bridge").attrs["IPAM"]["Config"][0]
    gateway = config.get("Gateway") or str(next(ipaddress.ip_network(config["Subnet"]).hosts()))
    server = socket.create_server(("0.0.0.0", 0))
    seen: list[str] = []

    def serve() -> None:
        while True:
            try:
                connection, peer = server.accept()
            except OSError:
                return
            seen.append(peer[0])
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    yield gateway, server.getsockname()[1], seen
    server.close()


def reach(address: str, port: int) -> str:
    return (
        f"python3 -c \"import socket; socket.create_connection(('{address}', {port}), 3)\" "
        "|| exit 7"
    )


def test_a_passing_check_hands_back_its_junit_xml(sandbox: DockerSandbox, tmp_path: Path) -> None:
    job = Job(workspace(tmp_path, check=JUNIT), env={"COURSEGEN_DELIVERABLE": "add"}, limits=QUICK)
    outcome = sandbox.run(job)
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("passed", "check", 0)
    assert outcome.headline == "check: .coursegen/runtime/check.sh exited 0"
    assert outcome.results is not None and '<testcase name="adds"/>' in outcome.results


def test_a_failing_check_is_reported_with_its_exit_code(
    sandbox: DockerSandbox, tmp_path: Path, engine: Any
) -> None:
    outcome = sandbox.run(Job(workspace(tmp_path, check="echo broken >&2; exit 3"), limits=QUICK))
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "check", 3)
    assert outcome.headline == "check: .coursegen/runtime/check.sh exited 3"
    assert "broken" in outcome.stderr_tail and outcome.results is None
    assert job_containers(engine) == [] and job_volumes(engine) == []


@pytest.mark.parametrize("network", [False, True])
def test_the_network_is_reachable_only_when_the_job_asks_for_it(
    sandbox: DockerSandbox, tmp_path: Path, host_server: tuple[str, int, list[str]], network: bool
) -> None:
    address, port, seen = host_server
    job = Job(workspace(tmp_path, check=reach(address, port)), network=network, limits=QUICK)
    outcome = sandbox.run(job)
    if network:
        assert outcome.status == "passed" and len(seen) == 1
    else:
        assert (outcome.status, outcome.headline) == (
            "failed",
            "check: .coursegen/runtime/check.sh exited 7",
        )
        assert seen == []


def test_a_fork_bomb_is_held_at_the_process_limit(
    sandbox: DockerSandbox, tmp_path: Path, engine: Any
) -> None:
    limits = Limits(wall_seconds=6, processes=32, memory_mb=256, file_size_mb=16)
    bomb = "bomb() { bomb | bomb & }; bomb; sleep 30"
    outcome = sandbox.run(Job(workspace(tmp_path, check=bomb), limits=limits))
    assert (outcome.status, outcome.stage) == ("killed", "check")
    assert outcome.headline == (
        "check: the job hit the process limit (limits.processes: 32) and was stopped"
    )
    assert job_containers(engine) == []
    assert subprocess.run(["true"], check=False).returncode == 0


def test_filling_the_disk_stops_at_the_cap(sandbox: DockerSandbox, tmp_path: Path) -> None:
    fill = "dd if=/dev/zero of=/workspace/fill bs=1M count=200"
    outcome = sandbox.run(Job(workspace(tmp_path, install=fill), limits=QUICK))
    assert (outcome.status, outcome.stage) == ("failed", "install")
    assert outcome.headline.startswith("install: the job filled its disk (/workspace;")
    assert "limits.file_size_mb: 16 MB" in outcome.headline
    assert not (tmp_path / "ws" / "fill").exists()


def test_writing_outside_the_workspace_leaves_the_host_alone(
    sandbox: DockerSandbox, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    script = f"echo x > /workspace/inside && echo x > {outside}; echo x > /etc/escaped"
    outcome = sandbox.run(Job(workspace(tmp_path, check=script), limits=QUICK))
    assert (outcome.status, outcome.stage) == ("failed", "check")
    assert "Read-only file system" in outcome.stderr_tail
    assert not outside.exists() and not Path("/etc/escaped").exists()
    assert not (tmp_path / "ws" / "inside").exists()


def test_a_job_outliving_its_time_is_killed_and_removed(
    sandbox: DockerSandbox, tmp_path: Path, engine: Any
) -> None:
    limits = Limits(wall_seconds=3, memory_mb=256, file_size_mb=16)
    outcome = sandbox.run(Job(workspace(tmp_path, check="sleep 60"), limits=limits))
    assert (outcome.status, outcome.stage) == ("timeout", "check")
    assert outcome.headline == (
        "check: the job did not finish within 3 s (limits.wall_seconds); "
        "its container was killed and removed"
    )
    assert outcome.wall_seconds < 15
    assert job_containers(engine) == [] and job_volumes(engine) == []


def test_memory_over_the_limit_is_reported_as_killed(
    sandbox: DockerSandbox, tmp_path: Path
) -> None:
    hog = "python3 -c \"b = b'x' * (400 * 1024 * 1024)\""
    limits = Limits(wall_seconds=20, memory_mb=64, file_size_mb=16)
    outcome = sandbox.run(Job(workspace(tmp_path, install=hog), limits=limits))
    assert (outcome.status, outcome.stage) == ("killed", "install")
    assert outcome.headline == (
        "install: the job ran out of memory (limits.memory_mb: 64 MB) and was killed"
    )


NOT_READY = (
    "node -e \"require('http').createServer((q, r) => { r.writeHead(501); r.end('not ready'); })"
    ".listen(8080, '127.0.0.1')\""
)
READY = (
    "exec python3 -c \"import http.server as h; h.HTTPServer(('127.0.0.1', 8080), "
    'h.SimpleHTTPRequestHandler).serve_forever()"'
)


def test_a_boot_poll_that_never_succeeds_carries_the_last_response(
    sandbox: DockerSandbox, tmp_path: Path
) -> None:
    boot = BootPoll("http://127.0.0.1:8080/health", timeout_seconds=3)
    outcome = sandbox.run(Job(workspace(tmp_path, boot=NOT_READY), boot=boot, limits=QUICK))
    assert (outcome.status, outcome.stage) == ("failed", "boot")
    assert outcome.headline == (
        "boot: http://127.0.0.1:8080/health did not answer within 3 s; "
        "last HTTP response: 501 Not Implemented: not ready"
    )


def test_a_booted_service_is_checked_and_still_cannot_reach_out(
    sandbox: DockerSandbox, tmp_path: Path, host_server: tuple[str, int, list[str]]
) -> None:
    address, port, seen = host_server
    check = (
        "python3 -c \"import urllib.request as u; u.urlopen('http://127.0.0.1:8080/')\" && "
        f"{JUNIT} && {reach(address, port)}"
    )
    boot = BootPoll("http://127.0.0.1:8080/", timeout_seconds=10)
    outcome = sandbox.run(
        Job(workspace(tmp_path, boot=READY, check=check), boot=boot, limits=QUICK)
    )
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "check", 7)
    assert outcome.results is not None and "adds" in outcome.results
    assert seen == []


def test_without_root_the_poll_reaches_the_service_on_an_internal_network(
    base_image: str, sandbox: DockerSandbox, tmp_path: Path, engine: Any
) -> None:
    box = DockerSandbox(base_image=base_image, boot_reach="address")
    box.image = sandbox.image
    serve = READY.replace("127.0.0.1", "0.0.0.0")
    check = f"{JUNIT} && {reach('1.1.1.1', 80)}"
    boot = BootPoll("http://127.0.0.1:8080/", timeout_seconds=10)
    outcome = box.run(Job(workspace(tmp_path, boot=serve, check=check), boot=boot, limits=QUICK))
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "check", 7)
    assert outcome.results is not None and "adds" in outcome.results
    assert engine.networks.list(filters={"label": JOB_LABEL}) == []


def test_the_parents_secret_never_reaches_a_script(
    sandbox: DockerSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLOW_TEST_SECRET", "hunter2-secret")
    env = {"COURSEGEN_DELIVERABLE": "add", "COURSEGEN_SUITE": "hidden"}
    check = 'export -p > "$COURSEGEN_RESULTS"'
    outcome = sandbox.run(Job(workspace(tmp_path, check=check), env=env, limits=QUICK))
    assert outcome.status == "passed" and outcome.results is not None
    assert "COURSEGEN_SUITE='hidden'" in outcome.results
    assert "hunter2" not in outcome.results and "GLOW_TEST_SECRET" not in outcome.results


def test_a_dockerfile_that_fails_to_build_names_its_step(base_image: str, tmp_path: Path) -> None:
    bundle = workspace(tmp_path)
    (bundle / "Dockerfile").write_text(DOCKERFILE + "RUN echo building && false\n")
    outcome = DockerSandbox(base_image=base_image).prepare(bundle)
    assert outcome is not None and (outcome.status, outcome.stage) == ("failed", "prepare")
    assert outcome.headline.startswith(
        "prepare: the image build failed at Step 3/3 : RUN echo building && false: "
    )
    assert "returned a non-zero code: 1" in outcome.headline


def test_a_build_past_its_timeout_is_stopped(base_image: str, tmp_path: Path) -> None:
    bundle = workspace(tmp_path)
    (bundle / "Dockerfile").write_text(DOCKERFILE + "RUN sleep 60\n")
    started = time.monotonic()
    outcome = DockerSandbox(base_image=base_image, build_timeout=3).prepare(bundle)
    assert outcome is not None and (outcome.status, outcome.stage) == ("timeout", "prepare")
    assert outcome.headline.startswith(
        "prepare: the image build did not finish within 3 s (last step: Step 3/3 : RUN sleep 60)"
    )
    assert time.monotonic() - started < 30


def test_an_unchanged_bundle_is_not_rebuilt(
    sandbox: DockerSandbox, base_image: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = workspace(tmp_path)
    assert DockerSandbox(base_image=base_image).prepare(bundle) is None

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("rebuilt an unchanged bundle")

    monkeypatch.setattr("glow.authoring.dockerbox.build_image", no_build)
    again = DockerSandbox(base_image=base_image)
    assert again.prepare(bundle) is None
    assert again.image == dockerbuild.image_tag(bundle, base_image)
    (bundle / "new.txt").write_text("changed\n")
    assert dockerbuild.image_tag(bundle, base_image) != again.image


def test_no_engine_says_to_start_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    reason = DockerSandbox().available()
    assert reason is not None and "start dockerd" in reason and "\n" not in reason


def test_no_sdk_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "docker", None)
    assert DockerSandbox().available() == NO_SDK
    assert "pip install 'glow[authoring]'" in NO_SDK


def test_an_http_response_is_one_short_line() -> None:
    line = headlines.http_response(503, "Service Unavailable", "warming\nup " + "x" * 300)
    assert line.startswith("503 Service Unavailable: warming up xxx")
    assert len(line) < 160 and "\n" not in line
    assert headlines.boot_failed("http://h/", 5, None).endswith(
        "nothing answered (is the service listening on that port?)"
    )


@pytest.mark.parametrize("example", ["python-ledger", "node-notes"])
def test_each_example_passes_the_matrix_in_the_docker_sandbox(
    base_image: str, example: str
) -> None:
    """The same verdicts as the process sandbox, from the bundle's own Dockerfile on a base
    image built here (the bundle names a registry's image; none is reachable)."""
    from glow.harness.bundle import load_bundle
    from glow.harness.verify import verify

    root = Path(__file__).resolve().parents[1] / "examples" / "bundles" / example
    bundle = load_bundle(root).bundle
    assert bundle is not None
    report = verify(bundle, DockerSandbox(base_image=base_image), mutants=0, workers=2)
    assert (report.ok, report.findings) == (True, [])
    passed = {(c.suite, c.variant) for c in report.cells if c.passed}
    assert ("hidden", "strong") in passed and ("visible", "naive") in passed
    assert not {("visible", "starter"), ("hidden", "starter"), ("hidden", "naive")} & passed


def test_glow_author_base_image_builds_one_a_bundle_can_use(
    engine: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from glow.__main__ import main

    assert main(["author", "base-image", "glow-cli-base:test", "--program", "python3"]) == 0
    assert "Built glow-cli-base:test" in capsys.readouterr().out
    image = engine.images.get("glow-cli-base:test")
    said = engine.containers.run(image.id, ["python3", "-c", "print(6 * 7)"], remove=True)
    assert said.strip() == b"42"
    assert main(["author", "base-image", "x:y", "--program", "no-such-program"]) == 2
    assert "--program: base image: no program 'no-such-program'" in capsys.readouterr().err
