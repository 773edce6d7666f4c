"""What the process sandbox costs a job, run on demand:
`python benchmarks/sandbox_overhead.py [--runs N] [--json]`.

A trivial bundle runtime (install.sh exits 0; check.sh writes one passing testcase to
`$COURSEGEN_RESULTS`) is run N times in the process sandbox (`glow.harness.process`, bubblewrap)
and N times as bare processes (`sh install.sh`, then `sh check.sh`, in the same workspace). Reports
the mean and median wall time of one job each way and the sandbox's overhead per job. With
`--docker-base-image IMAGE` the Docker sandbox is timed too (its image built once from a
two-line Dockerfile on that base, outside the timing). Reported, not asserted: timed tests are
flaky.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from glow.harness.process import ProcessSandbox, script_env  # noqa: E402
from glow.harness.sandbox import Job, Limits  # noqa: E402

CHECK = (
    'echo \'<testsuite name="bench"><testcase classname="bench" name="trivial"/>'
    '</testsuite>\' > "$COURSEGEN_RESULTS"\n'
)


def trivial_workspace(root: Path) -> Path:
    runtime = root / ".coursegen" / "runtime"
    runtime.mkdir(parents=True)
    (runtime / "install.sh").write_text("exit 0\n")
    (runtime / "check.sh").write_text(CHECK)
    return root


def bare(workspace: Path, results: Path) -> float:
    env = script_env({"COURSEGEN_DELIVERABLE": "bench"})
    env.update(COURSEGEN_RESULTS=str(results), HOME=str(results.parent))
    started = time.perf_counter()
    for script in ("install", "check"):
        subprocess.run(
            ["sh", f".coursegen/runtime/{script}.sh"], cwd=workspace, env=env, check=True
        )
    seconds = time.perf_counter() - started
    if "trivial" not in results.read_text():
        raise SystemExit("the bare check wrote no results")
    return seconds


def sandboxed(sandbox: Any, workspace: Path) -> float:
    job = Job(workspace=workspace, env={"COURSEGEN_DELIVERABLE": "bench"}, limits=Limits())
    started = time.perf_counter()
    outcome = sandbox.run(job)
    seconds = time.perf_counter() - started
    if outcome.status != "passed" or not outcome.results:
        raise SystemExit(f"the sandboxed job did not pass: {outcome.headline}")
    return seconds


def summary(times: list[float]) -> dict[str, float]:
    return {
        "mean_seconds": round(statistics.fmean(times), 4),
        "median_seconds": round(statistics.median(times), 4),
    }


def measure(runs: int, docker_base: str | None = None) -> dict[str, Any]:
    sandbox = ProcessSandbox()
    why_not = sandbox.available()
    if why_not:
        raise SystemExit(f"the process sandbox cannot run here: {why_not}")
    with tempfile.TemporaryDirectory() as tmp:
        workspace = trivial_workspace(Path(tmp) / "workspace")
        results = Path(tmp) / "out" / "results.xml"
        results.parent.mkdir()
        sandboxed(sandbox, workspace)  # warm the page cache once
        bare_times, sandbox_times = [], []
        for _ in range(runs):
            bare_times.append(bare(workspace, results))
            sandbox_times.append(sandboxed(sandbox, workspace))
        docker_times: list[float] = []
        if docker_base:
            from glow.authoring.dockerbox import DockerSandbox

            box = DockerSandbox(base_image=docker_base)
            why_not = box.available()
            if why_not:
                raise SystemExit(f"the Docker sandbox cannot run here: {why_not}")
            (workspace / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
            failed = box.prepare(workspace)
            if failed is not None:
                raise SystemExit(f"the Docker image did not build: {failed.headline}")
            docker_times = [sandboxed(box, workspace) for _ in range(runs)]
    plain, boxed = summary(bare_times), summary(sandbox_times)
    result: dict[str, Any] = {
        "runs": runs,
        "cpus": os.cpu_count(),
        "bare": plain,
        "process_sandbox": boxed,
        "overhead_mean_seconds": round(boxed["mean_seconds"] - plain["mean_seconds"], 4),
    }
    if docker_times:
        result["docker_sandbox"] = summary(docker_times)
        result["docker_overhead_mean_seconds"] = round(
            result["docker_sandbox"]["mean_seconds"] - plain["mean_seconds"], 4
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Time a trivial job in the process sandbox against the same scripts bare.",
        epilog="examples:\n  python benchmarks/sandbox_overhead.py --runs 20 --json\n"
        "  python benchmarks/sandbox_overhead.py --docker-base-image glow-test-base:latest",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--runs", type=int, default=10, help="jobs each way (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--docker-base-image", metavar="IMAGE", help="also time the Docker sandbox on this base"
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    result = measure(args.runs, args.docker_base_image)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"a trivial job over {result['runs']} runs: process sandbox mean "
        f"{result['process_sandbox']['mean_seconds']} s (median "
        f"{result['process_sandbox']['median_seconds']} s), bare sh mean "
        f"{result['bare']['mean_seconds']} s; overhead {result['overhead_mean_seconds']} s a job"
    )
    if "docker_sandbox" in result:
        print(
            f"the Docker sandbox: mean {result['docker_sandbox']['mean_seconds']} s a job, "
            f"overhead {result['docker_overhead_mean_seconds']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
