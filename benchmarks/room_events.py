"""What one Learning Room event costs, run on demand:
`python benchmarks/room_events.py [--rooms N] [--json]`.

On the local GitHub (no runner), N learners' rooms (default 3) are provisioned from this
project's learning-room-template/ by the real provisioning engine. In each room the learner
then does what the challenges ask, through the REST API with their own token, and after each
step `glow room` is run once as the room's workflow runs it (a fresh process, the job's own
token, the delivery the local GitHub recorded for that step as the event payload):

- issue_comment.created: a help request on Challenge 1 (help answers it);
- issues.closed: Challenge 1 closed as completed (progression opens Challenge 2);
- issues.opened, issues.edited: a Report-a-TODO issue filed, then its Why improved (graded);
- workflow_dispatch: a facilitator starts Challenge 6 (`--start-challenge 6`);
- pull_request.opened, .edited, .synchronize, .reopened: a pull request from learn/HANDLE
  that closes Challenge 6, its description edited, a second commit pushed, closed and reopened
  (Gandalf, the pr-linked grader and the content checks answer).

The same delivery is then handled once more (GitHub redelivers; a re-run repeats one), which
must write nothing. For each event, per behaviour (progression, help, gandalf, grading, checks,
each timed inside the run, in the router's order, so a later behaviour reuses what an earlier
one read) and for the whole `glow room` process: API requests, writes, and wall time; the
median over the N rooms; "outside handlers" is the rest of the process (the interpreter, the
imports, reading the event). The first behaviour to call GitHub (progression) also pays for
importing the GitHub client. Reported, not asserted: timed tests are flaky.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BEHAVIOURS = ("progression", "help", "gandalf", "grading", "checks")
PARTS = ("startup", *BEHAVIOURS)
MARK = "/_localhub/bench-mark/"
PERMISSIONS = {"contents": "read", "issues": "write", "pull_requests": "write"}

# Runs inside the `glow room` process: every handler is timed, and bracketed by two requests
# to a path the local GitHub answers 404 but logs, so the parent can split the request log.
PROBE = """
import functools, json, os, sys, time, urllib.request
import glow.bot.run as run

times = {}

def mark(label):
    try:
        urllib.request.urlopen(os.environ["BENCH_HUB"] + "/_localhub/bench-mark/" + label)
    except Exception:
        pass

def timed(handler):
    name = handler.__module__.split(".")[2]
    @functools.wraps(handler)
    def wrapper(context):
        mark(name + "-start")
        started = time.perf_counter()
        try:
            return handler(context)
        finally:
            times[name] = times.get(name, 0.0) + time.perf_counter() - started
            mark(name + "-end")
    return wrapper

every = run._every
run._every = lambda context, handlers: every(context, [timed(h) for h in handlers])
from glow.__main__ import main
try:
    code = main(["room", *sys.argv[1:]])
finally:
    with open(os.environ["BENCH_TIMES"], "w") as out:
        json.dump(times, out)
sys.exit(code)
"""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Bench:
    """The provisioned rooms, the learners' actions on them, and `glow room` measured."""

    def __init__(self, tmp: Path, rooms: int) -> None:
        from tests.provisioning_support import TEMPLATE, make_world

        self.tmp = tmp
        self.handles = tuple(f"learner-{n:02d}" for n in range(1, rooms + 1))
        self.world = make_world(tmp, self.handles)
        self.world.control("config", {"template_delay_seconds": 0})
        template = ROOT / "learning-room-template"
        files = {
            str(p.relative_to(template)): p.read_text(encoding="utf-8")
            for p in sorted(template.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        }
        staff = self.world.staff(*TEMPLATE.split("/"))
        staff.commit_files(files, "the Learning Room template", branch="main")
        engine = self.world.engine()
        [cohort] = engine.cohorts()
        report = engine.run(cohort)
        failed = [o for o in report.outcomes if o.error is not None]
        if failed:
            raise SystemExit(f"provisioning failed for {len(failed)} room(s): {failed[0].error}")
        for handle in self.handles:
            self.world.tokens[handle] = self.world.control("tokens", {"login": handle})["token"]
            for invitation in self.world.api("GET", "/user/repository_invitations", handle):
                self.world.api("PATCH", f"/user/repository_invitations/{invitation['id']}", handle)
        self.host = self._host()

    def _host(self) -> Any:
        from glow.localhub.runner_host import HubRunnerHost

        return HubRunnerHost(self.world.hub)

    def room(self, handle: str) -> str:
        from tests.provisioning_support import COHORT, ORG

        return f"{ORG}/learning-room-{COHORT}-{handle}"

    def mark(self) -> int:
        return int(self.world.hub.requests[-1]["id"])

    def delivery(self, room: str, since: int, event: str, action: str | None) -> dict[str, Any]:
        """The payload of the last delivery of ``event.action`` in ``room`` after ``since``."""
        for found in reversed(list(self.world.hub.deliveries)):
            if found["id"] <= since:
                break
            if (found["repository"], found["event"], found["action"]) == (room, event, action):
                return dict(found["payload"])
        raise SystemExit(f"the local GitHub delivered no {event}.{action} in {room}")

    def glow_room(
        self, room: str, event: str, payload: dict[str, Any], *args: str
    ) -> dict[str, Any]:
        """One `glow room` process on ``payload``: totals, and each behaviour's share."""
        path = self.tmp / "event.json"
        path.write_text(json.dumps(payload))
        times = self.tmp / "times.json"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_REPOSITORY": room,
            "GITHUB_API_URL": self.world.hub.api_url,
            "GITHUB_TOKEN": self.host.mint_job_token(room, PERMISSIONS),
            "GLOW_FACILITATORS": "@acme/facilitators",
            "BENCH_HUB": self.world.hub.url,
            "BENCH_TIMES": str(times),
        }
        since = self.mark()
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"glow room failed on {event}: {proc.stderr.strip()[-400:]}")
        log = [r for r in list(self.world.hub.requests) if r["id"] > since]
        handler_seconds = json.loads(times.read_text())
        shares: dict[str, dict[str, float]] = {}
        current: str | None = None
        for entry in log:
            if entry["path"].startswith(MARK):
                name, _, edge = entry["path"][len(MARK) :].rpartition("-")
                current = name if edge == "start" else None
                continue
            if not entry["path"].startswith("/api/v3/"):
                continue
            share = shares.setdefault(current or "startup", {"requests": 0, "writes": 0})
            share["requests"] += 1
            share["writes"] += entry["method"] not in ("GET", "HEAD")
        for name in BEHAVIOURS:
            share = shares.setdefault(name, {"requests": 0, "writes": 0})
            share["seconds"] = round(handler_seconds.get(name, 0.0), 3)
        total = {
            "requests": sum(int(s["requests"]) for s in shares.values()),
            "writes": sum(int(s["writes"]) for s in shares.values()),
            "seconds": round(seconds, 3),
        }
        # Outside every handler: the interpreter, imports, the gate, reading the event.
        outside = shares.setdefault("startup", {"requests": 0, "writes": 0})
        outside["seconds"] = round(seconds - sum(handler_seconds.values()), 3)
        return {"total": total, **{name: shares[name] for name in PARTS}}


def steps(bench: Bench, handle: str) -> list[tuple[str, str | None, Callable[[], list[str]]]]:
    """The learner's actions in order: (event, action, act), act returning extra arguments."""
    w, room = bench.world, bench.room(handle)
    state: dict[str, Any] = {}

    def api(method: str, path: str, who: str = handle, **kw: Any) -> Any:
        return w.api(method, f"/repos/{room}{path}", who, **kw)

    def challenge(number: int) -> dict[str, Any]:
        marker = f"<!-- glow:challenge:{number} -->"
        issues = api("GET", "/issues", params={"state": "all", "per_page": 100})
        return next(i for i in issues if (i.get("body") or "").startswith(marker))

    def ask_for_help() -> list[str]:
        state["one"] = challenge(1)["number"]
        body = "help: I found the README and welcome.md, but where is the conflict file?"
        api("POST", f"/issues/{state['one']}/comments", json={"body": body})
        return []

    def close_one() -> list[str]:
        api(
            "PATCH",
            f"/issues/{state['one']}",
            json={"state": "closed", "state_reason": "completed"},
        )
        return []

    def file_todo() -> list[str]:
        from glow.cohort.forms import render_issue_form

        state["todo_answers"] = {
            "What": "TODO: Write one tip for someone who starts this workshop tomorrow.",
            "Where": 'docs/welcome.md, under the heading "A tip for the next learner"',
            "Why": "A new learner has no tip to read.",
        }
        body = render_issue_form(state["todo_answers"])
        made = api(
            "POST", "/issues", json={"title": "TODO: A tip for the next learner", "body": body}
        )
        state["todo"] = made["number"]
        return []

    def edit_todo() -> list[str]:
        from glow.cohort.forms import render_issue_form

        answers = {**state["todo_answers"], "Why": "A learner who starts tomorrow reads it first."}
        api("PATCH", f"/issues/{state['todo']}", json={"body": render_issue_form(answers)})
        return []

    def start_six() -> list[str]:
        w.api(
            "POST",
            f"/repos/{room}/actions/workflows/room.yml/dispatches",
            json={"ref": "main", "inputs": {"start_challenge": "6"}},
        )
        return ["--start-challenge", "6"]

    def put_welcome(line: str, message: str) -> None:
        branch = f"learn/{handle}"
        current = api("GET", "/contents/docs/welcome.md", params={"ref": branch})
        text = base64.b64decode(current["content"]).decode()
        marker = "TODO: Write one tip for someone who starts this workshop tomorrow."
        text = text.replace(marker, line) if marker in text else text + f"\n{line}\n"
        api(
            "PUT",
            "/contents/docs/welcome.md",
            json={
                "message": message,
                "content": b64(text),
                "sha": current["sha"],
                "branch": branch,
            },
        )

    def open_pull() -> list[str]:
        state["six"] = challenge(6)["number"]
        main = api("GET", "/git/ref/heads/main")["object"]["sha"]
        api("POST", "/git/refs", json={"ref": f"refs/heads/learn/{handle}", "sha": main})
        put_welcome("Press t on a repository page to find a file by name.", "Add my tip")
        body = f"Adds my tip for the next learner.\n\nCloses #{state['six']}\n"
        made = api(
            "POST",
            "/pulls",
            json={"title": "Add my tip", "head": f"learn/{handle}", "base": "main", "body": body},
        )
        state["pull"] = made["number"]
        return []

    def edit_pull() -> list[str]:
        body = (
            f"Adds my tip for the next learner, about the file finder.\n\nCloses #{state['six']}\n"
        )
        api("PATCH", f"/pulls/{state['pull']}", json={"body": body})
        return []

    def push_again() -> list[str]:
        put_welcome(
            "Press t on a repository page to find a file by name; Escape closes the finder.",
            "Say how to close the file finder",
        )
        return []

    def reopen_pull() -> list[str]:
        api("PATCH", f"/pulls/{state['pull']}", json={"state": "closed"})
        api("PATCH", f"/pulls/{state['pull']}", json={"state": "open"})
        return []

    return [
        ("issue_comment", "created", ask_for_help),
        ("issues", "closed", close_one),
        ("issues", "opened", file_todo),
        ("issues", "edited", edit_todo),
        ("workflow_dispatch", None, start_six),
        ("pull_request", "opened", open_pull),
        ("pull_request", "edited", edit_pull),
        ("pull_request", "synchronize", push_again),
        ("pull_request", "reopened", reopen_pull),
    ]


def measure(rooms: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(Path(tmp), rooms)
        try:
            for handle in bench.handles:
                room = bench.room(handle)
                for event, action, act in steps(bench, handle):
                    key = f"{event}.{action}" if action else event
                    since = bench.mark()
                    args = act()
                    payload = bench.delivery(room, since, event, action)
                    runs = samples.setdefault(key, {"first": [], "again": []})
                    runs["first"].append(bench.glow_room(room, event, payload, *args))
                    runs["again"].append(bench.glow_room(room, event, payload, *args))
        finally:
            bench.world.hub.stop()
    return {
        "rooms": rooms,
        "events": {
            key: {run: median_of(found) for run, found in runs.items()}
            for key, runs in samples.items()
        },
    }


def median_of(found: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each figure's median over the rooms."""
    out: dict[str, dict[str, float]] = {}
    for part in ("total", *PARTS):
        out[part] = {
            figure: round(statistics.median(float(f[part][figure]) for f in found), 3)
            for figure in ("requests", "writes", "seconds")
        }
    return out


def cell(figures: dict[str, float]) -> str:
    return f"{figures['requests']:g}/{figures['writes']:g} {figures['seconds']:.2f}s"


def print_text(result: dict[str, Any]) -> None:
    print(
        f"glow room per event, median of {result['rooms']} rooms; each cell: "
        "API requests/writes wall seconds"
    )
    header = ("event", "run", "outside handlers", *BEHAVIOURS, "glow room (process)")
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---" for _ in header) + " |")
    misses = []
    for key, runs in result["events"].items():
        for run, label in (("first", "first"), ("again", "again")):
            parts = runs[run]
            row = [key, label, *(cell(parts[name]) for name in PARTS), cell(parts["total"])]
            print("| " + " | ".join(row) + " |")
        if runs["again"]["total"]["writes"]:
            misses.append(key)
    for key in misses:
        print(f"MISSES: handling {key} again wrote {result['events'][key]['again']['total']}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        epilog="example:\n  python benchmarks/room_events.py --rooms 3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rooms", type=int, default=3, help="learners' rooms (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.rooms < 1:
        parser.error("--rooms must be at least 1")
    result = measure(args.rooms)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_text(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
