"""Branch rules as GitHub enforces them: a required status check refuses a direct push (git over
smart HTTP, the contents API, the git refs API) of a commit the check has not passed, and a
pull request's merge until its head passes; classic protection lets no App through, while a
repository ruleset lets its bypass actors through. Rules on a private repository need a paid
plan."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from tests.localhub.conftest import World, git
from tests.localhub.test_apps import installation_token, make_app

CONTEXT = "glow/certification"
EXPECTED = f'Required status check "{CONTEXT}" is expected.'
RULE_VIOLATIONS = f"Repository rule violations found\n\n{EXPECTED}\n\n"


def push(cwd: Path, *args: str) -> tuple[int, str]:
    """``git push`` as a user runs it: its exit code and what it printed on stderr."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(
        ["git", "push", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    return proc.returncode, proc.stderr


def clone(world: World, tmp_path: Path, token: str, name: str) -> Path:
    hub = world.gh.hub
    url = f"http://x-access-token:{token}@{hub.host}:{hub.port}/{world.repo}.git"
    work = tmp_path / name
    git(tmp_path, "clone", "-q", url, str(work))
    return work


def commit(work: Path, name: str) -> str:
    (work / f"{name}.md").write_text(f"{name}\n")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", name)
    return git(work, "rev-parse", "HEAD")


def head(world: World, branch: str = "main") -> str:
    ref = world.gh.ok("GET", f"/repos/{world.repo}/git/ref/heads/{branch}", world.token)
    return str(ref["object"]["sha"])


def succeed(world: World, sha: str) -> None:
    body = {"state": "success", "context": CONTEXT}
    world.gh.ok("POST", f"/repos/{world.repo}/statuses/{sha}", world.token, json=body)


def put_file(world: World, token: str, path: str, branch: str = "main") -> Any:
    body = {"message": f"add {path}", "content": "aGkK", "branch": branch}
    return world.gh.api("PUT", f"/repos/{world.repo}/contents/{path}", token, json=body)


def ruleset(app_id: int | None = None, **extra: Any) -> dict[str, Any]:
    actors = [{"actor_id": app_id, "actor_type": "Integration", "bypass_mode": "always"}]
    return {
        "name": "GLOW certification",
        "target": "branch",
        "enforcement": "active",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": [
            {
                "type": "required_status_checks",
                "parameters": {
                    "required_status_checks": [{"context": CONTEXT}],
                    "strict_required_status_checks_policy": False,
                },
            }
        ],
        "bypass_actors": actors if app_id is not None else [],
        **extra,
    }


def on_team_plan(world: World) -> None:
    world.gh.control("POST", "orgs/acme/plan", {"plan": "team"})


def test_classic_protection_refuses_a_direct_push_of_an_unchecked_commit_even_by_the_app(
    world: World, tmp_path: Path
) -> None:
    gh = world.gh
    on_team_plan(world)
    app_token = installation_token(world, make_app(world))
    protection = {
        "required_status_checks": {"strict": False, "contexts": [CONTEXT]},
        "enforce_admins": True,
        "required_pull_request_reviews": None,
        "restrictions": None,
    }
    gh.ok("PUT", f"/repos/{world.repo}/branches/main/protection", world.token, json=protection)
    before = head(world)

    work = clone(world, tmp_path, world.token, "alice")
    sha = commit(work, "direct")
    code, err = push(work, "origin", "HEAD:main")
    assert code != 0
    assert "remote: error: GH006: Protected branch update failed for refs/heads/main." in err
    assert f"remote: error: {EXPECTED}" in err
    assert "! [remote rejected] HEAD -> main (protected branch hook declined)" in err
    assert head(world) == before

    # Through the contents API (409) and the refs API (422), as the owner and as the App.
    for token in (world.token, app_token):
        refused = put_file(world, token, "api.md")
        assert refused.status_code == 409, refused.text
        assert refused.json()["message"] == f"Could not create file: {EXPECTED}"
    assert head(world) == before

    # The same commit, pushed elsewhere and passing the check, may then move main.
    assert push(work, "origin", "HEAD:feature")[0] == 0
    patch = {"sha": sha, "force": False}
    refused = gh.api("PATCH", f"/repos/{world.repo}/git/refs/heads/main", world.token, json=patch)
    assert (refused.status_code, refused.json()["message"]) == (422, EXPECTED)
    succeed(world, sha)
    code, err = push(work, "origin", "HEAD:main")
    assert code == 0, err
    assert head(world) == sha


def test_a_ruleset_refuses_pushes_and_merges_but_lets_its_bypass_app_through(
    world: World, tmp_path: Path
) -> None:
    gh = world.gh
    on_team_plan(world)
    app = make_app(world)
    app_token = installation_token(world, app)
    url = f"/repos/{world.repo}/rulesets"
    made = gh.api("POST", url, world.token, json=ruleset(app["id"]))
    assert made.status_code == 201, made.text
    ident = made.json()["id"]
    [listed] = gh.ok("GET", url, world.token)
    assert (listed["id"], listed["name"], "rules" in listed) == (ident, "GLOW certification", False)
    got = gh.ok("GET", f"{url}/{ident}", world.token)
    assert got["bypass_actors"] == [
        {"actor_id": app["id"], "actor_type": "Integration", "bypass_mode": "always"}
    ]
    assert got["current_user_can_bypass"] == "never"
    assert gh.ok("GET", f"{url}/{ident}", app_token)["current_user_can_bypass"] == "always"
    [rule] = gh.ok("GET", f"/repos/{world.repo}/rules/branches/main", world.token)
    assert (rule["type"], rule["ruleset_id"]) == ("required_status_checks", ident)
    assert gh.ok("GET", f"/repos/{world.repo}/rules/branches/feature", world.token) == []
    before = head(world)

    # An organisation owner who is not a bypass actor: git, contents and refs are refused.
    work = clone(world, tmp_path, world.token, "alice")
    sha = commit(work, "direct")
    code, err = push(work, "origin", "HEAD:main")
    assert code == 1
    assert "remote: error: GH013: Repository rule violations found for refs/heads/main." in err
    assert f"remote: - {EXPECTED}" in err
    assert "/acme/demo/rules?ref=refs%2Fheads%2Fmain" in err
    assert (
        "! [remote rejected] HEAD -> main (push declined due to repository rule violations)" in err
    )
    refused = put_file(world, world.token, "api.md")
    assert (refused.status_code, refused.json()["message"]) == (409, RULE_VIOLATIONS)
    assert push(work, "origin", "HEAD:feature")[0] == 0
    patch = {"sha": sha, "force": False}
    refused = gh.api("PATCH", f"/repos/{world.repo}/git/refs/heads/main", world.token, json=patch)
    assert (refused.status_code, refused.json()["message"]) == (422, RULE_VIOLATIONS)
    assert head(world) == before

    # A pull request's merge waits for the check on its head.
    pull = gh.ok(
        "POST",
        f"/repos/{world.repo}/pulls",
        world.token,
        json={"title": "Direct", "head": "feature", "base": "main"},
    )
    merge_url = f"/repos/{world.repo}/pulls/{pull['number']}/merge"
    refused = gh.api("PUT", merge_url, world.token, json={})
    assert (refused.status_code, refused.json()["message"]) == (405, RULE_VIOLATIONS)
    succeed(world, sha)
    assert gh.api("PUT", merge_url, world.token, json={}).status_code == 200

    # The App is a bypass actor: its commits land on main by every door.
    assert put_file(world, app_token, "synced.md").status_code == 201
    app_work = clone(world, tmp_path, app_token, "app")
    pushed = commit(app_work, "by-the-app")
    code, err = push(app_work, "origin", "HEAD:main")
    assert code == 0, err
    assert head(world) == pushed

    # Disabled, the ruleset holds nothing; deleted, it is gone.
    gh.ok("PUT", f"{url}/{ident}", world.token, json={"enforcement": "disabled"})
    assert put_file(world, world.token, "after.md").status_code == 201
    assert gh.api("DELETE", f"{url}/{ident}", world.token).status_code == 204
    assert gh.api("GET", f"{url}/{ident}", world.token).status_code == 404


def test_rulesets_are_checked_and_need_a_paid_plan_on_a_private_repository(
    world: World,
) -> None:
    gh = world.gh
    url = f"/repos/{world.repo}/rulesets"
    refused = gh.api("POST", url, world.token, json=ruleset())
    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "Upgrade to GitHub Pro or make this repository public to enable this feature."
    )
    gh.ok("PATCH", f"/repos/{world.repo}", world.token, json={"private": False})
    assert gh.api("POST", url, world.token, json=ruleset()).status_code == 201
    assert gh.api("POST", url, world.token, json=ruleset()).status_code == 422  # same name
    assert gh.api("POST", url, world.token, json={"name": "x"}).status_code == 422
    unknown_app = ruleset(987654, name="other")
    assert gh.api("POST", url, world.token, json=unknown_app).status_code == 422
    gh.user("bob")
    stranger = gh.token("bob")  # may read the public repository, not set its rules
    assert gh.api("POST", url, stranger, json=ruleset(name="mine")).status_code == 403


def test_a_ruleset_pattern_reads_as_github_reads_it() -> None:
    from glow.localhub.api.rules import branch_pattern

    assert branch_pattern("refs/heads/release/*").fullmatch("refs/heads/release/1.0")
    assert not branch_pattern("refs/heads/release/*").fullmatch("refs/heads/release/1/hotfix")
    assert branch_pattern("refs/heads/release/**").fullmatch("refs/heads/release/1/hotfix")
    assert not branch_pattern("refs/heads/v?").fullmatch("refs/heads/v10")
    assert not branch_pattern("refs/heads/a.b").fullmatch("refs/heads/aXb")
