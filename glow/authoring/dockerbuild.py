"""Building a bundle's runtime image from its workspace's own ``Dockerfile``.

The image is tagged by a digest of the workspace's content (and the base image), so an unchanged
bundle is not rebuilt. The build has a deadline: when it passes, the step's running container is
killed, which ends the build (the classic builder names it: ``---> Running in <id>``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glow.authoring import headlines

IMAGE_REPOSITORY = "glow-bundle"
RUNNING_IN = re.compile(r"---> Running in ([0-9a-f]{12,64})")
STEP = re.compile(r"^Step \d+/\d+ : .*")


def workspace_digest(workspace: Path, base_image: str | None) -> str:
    """A digest of every file's path, mode and content, and of the base image asked for."""
    digest = hashlib.sha256(f"base={base_image}\n".encode())
    for root, dirs, files in os.walk(workspace):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            relative = path.relative_to(workspace).as_posix()
            if path.is_symlink():
                digest.update(f"L {relative} {os.readlink(path)}\n".encode())
                continue
            digest.update(f"F {relative} {path.stat().st_mode & 0o111:o}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def image_tag(workspace: Path, base_image: str | None) -> str:
    return f"{IMAGE_REPOSITORY}:{workspace_digest(workspace, base_image)}"


@dataclass
class BuildProgress:
    """What the build stream said so far, read by the thread that waits on the deadline."""

    step: str | None = None
    running_in: str | None = None
    error: str | None = None
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BuildFailure:
    headline: str
    timed_out: bool = False
    tail: str = ""


def build_image(
    engine: Any, workspace: Path, *, tag: str, base_image: str | None, timeout: float
) -> BuildFailure | None:
    """Build ``tag`` from ``workspace/Dockerfile``; None when built."""
    from docker.errors import APIError, NotFound

    if not (workspace / "Dockerfile").is_file():
        return BuildFailure(headlines.NO_DOCKERFILE)
    progress = BuildProgress()
    args = {"BASE_IMAGE": base_image} if base_image else {}

    def follow() -> None:
        try:
            stream = engine.api.build(
                path=str(workspace), tag=tag, buildargs=args, rm=True, forcerm=True, decode=True
            )
            for chunk in stream:
                read_chunk(progress, chunk)
        except APIError as error:
            progress.error = str(error.explanation or error)

    worker = threading.Thread(target=follow, name="glow-docker-build", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        if progress.running_in is not None:
            with contextlib.suppress(NotFound, APIError):
                engine.containers.get(progress.running_in).kill()
        worker.join(30)
        headline = headlines.build_timed_out(progress.step, timeout)
        return BuildFailure(headline, timed_out=True, tail=tail(progress))
    if progress.error is not None:
        headline = headlines.build_failed(progress.step, progress.error)
        return BuildFailure(headline, tail=tail(progress))
    return None


def tail(progress: BuildProgress) -> str:
    return "\n".join(progress.lines)


def read_chunk(progress: BuildProgress, chunk: dict[str, Any]) -> None:
    text = str(chunk.get("stream", ""))
    for line in text.splitlines():
        if STEP.match(line):
            progress.step = line.strip()
            progress.running_in = None
        elif found := RUNNING_IN.search(line):
            progress.running_in = found.group(1)
        if line.strip():
            progress.lines = [*progress.lines[-19:], line.rstrip()]
    if "error" in chunk or "errorDetail" in chunk:
        detail = chunk.get("errorDetail") or {}
        progress.error = str(detail.get("message") or chunk.get("error") or "unknown error")
