"""An ignored event costs little, run on demand:
`python benchmarks/ignored_events.py [--json] [--limit N]`.

For every event-driven `glow` command and every webhook example GitHub publishes
(`@octokit/webhooks-examples`, fetched from the npm registry into the schema cache on first
use) whose event and action the command does not handle, runs the command as an Actions step
would (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH) in a fresh Python process, and times it. Target:
every one exits 0 in under 0.5 s on the project's 2-core machines (the issue-8 target), having
imported nothing heavy. Reported, not asserted: timed tests are flaky.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VERSION = "7.6.1"
TARGET_S = 0.5
CACHE = Path(os.environ.get("GLOW_SCHEMA_CACHE", Path.home() / ".cache" / "glow-schemas"))


def examples() -> list[tuple[str, str | None, dict[str, Any]]]:
    """(event, action, payload) of every example of api.github.com's webhooks."""
    index = CACHE / f"webhooks-examples-{VERSION}" / "api.github.com" / "index.json"
    if not index.is_file():
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["npm", "pack", f"@octokit/webhooks-examples@{VERSION}", "--silent"],
                cwd=tmp,
                check=True,
                capture_output=True,
            )
            [tarball] = Path(tmp).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                member = archive.getmember("package/api.github.com/index.json")
                data = archive.extractfile(member)
                assert data is not None
                index.parent.mkdir(parents=True, exist_ok=True)
                index.write_bytes(data.read())
    found = []
    for event in json.loads(index.read_text()):
        for payload in event["examples"]:
            action = payload.get("action") if isinstance(payload.get("action"), str) else None
            found.append((event["name"], action, payload))
    return found


def measure(limit: int | None) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from glow.__main__ import COMMANDS
    from glow.bot.gate import event_key, handles

    probe = (
        "import sys\nfrom glow.__main__ import main\ncode = main([sys.argv[1]])\n"
        "heavy = [m for m in ('pydantic', 'githubkit', 'httpx', 'yaml') if m in sys.modules]\n"
        "print(code, ','.join(heavy))\n"
    )
    rows = []
    seen: set[tuple[str, str]] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for command in (c for c in COMMANDS if c.package):
            events = __import__(f"{command.package}.events", fromlist=["EVENTS"]).EVENTS
            for event, action, payload in examples():
                key = event_key(event, action)
                if handles(events, event, action) or (command.name, key) in seen:
                    continue
                seen.add((command.name, key))
                path = Path(tmp) / "event.json"
                path.write_text(json.dumps(payload))
                env = {**os.environ, "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path)}
                started = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-c", probe, command.name],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                seconds = time.perf_counter() - started
                code, _, heavy = proc.stdout.strip().partition(" ")
                rows.append(
                    {
                        "command": command.name,
                        "event": key,
                        "exit": int(code) if code.isdigit() else proc.returncode,
                        "seconds": round(seconds, 3),
                        "heavy_imports": heavy,
                    }
                )
                if limit and len(rows) >= limit:
                    return rows
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Time every event-driven glow command on every webhook example it ignores.",
        epilog="example:\n  python benchmarks/ignored_events.py --limit 40",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--limit", type=int, help="stop after N runs (default: all)")
    args = parser.parse_args()
    rows = measure(args.limit)
    slowest = max(rows, key=lambda row: row["seconds"]) if rows else None
    bad = [r for r in rows if r["exit"] != 0 or r["heavy_imports"] or r["seconds"] >= TARGET_S]
    result = {
        "runs": len(rows),
        "median_seconds": sorted(r["seconds"] for r in rows)[len(rows) // 2] if rows else None,
        "slowest": slowest,
        "misses": bad,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['runs']} ignored events across the event-driven commands: median "
        f"{result['median_seconds']} s, slowest {slowest['seconds'] if slowest else '-'} s "
        f"({slowest['command'] if slowest else ''} {slowest['event'] if slowest else ''}); "
        f"target: exit 0 under {TARGET_S} s with nothing heavy imported"
    )
    for row in bad:
        print(
            f"MISSES: glow {row['command']} on {row['event']}: exit {row['exit']}, "
            f"{row['seconds']} s, heavy imports: {row['heavy_imports'] or 'none'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
