"""The authoring harness's wall time: `glow author verify` on each shipped example bundle.

For each bundle and sandbox: the whole verification, the baseline matrix, the mutation analysis,
and per variant (the starter included) and per deliverable the sum of their runs' wall times.
The process sandbox always; Docker's where an engine runs and a base image is given
(`--base-image`, built locally: no registry is reachable here).

    python benchmarks/authoring_harness.py
    python benchmarks/authoring_harness.py --json --sandbox docker --base-image glow-base:local
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from glow.harness.bundle import load_bundle  # noqa: E402
from glow.harness.sandbox import Sandbox  # noqa: E402
from glow.harness.verify import verify  # noqa: E402

BUNDLES = sorted(p.parent for p in (ROOT / "examples" / "bundles").glob("*/coursegen.yml"))


def sandbox_for(name: str, base_image: str | None) -> Sandbox:
    if name == "docker":
        from glow.authoring.dockerbox import DockerSandbox

        return DockerSandbox(base_image=base_image)
    from glow.harness.process import ProcessSandbox

    return ProcessSandbox()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--sandbox", action="append", choices=("process", "docker"))
    parser.add_argument("--base-image", help="the Docker sandbox's BASE_IMAGE")
    parser.add_argument("--mutants", type=int, default=12, help="mutants per deliverable (12)")
    parser.add_argument("--workers", type=int, default=2, help="runs side by side (2)")
    args = parser.parse_args()
    rows = []
    for name in args.sandbox or ["process"]:
        sandbox = sandbox_for(name, args.base_image)
        why_not = sandbox.available()
        if why_not:
            print(f"{name}: skipped ({why_not})", file=sys.stderr)
            continue
        for root in BUNDLES:
            loaded = load_bundle(root)
            if loaded.bundle is None:
                print(f"{root.name}: not a valid bundle", file=sys.stderr)
                return 1
            report = verify(loaded.bundle, sandbox, mutants=args.mutants, workers=args.workers)
            runs = len(report.cells) + 2 * sum(m.mutants for m in report.mutation)
            rows.append(
                {
                    "bundle": root.name,
                    "sandbox": name,
                    "ok": report.ok,
                    "runs": runs,
                    "seconds": report.seconds,
                    "mutants": sum(m.mutants for m in report.mutation),
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        seconds = row["seconds"]
        variants = ", ".join(
            f"{key.split(':', 1)[1]} {value:.1f} s"
            for key, value in sorted(seconds.items())
            if key.startswith("variant:")
        )
        print(
            f"{row['bundle']} ({row['sandbox']}): {'ok' if row['ok'] else 'FAILED'}, "
            f"{seconds['total']:.1f} s in all for {row['runs']} runs; "
            f"matrix {seconds.get('matrix', 0):.1f} s, mutation {seconds.get('mutation', 0):.1f} s "
            f"({row['mutants']} mutants); per variant (run time summed): {variants}"
        )
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
