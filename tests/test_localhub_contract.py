"""Every endpoint of the local GitHub answers as GitHub's OpenAPI description says, and every
event it emits matches GitHub's webhook schemas.

One scenario drives every implemented route (successes and GitHub's error answers); then each
recorded response is validated against `@octokit/openapi` and each delivery against
`@octokit/webhooks-schemas`, and a coverage check fails when a route has no validated success.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import jwt
import pytest

from glow.localhub.api.caches import cache_store
from glow.localhub.hub import LocalHub
from glow.localhub.runner.cachestore import repo_key
from tests.localhub_scenarios import (
    exercise_refs_and_locks,
    exercise_repository_lists,
    exercise_required_checks,
    exercise_rulesets,
    exercise_search,
    exercise_settings,
)

# Where GitHub's own description cannot be met by any real answer, the item is validated against
# the component GitHub documents for it elsewhere (list-installations types `account` as
# allOf(simple-user, enterprise), which no account satisfies; get-installation says anyOf).
SPEC_DEFECTS = {("GET", "/app/installations"): "installation"}

# Routes GitHub serves that its description folds into another or leaves out, validated as the
# operation whose answer they give: the contents root; a repository by id (what PyGithub's
# get_repo(id) calls); the list form of git refs (PyGithub's get_git_refs), matching-refs' answer;
# an archive of the default branch (GitHub's description makes {ref} required, its text does not).
ALIASES = {
    ("GET", "/repos/{owner}/{repo}/contents"): "/repos/{owner}/{repo}/contents/{path}",
    ("GET", "/repos/{owner}/{repo}/contents/"): "/repos/{owner}/{repo}/contents/{path}",
    ("GET", "/repositories/{repository_id}"): "/repos/{owner}/{repo}",
    ("GET", "/repos/{owner}/{repo}/git/refs"): "/repos/{owner}/{repo}/git/matching-refs/{ref}",
    ("GET", "/repos/{owner}/{repo}/tarball"): "/repos/{owner}/{repo}/tarball/{ref}",
    ("GET", "/repos/{owner}/{repo}/zipball"): "/repos/{owner}/{repo}/zipball/{ref}",
    ("GET", "/repos/{owner}/{repo}/statuses/{ref}"): "/repos/{owner}/{repo}/commits/{ref}/statuses",
}


class Api:
    def __init__(self, hub: LocalHub, token: str | None = None) -> None:
        headers = {"Authorization": f"token {token}"} if token else {}
        self.http = httpx.Client(base_url=hub.api_url, headers=headers, timeout=30)

    def __call__(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        resp = self.http.request(method, path, **kw)
        assert resp.status_code == expect, (method, path, resp.status_code, resp.text[:300])
        return (
            resp.json() if resp.content and "json" in resp.headers.get("content-type", "") else None
        )


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def exercise(hub: LocalHub) -> None:
    ctl = httpx.Client(base_url=hub.url)
    for login in ("owner", "learner", "outsider"):
        ctl.post("/_localhub/users", json={"login": login}).raise_for_status()
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["owner"]}).raise_for_status()
    app = ctl.post(
        "/_localhub/apps",
        json={
            "slug": "glow-app",
            "owner": "owner",
            "events": ["issues"],
            "permissions": {
                "administration": "write",
                "contents": "write",
                "issues": "write",
                "metadata": "read",
                "members": "read",
                "pull_requests": "write",
            },
        },
    ).json()
    inst = ctl.post("/_localhub/installations", json={"app_id": app["id"], "account": "org"}).json()
    tok = {
        who: ctl.post("/_localhub/tokens", json={"login": who}).json()["token"]
        for who in ("owner", "learner", "outsider")
    }
    gh, learner, outsider, anon = (
        Api(hub, tok["owner"]),
        Api(hub, tok["learner"]),
        Api(hub, tok["outsider"]),
        Api(hub),
    )

    gh("GET", "/user", 200)
    gh("GET", "/users/learner", 200)
    gh("GET", "/users/nobody-here", 404)
    gh("GET", "/orgs/org", 200)
    gh("GET", "/rate_limit", 200)
    anon("GET", "/user", 401)

    now = int(time.time())
    app_jwt = jwt.encode(
        {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])},
        app["private_key"],
        algorithm="RS256",
    )
    as_app = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"Bearer {app_jwt}"})
    assert as_app.get("/app").status_code == 200
    assert as_app.get("/app/installations").status_code == 200
    assert as_app.get("/orgs/org/installation").status_code == 200
    assert as_app.get("/users/owner/installation").status_code == 404
    ctl.post("/_localhub/installations", json={"app_id": app["id"], "account": "owner"})
    assert as_app.get("/users/owner/installation").status_code == 200
    minted = as_app.post(f"/app/installations/{inst['id']}/access_tokens")
    assert minted.status_code == 201
    bot = Api(hub, minted.json()["token"])

    gh("POST", "/orgs/org/repos", 201, json={"name": "workshop", "auto_init": True})
    gh("POST", "/orgs/org/repos", 422, json={"name": "workshop"})
    bot(
        "POST",
        "/orgs/org/repos",
        201,
        json={"name": "template", "private": True, "is_template": True, "auto_init": True},
    )
    gh("POST", "/user/repos", 201, json={"name": "scratch", "private": True})
    assert as_app.get("/repos/org/workshop/installation").status_code == 200
    bot("GET", "/installation/repositories", 200)
    gh("GET", "/orgs/org/repos", 200)
    exercise_repository_lists(gh, outsider)
    gh("GET", "/repos/org/workshop", 200)
    outsider("GET", "/repos/org/template", 404)
    gh("PATCH", "/repos/owner/scratch", 200, json={"description": "tmp", "archived": True})
    gh("DELETE", "/repos/owner/scratch", 204)

    hub.store.config["template_delay_seconds"] = 0.0
    gh(
        "POST",
        "/repos/org/template/generate",
        201,
        json={"owner": "org", "name": "room-learner", "private": True},
    )
    gh("POST", "/repos/org/workshop/generate", 422, json={"owner": "org", "name": "x"})
    hub.wait_idle(10)

    invite = gh(
        "PUT", "/repos/org/room-learner/collaborators/learner", 201, json={"permission": "push"}
    )
    gh("GET", "/repos/org/room-learner/invitations", 200)
    learner("GET", "/user/repository_invitations", 200)
    learner("PATCH", f"/user/repository_invitations/{invite['id']}", 204)
    gh("PUT", "/repos/org/room-learner/collaborators/learner", 204, json={"permission": "push"})
    gh("GET", "/repos/org/room-learner/collaborators", 200)
    gh("GET", "/repos/org/room-learner/collaborators/learner", 204)
    gh("GET", "/repos/org/room-learner/collaborators/learner/permission", 200)
    second = gh("PUT", "/repos/org/room-learner/collaborators/outsider", 201)
    outsider("DELETE", f"/user/repository_invitations/{second['id']}", 204)
    gh("DELETE", "/repos/org/room-learner/collaborators/learner", 204)

    readme = gh("GET", "/repos/org/workshop/contents/README.md", 200)
    gh("GET", "/repos/org/workshop/readme", 200)
    gh("GET", "/repos/org/workshop/contents", 200)
    gh("GET", "/repos/org/workshop/contents/", 200)
    gh(
        "PUT",
        "/repos/org/workshop/contents/docs/a.md",
        201,
        json={"message": "add a", "content": b64("a\n")},
    )
    gh("GET", "/repos/org/workshop/contents/docs", 200)
    gh(
        "PUT",
        "/repos/org/workshop/contents/README.md",
        422,
        json={"message": "no sha", "content": b64("x")},
    )
    gh(
        "PUT",
        "/repos/org/workshop/contents/README.md",
        409,
        json={"message": "stale", "content": b64("x"), "sha": "0" * 40},
    )
    upd = gh(
        "PUT",
        "/repos/org/workshop/contents/README.md",
        200,
        json={"message": "update", "content": b64("# Workshop\n"), "sha": readme["sha"]},
    )
    gh(
        "DELETE",
        "/repos/org/workshop/contents/docs/a.md",
        200,
        json={
            "message": "rm",
            "sha": gh("GET", "/repos/org/workshop/contents/docs/a.md", 200)["sha"],
        },
    )
    head = upd["commit"]["sha"]
    gh("GET", "/repos/org/workshop/branches", 200)
    gh("GET", "/repos/org/workshop/branches/main", 200)
    gh("GET", "/repos/org/workshop/branches/nope", 404)
    gh("GET", "/repos/org/workshop/commits", 200)
    gh("GET", f"/repos/org/workshop/commits/{head}", 200)
    for kind in ("tarball", "zipball"):
        gh("GET", f"/repos/org/workshop/{kind}/{head}", 302)
        gh("GET", f"/repos/org/workshop/{kind}", 302)
        gh("GET", f"/repos/org/workshop/{kind}/nope", 404)

    gh("GET", "/repos/org/workshop/git/ref/heads/main", 200)
    gh("GET", "/repos/org/workshop/git/matching-refs/heads/", 200)
    blob = gh("POST", "/repos/org/workshop/git/blobs", 201, json={"content": "b\n"})
    gh("GET", f"/repos/org/workshop/git/blobs/{blob['sha']}", 200)
    commit = gh("GET", f"/repos/org/workshop/git/commits/{head}", 200)
    tree = gh(
        "POST",
        "/repos/org/workshop/git/trees",
        201,
        json={
            "base_tree": commit["tree"]["sha"],
            "tree": [{"path": "feature.txt", "mode": "100644", "type": "blob", "sha": blob["sha"]}],
        },
    )
    gh("GET", f"/repos/org/workshop/git/trees/{tree['sha']}", 200, params={"recursive": "1"})
    new = gh(
        "POST",
        "/repos/org/workshop/git/commits",
        201,
        json={"message": "feature", "tree": tree["sha"], "parents": [head]},
    )
    gh("POST", "/repos/org/workshop/git/refs", 201, json={"ref": "refs/heads/feature", "sha": head})
    gh("POST", "/repos/org/workshop/git/refs", 422, json={"ref": "refs/heads/feature", "sha": head})
    gh("PATCH", "/repos/org/workshop/git/refs/heads/feature", 200, json={"sha": new["sha"]})
    gh("POST", "/repos/org/workshop/git/refs", 201, json={"ref": "refs/heads/gone", "sha": head})
    gh("DELETE", "/repos/org/workshop/git/refs/heads/gone", 204)

    gh("GET", "/repos/org/workshop/assignees", 200)
    gh("GET", "/repos/org/workshop/assignees/owner", 204)
    gh("GET", "/repos/org/workshop/assignees/learner", 404)
    gh("POST", "/repos/org/workshop/issues", 422, json={"title": "x", "assignees": ["learner"]})
    assigned = gh(
        "POST", "/repos/org/workshop/issues", 201, json={"title": "A", "assignees": ["owner"]}
    )
    gh(
        "POST",
        f"/repos/org/workshop/issues/{assigned['number']}/assignees",
        201,
        json={"assignees": ["learner"]},
    )
    gh(
        "DELETE",
        f"/repos/org/workshop/issues/{assigned['number']}/assignees",
        200,
        json={"assignees": ["owner"]},
    )
    issue = learner("POST", "/repos/org/workshop/issues", 201, json={"title": "Hello"})
    learner("POST", "/repos/org/workshop/issues", 422, json={"body": "no title"})
    n = issue["number"]
    gh("GET", "/repos/org/workshop/issues", 200)
    gh("GET", f"/repos/org/workshop/issues/{n}", 200)
    gh("PATCH", f"/repos/org/workshop/issues/{n}", 200, json={"title": "Hello there"})
    gh("GET", "/repos/org/workshop/labels", 200)
    gh("POST", "/repos/org/workshop/labels", 201, json={"name": "enrolled", "color": "1d76db"})
    gh("POST", "/repos/org/workshop/labels", 422, json={"name": "enrolled", "color": "1d76db"})
    gh("GET", "/repos/org/workshop/labels/enrolled", 200)
    gh("PATCH", "/repos/org/workshop/labels/enrolled", 200, json={"description": "In a cohort"})
    gh("POST", f"/repos/org/workshop/issues/{n}/labels", 200, json={"labels": ["enrolled"]})
    gh("PUT", f"/repos/org/workshop/issues/{n}/labels", 200, json={"labels": ["enrolled", "bug"]})
    gh("GET", f"/repos/org/workshop/issues/{n}/labels", 200)
    gh("DELETE", f"/repos/org/workshop/issues/{n}/labels/bug", 200)
    gh("POST", "/repos/org/workshop/labels", 201, json={"name": "temp", "color": "ededed"})
    gh("DELETE", "/repos/org/workshop/labels/temp", 204)
    comment = learner("POST", f"/repos/org/workshop/issues/{n}/comments", 201, json={"body": "hi"})
    learner("POST", f"/repos/org/workshop/issues/{n}/comments", 422, json={})
    gh("GET", f"/repos/org/workshop/issues/{n}/comments", 200)
    gh("GET", "/repos/org/workshop/issues/comments", 200)
    gh("GET", f"/repos/org/workshop/issues/comments/{comment['id']}", 200)
    learner(
        "PATCH", f"/repos/org/workshop/issues/comments/{comment['id']}", 200, json={"body": "hello"}
    )
    outsider(
        "PATCH",
        f"/repos/org/workshop/issues/comments/{comment['id']}",
        403,
        json={"body": "mine now"},
    )
    learner("DELETE", f"/repos/org/workshop/issues/comments/{comment['id']}", 204)
    gh("PATCH", f"/repos/org/workshop/issues/{n}", 200, json={"state": "closed"})
    gh("PATCH", f"/repos/org/workshop/issues/{n}", 200, json={"state": "open"})
    exercise_refs_and_locks(gh, learner, n)
    hub.store.config["search_lag_seconds"] = 0
    exercise_search(gh, outsider)

    pr = learner(
        "POST",
        "/repos/org/workshop/pulls",
        201,
        json={"title": "Feature", "head": "feature", "base": "main", "body": f"Closes #{n}"},
    )
    learner(
        "POST",
        "/repos/org/workshop/pulls",
        422,
        json={"title": "Again", "head": "feature", "base": "main"},
    )
    p = pr["number"]
    gh("GET", "/repos/org/workshop/pulls", 200)
    gh("GET", f"/repos/org/workshop/pulls/{p}", 200)
    gh("PATCH", f"/repos/org/workshop/pulls/{p}", 200, json={"body": f"Fixes #{n}"})
    gh("GET", f"/repos/org/workshop/pulls/{p}/files", 200)
    gh("GET", f"/repos/org/workshop/pulls/{p}/commits", 200)
    gh("GET", f"/repos/org/workshop/pulls/{p}/merge", 404)
    learner("POST", f"/repos/org/workshop/pulls/{p}/reviews", 422, json={"event": "APPROVE"})
    gh(
        "POST",
        f"/repos/org/workshop/pulls/{p}/reviews",
        200,
        json={"event": "APPROVE", "body": "Nice"},
    )
    gh("GET", f"/repos/org/workshop/pulls/{p}/reviews", 200)
    gh(
        "POST",
        f"/repos/org/workshop/pulls/{p}/comments",
        201,
        json={"body": "```suggestion\nb\n```", "path": "feature.txt", "line": 1},
    )
    gh(
        "POST",
        f"/repos/org/workshop/pulls/{p}/comments",
        422,
        json={"body": "x", "path": "feature.txt", "line": 99},
    )
    gh(
        "POST",
        f"/repos/org/workshop/pulls/{p}/reviews",
        200,
        json={
            "event": "COMMENT",
            "comments": [{"path": "feature.txt", "line": 1, "side": "RIGHT", "body": "Good"}],
        },
    )
    gh("GET", f"/repos/org/workshop/pulls/{p}/comments", 200)
    gh("PUT", f"/repos/org/workshop/pulls/{p}/merge", 409, json={"sha": "0" * 40})
    exercise_rulesets(gh, outsider, app["id"])
    exercise_required_checks(gh, outsider, p, pr["head"]["sha"])
    gh("PUT", f"/repos/org/workshop/pulls/{p}/merge", 200, json={"merge_method": "merge"})
    gh("PUT", f"/repos/org/workshop/pulls/{p}/merge", 405, json={})
    gh("GET", f"/repos/org/workshop/pulls/{p}/merge", 204)
    assert gh("GET", f"/repos/org/workshop/issues/{n}", 200)["state"] == "closed"

    gh(
        "PUT",
        "/repos/org/workshop/contents/.github/workflows/hello.yml",
        201,
        json={
            "message": "workflow",
            "content": b64(
                "name: Hello\non:\n  workflow_dispatch:\njobs:\n  hi:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - run: echo hi\n"
            ),
        },
    )
    workflows = gh("GET", "/repos/org/workshop/actions/workflows", 200)
    gh("GET", f"/repos/org/workshop/actions/workflows/{workflows['workflows'][0]['id']}", 200)
    gh("GET", "/repos/org/workshop/actions/workflows/missing.yml", 404)
    gh(
        "POST",
        "/repos/org/workshop/actions/workflows/hello.yml/dispatches",
        204,
        json={"ref": "main"},
    )
    gh(
        "POST",
        "/repos/org/workshop/actions/workflows/missing.yml/dispatches",
        404,
        json={"ref": "main"},
    )
    gh("PUT", "/repos/org/workshop/actions/workflows/hello.yml/disable", 204)
    gh(
        "POST",
        "/repos/org/workshop/actions/workflows/hello.yml/dispatches",
        422,
        json={"ref": "main"},
    )
    gh("PUT", "/repos/org/workshop/actions/workflows/hello.yml/enable", 204)
    gh("PUT", "/repos/org/workshop/actions/workflows/missing.yml/enable", 404)
    gh(
        "POST",
        "/repos/org/workshop/dispatches",
        204,
        json={"event_type": "roster-changed", "client_payload": {"cohort": "x"}},
    )
    hub.store.data["runs"]["1"] = {
        "id": 1,
        "repo_id": hub.store.repo("org", "workshop")["id"],
        "name": "Hello",
        "workflow_path": ".github/workflows/hello.yml",
        "event": "workflow_dispatch",
        "status": "completed",
        "conclusion": "success",
        "head_sha": head,
        "head_branch": "main",
        "created_at": "2026-11-23T00:00:00Z",
        "updated_at": "2026-11-23T00:01:31Z",
        "run_started_at": "2026-11-23T00:00:00Z",
        "run_duration_ms": 91000,
        "jobs": [
            {
                "id": 11,
                "key": "hi",
                "name": "hi",
                "status": "completed",
                "conclusion": "success",
                "started_at": "2026-11-23T00:00:00Z",
                "completed_at": "2026-11-23T00:01:30Z",
                "duration_ms": 90500,
                "steps": [
                    {
                        "number": 1,
                        "name": "Run echo hi",
                        "status": "completed",
                        "conclusion": "success",
                        "started_at": "2026-11-23T00:00:00Z",
                        "completed_at": "2026-11-23T00:01:30Z",
                    }
                ],
            },
            {
                "id": 12,
                "key": "skipped",
                "name": "skipped",
                "status": "completed",
                "conclusion": "skipped",
                "started_at": "2026-11-23T00:01:30Z",
                "completed_at": "2026-11-23T00:01:30Z",
                "duration_ms": 0,
                "steps": [],
            },
        ],
    }
    jobs = gh("GET", "/repos/org/workshop/actions/runs/1/jobs", 200)
    assert [j["conclusion"] for j in jobs["jobs"]] == ["success", "skipped"]
    timing = gh("GET", "/repos/org/workshop/actions/runs/1/timing", 200)
    # 90.5 s bills two minutes; the skipped job bills nothing
    assert timing["billable"]["UBUNTU"] == {
        "total_ms": 120000,
        "jobs": 1,
        "job_runs": [{"job_id": 11, "duration_ms": 120000}],
    }
    assert timing["run_duration_ms"] == 91000
    gh("GET", "/repos/org/workshop/actions/runs", 200)
    gh("GET", "/repos/org/workshop/actions/runs/1", 200)
    gh("GET", "/repos/org/workshop/actions/runs/999", 404)
    exercise_caches(hub, gh, outsider)
    exercise_settings(gh, outsider)
    # A re-run's answer (the runner itself is exercised end to end in test_hostile_e2e.py).
    hub.runner = SimpleNamespace(rerun=lambda run_id: object())
    try:
        gh("POST", "/repos/org/workshop/actions/runs/1/rerun", 201)
        gh("POST", "/repos/org/workshop/actions/runs/999/rerun", 404)
    finally:
        hub.runner = None


def exercise_caches(hub: LocalHub, gh: Api, outsider: Api) -> None:
    """Actions caches, saved as the runner's actions/cache saves them (end to end in
    test_runner_cache.py): list, filter, delete by key and by id."""
    store = cache_store(hub)
    owner = repo_key("org/workshop", hub.store.repo("org", "workshop")["id"])
    for ref, key in (("main", "deps-a"), ("feature", "deps-a"), ("main", "deps-b")):
        entry = store.reserve(owner, f"refs/heads/{ref}", key, "0" * 64)
        assert entry is not None
        archive = store.staging()
        archive.write_bytes(b"archive")
        store.commit(entry, archive)
    url = "/repos/org/workshop/actions/caches"
    assert gh("GET", url, 200)["total_count"] == 3
    only = gh("GET", url, 200, params={"key": "deps-", "ref": "refs/heads/feature"})
    [feature] = only["actions_caches"]
    assert (feature["ref"], feature["key"]) == ("refs/heads/feature", "deps-a")
    gh("GET", url, 422, params={"sort": "name"})
    outsider("DELETE", url, 403, params={"key": "deps-b"})
    on_main = {"key": "deps-a", "ref": "refs/heads/main"}
    gone = gh("DELETE", url, 200, params=on_main)
    assert [c["ref"] for c in gone["actions_caches"]] == ["refs/heads/main"]
    gh("DELETE", url, 404, params=on_main)
    gh("DELETE", f"{url}/{feature['id']}", 204)
    gh("DELETE", f"{url}/{feature['id']}", 404)
    assert [c["key"] for c in gh("GET", url, 200)["actions_caches"]] == ["deps-b"]


@pytest.fixture(scope="module")
def exercised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    hub = LocalHub(Path(tmp_path_factory.mktemp("contract")), runner=False, record_bodies=True)
    hub.start()
    try:
        exercise(hub)
        yield hub
    finally:
        hub.stop()


def test_no_request_failed_inside_the_local_github(exercised: LocalHub) -> None:
    assert [r for r in exercised.requests if r["status"] >= 500] == []


def test_every_route_has_a_success_in_the_scenario(exercised: LocalHub) -> None:
    # A repository archive's success is its 302 to the download.
    answered = {
        (r["route_method"], r["route"])
        for r in exercised.requests
        if r.get("route") and (200 <= r["status"] < 300 or r["status"] == 302)
    }
    missing = [
        f"{route.method} {route.template}"
        for route in exercised.router.routes
        if (route.method, route.template) not in answered
    ]
    assert missing == []


def test_every_response_matches_githubs_openapi_description(
    exercised: LocalHub, openapi_validator: Any
) -> None:
    failures = []
    checked = 0
    for r in exercised.requests:
        if not r.get("route") or r["status"] == 304:
            continue  # 304 answers a conditional request and carries no body
        try:
            validate(openapi_validator, r)
            checked += 1
        except AssertionError as exc:
            failures.append(str(exc))
    assert failures == [], "\n\n".join(failures)
    assert checked > 100


def validate(validator: Any, r: dict[str, Any]) -> None:
    """One recorded answer against the description of its operation.

    GitHub answers errors its description does not list (a 404 for an unknown workflow, a 403
    for a comment that is not yours): those must still have GitHub's error shape.
    """
    method, status, body = r["route_method"], r["status"], r.get("response")
    template = ALIASES.get((method, r["route"]), r["route"])
    component = SPEC_DEFECTS.get((method, template))
    if component and status == 200:
        for item in body:
            validator.validate_component(component, item)
        return
    if status >= 400 and (
        status not in validator.documented_statuses(method, template) or status == 409
    ):
        # 409's documented oneOf(basic-error, rule-violation) matches any basic error twice.
        validator.validate_component("validation-error" if status == 422 else "basic-error", body)
        return
    validator.validate_response(method, template, status, body)


def test_every_event_matches_githubs_webhook_schemas(
    exercised: LocalHub, webhook_validator: Any
) -> None:
    failures = []
    events = set()
    for delivery in exercised.deliveries:
        events.add(delivery["event"])
        try:
            webhook_validator.validate(delivery["event"], delivery["payload"])
        except AssertionError as exc:
            failures.append(str(exc))
    assert failures == [], "\n\n".join(failures)
    assert {
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
        "push",
        "create",
        "workflow_dispatch",
        "repository_dispatch",
    } <= events
