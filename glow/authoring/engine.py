"""The Docker engine: one way to connect to it, and one line saying why it cannot be reached.

The ``docker`` SDK is the optional ``authoring`` extra, imported here only when called, so
``glow.authoring`` imports without it."""

from __future__ import annotations

from typing import Any

# Seconds an engine call may take before the SDK gives up (builds and runs keep their own).
ENGINE_TIMEOUT = 120
NO_SDK = "docker sandbox: the docker SDK is not installed; run: pip install 'glow[authoring]'"
NO_ENGINE = (
    "docker sandbox: no Docker engine answers ({error}); start dockerd "
    "(systemctl start docker, or dockerd &) or set DOCKER_HOST to one that runs"
)


def connect(timeout: int = ENGINE_TIMEOUT) -> Any:
    """A client of the engine ``DOCKER_HOST`` names (the local socket by default)."""
    import docker

    return docker.from_env(timeout=timeout)


def unavailable() -> str | None:
    """None when the SDK is installed and an engine answers, else one line on what to do."""
    try:
        import docker  # noqa: F401
    except ImportError:
        return NO_SDK
    from docker.errors import DockerException

    try:
        client = connect(timeout=10)
        client.ping()
        client.close()
    except DockerException as error:
        return NO_ENGINE.format(error=first_line(str(error)))
    return None


def first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    return line if len(line) <= limit else line[: limit - 1] + "…"
