"""Rehearse a cohort on a throwaway local GitHub, end to end, and print what happened.

Starts the local GitHub in this process and sets up an organisation as a facilitator would:
the provisioning App installed, a public workshop repository, a private admin repository and
a private Learning Room template (pushed from this project's folders over git), secrets and
variables. Then learners register by filing issues; the project's real workflows run on those
events: registration (the first learner's answer is incomplete, then fixed by an edit),
provisioning of each learner's room, the first learner's ack and "day1-complete" (the Day 2
release answers), the second learner's help request (answered at once), the dashboard and the
watchdog. Finally provisioning, the dashboard, the Day 2 release and the watchdog run again on
the healthy cohort, which must write nothing."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EPILOG = """examples:
  glow demo                  rehearse, print a summary, clean up
  glow demo --keep           keep serving afterwards so the printed URLs can be opened
  glow demo --json           one JSON object instead of prose (for scripts and CI)
  glow demo --learners 10    a larger cohort
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
        "--learners", type=int, default=3, help="how many learners register (default 3)"
    )
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
        result = rehearse(hub, root, say, args.timeout, args.learners)
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


LEARNER_NAMES = ["ada-lovelace", "grace-hopper", "alan-turing", "katherine-johnson"]
COHORT = "2026-12"


def learner_logins(count: int) -> list[str]:
    return [
        LEARNER_NAMES[i] if i < len(LEARNER_NAMES) else f"learner-{i + 1:03d}" for i in range(count)
    ]


@dataclass
class World:
    """An organisation set up as a facilitator would: the App, the three repos, secrets."""

    post: Callable[[str, dict[str, Any]], Any]
    api: Any  # an httpx client with the facilitator's token
    app: dict[str, Any]
    get: Callable[[str], Any]  # the control API: runs, deliveries, edits...


def build_world(
    hub: Any, root: Path, logins: list[str], cohorts: dict[str, Any], *, org: str = ORG
) -> World:
    """Users, an org with the provisioning App installed (the manifest's permissions), the
    workshop, admin and template repositories pushed from this project over git, and the
    secrets and variables the workflows read."""
    import httpx

    control = httpx.Client(base_url=hub.url, timeout=30)

    def post(path: str, body: dict[str, Any]) -> Any:
        resp = control.post(f"/_localhub/{path}", json=body)
        resp.raise_for_status()
        return resp.json()

    def get(path: str) -> Any:
        resp = control.get(f"/_localhub/{path}")
        resp.raise_for_status()
        return resp.json()

    for login in (FACILITATOR, *logins):
        post("users", {"login": login})
    post("orgs", {"login": org, "admins": [FACILITATOR]})
    staff = post("tokens", {"login": FACILITATOR})["token"]
    manifest = json.loads((root / "provisioner" / "app-manifest.json").read_text())
    app = post(
        "apps",
        {"slug": "glow-provisioner", "owner": org, "permissions": manifest["default_permissions"]},
    )
    post("installations", {"app_id": app["id"], "account": org})
    api = httpx.Client(
        base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {staff}"}
    )
    admin_seed = staged(
        root / "admin-roster", {"cohorts.json": json.dumps(cohorts, indent=2) + "\n"}
    )
    repos = {
        "workshop": (False, False, workshop_files(root)),
        "admin": (True, False, admin_seed),
        "learning-room-template": (True, True, root / "learning-room-template"),
    }
    for name, (private, template, source) in repos.items():
        api.post(
            f"/orgs/{org}/repos", json={"name": name, "private": private, "is_template": template}
        ).raise_for_status()
        push_tree(hub.url, staff, f"{org}/{name}", source)
        for secret, value in (
            ("PROVISIONING_APP_ID", str(app["id"])),
            ("PROVISIONING_APP_PRIVATE_KEY", app["private_key"]),
        ):
            post("secrets", {"repo": f"{org}/{name}", "name": secret, "value": value})
    workshop_head = api.get(f"/repos/{org}/workshop/commits/main").json()["sha"]
    for var, value in (
        ("ADMIN_ROSTER_REPO", f"{org}/admin"),
        ("LEARNING_ROOM_TEMPLATE_REPO", f"{org}/learning-room-template"),
        # The admin repository installs glow from the workshop at a full commit (checked).
        ("GLOW_INSTALL", f"git+{hub.url}/{org}/workshop@{workshop_head}"),
    ):
        post("variables", {"owner": org, "name": var, "value": value})
    return World(post=post, api=api, app=app, get=get)


def rehearse(
    hub: Any, root: Path, say: Progress, timeout: float, learners: int = 3
) -> dict[str, Any]:
    logins = learner_logins(learners)
    cohorts = {
        "cohorts": [
            {
                "id": COHORT,
                "title": "December 2026",
                "capacity": max(learners, 1),
                "day2_url": f"{hub.url}/{ORG}/workshop/blob/main/docs/day2.md",
            }
        ]
    }
    world = build_world(hub, root, logins, cohorts)
    post, api = world.post, world.api
    say(
        f"created organisation {ORG} with the provisioning App installed, facilitator "
        f"{FACILITATOR} and {learners} learners"
    )
    hub.wait_idle(timeout)
    say(
        "created workshop (public), admin (private) and learning-room-template (private), "
        "pushed from this project over git; secrets and variables set"
    )

    from glow.cohort.registration.form import render_public

    private: list[str] = []
    numbers: dict[str, int] = {}
    tokens: dict[str, str] = {}
    for i, login in enumerate(logins):
        token = tokens[login] = post("tokens", {"login": login})["token"]
        body = render_public(COHORT, "both days please" if i == 0 else "day1-day2")
        issue = api.post(
            f"/repos/{ORG}/workshop/issues",
            headers={"Authorization": f"token {token}"},
            json={"title": f"[REGISTER] {login}", "body": body, "labels": ["registration"]},
        ).json()
        numbers[login] = issue["number"]
        if i == 0:
            hub.wait_idle(timeout)
            first = issue_state(api, issue["number"])
            say(
                f"{login} filed #{issue['number']} with a path that is not one of the choices: "
                f"labels {first['labels']}"
            )
            fixed = api.get(f"/repos/{ORG}/workshop/issues/{issue['number']}").json()["body"]
            api.patch(
                f"/repos/{ORG}/workshop/issues/{issue['number']}",
                headers={"Authorization": f"token {token}"},
                json={"body": fixed.replace("### Path\n\n_No response_", "### Path\n\nday1-day2")},
            )
    hub.wait_idle(timeout)
    say(f"{learners} learners registered; registration, provisioning ran on their events")

    for i, login in enumerate(logins):
        needs = f"Screen reader {i + 1}: NVDA with braille display {i + 1:03d}"
        contact = f"{login}@private.example"
        private += [needs, contact]
        file_intake(api, tokens[login], login, needs, contact)
    say(
        f"{learners} learners accepted their invitations and filled in the private intake form "
        "in their own Learning Rooms"
    )

    def comment(login: str, text: str) -> None:
        api.post(
            f"/repos/{ORG}/workshop/issues/{numbers[login]}/comments",
            headers={"Authorization": f"token {tokens[login]}"},
            json={"body": text},
        ).raise_for_status()
        hub.wait_idle(timeout)

    comment(logins[0], "ack")
    comment(logins[0], "day1-complete")
    say(f"{logins[0]} said ack, then day1-complete: the Day 2 release ran on the comment")
    if len(logins) > 1:
        comment(logins[1], "help, I cannot find the invitation to my Learning Room")
        say(f"{logins[1]} asked for help on their registration: the Help workflow answered")

    for repo, workflow in ((f"{ORG}/admin", "dashboard.yml"), (f"{ORG}/admin", "watchdog.yml")):
        api.post(
            f"/repos/{repo}/actions/workflows/{workflow}/dispatches", json={"ref": "main"}
        ).raise_for_status()
        hub.wait_idle(timeout)
    say("dashboard and watchdog workflows ran in the admin repo")

    mark = max((r["id"] for r in hub.requests), default=0)
    for repo, workflow, inputs in (
        (f"{ORG}/workshop", "provision.yml", {"verify": "true"}),
        (f"{ORG}/workshop", "day2-release.yml", {}),
        (f"{ORG}/admin", "dashboard.yml", {}),
        (f"{ORG}/admin", "watchdog.yml", {}),
    ):
        api.post(
            f"/repos/{repo}/actions/workflows/{workflow}/dispatches",
            json={"ref": "main", "inputs": inputs},
        ).raise_for_status()
    hub.wait_idle(timeout)
    rerun_writes = [
        r
        for r in list(hub.requests)
        if r["id"] > mark
        and r.get("route")
        and r["method"] != "GET"
        and not r["route"].endswith(("/access_tokens", "/dispatches"))
    ]
    say(
        "re-ran provisioning (verify), the Day 2 release, the dashboard and the watchdog: "
        f"{len(rerun_writes)} writes"
    )
    return summarize(hub, api, logins, numbers, private, first, rerun_writes)


def file_intake(
    api: Any,
    token: str,
    login: str,
    needs: str,
    contact: str,
    *,
    org: str = ORG,
    cohort: str = COHORT,
) -> None:
    """The learner accepts the invitation to their room and answers its private intake form
    (as GitHub renders the form ``.github/ISSUE_TEMPLATE/intake.yml`` into an issue)."""
    from glow.cohort.forms import render_issue_form
    from glow.cohort.model import room_name

    auth = {"Authorization": f"token {token}"}
    for invitation in api.get("/user/repository_invitations", headers=auth).json():
        api.patch(f"/user/repository_invitations/{invitation['id']}", headers=auth)
    body = render_issue_form(
        {
            "Screen reader or tools": "NVDA",
            "Accessibility needs": needs,
            "Contact (optional)": contact,
        }
    )
    api.post(
        f"/repos/{org}/{room_name(cohort, login)}/issues",
        headers=auth,
        # No label: a form's label is applied only where it exists, and a room generated from
        # the template has none of its labels; the form's fields say what the issue is.
        json={"title": "About me: what helps me learn", "body": body},
    ).raise_for_status()


def summarize(
    hub: Any,
    api: Any,
    logins: list[str],
    numbers: dict[str, int],
    private: list[str],
    first: dict[str, Any],
    rerun: list[Any],
) -> dict[str, Any]:
    import httpx

    runs = sorted(hub.store.data["runs"].values(), key=lambda r: r["id"])
    healthy = sum(1 for login in logins if room_healthy(api, login))
    # Every public body as it is now and in every earlier version (GitHub's edit history is
    # readable by anyone who can read the issue), and every run's log.
    edits = httpx.get(f"{hub.url}/_localhub/edits", timeout=30).json()
    public_text = json.dumps(
        [
            api.get(
                f"/repos/{ORG}/workshop/issues", params={"state": "all", "per_page": 100}
            ).json(),
            api.get(f"/repos/{ORG}/workshop/issues/comments", params={"per_page": 100}).json(),
            [edit for edit in edits if edit["repo"] == f"{ORG}/workshop"],
            runs,
        ]
    )
    leaks = sum(public_text.count(secret) for secret in private)
    duplicates = 0
    for number in numbers.values():
        comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
        markers = [
            c["body"].splitlines()[0] for c in comments if c["body"].startswith("<!-- glow:")
        ]
        duplicates += len(markers) - len(set(markers))
    final = issue_state(api, numbers[logins[0]])
    released = sum(
        "day2-released" in issue_state(api, number)["labels"] for number in numbers.values()
    )
    answered = sum(
        any(
            c["body"].startswith("<!-- glow:help -->")
            for c in api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
        )
        for number in numbers.values()
    )
    alerts = api.get(
        f"/repos/{ORG}/admin/issues", params={"labels": "watchdog", "state": "open"}
    ).json()
    intake = intake_recorded(api, private)
    api_requests = [r for r in list(hub.requests) if r.get("route")]
    # A pending run replaced under `concurrency` ends "cancelled", as on GitHub: not a failure.
    failed = [r for r in runs if r.get("conclusion") not in ("success", "skipped", "cancelled")]
    ok = (
        healthy == len(logins)
        and leaks == 0
        and duplicates == 0
        and not rerun
        and not failed
        and "needs-info" in first["labels"]
        and "enrolled" in final["labels"]
        and released == 1
        and answered == min(len(logins) - 1, 1)
        and not alerts
        and intake == len(logins)
    )
    return {
        "ok": ok,
        "base_url": hub.url,
        "org": ORG,
        "cohort": COHORT,
        "learners": len(logins),
        "rooms_healthy": healthy,
        "api_requests": len(api_requests),
        "content_creating_requests": sum(
            1 for r in api_requests if r.get("creates_content") and r["status"] < 400
        ),
        "rerun_writes": len(rerun),
        "duplicate_comments": duplicates,
        "leaks": leaks,
        "day2_released": released,
        "help_requests_answered": answered,
        "private_intake_recorded": intake,
        "watchdog_alerts": len(alerts),
        "issue": numbers[logins[0]],
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
        "failed_runs": len(failed),
        "deliveries": len(hub.deliveries),
        "dashboard": dashboard_summary(api),
    }


def intake_recorded(api: Any, private: list[str]) -> int:
    """Learners whose private intake (answered in their room) reached the private roster."""
    import base64

    from glow.cohort.model import Roster, roster_path

    found = api.get(f"/repos/{ORG}/admin/contents/{roster_path(COHORT)}")
    if found.status_code != 200:
        return 0
    roster = Roster.model_validate_json(base64.b64decode(found.json()["content"]))
    return sum(
        1
        for learner in roster.learners.values()
        if learner.accessibility_needs in private and learner.contact in private
    )


def issue_state(api: Any, number: int) -> dict[str, Any]:
    issue = api.get(f"/repos/{ORG}/workshop/issues/{number}").json()
    comments = api.get(f"/repos/{ORG}/workshop/issues/{number}/comments").json()
    return {
        "labels": sorted(label["name"] for label in issue["labels"]),
        "bot_comments": [
            c["body"] for c in comments if c["body"].startswith("<!-- glow:registration -->")
        ],
    }


def room_healthy(api: Any, login: str) -> bool:
    """The room exists, holds the template's required files, and the learner is invited."""
    from glow.cohort.model import room_name

    room = f"/repos/{ORG}/{room_name(COHORT, login)}"
    if api.get(f"{room}/contents/.github/ISSUE_TEMPLATE/help.yml").status_code != 200:
        return False
    invited = [i["invitee"]["login"] for i in api.get(f"{room}/invitations").json()]
    return login in invited or api.get(f"{room}/collaborators/{login}").status_code == 204


def dashboard_summary(api: Any) -> str | None:
    issues = api.get(f"/repos/{ORG}/admin/issues", params={"per_page": 100}).json()
    summary = next((i for i in issues if "summary" in i["title"].lower()), None)
    return summary["body"] if summary else None


def staged(source: Path, extra: dict[str, str]) -> Path:
    """A copy of ``source`` with ``extra`` files added (e.g. the demo's cohorts.json)."""
    staging = Path(tempfile.mkdtemp(prefix="glow-stage-"))
    shutil.copytree(
        source, staging, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    for name, text in extra.items():
        (staging / name).write_text(text, encoding="utf-8")
    return staging


def workshop_files(root: Path) -> Path:
    """The workshop repository is this project: its workflows, actions, issue forms, docs and
    the Learning Room template's source (which provisioning syncs into the template)."""
    staging = Path(tempfile.mkdtemp(prefix="glow-workshop-"))
    for name in (".github", "actions", "docs", "learning-room-template", "README.md"):
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
    out.write(f"\n{verdict}: a cohort of {result['learners']} rehearsed on the local GitHub.\n")
    out.write(f"  Learning Rooms healthy: {result['rooms_healthy']} of {result['learners']}\n")
    out.write(f"  Writes on a re-run of the healthy cohort: {result['rerun_writes']}\n")
    out.write(
        f"  Duplicate bot comments: {result['duplicate_comments']}; private answers "
        f"found in public places: {result['leaks']}\n"
    )
    out.write(f"  Content-creating requests: {result['content_creating_requests']}\n")
    out.write(
        f"  Day 2 released to: {result['day2_released']}; help requests answered: "
        f"{result['help_requests_answered']}; watchdog alerts: {result['watchdog_alerts']}\n"
    )
    for run in result["workflow_runs"]:
        line = f"  - {run['workflow']} on {run['event']}: {run['conclusion'] or run['status']}"
        if run.get("error"):
            line += f" ({run['error']})"
        out.write(line + "\n")
    out.write(f"  Labels after the first run: {', '.join(result['labels_after_first_run'])}\n")
    out.write(f"  Labels at the end: {', '.join(result['labels_final'])}\n")
    out.write(f"  Bot comments on the issue: {result['bot_comments']} (updated in place)\n")
    out.write(
        f"  API requests answered: {result['api_requests']}; "
        f"events delivered: {result['deliveries']}\n"
    )
    if result.get("dashboard"):
        out.write("\nDashboard summary (admin repo):\n")
        out.write("".join(f"  {line}\n" for line in result["dashboard"].splitlines()[1:]))
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
