"""The process sandbox's driver: runs INSIDE the bubblewrap sandbox, with the system's python3.

``glow.harness.process`` hands this file's source to ``/usr/bin/python3 -I -c`` (the host's
python, visible read-only in the sandbox), so it imports the standard library only, nothing of
``glow``, and keeps to what Python 3.8 understands. It:

1. unpacks the workspace (a tar stream on stdin) into ``/workspace``, a size-limited tmpfs;
2. runs install.sh, then boot.sh in the background and the boot poll (from inside the job's
   network namespace, which the host cannot reach), then check.sh, each with ``sh`` from
   ``/workspace``, a scrubbed environment and the job's rlimits (and ``oom_score_adj`` 1000, so
   that in the job's memory cgroup the kernel's OOM killer takes a script before the driver);
3. reports facts, one JSON object a line, on the file descriptor the host named: the stage that
   starts, how a script ended, the boot poll's last answer, whether a stage filled its disk, the
   results check.sh wrote (capped). The host decides the outcome from these facts.

The scripts' stdout and stderr are the driver's own, which the host reads (and caps).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from typing import Any

RUNTIME = ".coursegen/runtime"
POLL_INTERVAL = 0.2
EXCERPT = 120


def main(argv: list[str]) -> int:
    config: dict[str, Any] = json.loads(argv[1])
    report = os.fdopen(int(config["report_fd"]), "w", buffering=1, encoding="utf-8")

    def say(**fact: Any) -> None:
        report.write(json.dumps(fact) + "\n")

    workspace = str(config["workspace"])
    if not _unpack(workspace, say):
        return 0
    env = {str(k): str(v) for k, v in dict(config["env"]).items()}
    os.makedirs(env["HOME"], exist_ok=True)
    os.makedirs(os.path.dirname(env["COURSEGEN_RESULTS"]), exist_ok=True)
    limits = _limiter(dict(config["limits"]))
    scratch = [workspace, *list(config["scratch"])]

    def run(stage: str) -> bool:
        say(event="stage", stage=stage)
        code = _script(stage, workspace, env, limits).wait()
        say(event="exit", stage=stage, code=code, disk_full=code != 0 and _full(scratch))
        return code == 0

    if not run("install"):
        return 0
    boot = config.get("boot")
    if boot:
        say(event="stage", stage="boot")
        server = _script("boot", workspace, env, limits)
        answered, last = _poll(str(boot["url"]), float(boot["timeout_seconds"]), server)
        code = server.poll()
        say(event="boot", answered=answered, last=last, code=code, disk_full=_full(scratch))
        if not answered:
            return 0
    run("check")
    say(event="results", xml=_results(env["COURSEGEN_RESULTS"], int(config["results_limit"])))
    return 0


def _unpack(workspace: str, say: Callable[..., None]) -> bool:
    say(event="stage", stage="prepare")
    try:
        with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
            if hasattr(tarfile, "fully_trusted_filter"):
                tar.extractall(workspace, filter="fully_trusted")
            else:  # pragma: no cover - Python before 3.12
                tar.extractall(workspace)
    except (OSError, tarfile.TarError) as exc:
        say(event="unpack_failed", error=str(exc), disk_full=_full([workspace]))
        return False
    return True


def _limiter(limits: dict[str, int]) -> Callable[[], None]:
    def apply() -> None:
        for name, value in (
            ("RLIMIT_CPU", (limits["cpu"], limits["cpu"] + 1)),
            ("RLIMIT_DATA", (limits["memory"], limits["memory"])),
            ("RLIMIT_NPROC", (limits["processes"], limits["processes"])),
            ("RLIMIT_FSIZE", (limits["file_size"], limits["file_size"])),
            ("RLIMIT_CORE", (0, 0)),
        ):
            resource.setrlimit(getattr(resource, name), value)
        # Where the job has a memory cgroup, its OOM killer takes a script before the driver,
        # which then reports how the script ended. Raising it needs no privilege.
        try:
            with open("/proc/self/oom_score_adj", "w") as handle:
                handle.write("1000")
        except OSError:
            pass

    return apply


def _script(
    stage: str, workspace: str, env: dict[str, str], limits: Callable[[], None]
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["sh", RUNTIME + "/" + stage + ".sh"],
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        preexec_fn=limits,
        start_new_session=True,
    )


def _poll(url: str, timeout: float, server: subprocess.Popen[bytes]) -> tuple[bool, dict[str, Any]]:
    import urllib.error  # only a job with a boot poll pays for these imports
    import urllib.request

    class Stay(urllib.request.HTTPRedirectHandler):
        # A redirect is an answer below 400: the service is up. It is never followed, so a
        # service cannot send the poll elsewhere.
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), Stay())
    deadline = time.monotonic() + timeout
    last: dict[str, Any] = {"kind": "none"}
    while True:
        try:
            with opener.open(url, timeout=2) as answer:
                status = int(answer.status)
                last = _response(status, str(answer.reason), answer.read(4096))
                if status < 400:
                    return True, last
        except urllib.error.HTTPError as exc:
            last = _response(int(exc.code), str(exc.reason), exc.read(4096) if exc.fp else b"")
            if int(exc.code) < 400:
                return True, last
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            last = {"kind": "error", "error": str(reason)}
        if server.poll() is not None and server.returncode != 0:
            return False, last
        if time.monotonic() >= deadline:
            return False, last
        time.sleep(POLL_INTERVAL)


def _response(status: int, reason: str, body: bytes) -> dict[str, Any]:
    text = " ".join(body.decode("utf-8", "replace").split())
    return {"kind": "http", "status": status, "reason": reason, "body": text[:EXCERPT]}


def _full(paths: list[str]) -> bool:
    for path in paths:
        try:
            stats = os.statvfs(path)
        except OSError:
            continue
        if stats.f_bavail * stats.f_frsize < 64 * 1024:
            return True
    return False


def _results(path: str, limit: int) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit)
    except OSError:
        return None
    return data.decode("utf-8", "replace")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
