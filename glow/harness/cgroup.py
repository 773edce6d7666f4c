"""A memory cgroup per job, where this machine lets the harness make one.

``limits.memory_mb`` is enforced for the whole job (bubblewrap, the driver, every script and the
pages of the job's tmpfs mounts) when a memory controller is writable from the harness's own
cgroup:

- cgroup v1 (``/sys/fs/cgroup/memory``, e.g. inside a container, as root): a child of the
  harness's own memory cgroup with ``memory.limit_in_bytes`` and, where swap is accounted,
  ``memory.memsw.limit_in_bytes`` at the same value (no swap);
- cgroup v2: a child of the harness's own cgroup with ``memory.max`` and ``memory.swap.max`` 0,
  when that cgroup has the memory controller delegated to the harness (it may enable it for its
  children). An ordinary user on a systemd machine (GitHub's Ubuntu runners) usually has no
  such delegation, so there the sandbox falls back to a per-process ``RLIMIT_DATA``.

Each job's cgroup has its own name (``glow-<pid>-<random>``), the job's bubblewrap is moved in
before it starts anything (a small gate waits on a pipe until the host has moved it), the OOM
kills are read from ``memory.oom_control`` (v1) or ``memory.events`` (v2), and the cgroup is
removed after the job, whatever ended it.

The parsing is pure (``own_cgroups``, ``memory_mounts``, ``memory_parent``, ``oom_kills``);
``JobCgroup`` and ``usable_parent`` are the adapters.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

Kind = Literal["v1", "v2"]
PREFIX = "glow-"
_PROBE_PYTHON = "/usr/bin/python3"
# Run before bubblewrap: wait until the host has moved this process into the job's cgroup (one
# byte on the named pipe), then become the real command with the same pid. No byte: exit 1.
GATE = (
    "import os,sys;f=int(sys.argv[1]);ok=os.read(f,1);os.close(f);"
    "ok or sys.exit(1);os.execv(sys.argv[2],sys.argv[2:])"
)
_REMOVE_SECONDS = 5.0


@dataclass(frozen=True)
class Mounted:
    """One cgroup hierarchy as mounted here: where, and which part of the hierarchy it shows."""

    kind: Kind
    point: str
    root: str


@dataclass(frozen=True)
class Parent:
    """The cgroup directory the jobs' cgroups are made in (the harness's own cgroup)."""

    kind: Kind
    path: Path


# ---- pure ----


def own_cgroups(proc_self_cgroup: str) -> dict[str, str]:
    """``/proc/self/cgroup``: "memory" to the v1 memory cgroup's path, "" to the v2 one's."""
    found: dict[str, str] = {}
    for line in proc_self_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            found[""] = path
        elif "memory" in controllers.split(","):
            found["memory"] = path
    return found


def memory_mounts(mountinfo: str) -> list[Mounted]:
    """The cgroup mounts that can hold a memory limit: v1 ``memory`` ones and every v2 one."""
    found: list[Mounted] = []
    for line in mountinfo.splitlines():
        head, _, tail = line.partition(" - ")
        fields, rest = head.split(), tail.split()
        if len(fields) < 5 or len(rest) < 3:
            continue
        fstype, options = rest[0], rest[2].split(",")
        if fstype == "cgroup" and "memory" in options:
            found.append(Mounted("v1", fields[4], fields[3]))
        elif fstype == "cgroup2":
            found.append(Mounted("v2", fields[4], fields[3]))
    return found


def _under(mount: Mounted, path: str) -> Path | None:
    root = mount.root.rstrip("/")
    if path != root and not path.startswith(root + "/"):
        return None
    return Path(mount.point, path[len(root) :].lstrip("/"))


def memory_parent(mounts: Sequence[Mounted], own: dict[str, str]) -> list[Parent]:
    """Where the harness's own cgroup is, in each hierarchy that can limit memory; v1 first
    (on a hybrid machine the memory controller lives there, not in v2)."""
    parents: list[Parent] = []
    for kind, key in (("v1", "memory"), ("v2", "")):
        if key not in own:
            continue
        for mount in mounts:
            if mount.kind == kind and (path := _under(mount, own[key])) is not None:
                parents.append(Parent(mount.kind, path))
                break
    return parents


def oom_kills(kind: Kind, text: str) -> int:
    """How many processes the OOM killer took in a cgroup, from v1 ``memory.oom_control`` or
    v2 ``memory.events`` (both have an ``oom_kill N`` line)."""
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == "oom_kill" and value.strip().isdigit():
            return int(value)
    return 0


# ---- adapters ----


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="ascii") as handle:
        handle.write(value)


class JobCgroup:
    """One job's memory cgroup: made with its limit, a process moved in, OOM kills read, and
    removed (its last processes killed first)."""

    def __init__(self, parent: Parent, memory_bytes: int) -> None:
        self.kind = parent.kind
        self.path = parent.path / f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        os.mkdir(self.path, 0o755)
        try:
            if self.kind == "v1":
                _write(self.path / "memory.limit_in_bytes", str(memory_bytes))
                if (self.path / "memory.memsw.limit_in_bytes").exists():
                    _write(self.path / "memory.memsw.limit_in_bytes", str(memory_bytes))
            else:
                _write(self.path / "memory.max", str(memory_bytes))
                if (self.path / "memory.swap.max").exists():
                    _write(self.path / "memory.swap.max", "0")
        except OSError:
            self.remove()
            raise

    def add(self, pid: int) -> None:
        _write(self.path / "cgroup.procs", str(pid))

    def oom_killed(self) -> bool:
        name = "memory.oom_control" if self.kind == "v1" else "memory.events"
        try:
            return oom_kills(self.kind, (self.path / name).read_text(encoding="ascii")) > 0
        except OSError:
            return False

    def _pids(self) -> list[int]:
        try:
            text = (self.path / "cgroup.procs").read_text(encoding="ascii")
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def remove(self) -> None:
        """Remove the cgroup; a process still in it (there should be none: the sandbox's PID 1
        has been killed and bubblewrap reaped) is killed first."""
        deadline = time.monotonic() + _REMOVE_SECONDS
        while True:
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() >= deadline:
                    return
            if self.kind == "v2" and (self.path / "cgroup.kill").exists():
                with suppress(OSError):
                    _write(self.path / "cgroup.kill", "1")
            else:
                for pid in self._pids():
                    with suppress(OSError):
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.02)


@contextmanager
def job_cgroup(parent: Parent, memory_bytes: int) -> Iterator[JobCgroup]:
    cgroup = JobCgroup(parent, memory_bytes)
    try:
        yield cgroup
    finally:
        cgroup.remove()


def gated(command: Sequence[str], gate_fd: int) -> list[str]:
    """``command`` behind the gate: it starts only once the host writes a byte to the pipe."""
    return [_PROBE_PYTHON, "-I", "-S", "-c", GATE, str(gate_fd), *command]


def start_in(cgroup: JobCgroup, popen: subprocess.Popen[bytes], gate_w: int) -> None:
    """Move a gated process into ``cgroup``, then open its gate; on failure the gate closes
    shut (the process exits 1) and the error is raised."""
    try:
        cgroup.add(popen.pid)
        os.write(gate_w, b"1")
    finally:
        os.close(gate_w)


def _sweep_stale(parent: Parent) -> None:
    """Remove the empty cgroups a harness process left when it died mid-job."""
    with suppress(OSError):
        for entry in parent.path.iterdir():
            owner = entry.name[len(PREFIX) :].split("-", 1)[0]
            if not entry.name.startswith(PREFIX) or not owner.isdigit():
                continue
            try:
                os.kill(int(owner), 0)
            except ProcessLookupError:
                with suppress(OSError):
                    os.rmdir(entry)
            except OSError:
                continue


def _works(parent: Parent) -> bool:
    """Whether a job's cgroup can be made under ``parent`` and a process started in it."""
    if parent.kind == "v2":
        try:
            if "memory" not in (parent.path / "cgroup.controllers").read_text().split():
                return False
            if "memory" not in (parent.path / "cgroup.subtree_control").read_text().split():
                _write(parent.path / "cgroup.subtree_control", "+memory")
        except OSError:
            return False
    try:
        with job_cgroup(parent, 64 * 1024 * 1024) as cgroup:
            gate_r, gate_w = os.pipe()
            try:
                probe = subprocess.Popen(
                    gated([_PROBE_PYTHON, "-I", "-S", "-c", "pass"], gate_r),
                    pass_fds=(gate_r,),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env={},
                )
            finally:
                os.close(gate_r)
            try:
                start_in(cgroup, probe, gate_w)
            except OSError:
                probe.wait()
                return False
            return probe.wait(timeout=30) == 0
    except (OSError, subprocess.SubprocessError):
        return False


@lru_cache(maxsize=1)
def usable_parent() -> Parent | None:
    """The cgroup the jobs' memory cgroups are made in, or None when none is writable here."""
    try:
        own = own_cgroups(Path("/proc/self/cgroup").read_text(encoding="utf-8"))
        mounts = memory_mounts(Path("/proc/self/mountinfo").read_text(encoding="utf-8"))
    except OSError:
        return None
    for parent in memory_parent(mounts, own):
        if os.access(parent.path, os.W_OK) and _works(parent):
            _sweep_stale(parent)
            return parent
    return None
