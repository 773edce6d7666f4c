"""The process sandbox (bubblewrap), the embedded default: one job, one throwaway sandbox.

What a job sees:

- a read-only system: ``/usr`` (and ``/bin``, ``/sbin``, ``/lib*`` as the host has them) and
  ``/etc``; nothing of ``/root``, ``/home``, ``/work``, ``/var`` or the caller's files;
- ``/workspace``: a tmpfs of ``limits.file_size_mb``, seeded from the job's scratch copy (a tar
  stream on the driver's stdin), so the host's copy is never written and a job that fills its
  disk fills only that tmpfs; ``/tmp`` (HOME is ``/tmp/home``), ``/dev/shm`` and ``/coursegen``
  (where ``COURSEGEN_RESULTS`` points) are tmpfs of the same size; the rest is read-only;
- no network (its own namespace with only loopback) unless ``job.network``, then the host's;
- a scrubbed environment: the job's ``COURSEGEN_*`` variables, ``COURSEGEN_RESULTS``, a plain
  ``PATH``, ``HOME`` and ``LANG``;
- rlimits on every script: CPU, data segment (memory), processes, file size, no core files;
- where the machine lets the harness make one, a memory cgroup for the whole job (``cgroup``).

Memory (``ProcessSandbox.memory_enforcement`` says which a job has):

- ``"cgroup"``: the job (bubblewrap and everything below it) runs in its own memory cgroup of
  ``limits.memory_mb``, swap off, removed after the job. Everything counts: private and shared
  memory of every process and the pages of the job's tmpfs mounts (a file written to
  ``/dev/shm`` or ``/tmp`` is memory), so the tmpfs sizes cap the disk and the cgroup the RAM.
  An OOM kill in the cgroup makes the job "killed", with a headline naming ``limits.memory_mb``.
  The scripts raise their ``oom_score_adj``, so the kernel takes a script before the driver.
- ``"rlimit"``: no cgroup is writable here (an ordinary user without a delegated memory
  controller, as on GitHub's Ubuntu runners). Then memory is only the per-process
  ``RLIMIT_DATA``: it refuses private memory past the limit (a MemoryError, a failed script), but
  shared anonymous memory and tmpfs pages are not counted, so a job may use more RAM than
  ``limits.memory_mb`` (up to four tmpfs of ``limits.file_size_mb`` besides). ``available()``
  does not depend on it.

``RLIMIT_DATA`` applies in both cases (not ``RLIMIT_AS``, which refuses the address space
Node.js reserves for WebAssembly).

Nothing inside the sandbox writes to the host: the results and the driver's facts come back on a
pipe (``process_driver``), stdout and stderr on pipes, each read with a cap.

Processes: the kernel never enforces ``RLIMIT_NPROC`` on host root (``INIT_USER`` is exempt),
so as root each job runs bubblewrap as a fresh unprivileged host uid (a random one above
``_UID_BASE``, never shared by two jobs of this process): bubblewrap then builds the sandbox in an
unprivileged user namespace, the job's processes are counted against ``limits.processes``, and
the job cannot read what only root may (``/etc/shadow``). As an ordinary user (GitHub's Ubuntu
runners) bubblewrap runs as that user. Counting processes does not need cgroups.

The wall clock: at ``limits.wall_seconds`` the host kills the sandbox's PID 1 (bubblewrap's,
named on ``--info-fd``), which kills every process in its PID namespace, and waits for bubblewrap
to reap it, so no process of the job survives the outcome.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from glow.harness.cgroup import JobCgroup, Parent, gated, start_in, usable_parent
from glow.harness.sandbox import RESULTS_LIMIT, WORKSPACE, Job, Limits, Outcome, Stage, Status

BWRAP = "/usr/bin/bwrap"
# The driver runs with the host's python, visible read-only in the sandbox under /usr.
PYTHON = "/usr/bin/python3"
TAIL_CHARS = 4_000
PLAIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOME = "/tmp/home"
RESULTS_DIR = "/coursegen"
RESULTS_FILE = f"{RESULTS_DIR}/results.xml"
# The uid and gid a job has inside its sandbox.
INSIDE_ID = 1000
_UID_BASE = 1_500_000_000
_UID_SPAN = 500_000_000
_MB = 1024 * 1024
# The most of the driver's facts the host reads: the results plus room for the small facts.
_REPORT_LIMIT = 2 * RESULTS_LIMIT + 65_536
# How long the host waits for bubblewrap to reap the sandbox after killing its PID 1.
_REAP_SECONDS = 10.0


# ---- the driver's facts (an edge: parsed with pydantic, anything else ignored) ----


class StageFact(BaseModel):
    event: Literal["stage"]
    stage: Stage


class ExitFact(BaseModel):
    event: Literal["exit"]
    stage: Stage
    code: int
    disk_full: bool = False


class BootFact(BaseModel):
    event: Literal["boot"]
    answered: bool
    last: dict[str, Any]
    code: int | None = None
    disk_full: bool = False


class UnpackFact(BaseModel):
    event: Literal["unpack_failed"]
    error: str
    disk_full: bool = False


class ResultsFact(BaseModel):
    event: Literal["results"]
    xml: str | None = None


Fact = Annotated[
    StageFact | ExitFact | BootFact | UnpackFact | ResultsFact, Field(discriminator="event")
]
_FACT = TypeAdapter(Fact)


def parse_facts(lines: Sequence[str]) -> list[Fact]:
    """The driver's report, one JSON object a line; a line that is not a fact is skipped."""
    facts: list[Fact] = []
    for line in lines:
        try:
            facts.append(_FACT.validate_json(line))
        except ValidationError:
            continue
    return facts


# ---- pure decisions ----


@dataclass(frozen=True)
class Mount:
    """One piece of the read-only system: a bind of ``path``, or a symlink to ``target``."""

    path: str
    target: str | None = None


def bwrap_command(
    bwrap: str,
    job: Job,
    system: Sequence[Mount],
    report_fd: int,
    info_fd: int,
    driver_source: str,
) -> list[str]:
    """The bubblewrap command line that runs ``job``'s driver."""
    size = str(job.limits.file_size_mb * _MB)
    args = [bwrap, "--unshare-all"]
    if job.network:
        args.append("--share-net")
    args += ["--die-with-parent", "--new-session", "--hostname", "coursegen"]
    args += ["--uid", str(INSIDE_ID), "--gid", str(INSIDE_ID)]
    for mount in system:
        if mount.target is None:
            args += ["--ro-bind", mount.path, mount.path]
        else:
            args += ["--symlink", mount.target, mount.path]
    args += ["--ro-bind", "/etc", "/etc"]
    if job.network:
        # Ubuntu's /etc/resolv.conf points into /run/systemd/resolve.
        args += ["--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve"]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--size", size, "--tmpfs", "/dev/shm", "--remount-ro", "/dev"]
    for place in ("/tmp", WORKSPACE, RESULTS_DIR):
        args += ["--size", size, "--tmpfs", place]
    args += ["--dir", "/var", "--symlink", "../tmp", "/var/tmp"]
    args += ["--remount-ro", "/", "--chdir", WORKSPACE, "--clearenv"]
    args += ["--info-fd", str(info_fd)]
    config = {
        "report_fd": report_fd,
        "workspace": WORKSPACE,
        "scratch": ["/tmp", RESULTS_DIR],
        "env": script_env(job.env),
        "limits": {
            "cpu": job.limits.cpu_seconds,
            "memory": job.limits.memory_mb * _MB,
            "processes": job.limits.processes,
            "file_size": job.limits.file_size_mb * _MB,
        },
        "boot": (
            {"url": job.boot.url, "timeout_seconds": job.boot.timeout_seconds} if job.boot else None
        ),
        "results_limit": RESULTS_LIMIT,
    }
    return [*args, PYTHON, "-I", "-B", "-c", driver_source, json.dumps(config)]


def script_env(job_env: Mapping[str, str]) -> dict[str, str]:
    """What every script sees: the job's COURSEGEN_* variables and a plain PATH, HOME, LANG."""
    env = {k: v for k, v in job_env.items() if k.startswith("COURSEGEN_")}
    env.update(COURSEGEN_RESULTS=RESULTS_FILE, PATH=PLAIN_PATH, HOME=HOME, LANG="C.UTF-8")
    return env


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _last_answer(last: Mapping[str, Any]) -> str:
    if last.get("kind") == "http":
        body = str(last.get("body", ""))
        answer = f"{last.get('status')} {last.get('reason')}"
        return f"last HTTP response: {answer}: {body}" if body else f"last HTTP response: {answer}"
    if last.get("kind") == "error":
        return f"last connection error: {last.get('error')}"
    return "it was never polled"


def _signal_of(code: int) -> int | None:
    """The signal that ended a script: negative codes, or sh's 128 + n for its last command."""
    if code < 0:
        return -code
    if 128 < code <= 128 + 64:
        return code - 128
    return None


def _ended(stage: Stage, code: int, disk_full: bool, limits: Limits) -> tuple[Status, str]:
    """(status, headline) for a script that ended with ``code``."""
    script = f"{stage}.sh"
    caught = _signal_of(code)
    if caught == signal.SIGXCPU:
        cpu = _seconds(limits.cpu_seconds)
        return "killed", f"killed: {script} used more than {cpu} of CPU (limits.cpu_seconds)"
    if caught == signal.SIGXFSZ:
        size = f"{limits.file_size_mb} MB"
        return "killed", f"killed: {script} wrote a file over {size} (limits.file_size_mb)"
    if disk_full:
        size = f"{limits.file_size_mb} MB"
        return "killed", f"killed: {script} filled the job's {size} of disk (limits.file_size_mb)"
    if caught == signal.SIGKILL:
        cpu = _seconds(limits.cpu_seconds)
        return (
            "killed",
            f"killed: {script} was killed (SIGKILL) past its {cpu} of CPU (limits.cpu_seconds)",
        )
    if code == 0:
        return "passed", f"{script} exited with 0"
    return "failed", f"{script} exited with {code}"


def out_of_memory(stage: Stage, limits: Limits) -> str:
    """The headline of a job whose memory cgroup had a process OOM-killed during ``stage``."""
    doing = "copying the workspace in" if stage == "prepare" else f"{stage}.sh"
    return (
        f"killed: {doing} ran out of the job's {limits.memory_mb} MB of memory"
        " (limits.memory_mb; files the job writes count too)"
    )


def judge(
    facts: Sequence[Fact],
    job: Job,
    *,
    timed_out: bool,
    wall_seconds: float,
    sandbox_stderr: str = "",
    oom_killed: bool = False,
) -> Outcome:
    """The outcome of one job from the driver's facts and what the host saw. A job that did not
    pass while its memory cgroup OOM-killed a process was killed at its memory limit, in the
    stage it ended in (a job that passed all the same stays passed)."""
    outcome = _judged(
        facts, job, timed_out=timed_out, wall_seconds=wall_seconds, sandbox_stderr=sandbox_stderr
    )
    if not oom_killed or outcome.status == "passed":
        return outcome
    headline = out_of_memory(outcome.stage, job.limits)
    return outcome.model_copy(update={"status": "killed", "headline": headline})


def _judged(
    facts: Sequence[Fact],
    job: Job,
    *,
    timed_out: bool,
    wall_seconds: float,
    sandbox_stderr: str,
) -> Outcome:
    stage: Stage = "prepare"
    results: str | None = None
    for fact in facts:
        if isinstance(fact, StageFact):
            stage = fact.stage
        elif isinstance(fact, ResultsFact):
            results = fact.xml
    common: dict[str, Any] = {"results": results, "wall_seconds": round(wall_seconds, 3)}
    if timed_out:
        limit = _seconds(job.limits.wall_seconds)
        if stage == "prepare":
            doing = "the workspace was still being copied in"
        elif stage == "boot" and job.boot:
            doing = f"the boot poll of {job.boot.url} was still waiting"
        else:
            doing = f"{stage}.sh was still running"
        headline = f"timeout: {doing} after {limit} (the bundle's limits.wall_seconds)"
        return Outcome(status="timeout", stage=stage, headline=headline, **common)
    for fact in facts:
        if isinstance(fact, UnpackFact):
            size = f"{job.limits.file_size_mb} MB"
            headline = (
                f"error: the workspace does not fit in the job's {size} (limits.file_size_mb)"
                if fact.disk_full
                else f"error: the workspace could not be copied into the sandbox: {fact.error}"
            )
            return Outcome(status="error", stage="prepare", headline=headline, **common)
        if isinstance(fact, ExitFact) and (fact.code != 0 or fact.stage == "check"):
            status, headline = _ended(fact.stage, fact.code, fact.disk_full, job.limits)
            return Outcome(
                status=status,
                stage=fact.stage,
                exit_code=fact.code,
                headline=headline,
                **common,
            )
        if isinstance(fact, BootFact) and not fact.answered and job.boot:
            url, last = job.boot.url, _last_answer(fact.last)
            if fact.code not in (None, 0):
                headline = f"boot: boot.sh exited with {fact.code} before {url} answered; {last}"
            else:
                within = _seconds(job.boot.timeout_seconds)
                headline = f"boot: {url} did not answer within {within}; {last}"
            if fact.disk_full:
                headline += f" (it filled the job's {job.limits.file_size_mb} MB of disk)"
            return Outcome(
                status="failed", stage="boot", exit_code=fact.code, headline=headline, **common
            )
    said = [line for line in sandbox_stderr.splitlines() if line.startswith("bwrap:")]
    why = said[-1] if said else "no report from the sandbox's driver"
    headline = f"error: the process sandbox stopped during {stage}: {why}"
    return Outcome(status="error", stage=stage, headline=headline, **common)


# ---- adapters ----


def system_mounts() -> list[Mount]:
    """The host's read-only system as this machine lays it out (merged /usr or not)."""
    mounts = [Mount("/usr")]
    for path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(path):
            mounts.append(Mount(path, os.readlink(path)))
        elif os.path.isdir(path):
            mounts.append(Mount(path))
    return mounts


def driver_source() -> str:
    return (Path(__file__).parent / "process_driver.py").read_text(encoding="utf-8")


_uids_lock = threading.Lock()
_uids_in_use: set[int] = set()


@contextmanager
def _job_user() -> Iterator[dict[str, Any]]:
    """Popen's arguments that run bubblewrap as a fresh unprivileged uid (as root), else none."""
    if os.geteuid() != 0:
        yield {}
        return
    with _uids_lock:
        uid = random.randrange(_UID_BASE, _UID_BASE + _UID_SPAN)
        while uid in _uids_in_use:
            uid = random.randrange(_UID_BASE, _UID_BASE + _UID_SPAN)
        _uids_in_use.add(uid)
    try:
        yield {"user": uid, "group": uid, "extra_groups": []}
    finally:
        with _uids_lock:
            _uids_in_use.discard(uid)


class _Tail:
    """The last ``chars`` characters of a stream, read to its end on a thread."""

    def __init__(self, stream: IO[bytes], chars: int = TAIL_CHARS) -> None:
        self._data = bytearray()
        self._chars = chars
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        with stream:
            while chunk := os.read(stream.fileno(), 65_536):
                self._data += chunk
                if len(self._data) > 8 * self._chars:
                    del self._data[: -4 * self._chars]

    def text(self) -> str:
        self.thread.join(timeout=5)
        return bytes(self._data).decode("utf-8", "replace")[-self._chars :]


def _read_report(fd: int, lines: list[str]) -> None:
    with os.fdopen(fd, "rb") as stream:
        taken = 0
        while raw := stream.readline(_REPORT_LIMIT):
            taken += len(raw)
            if taken <= _REPORT_LIMIT:
                lines.append(raw.decode("utf-8", "replace"))


def _read_info(fd: int, info: dict[str, int]) -> None:
    """bubblewrap's ``--info-fd``: the host pid of the sandbox's PID 1, held as a pidfd too (a
    signal through it can never reach another process that reused the pid)."""
    with os.fdopen(fd, "rb") as stream:
        data = b""
        while chunk := os.read(stream.fileno(), 4096):
            data += chunk
            try:
                pid = json.loads(data).get("child-pid")
            except ValueError:
                continue
            if isinstance(pid, int) and "child-pid" not in info:
                with suppress(OSError, AttributeError):
                    info["pidfd"] = os.pidfd_open(pid)
                info["child-pid"] = pid


def _feed(stdin: IO[bytes], workspace: Path) -> None:
    """Stream the scratch workspace into the sandbox as a tar; stop quietly if it goes away."""
    try:
        with stdin, tarfile.open(fileobj=stdin, mode="w|") as tar:
            for entry in sorted(workspace.iterdir()):
                tar.add(str(entry), arcname=entry.name)
    except (OSError, tarfile.TarError):
        return


def _exited(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Whether bubblewrap ends within ``timeout``, leaving it unreaped (its pid, and so its
    process group's id, stay reserved for ``_sweep``)."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # pragma: no cover - Linux before 5.3
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        return bool(select.select([pidfd], [], [], max(0.0, timeout))[0])
    finally:
        os.close(pidfd)


def _sweep(proc: subprocess.Popen[bytes]) -> None:
    """Kill what is left of bubblewrap's process group (a sandbox PID 1 that bubblewrap left
    before setting it up), then reap bubblewrap."""
    with suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _stop(proc: subprocess.Popen[bytes], info: Mapping[str, int]) -> None:
    """Kill the sandbox's PID 1, which kills every process of the job with it, wait for
    bubblewrap to reap it, then sweep bubblewrap's process group."""
    with suppress(OSError):
        if "pidfd" in info:
            signal.pidfd_send_signal(info["pidfd"], signal.SIGKILL)
        elif "child-pid" in info:
            os.kill(info["child-pid"], signal.SIGKILL)
    if "child-pid" in info:
        _exited(proc, _REAP_SECONDS)
    _sweep(proc)


class ProcessSandbox:
    """Runs jobs under bubblewrap. Safe to share between threads: each job is its own sandbox."""

    name = "process"

    def __init__(self, bwrap: str | None = None, *, cgroups: bool = True) -> None:
        """``cgroups=False`` keeps to the per-process memory rlimit even where a memory cgroup
        could be made (to compare the two)."""
        self.bwrap = bwrap or shutil.which("bwrap") or BWRAP
        self.cgroups = cgroups

    def _cgroup_parent(self) -> Parent | None:
        return usable_parent() if self.cgroups else None

    @property
    def memory_enforcement(self) -> Literal["cgroup", "rlimit"]:
        """How ``limits.memory_mb`` is held here: "cgroup" (the whole job, tmpfs pages and shared
        memory included) or "rlimit" (each process's data segment only)."""
        return "cgroup" if self._cgroup_parent() is not None else "rlimit"

    def available(self) -> str | None:
        if not os.access(self.bwrap, os.X_OK):
            return "bubblewrap is not installed: apt-get install bubblewrap"
        if not os.access(PYTHON, os.X_OK):
            return (
                f"{PYTHON} is missing (the process sandbox runs with it): apt-get install python3"
            )
        probe = [self.bwrap, "--unshare-all", "--die-with-parent"]
        for mount in system_mounts():
            if mount.target is None:
                probe += ["--ro-bind", mount.path, mount.path]
            else:
                probe += ["--symlink", mount.target, mount.path]
        probe += ["--proc", "/proc", "--dev", "/dev", PYTHON, "-c", "pass"]
        with _job_user() as user:
            try:
                done = subprocess.run(
                    probe, capture_output=True, env={}, timeout=30, check=False, **user
                )
            except (OSError, subprocess.SubprocessError) as exc:
                return f"bubblewrap cannot start here: {exc}"
        if done.returncode != 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            why = said[-1] if said else f"exit code {done.returncode}"
            return (
                f"bubblewrap cannot make a sandbox here ({why}): allow unprivileged user namespaces"
                " (on Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0)"
            )
        return None

    def prepare(self, workspace: Path) -> Outcome | None:
        """Nothing to build: the sandbox runs on the host's own read-only system."""
        return None

    def run(self, job: Job) -> Outcome:
        started = time.monotonic()
        parent = self._cgroup_parent()
        if parent is None:
            with _job_user() as user:
                return self._run(job, user, None, started)
        try:
            cgroup = JobCgroup(parent, job.limits.memory_mb * _MB)
        except OSError as exc:
            headline = f"error: the job's memory cgroup could not be made in {parent.path}: {exc}"
            return Outcome(status="error", stage="prepare", headline=headline)
        try:
            with _job_user() as user:
                return self._run(job, user, cgroup, started)
        finally:
            cgroup.remove()

    def _run(
        self, job: Job, user: Mapping[str, Any], cgroup: JobCgroup | None, started: float
    ) -> Outcome:
        report_r, report_w = os.pipe()
        info_r, info_w = os.pipe()
        command = bwrap_command(self.bwrap, job, system_mounts(), report_w, info_w, driver_source())
        passed = [report_w, info_w]
        gate_w = -1
        if cgroup is not None:
            gate_r, gate_w = os.pipe()
            command = gated(command, gate_r)
            passed.append(gate_r)
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=passed,
                env={},
                start_new_session=True,
                **user,
            )
        except OSError as exc:
            for fd in (report_r, info_r, *passed, gate_w):
                with suppress(OSError):
                    os.close(fd)
            headline = f"error: bubblewrap could not start: {exc}"
            return Outcome(status="error", stage="prepare", headline=headline)
        for fd in passed:
            os.close(fd)
        assert proc.stdin and proc.stdout and proc.stderr
        if cgroup is not None:
            try:
                start_in(cgroup, proc, gate_w)
            except OSError as exc:
                _sweep(proc)
                for stream in (proc.stdin, proc.stdout, proc.stderr):
                    stream.close()
                for fd in (report_r, info_r):
                    os.close(fd)
                headline = f"error: the job could not be put in its memory cgroup: {exc}"
                return Outcome(status="error", stage="prepare", headline=headline)
        lines: list[str] = []
        info: dict[str, int] = {}
        threads = [
            threading.Thread(target=_read_report, args=(report_r, lines), daemon=True),
            threading.Thread(target=_read_info, args=(info_r, info), daemon=True),
            threading.Thread(target=_feed, args=(proc.stdin, job.workspace), daemon=True),
        ]
        for thread in threads:
            thread.start()
        stdout, stderr = _Tail(proc.stdout), _Tail(proc.stderr)
        timed_out = not _exited(proc, job.limits.wall_seconds - (time.monotonic() - started))
        if timed_out:
            _stop(proc, info)
        else:
            _sweep(proc)
        for thread in threads:
            thread.join(timeout=5)
        if "pidfd" in info:
            os.close(info["pidfd"])
        out, err = stdout.text(), stderr.text()
        outcome = judge(
            parse_facts(lines),
            job,
            timed_out=timed_out,
            wall_seconds=time.monotonic() - started,
            sandbox_stderr=err,
            oom_killed=cgroup is not None and cgroup.oom_killed(),
        )
        return outcome.model_copy(update={"stdout_tail": out, "stderr_tail": err})
