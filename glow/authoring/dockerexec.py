"""Running one script in a job's container, and polling its boot URL from inside its network.

A script runs as an ``exec`` in the job's idle container; a reader thread keeps the last bytes of
its output, and the caller waits on the job's deadline while sampling the container's process
count (so a fork bomb held at the process limit is named as such).

The boot poll runs on a thread that enters the container's network namespace (``setns``, which
needs root on the engine's host), so the bundle's URL is polled as written, ``127.0.0.1``
included, while the job keeps no network at all. Without that right the container joins an
internal Docker network (no route out) and the poll reaches it at its address there.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from glow.authoring import headlines
from glow.harness.sandbox import WORKSPACE

TAIL_BYTES = 4000
CLONE_NEWNET = 0x40000000
T = TypeVar("T")


@dataclass
class Tail:
    """The last ``TAIL_BYTES`` of a stream."""

    data: bytes = b""

    def add(self, chunk: bytes | None) -> None:
        if chunk:
            self.data = (self.data + chunk)[-TAIL_BYTES:]

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


@dataclass
class Script:
    exec_id: str
    reader: threading.Thread
    stdout: Tail = field(default_factory=Tail)
    stderr: Tail = field(default_factory=Tail)


def start_script(
    engine: Any, container_id: str, command: Sequence[str], env: Mapping[str, str]
) -> Script:
    """Start ``command`` in the container from the workspace root, its output followed."""
    exec_id = str(
        engine.api.exec_create(
            container_id, list(command), environment=dict(env), workdir=WORKSPACE
        )["Id"]
    )
    frames = engine.api.exec_start(exec_id, stream=True, demux=True)
    script = Script(exec_id, threading.Thread())

    def read() -> None:
        try:
            for out, err in frames:
                script.stdout.add(out)
                script.stderr.add(err)
        except Exception:  # the container was killed under the stream: its end, nothing more
            return

    script.reader = threading.Thread(target=read, name="glow-docker-exec", daemon=True)
    script.reader.start()
    return script


def wait_script(container: Any, script: Script, deadline: float) -> tuple[bool, int]:
    """Wait until the script ends or the deadline passes: (timed out, most processes seen)."""
    most = 0
    while script.reader.is_alive():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return True, max(most, process_count(container))
        script.reader.join(min(0.5, remaining))
        if script.reader.is_alive():
            most = max(most, process_count(container))
    return False, most


def process_count(container: Any) -> int:
    try:
        stats = container.stats(stream=False, one_shot=True)
    except Exception:  # the container is gone: no processes to count
        return 0
    return int((stats.get("pids_stats") or {}).get("current") or 0)


def refused_forks(pid: int) -> int:
    """How many times the kernel refused the container a process at its limit (its pids
    cgroup's ``pids.events``, found through ``/proc/<pid>/cgroup``); 0 when unreadable (the
    engine on another host), so the sampled count alone decides."""
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
        v1 = [line.split(":", 2)[2] for line in lines if line.split(":")[1:2] == ["pids"]]
        v2 = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
        folder = f"/sys/fs/cgroup/pids{v1[0]}" if v1 else f"/sys/fs/cgroup{v2[0]}"
        for line in Path(folder, "pids.events").read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "max":
                return int(value)
    except (OSError, IndexError, ValueError):
        return 0
    return 0


def exit_code(engine: Any, script: Script) -> int | None:
    code = engine.api.exec_inspect(script.exec_id).get("ExitCode")
    return None if code is None else int(code)


def full_mounts(engine: Any, container_id: str, mounts: Sequence[str]) -> tuple[str, ...]:
    """The writable mounts a one-byte write fails on (shell only: ``sh`` is all a bundle's
    image promises)."""
    probe = 'for d in "$@"; do (echo x > "$d/.coursegen-space") 2>/dev/null || echo "$d"; done'
    script = start_script(engine, container_id, ["sh", "-c", probe, "sh", *mounts], {})
    script.reader.join(10)
    return tuple(line for line in script.stdout.text().splitlines() if line in mounts)


def out_of_memory(engine: Any, container_id: str, since: float) -> bool:
    """Did the kernel's OOM killer act in this container since ``since`` (the engine's events)?"""
    # Fractional timestamps, so the engine answers at once instead of waiting for ``until``.
    events = engine.events(
        since=f"{since - 1:.9f}",
        until=f"{time.time():.9f}",
        filters={"container": container_id, "event": "oom"},
        decode=True,
    )
    return any(True for _ in events)


class _Stay(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer below 400 (the service is up), never followed: a bundle's
    service cannot send the host's poll to another address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def poll_once(url: str, opener: urllib.request.OpenerDirector) -> tuple[bool, str | None]:
    """(answered below 400, the response as one line; None when nothing answered)."""
    try:
        with opener.open(url, timeout=2) as response:
            body = response.read(400).decode("utf-8", "replace")
            return response.status < 400, headlines.http_response(
                response.status, response.reason, body
            )
    except urllib.error.HTTPError as error:
        body = error.read(400).decode("utf-8", "replace") if error.fp else ""
        return error.code < 400, headlines.http_response(error.code, str(error.reason), body)
    except (OSError, ValueError):
        return False, None


def poll(url: str, seconds: float) -> tuple[bool, str | None]:
    """Poll ``url`` until it answers below 400 or ``seconds`` pass: (up, last response)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _Stay())
    deadline = time.monotonic() + seconds
    last: str | None = None
    while True:
        up, response = poll_once(url, opener)
        last = response or last
        if up or time.monotonic() >= deadline:
            return up, last
        time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))


def can_enter(pid: int) -> bool:
    """Can this process enter the network namespace of ``pid`` (root, same host)?"""
    try:
        return os.geteuid() == 0 and (
            os.stat(f"/proc/{pid}/ns/net").st_ino != os.stat("/proc/self/ns/net").st_ino
        )
    except OSError:
        return False


def in_network_of(pid: int, work: Callable[[], T]) -> T:
    """Run ``work`` on a fresh thread inside the network namespace of ``pid``; the thread ends
    with it, so no other code runs there."""
    result: list[T] = []
    failure: list[BaseException] = []

    def enter_and_work() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            descriptor = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
            try:
                if libc.setns(descriptor, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns into the container's network")
            finally:
                os.close(descriptor)
            result.append(work())
        except BaseException as error:  # handed to the caller's thread
            failure.append(error)

    thread = threading.Thread(target=enter_and_work, name="glow-docker-boot-poll")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def at_address(url: str, address: str) -> str:
    """``url`` with its host replaced by the container's address (the port and path kept)."""
    parts = urllib.parse.urlsplit(url)
    netloc = address if parts.port is None else f"{address}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
