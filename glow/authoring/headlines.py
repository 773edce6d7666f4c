"""What the Docker sandbox says: pure text and the status a stage's end decides.

``Outcome.headline`` is the one line a person reads first, so every line here names the stage,
what happened and the limit or setting behind it. Nothing here touches Docker.
"""

from __future__ import annotations

from dataclasses import dataclass

from glow.harness.sandbox import Limits, Stage, Status

EXCERPT = 120


@dataclass(frozen=True)
class StageEnd:
    """How one script ended, as the sandbox observed it."""

    stage: Stage
    exit_code: int | None
    timed_out: bool = False
    out_of_memory: bool = False
    most_processes: int = 0
    full_mounts: tuple[str, ...] = ()


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """One line of at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def http_response(status: int, reason: str, body: str) -> str:
    """``501 Not Implemented: not ready``: the status, its reason and a short body excerpt."""
    head = f"{status} {reason}".strip()
    text = excerpt(body)
    return f"{head}: {text}" if text else head


def boot_failed(url: str, seconds: float, last: str | None) -> str:
    waited = f"{url} did not answer within {seconds:g} s"
    if last is None:
        return f"boot: {waited}; nothing answered (is the service listening on that port?)"
    return f"boot: {waited}; last HTTP response: {last}"


def timed_out(stage: Stage, limits: Limits) -> str:
    return (
        f"{stage}: the job did not finish within {limits.wall_seconds:g} s "
        "(limits.wall_seconds); its container was killed and removed"
    )


def verdict(end: StageEnd, limits: Limits) -> tuple[Status, str] | None:
    """The status and headline a script's end decides, or None when it passed (exit 0)."""
    if end.out_of_memory:
        return "killed", (
            f"{end.stage}: the job ran out of memory (limits.memory_mb: {limits.memory_mb} MB) "
            "and was killed"
        )
    if end.most_processes >= limits.processes:
        return "killed", (
            f"{end.stage}: the job hit the process limit (limits.processes: {limits.processes}) "
            "and was stopped"
        )
    if end.timed_out:
        return "timeout", timed_out(end.stage, limits)
    if end.full_mounts:
        return "failed", (
            f"{end.stage}: the job filled its disk ({', '.join(end.full_mounts)}; "
            f"limits.file_size_mb: {limits.file_size_mb} MB) and stopped"
        )
    if end.exit_code == 0:
        return None
    return "failed", f"{end.stage}: .coursegen/runtime/{end.stage}.sh exited {end.exit_code}"


def build_failed(step: str | None, error: str) -> str:
    where = f" at {excerpt(step, 80)}" if step else ""
    return f"prepare: the image build failed{where}: {excerpt(error)}"


def build_timed_out(step: str | None, seconds: float) -> str:
    where = f" (last step: {excerpt(step, 80)})" if step else ""
    return (
        f"prepare: the image build did not finish within {seconds:g} s{where}; "
        "raise DockerSandbox(build_timeout=...) or make the Dockerfile faster"
    )


NO_DOCKERFILE = (
    "prepare: the workspace has no Dockerfile; add workspace/Dockerfile, which builds the "
    "runtime image (docs/authoring/bundle.md)"
)

CANNOT_ENTER = (
    "boot: the docker sandbox cannot enter the container's network to poll the boot URL "
    "(that needs root on the engine's host); run as root or use DockerSandbox(boot_reach='address')"
)
