"""The authoring loop's cost with the recorded author: wall time and model calls per node and
per brief.

Runs the author/review graph (glow.authoring.loop.graph) on the recorded python-ledger brief
(glow/authoring/loop/recordings/python-ledger.json: the first hidden suite is too weak, one
repair fixes it) in the process sandbox, with no network and no key, and, with --bundle, on the
human-written example bundles through the same graph. Prints each node execution (verdict,
attempt, wall seconds, model calls) and each brief's totals.

    python benchmarks/authoring_loop.py
    python benchmarks/authoring_loop.py --bundle --json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from glow.authoring.loop.authors import Author, BundleAuthor, RecordedAuthor  # noqa: E402
from glow.authoring.loop.context import NodeContext  # noqa: E402
from glow.authoring.loop.graph import run_graph  # noqa: E402
from glow.authoring.loop.ledger import LEDGER  # noqa: E402
from glow.authoring.loop.state import Brief, RunState, summary  # noqa: E402
from glow.harness.process import ProcessSandbox  # noqa: E402

BRIEF = Brief(title="A household ledger", problem="Learners build a ledger.")


def one(name: str, author: Author, mutants: int) -> dict[str, object]:
    started = time.monotonic()
    calls_before = author.calls
    plan = author.plan(BRIEF)
    state = RunState(brief_issue=1, plan=plan, status="running", model_calls=author.calls)
    with tempfile.TemporaryDirectory(prefix="glow-bench-") as scratch:
        ctx = NodeContext(
            author=author,
            sandbox=ProcessSandbox(),
            scratch=Path(scratch),
            record=lambda _s: None,
            mutants=mutants,
        )
        final = run_graph(state, ctx)
    return {
        "brief": name,
        "status": final.status,
        "wall_seconds": round(time.monotonic() - started, 2),
        "model_calls": author.calls - calls_before,
        "nodes": [summary(e) for e in final.executions],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--bundle", action="store_true", help="also the example bundles")
    parser.add_argument("--mutants", type=int, default=12, help="mutants per deliverable (12)")
    args = parser.parse_args()
    why_not = ProcessSandbox().available()
    if why_not:
        print(f"the process sandbox cannot run here: {why_not}", file=sys.stderr)
        return 1
    rows = [one("recorded:python-ledger", RecordedAuthor.from_file(LEDGER), args.mutants)]
    if args.bundle:
        for root in sorted((ROOT / "examples" / "bundles").glob("*/coursegen.yml")):
            bundle = BundleAuthor(root.parent)
            state_brief = f"bundle:{root.parent.name}"
            rows.append(_bundle_row(state_brief, bundle, args.mutants))
    if args.json:
        print(json.dumps({"rows": rows}, indent=1))
    else:
        for row in rows:
            print(
                f"{row['brief']}: {row['status']} in {row['wall_seconds']} s, "
                f"{row['model_calls']} model calls"
            )
            for node in row["nodes"]:  # type: ignore[attr-defined]
                verdict = "passed" if node["passed"] else "failed"
                print(
                    f"  {node['node']:<18} {verdict:<6} attempt {node['attempt']}  "
                    f"{node['seconds']:>7.2f} s  {node['model_calls']} calls"
                )
    return 0 if all(r["status"] == "awaiting_gate" for r in rows) else 1


def _bundle_row(name: str, author: BundleAuthor, mutants: int) -> dict[str, object]:
    return one(name, author, mutants)


if __name__ == "__main__":
    raise SystemExit(main())
