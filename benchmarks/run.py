"""Speed measurements, run on demand: `python benchmarks/run.py [--json]`.

- local GitHub throughput: requests per second for a read (GET a repository) and a write
  (create an issue comment), over keep-alive connections from two client threads;
- cold start: wall time of a `glow` entry point that has nothing to do (`glow register` on a
  push event), median of several runs. Target: under 0.5 s on the project's 2-core machines.

Targets are reported, not asserted by the test suite (timed unit tests are flaky by nature).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

COLD_START_TARGET_S = 0.5


def throughput(seconds: float = 3.0, threads: int = 2) -> dict[str, Any]:
    import httpx

    from glow.localhub.hub import LocalHub

    with tempfile.TemporaryDirectory() as tmp:
        hub = LocalHub(Path(tmp), runner=False)
        hub.start()
        try:
            control = httpx.Client(base_url=hub.url)
            control.post("/_localhub/users", json={"login": "bench"})
            control.post("/_localhub/orgs", json={"login": "bench-org", "admins": ["bench"]})
            control.post(
                "/_localhub/config",
                json={
                    "content_creation_per_minute": 10**9,
                    "content_creation_per_hour": 10**9,
                    "primary_limit_per_hour": 10**9,
                },
            )
            token = control.post("/_localhub/tokens", json={"login": "bench"}).json()["token"]
            headers = {"Authorization": f"token {token}"}
            httpx.post(
                f"{hub.api_url}/orgs/bench-org/repos",
                headers=headers,
                json={"name": "r", "auto_init": True},
            ).raise_for_status()
            issue = httpx.post(
                f"{hub.api_url}/repos/bench-org/r/issues", headers=headers, json={"title": "bench"}
            ).json()["number"]
            reads = _hammer(
                hub.api_url, headers, "GET", "/repos/bench-org/r", None, seconds, threads
            )
            writes = _hammer(
                hub.api_url,
                headers,
                "POST",
                f"/repos/bench-org/r/issues/{issue}/comments",
                {"body": "x"},
                seconds,
                threads,
            )
        finally:
            hub.stop()
    return {"read_rps": reads, "write_rps": writes, "threads": threads}


def _hammer(
    api: str,
    headers: dict[str, str],
    method: str,
    path: str,
    body: Any,
    seconds: float,
    threads: int,
) -> float:
    import httpx

    counts = [0] * threads
    deadline = time.monotonic() + seconds

    def worker(i: int) -> None:
        with httpx.Client(base_url=api, headers=headers) as client:
            while time.monotonic() < deadline:
                client.request(method, path, json=body).raise_for_status()
                counts[i] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return round(sum(counts) / (time.monotonic() - start), 1)


def cold_start(runs: int = 7) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        event = Path(tmp) / "push.json"
        event.write_text(
            json.dumps({"ref": "refs/heads/main", "repository": {"full_name": "org/workshop"}})
        )
        env = {
            "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
            "GITHUB_EVENT_NAME": "push",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": "org/workshop",
        }
        glow = str(Path(sys.executable).parent / "glow")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([glow, "register"], env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {
        "median_s": round(median, 3),
        "max_s": round(max(times), 3),
        "target_s": COLD_START_TARGET_S,
        "meets_target": median < COLD_START_TARGET_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each load phase")
    args = parser.parse_args()
    result = {"localhub": throughput(args.seconds), "cold_start": cold_start()}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        hub, cold = result["localhub"], result["cold_start"]
        print(
            f"local GitHub: {hub['read_rps']} reads/s, {hub['write_rps']} writes/s "
            f"({hub['threads']} client threads)"
        )
        verdict = "meets" if cold["meets_target"] else "MISSES"
        print(
            f"cold start of an idle entry point: median {cold['median_s']} s "
            f"({verdict} the {cold['target_s']} s target)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
