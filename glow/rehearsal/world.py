"""The organisation a rehearsal (and every end-to-end test on the local GitHub) works in, set
up as a facilitator would: users, an organisation with the provisioning App installed (the
manifest's permissions), the workshop, admin and Learning Room template repositories pushed
from this project over git, and the secrets and variables the workflows read."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ORG = "glow-demo"

FACILITATOR = "facilitator"

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
