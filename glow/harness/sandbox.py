"""One interface for both sandboxes, and one results format.

A ``Job`` is one run of a bundle's runtime protocol in a scratch copy of its workspace: the
sandbox runs ``.coursegen/runtime/install.sh``, then ``boot.sh`` in the background when the
bundle declares a boot poll (and polls that URL until it answers below 400, or fails with the
poll's last HTTP response), then ``check.sh``, which writes JUnit XML to ``$COURSEGEN_RESULTS``.
Every script runs with ``sh`` from the workspace root, which is ``/workspace`` inside the
sandbox. The sandbox gives each script only the ``COURSEGEN_*`` variables of the job and a
plain ``PATH``, ``HOME`` (a scratch directory) and ``LANG``: never the caller's environment.

``Outcome.headline`` is the one line a person reads first: for a timeout it is the timeout
line, for a failed boot the poll's last HTTP response, never the last lines of stderr.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

# Inside both sandboxes the scratch workspace is mounted here.
WORKSPACE = "/workspace"
# Relative to the workspace: the suite being run is copied here, one folder per deliverable.
TESTS_DIR = ".coursegen/tests"
# The most of check.sh's results the sandbox hands back.
RESULTS_LIMIT = 1_000_000

Stage = Literal["prepare", "install", "boot", "check"]
Status = Literal["passed", "failed", "timeout", "killed", "error"]


@dataclass(frozen=True)
class Limits:
    """What one job may spend. ``wall_seconds`` covers the whole job (install, boot and check);
    exceeding it kills the job's every process. The others are per process (rlimits) or per
    job (memory and processes, where the sandbox can count them as a group).
    The workspace and any scratch space are capped at ``file_size_mb`` too, so a job that fills
    the disk is stopped, not the machine."""

    wall_seconds: float = 120.0
    cpu_seconds: int = 60
    memory_mb: int = 1024
    processes: int = 128
    file_size_mb: int = 64


@dataclass(frozen=True)
class BootPoll:
    """Poll ``url`` from inside the job's network until it answers with a status below 400."""

    url: str
    timeout_seconds: float = 30.0


@dataclass(frozen=True)
class Job:
    workspace: Path
    """A scratch directory the harness made for this job alone (a copy of the workspace with a
    variant and a suite laid over it). The sandbox may write in it and nowhere else."""
    env: Mapping[str, str] = field(default_factory=dict)
    """The ``COURSEGEN_*`` variables of the job (deliverable, suite, tests). The sandbox adds
    ``COURSEGEN_RESULTS``, a path of its choosing, and hands back what check.sh wrote there."""
    network: bool = False
    limits: Limits = field(default_factory=Limits)
    boot: BootPoll | None = None


class Outcome(BaseModel):
    """What one job did, the same whichever sandbox ran it."""

    model_config = ConfigDict(frozen=True)

    status: Status
    """passed: check.sh exited 0. failed: a script exited non-zero (or the boot poll never
    succeeded). timeout: the wall-clock limit killed it. killed: a resource limit killed it.
    error: the sandbox itself could not run the job (named in ``headline``)."""
    stage: Stage
    """The stage that decided the status (``check`` when everything ran)."""
    exit_code: int | None = None
    headline: str
    results: str | None = None
    """The JUnit XML check.sh wrote to ``$COURSEGEN_RESULTS`` (at most ``RESULTS_LIMIT``
    bytes), None when it wrote nothing."""
    stdout_tail: str = ""
    stderr_tail: str = ""
    wall_seconds: float = 0.0


class Sandbox(Protocol):
    """A process sandbox (bubblewrap) or a container (Docker), one interface."""

    name: str

    def available(self) -> str | None:
        """None when this sandbox can run here, else one line saying why not and what to do."""
        ...

    def prepare(self, workspace: Path) -> Outcome | None:
        """Make ready to run jobs of this workspace (Docker builds its image from the
        workspace's ``Dockerfile``). None when ready, else the failed outcome (stage prepare)."""
        ...

    def run(self, job: Job) -> Outcome:
        """Run install, boot (if declared) and check in ``job.workspace``; never raises for
        what the bundle did, only returns an outcome."""
        ...
