"""Child processes of a job and the job log they write to.

Each step runs in its own process group so cancelling or timing out kills the whole tree (a
``sleep`` started by a script included). Output is streamed into the log while the step runs, so
a cancelled or hung run still shows how far it got. Secrets, the job token and ``::add-mask::``
values are replaced with ``***`` before anything reaches the log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from glow.localhub.runner.model import JobRun

MIN_MASK_LENGTH = 3  # masking "1" or "a" would garble every line


class JobLog:
    """Appends masked lines to a job's log; understands a few workflow commands."""

    def __init__(self, job: JobRun, masks: Iterable[str] = ()) -> None:
        self._job = job
        self._masks: set[str] = set()
        self._lock = threading.Lock()
        for value in masks:
            self.add_mask(value)

    def add_mask(self, value: str) -> None:
        with self._lock:
            for part in [value, *value.splitlines()]:
                if len(part.strip()) >= MIN_MASK_LENGTH:
                    self._masks.add(part)

    def mask(self, text: str) -> str:
        with self._lock:
            masks = sorted(self._masks, key=len, reverse=True)
        for value in masks:
            text = text.replace(value, "***")
        return text

    def write(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self._job.log_lines.append(self.mask(line))

    def output(self, line: str) -> None:
        """A line a step printed: ``::add-mask::`` registers a mask instead of printing it."""
        stripped = line.strip()
        if stripped.startswith("::add-mask::"):
            self.add_mask(stripped[len("::add-mask::") :])
            self.write("::add-mask::***")
        else:
            self.write(line)


@dataclass(frozen=True)
class ProcessOutcome:
    exit_code: int | None
    reason: str  # "exit" | "timeout" | "cancelled" | "error"

    @property
    def ok(self) -> bool:
        return self.reason == "exit" and self.exit_code == 0


def run_process(
    argv: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    log: JobLog,
    should_stop: Callable[[], bool],
    deadline: float | None,
    groups: list[int] | None = None,
) -> ProcessOutcome:
    """Run ``argv`` with output streamed to ``log``; stop it on cancel or deadline.

    The process group id is appended to ``groups`` so the job can kill what a step left running
    in the background when the job ends (as GitHub's runner cleans up orphan processes).
    """
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        log.write(f"##[error]could not start {argv[0]}: {exc.strerror or exc}")
        return ProcessOutcome(None, "error")
    assert proc.stdout is not None
    if groups is not None:
        groups.append(proc.pid)
    reader = threading.Thread(target=_pump, args=(proc.stdout, log), daemon=True)
    reader.start()
    reason = "exit"
    while True:
        try:
            proc.wait(timeout=0.02)
            break
        except subprocess.TimeoutExpired:
            pass
        if should_stop():
            reason = "cancelled"
        elif deadline is not None and time.monotonic() > deadline:
            reason = "timeout"
        else:
            continue
        _terminate(proc)
        break
    reader.join(timeout=1)
    return ProcessOutcome(proc.returncode, reason)


def _pump(stream: IO[bytes], log: JobLog) -> None:
    with stream:
        for raw in iter(stream.readline, b""):
            log.output(raw.decode("utf-8", errors="replace").rstrip("\r\n"))


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, then SIGKILL what is left after a grace period."""
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def kill_groups(groups: list[int]) -> None:
    """Kill every process group a job started (background processes included)."""
    for pgid in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    groups.clear()
