"""The process sandbox (bubblewrap): what an author sees, and that the host is unharmed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from glow.harness.cgroup import (
    PREFIX,
    Mounted,
    Parent,
    memory_mounts,
    memory_parent,
    oom_kills,
    own_cgroups,
    usable_parent,
)
from glow.harness.process import ProcessSandbox, parse_facts
from glow.harness.process import judge as judge_outcome
from glow.harness.sandbox import RESULTS_LIMIT, BootPoll, Job, Limits, Outcome

SANDBOX = ProcessSandbox()
WHY_NOT = SANDBOX.available()
needs_bwrap = pytest.mark.skipif(
    WHY_NOT is not None, reason=f"the process sandbox cannot run here: {WHY_NOT}"
)

RLIMIT_ONLY = ProcessSandbox(cgroups=False)
needs_cgroup = pytest.mark.skipif(
    WHY_NOT is not None or SANDBOX.memory_enforcement != "cgroup",
    reason=(
        f"the process sandbox cannot run here: {WHY_NOT}"
        if WHY_NOT
        else "no memory cgroup is writable here (memory is held by RLIMIT_DATA alone)"
    ),
)

JUNIT = '<testsuite name="s"><testcase classname="c" name="{name}"/></testsuite>'
SMALL = Limits(wall_seconds=20, cpu_seconds=5, memory_mb=256, processes=32, file_size_mb=8)


def workspace(root: Path, *, install: str = "exit 0", check: str, boot: str | None = None) -> Path:
    place = root / f"ws-{uuid.uuid4().hex[:8]}"
    runtime = place / ".coursegen" / "runtime"
    runtime.mkdir(parents=True)
    (runtime / "install.sh").write_text(install)
    (runtime / "check.sh").write_text(check)
    if boot is not None:
        (runtime / "boot.sh").write_text(boot)
    (place / "README.md").write_text("the starter\n")
    return place


def write_results(name: str) -> str:
    return f"echo '{JUNIT.format(name=name)}' > \"$COURSEGEN_RESULTS\""


def survivors(marker: str) -> str:
    found = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True)
    return found.stdout.strip()


def leftover_cgroups() -> list[str]:
    """The job cgroups this test process made that are still there."""
    parent = usable_parent()
    if parent is None:
        return []
    mine = f"{PREFIX}{os.getpid()}-"
    return [entry.name for entry in parent.path.iterdir() if entry.name.startswith(mine)]


def tree_bytes(place: Path) -> int:
    return sum(p.stat().st_size for p in place.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path


# ---- the decisions, without a sandbox ----


def test_a_timeout_during_boot_names_the_poll_and_the_limit() -> None:
    job = Job(workspace=Path("/nowhere"), boot=BootPoll("http://127.0.0.1:8080/health"))
    facts = parse_facts(['{"event": "stage", "stage": "boot"}', "not a fact"])
    outcome = judge_outcome(facts, job, timed_out=True, wall_seconds=120.2)
    assert outcome.status == "timeout"
    assert outcome.stage == "boot"
    assert outcome.headline == (
        "timeout: the boot poll of http://127.0.0.1:8080/health was still waiting after 120 s"
        " (the bundle's limits.wall_seconds)"
    )


def test_a_sandbox_that_stops_without_a_report_is_an_error_naming_bubblewraps_line() -> None:
    outcome = judge_outcome(
        [],
        Job(workspace=Path("/nowhere")),
        timed_out=False,
        wall_seconds=0.1,
        sandbox_stderr="noise\nbwrap: Can't mount tmpfs on /newroot: Operation not permitted\n",
    )
    assert outcome.status == "error"
    assert outcome.headline == (
        "error: the process sandbox stopped during prepare:"
        " bwrap: Can't mount tmpfs on /newroot: Operation not permitted"
    )


def test_a_script_ended_by_sh_reporting_sigxcpu_is_killed_at_the_cpu_limit() -> None:
    facts = parse_facts(['{"event": "exit", "stage": "install", "code": 152}'])
    outcome = judge_outcome(
        facts,
        Job(workspace=Path("/x"), limits=Limits(cpu_seconds=3)),
        timed_out=False,
        wall_seconds=4,
    )
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("killed", "install", 152)
    assert outcome.headline == "killed: install.sh used more than 3 s of CPU (limits.cpu_seconds)"


def test_an_oom_kill_in_the_jobs_cgroup_makes_a_failed_job_killed_at_the_memory_limit() -> None:
    facts = parse_facts(
        ['{"event": "stage", "stage": "check"}', '{"event": "exit", "stage": "check", "code": -9}']
    )
    job = Job(workspace=Path("/x"), limits=Limits(memory_mb=64))
    outcome = judge_outcome(facts, job, timed_out=False, wall_seconds=1, oom_killed=True)
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("killed", "check", -9)
    assert outcome.headline == (
        "killed: check.sh ran out of the job's 64 MB of memory"
        " (limits.memory_mb; files the job writes count too)"
    )
    without = judge_outcome(facts, job, timed_out=False, wall_seconds=1)
    assert "memory" not in without.headline


def test_an_oom_kill_while_the_workspace_is_copied_in_names_the_copy() -> None:
    facts = parse_facts(['{"event": "stage", "stage": "prepare"}'])
    job = Job(workspace=Path("/x"), limits=Limits(memory_mb=128))
    outcome = judge_outcome(facts, job, timed_out=False, wall_seconds=1, oom_killed=True)
    assert (outcome.status, outcome.stage) == ("killed", "prepare")
    assert outcome.headline.startswith(
        "killed: copying the workspace in ran out of the job's 128 MB of memory"
    )


def test_a_job_that_passed_despite_an_oom_kill_stays_passed() -> None:
    facts = parse_facts(['{"event": "exit", "stage": "check", "code": 0}'])
    outcome = judge_outcome(
        facts, Job(workspace=Path("/x")), timed_out=False, wall_seconds=1, oom_killed=True
    )
    assert outcome.status == "passed"


def test_the_jobs_cgroups_are_made_under_the_harnesss_own_memory_cgroup() -> None:
    container_v1 = (
        "30 25 0:26 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n"
        "31 25 0:27 /docker/abc /sys/fs/cgroup/pids ro,nosuid - cgroup cgroup rw,pids\n"
        "32 25 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
    )
    own = own_cgroups("9:pids:/docker/abc\n4:memory,hugetlb:/docker/abc/job\n0::/user.slice\n")
    assert own == {"memory": "/docker/abc/job", "": "/user.slice"}
    mounts = memory_mounts(container_v1)
    assert mounts == [
        Mounted("v1", "/sys/fs/cgroup/memory", "/docker/abc"),
        Mounted("v2", "/sys/fs/cgroup/unified", "/"),
    ]
    assert memory_parent(mounts, own) == [
        Parent("v1", Path("/sys/fs/cgroup/memory/job")),
        Parent("v2", Path("/sys/fs/cgroup/unified/user.slice")),
    ]
    unified = memory_mounts("25 1 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n")
    runner = own_cgroups("0::/system.slice/runner.service\n")
    assert memory_parent(unified, runner) == [
        Parent("v2", Path("/sys/fs/cgroup/system.slice/runner.service"))
    ]
    outside = [Mounted("v1", "/sys/fs/cgroup/memory", "/docker/other")]
    assert memory_parent(outside, own) == []


def test_oom_kills_are_read_from_either_cgroup_version() -> None:
    v1 = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"
    v2 = "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n"
    assert oom_kills("v1", v1) == 2
    assert oom_kills("v2", v2) == 1
    assert oom_kills("v2", "low 0\nmax 3\n") == 0


def test_without_cgroups_memory_is_held_by_the_rlimit() -> None:
    assert RLIMIT_ONLY.memory_enforcement == "rlimit"
    assert SANDBOX.memory_enforcement in {"cgroup", "rlimit"}


# ---- jobs in the sandbox ----


@needs_bwrap
def test_a_passing_check_hands_back_its_junit_and_sees_only_its_variables(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = f"secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("GLOW_TEST_TOKEN", secret)
    place = workspace(
        scratch,
        install="echo installed > built.txt",
        check=f"cat built.txt README.md; env; {write_results('records')}",
    )
    job = Job(
        workspace=place,
        env={"COURSEGEN_DELIVERABLE": "record", "OTHER": secret},
        limits=SMALL,
    )
    outcome = SANDBOX.run(job)
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("passed", "check", 0)
    assert outcome.headline == "check.sh exited with 0"
    assert outcome.results is not None and 'name="records"' in outcome.results
    assert "installed\nthe starter\n" in outcome.stdout_tail
    assert "COURSEGEN_DELIVERABLE=record" in outcome.stdout_tail
    assert "COURSEGEN_RESULTS=" in outcome.stdout_tail
    assert secret not in outcome.stdout_tail
    assert "GLOW_TEST_TOKEN" not in outcome.stdout_tail
    assert not (place / "built.txt").exists()


@needs_bwrap
def test_a_failing_check_reports_its_exit_code_and_no_results(scratch: Path) -> None:
    outcome = SANDBOX.run(
        Job(workspace=workspace(scratch, check="echo nope >&2; exit 3"), limits=SMALL)
    )
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "check", 3)
    assert outcome.headline == "check.sh exited with 3"
    assert outcome.results is None
    assert outcome.stderr_tail == "nope\n"


@needs_bwrap
def test_a_failing_install_stops_before_check(scratch: Path) -> None:
    place = workspace(scratch, install="exit 2", check=write_results("never"))
    outcome = SANDBOX.run(Job(workspace=place, limits=SMALL))
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "install", 2)
    assert outcome.headline == "install.sh exited with 2"
    assert outcome.results is None


@pytest.fixture
def host_server() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.sendall(b"hello from the host\n")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


@needs_bwrap
@pytest.mark.parametrize("network", [False, True])
def test_the_network_is_reached_only_when_the_bundle_declares_it(
    scratch: Path, host_server: int, network: bool
) -> None:
    reach = (
        "python3 -c \"import socket,sys; s=socket.create_connection(('127.0.0.1', "
        f'{host_server}), timeout=3); sys.stdout.write(s.recv(100).decode())"'
    )
    outcome = SANDBOX.run(
        Job(workspace=workspace(scratch, check=reach), network=network, limits=SMALL)
    )
    if network:
        assert outcome.status == "passed", outcome
        assert outcome.stdout_tail == "hello from the host\n"
    else:
        assert (outcome.status, outcome.exit_code) == ("failed", 1)
        assert "hello from the host" not in outcome.stdout_tail
        assert "ConnectionRefusedError" in outcome.stderr_tail


@needs_bwrap
def test_a_fork_bomb_is_held_to_the_process_limit_and_leaves_nothing(scratch: Path) -> None:
    marker = f"glow-bomb-{uuid.uuid4().hex}"
    bomb = f"sh -c 'bomb() {{ bomb | bomb & }}; bomb; sleep 60' {marker}"
    limits = Limits(wall_seconds=4, cpu_seconds=5, memory_mb=256, processes=24, file_size_mb=8)
    outcome = SANDBOX.run(Job(workspace=workspace(scratch, check=bomb), limits=limits))
    assert (outcome.status, outcome.stage) == ("timeout", "check")
    assert outcome.headline == (
        "timeout: check.sh was still running after 4 s (the bundle's limits.wall_seconds)"
    )
    assert "Cannot fork" in outcome.stderr_tail
    assert survivors(marker) == ""
    assert leftover_cgroups() == []
    assert subprocess.run(["true"]).returncode == 0


@needs_bwrap
def test_a_job_that_fills_its_disk_is_stopped_and_leaves_nothing_on_the_host(
    scratch: Path,
) -> None:
    fill = "i=0; while head -c 1048576 /dev/zero > fill-$i; do i=$((i+1)); done; exit 1"
    limits = Limits(wall_seconds=20, cpu_seconds=5, memory_mb=256, processes=32, file_size_mb=4)
    place = workspace(scratch, check=fill)
    before = tree_bytes(place)
    outcome = SANDBOX.run(Job(workspace=place, limits=limits))
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("killed", "check", 1)
    assert outcome.headline == (
        "killed: check.sh filled the job's 4 MB of disk (limits.file_size_mb)"
    )
    assert "No space left on device" in outcome.stderr_tail
    assert tree_bytes(place) == before


@needs_bwrap
def test_one_file_over_the_file_size_limit_is_killed(scratch: Path) -> None:
    limits = Limits(wall_seconds=20, cpu_seconds=5, memory_mb=256, processes=32, file_size_mb=4)
    place = workspace(scratch, check="head -c 50000000 /dev/zero > /tmp/big")
    outcome = SANDBOX.run(Job(workspace=place, limits=limits))
    assert (outcome.status, outcome.stage) == ("killed", "check")
    assert outcome.headline in {
        "killed: check.sh wrote a file over 4 MB (limits.file_size_mb)",
        "killed: check.sh filled the job's 4 MB of disk (limits.file_size_mb)",
    }


@needs_bwrap
def test_writes_outside_the_workspace_never_reach_the_host(scratch: Path) -> None:
    marker = f"glow-escape-{uuid.uuid4().hex}"
    targets = [Path("/etc") / marker, Path("/tmp") / marker, Path("/work") / marker]
    tries = "; ".join(f"echo x > {t} && echo wrote {t}" for t in targets)
    place = workspace(
        scratch,
        check=(
            f"{tries}; echo x > {scratch / marker} && echo wrote host scratch; "
            "ls /root >/dev/null 2>&1 && echo root readable || echo root unreadable; "
            "cat /etc/shadow >/dev/null 2>&1 && echo shadow readable || echo shadow unreadable; "
            "ls /home /work /var/lib/docker >/dev/null 2>&1 && echo homes visible; exit 0"
        ),
    )
    outcome = SANDBOX.run(Job(workspace=place, limits=SMALL))
    assert outcome.status == "passed", outcome
    assert f"wrote /tmp/{marker}" in outcome.stdout_tail  # its own /tmp, a tmpfs
    assert "root unreadable" in outcome.stdout_tail
    assert "shadow unreadable" in outcome.stdout_tail
    assert "homes visible" not in outcome.stdout_tail
    for target in [*targets, scratch / marker]:
        assert not target.exists()


@needs_bwrap
def test_a_job_past_its_wall_clock_is_killed_with_every_process(scratch: Path) -> None:
    marker = f"glow-late-{uuid.uuid4().hex}"
    check = f"setsid sh -c 'sleep 60' {marker} & sh -c 'sleep 60' {marker}-2"
    limits = Limits(wall_seconds=2, cpu_seconds=5, memory_mb=256, processes=32, file_size_mb=8)
    started = time.monotonic()
    outcome = SANDBOX.run(Job(workspace=workspace(scratch, check=check), limits=limits))
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("timeout", "check", None)
    assert outcome.headline == (
        "timeout: check.sh was still running after 2 s (the bundle's limits.wall_seconds)"
    )
    assert time.monotonic() - started < 10
    assert survivors(marker) == ""
    assert leftover_cgroups() == []


@needs_bwrap
def test_a_daemon_left_behind_by_a_passing_check_dies_with_the_job(scratch: Path) -> None:
    marker = f"glow-daemon-{uuid.uuid4().hex}"
    check = f"setsid sh -c 'sleep 60' {marker} & {write_results('left')}"
    outcome = SANDBOX.run(Job(workspace=workspace(scratch, check=check), limits=SMALL))
    assert outcome.status == "passed", outcome
    assert survivors(marker) == ""


@needs_bwrap
@pytest.mark.parametrize("sandbox", [SANDBOX, RLIMIT_ONLY], ids=["default", "rlimit"])
@pytest.mark.parametrize("memory_mb", [64, 512])
def test_memory_over_the_limit_is_refused(
    scratch: Path, memory_mb: int, sandbox: ProcessSandbox
) -> None:
    grab = "python3 -c \"b = bytearray(300 * 1024 * 1024); print('got', len(b))\""
    limits = Limits(wall_seconds=20, cpu_seconds=5, memory_mb=memory_mb, processes=32)
    outcome = sandbox.run(Job(workspace=workspace(scratch, check=grab), limits=limits))
    if memory_mb == 512:
        assert outcome.status == "passed", outcome
        assert outcome.stdout_tail == f"got {300 * 1024 * 1024}\n"
    else:
        assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "check", 1)
        assert outcome.headline == "check.sh exited with 1"
        assert "MemoryError" in outcome.stderr_tail


MEMORY_HEADLINE = (
    "killed: {script} ran out of the job's 64 MB of memory"
    " (limits.memory_mb; files the job writes count too)"
)
SHARED = (
    'python3 -c "import mmap; m = mmap.mmap(-1, 300 * 1024 * 1024); '
    "[m.__setitem__(i, 1) for i in range(0, len(m), 4096)]; print('touched', len(m))\""
)


@needs_cgroup
def test_shared_anonymous_memory_over_the_limit_is_killed_naming_the_memory_limit(
    scratch: Path,
) -> None:
    limits = Limits(wall_seconds=30, cpu_seconds=10, memory_mb=64, processes=32)
    outcome = SANDBOX.run(Job(workspace=workspace(scratch, check=SHARED), limits=limits))
    assert (outcome.status, outcome.stage) == ("killed", "check"), outcome
    assert outcome.headline == MEMORY_HEADLINE.format(script="check.sh")
    assert "touched" not in outcome.stdout_tail
    assert leftover_cgroups() == []


@needs_cgroup
@pytest.mark.parametrize("place", ["/dev/shm", "/tmp", "/workspace"])
def test_files_written_past_the_memory_limit_are_killed_naming_the_memory_limit(
    scratch: Path, place: str
) -> None:
    # The disk (file_size_mb) would hold 300 MB; the job's 64 MB of memory must not.
    fill = f"head -c 314572800 /dev/zero > {place}/fill && echo filled"
    limits = Limits(wall_seconds=30, cpu_seconds=10, memory_mb=64, file_size_mb=400)
    outcome = SANDBOX.run(
        Job(workspace=workspace(scratch, install=fill, check="exit 0"), limits=limits)
    )
    assert (outcome.status, outcome.stage) == ("killed", "install"), outcome
    assert outcome.headline == MEMORY_HEADLINE.format(script="install.sh")
    assert "filled" not in outcome.stdout_tail
    assert leftover_cgroups() == []


@needs_cgroup
def test_a_job_over_its_memory_beside_one_within_it_touches_only_its_own(scratch: Path) -> None:
    outcomes: dict[str, Outcome] = {}
    limits = Limits(wall_seconds=30, cpu_seconds=10, memory_mb=64, processes=32)
    checks = {"greedy": SHARED, "modest": f"sleep 1; {write_results('modest')}"}

    def one(name: str) -> None:
        job = Job(workspace=workspace(scratch, check=checks[name]), limits=limits)
        outcomes[name] = SANDBOX.run(job)

    threads = [threading.Thread(target=one, args=(name,)) for name in checks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes["greedy"].status == "killed", outcomes["greedy"]
    assert outcomes["modest"].status == "passed", outcomes["modest"]
    assert leftover_cgroups() == []


NODE_WASM = (
    'node -e "const m = new WebAssembly.Memory({initial: 1, maximum: 65536}); '
    "WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))"
    ".then(() => console.log('wasm', m.buffer.byteLength))\""
)


@needs_bwrap
@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed here")
def test_node_starts_and_instantiates_webassembly_under_256_mb(scratch: Path) -> None:
    outcome = SANDBOX.run(Job(workspace=workspace(scratch, check=NODE_WASM), limits=SMALL))
    assert (outcome.status, outcome.stage) == ("passed", "check"), outcome
    assert outcome.stdout_tail == "wasm 65536\n"


@needs_bwrap
def test_a_busy_loop_is_killed_at_the_cpu_limit(scratch: Path) -> None:
    limits = Limits(wall_seconds=20, cpu_seconds=1, memory_mb=256, processes=32)
    place = workspace(scratch, check='python3 -c "while True: pass"')
    outcome = SANDBOX.run(Job(workspace=place, limits=limits))
    assert (outcome.status, outcome.stage) == ("killed", "check")
    assert outcome.headline == "killed: check.sh used more than 1 s of CPU (limits.cpu_seconds)"


SERVER = """\
import http.server, sys
STATUS = int(sys.argv[1])
class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"not ready" if STATUS >= 400 else b"ok"
        self.send_response(STATUS)
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", 8080), Answer).serve_forever()
"""


@needs_bwrap
def test_a_boot_that_answers_501_fails_with_that_answer_in_the_headline(scratch: Path) -> None:
    place = workspace(scratch, boot="exec python3 server.py 501", check=write_results("never"))
    (place / "server.py").write_text(SERVER)
    job = Job(
        workspace=place,
        limits=SMALL,
        boot=BootPoll("http://127.0.0.1:8080/health", timeout_seconds=2),
    )
    outcome = SANDBOX.run(job)
    assert (outcome.status, outcome.stage) == ("failed", "boot")
    assert outcome.headline == (
        "boot: http://127.0.0.1:8080/health did not answer within 2 s;"
        " last HTTP response: 501 Not Implemented: not ready"
    )
    assert outcome.results is None


@needs_bwrap
def test_a_boot_that_answers_lets_check_reach_the_service(scratch: Path) -> None:
    reach = (
        'python3 -c "import urllib.request as u; '
        "print(u.urlopen('http://127.0.0.1:8080/health').read().decode())\" && "
        + write_results("served")
    )
    place = workspace(scratch, boot="exec python3 server.py 200", check=reach)
    (place / "server.py").write_text(SERVER)
    job = Job(workspace=place, limits=SMALL, boot=BootPoll("http://127.0.0.1:8080/health", 10))
    outcome = SANDBOX.run(job)
    assert (outcome.status, outcome.stage) == ("passed", "check"), outcome
    assert outcome.stdout_tail == "ok\n"
    assert outcome.results is not None and 'name="served"' in outcome.results


@needs_bwrap
def test_a_boot_script_that_dies_fails_with_its_exit_code_and_the_last_error(
    scratch: Path,
) -> None:
    place = workspace(scratch, boot="exit 4", check=write_results("never"))
    job = Job(workspace=place, limits=SMALL, boot=BootPoll("http://127.0.0.1:8080/", 10))
    outcome = SANDBOX.run(job)
    assert (outcome.status, outcome.stage, outcome.exit_code) == ("failed", "boot", 4)
    assert outcome.headline.startswith(
        "boot: boot.sh exited with 4 before http://127.0.0.1:8080/ answered;"
        " last connection error: "
    )
    assert outcome.wall_seconds < 8


@needs_bwrap
def test_two_jobs_run_side_by_side(scratch: Path) -> None:
    outcomes: dict[str, Outcome] = {}

    def one(name: str) -> None:
        check = f"sleep 1; echo {name}; {write_results(name)}"
        job = Job(workspace=workspace(scratch, check=check), limits=SMALL)
        outcomes[name] = SANDBOX.run(job)

    threads = [threading.Thread(target=one, args=(name,)) for name in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in ("left", "right"):
        outcome = outcomes[name]
        assert outcome.status == "passed", outcome
        assert outcome.stdout_tail == f"{name}\n"
        assert outcome.results is not None and f'name="{name}"' in outcome.results


def test_without_bubblewrap_available_says_what_to_install(tmp_path: Path) -> None:
    missing = ProcessSandbox(bwrap=str(tmp_path / "no-bwrap"))
    assert missing.available() == "bubblewrap is not installed: apt-get install bubblewrap"


def test_the_sandbox_is_named_process() -> None:
    assert SANDBOX.name == "process"
    assert SANDBOX.prepare(Path(os.getcwd())) is None


@needs_bwrap
def test_output_and_results_come_back_capped(scratch: Path) -> None:
    check = (
        "yes out | head -c 100000; yes err | head -c 100000 >&2; "
        'head -c 2000000 /dev/zero | tr "\\0" x > "$COURSEGEN_RESULTS"'
    )
    outcome = SANDBOX.run(Job(workspace=workspace(scratch, check=check), limits=SMALL))
    assert outcome.status == "passed", outcome.headline
    assert outcome.stdout_tail == "out\n" * 1000
    assert outcome.stderr_tail == "err\n" * 1000
    assert outcome.results == "x" * RESULTS_LIMIT
