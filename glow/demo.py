"""Rehearse on a throwaway local GitHub, end to end, and print what happened.

Starts the local GitHub in this process, creates an organisation with a public workshop
repository, a private admin repository and a private Learning Room template (from this
project's folders, pushed over git), then files a registration issue as a learner. The
workshop's real `.github/workflows/registration.yml` runs on that event: first the learner's
answer is incomplete (`needs-info`), then the learner edits the issue and is `enrolled`, with
the bot's one comment updated in place."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

EPILOG = """examples:
  glow demo                  rehearse, print a summary, clean up
  glow demo --keep           keep serving afterwards so the printed URLs can be opened
  glow demo --json           one JSON object instead of prose (for scripts and CI)
"""

ORG = "glow-demo"
FACILITATOR = "facilitator"
LEARNER = "ada-lovelace"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="keep the local GitHub's data here (default: temporary)")
    parser.add_argument("--port", type=int, default=0, help="port for the local GitHub (0: any)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the local GitHub running afterwards, until Ctrl-C"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        help="seconds to wait for workflow runs (default 180)",
    )


def project_root() -> Path:
    root = Path(__file__).resolve().parents[1]
    if not (root / "learning-room-template").is_dir() or not (root / ".github").is_dir():
        from glow.errors import ConfigError

        raise ConfigError(
            "glow demo needs the GLOW source tree (learning-room-template/, "
            ".github/); run it from a clone: pip install -e . then glow demo"
        )
    return root


class Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.step = 0

    def __call__(self, message: str) -> None:
        self.step += 1
        if not self.quiet:
            print(f"[{self.step}] {message}", flush=True)


def run(args: argparse.Namespace) -> int:
    from glow.localhub.hub import LocalHub

    root = project_root()
    tmp = None if args.data else tempfile.mkdtemp(prefix="glow-demo-")
    data = Path(args.data or tmp)  # type: ignore[arg-type]
    say = Progress(args.json)
    hub = LocalHub(data, port=args.port)
    hub.start()
    try:
        say(f"local GitHub ready at {hub.url}")
        result = rehearse(hub, root, say, args.timeout)
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print_summary(hub, result)
        if args.keep:
            print(f"\nServing at {hub.url} until Ctrl-C (data in {data}).", flush=True)
            try:
                import threading

                threading.Event().wait()
            except KeyboardInterrupt:
                pass
        return 0 if result["ok"] else 1
    finally:
        hub.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def rehearse(hub: Any, root: Path, say: Progress, timeout: float) -> dict[str, Any]:
    import httpx

    control = httpx.Client(base_url=hub.url, timeout=30)

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        resp = control.post(path, json=body)
        resp.raise_for_status()
        return resp.json()

    for login in (FACILITATOR, LEARNER):
        post("/_localhub/users", {"login": login})
    post("/_localhub/orgs", {"login": ORG, "admins": [FACILITATOR]})
    staff = post("/_localhub/tokens", {"login": FACILITATOR})["token"]
    learner = post("/_localhub/tokens", {"login": LEARNER})["token"]
    say(f"created organisation {ORG}, facilitator {FACILITATOR} and learner {LEARNER}")

    api = httpx.Client(
        base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {staff}"}
    )
    repos = {
        "workshop": (False, False, workshop_files(root)),
        "admin": (True, False, root / "admin-roster"),
        "learning-room-template": (True, True, root / "learning-room-template"),
    }
    for name, (private, template, source) in repos.items():
        api.post(
            f"/orgs/{ORG}/repos", json={"name": name, "private": private, "is_template": template}
        ).raise_for_status()
        push_tree(hub.url, staff, f"{ORG}/{name}", source)
    say(
        "created workshop (public), admin (private) and learning-room-template (private), "
        "pushed from this project over git"
    )

    from glow.cohort.forms import render_issue_form

    answers = {
        "Cohort": "2026-12",
        "Path": "both days please",
        "Accessibility needs": "NVDA on Windows",
        "Contact (optional)": None,
    }
    as_learner = {"Authorization": f"token {learner}"}
    issue = api.post(
        f"/repos/{ORG}/workshop/issues",
        headers=as_learner,
        json={"title": "[REGISTER] Ada Lovelace", "body": render_issue_form(answers)},
    ).json()
    number = issue["number"]
    say(f"{LEARNER} filed registration issue #{number} (the path answer is not one of the choices)")
    hub.wait_idle(timeout)
    first = issue_state(api, number)
    say(f"workflow answered: labels {first['labels']}")

    answers["Path"] = "day1-day2"
    api.patch(
        f"/repos/{ORG}/workshop/issues/{number}",
        headers=as_learner,
        json={"body": render_issue_form(answers)},
    ).raise_for_status()
    say(f"{LEARNER} edited the issue to choose day1-day2")
    hub.wait_idle(timeout)
    final = issue_state(api, number)
    say(f"workflow answered: labels {final['labels']}")

    runs = sorted(hub.store.data["runs"].values(), key=lambda r: r["id"])
    ok = (
        "needs-info" in first["labels"]
        and "enrolled" in final["labels"]
        and "needs-info" not in final["labels"]
        and len(final["bot_comments"]) == 1
        and all(r.get("conclusion") == "success" for r in runs)
        and len(runs) >= 2
    )
    return {
        "ok": ok,
        "base_url": hub.url,
        "org": ORG,
        "issue": number,
        "issue_url": f"{hub.url}/{ORG}/workshop/issues/{number}",
        "labels_after_first_run": first["labels"],
        "labels_final": final["labels"],
        "bot_comments": len(final["bot_comments"]),
        "bot_comment": final["bot_comments"][0] if final["bot_comments"] else None,
        "workflow_runs": [
            {
                "workflow": r.get("workflow_path"),
                "event": r.get("event"),
                "status": r.get("status"),
                "conclusion": r.get("conclusion"),
                "error": r.get("error"),
            }
            for r in runs
        ],
        "api_requests": sum(1 for r in hub.requests if r.get("route")),
        "deliveries": len(hub.deliveries),
    }


def issue_state(api: Any, number: int) -> dict[str, Any]:
    issue = api.get(f"/repos/{ORG}/workshop/issues/{number}").json()
    comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
    return {
        "labels": sorted(label["name"] for label in issue["labels"]),
        "bot_comments": [
            c["body"] for c in comments if c["body"].startswith("<!-- glow:registration -->")
        ],
    }


def workshop_files(root: Path) -> Path:
    """The workshop repository is this project: its workflows, actions, issue forms and docs."""
    staging = Path(tempfile.mkdtemp(prefix="glow-workshop-"))
    for name in (".github", "actions", "docs", "README.md"):
        src = root / name
        if src.is_dir():
            shutil.copytree(src, staging / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.is_file():
            shutil.copy2(src, staging / name)
    return staging


def push_tree(base_url: str, token: str, full_name: str, source: Path) -> None:
    """Commit ``source`` as the first commit of ``full_name`` and push it over smart HTTP."""
    work = Path(tempfile.mkdtemp(prefix="glow-push-"))
    try:
        shutil.copytree(
            source, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", ".git")
        )
        env = {
            "GIT_AUTHOR_NAME": FACILITATOR,
            "GIT_AUTHOR_EMAIL": f"{FACILITATOR}@localhub",
            "GIT_COMMITTER_NAME": FACILITATOR,
            "GIT_COMMITTER_EMAIL": f"{FACILITATOR}@localhub",
            "GIT_TERMINAL_PROMPT": "0",
            "PATH": __import__("os").environ.get("PATH", ""),
            "HOME": str(work),
        }
        url = base_url.replace("://", f"://x-access-token:{token}@") + f"/{full_name}.git"
        for cmd in (
            ["git", "init", "-q", "-b", "main"],
            ["git", "add", "-A"],
            ["git", "commit", "-q", "-m", "Initial content from the GLOW project"],
            ["git", "push", "-q", url, "main"],
        ):
            proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                from glow.errors import GlowError

                raise GlowError(f"could not push {full_name}: {proc.stderr.strip()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_summary(hub: Any, result: dict[str, Any]) -> None:
    out = sys.stdout
    verdict = "Rehearsal passed" if result["ok"] else "Rehearsal FAILED"
    out.write(f"\n{verdict}: registration ran on the local GitHub.\n")
    for run in result["workflow_runs"]:
        line = f"  - {run['workflow']} on {run['event']}: {run['conclusion'] or run['status']}"
        if run.get("error"):
            line += f" ({run['error']})"
        out.write(line + "\n")
    out.write(f"  Labels after the first run: {', '.join(result['labels_after_first_run'])}\n")
    out.write(f"  Labels after the edit: {', '.join(result['labels_final'])}\n")
    out.write(f"  Bot comments on the issue: {result['bot_comments']} (updated in place)\n")
    out.write(
        f"  API requests answered: {result['api_requests']}; "
        f"events delivered: {result['deliveries']}\n"
    )
    out.write("\nLook at:\n")
    out.write(
        f"  registration issue  {hub.api_url}/repos/{ORG}/workshop/issues/{result['issue']}\n"
    )
    out.write(
        f"  its comments        {hub.api_url}/repos/{ORG}/workshop/issues/{result['issue']}"
        "/comments\n"
    )
    out.write(f"  workflow runs       {hub.url}/_localhub/runs\n")
    out.write(f"  clone the workshop  git clone {hub.url}/{ORG}/workshop.git\n")
