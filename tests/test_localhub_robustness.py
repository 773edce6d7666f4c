"""Bad input gets GitHub's kind of answer (400, 401, 403, 404, 409, 422), never a 500.

Every route is sent malformed and mistyped bodies, as the owner, a stranger and anonymously.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import httpx
import pytest

from glow.localhub.hub import LocalHub

PARAMS = {
    "owner": "org",
    "repo": "workshop",
    "template_owner": "org",
    "template_repo": "workshop",
    "org": "org",
    "username": "owner",
    "issue_number": "1",
    "pull_number": "2",
    "comment_id": "999999",
    "name": "bug",
    "path": "README.md",
    "ref": "heads/main",
    "branch": "main",
    "file_sha": "0" * 40,
    "tree_sha": "main",
    "commit_sha": "0" * 40,
    "invitation_id": "1",
    "installation_id": "1",
    "workflow_id": "none.yml",
    "run_id": "1",
}

BODIES: list[bytes] = [
    b"",
    b"not json",
    b"[]",
    b"null",
    b'"text"',
    b'{"title": 5, "body": [1]}',
    b'{"name": null, "labels": "bug", "state": "sideways"}',
    b'{"message": 1, "content": "%%%", "sha": 7, "branch": {}}',
    b'{"ref": 1, "sha": "zz", "tree": "x", "parents": [1], "base_tree": 3}',
    b'{"head": 1, "base": null, "merge_method": "yolo", "event": "DANCE"}',
    b'{"permission": "overlord", "permissions": "all", "inputs": [], "client_payload": 1}',
    b'{"color": "red", "new_name": 3, "archived": "yes", "private": "no"}',
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> LocalHub:
    hub = LocalHub(Path(tmp_path_factory.mktemp("robust")), runner=False)
    hub.start()
    ctl = httpx.Client(base_url=hub.url)
    for login in ("owner", "stranger"):
        ctl.post("/_localhub/users", json={"login": login})
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["owner"]})
    token = ctl.post("/_localhub/tokens", json={"login": "owner"}).json()["token"]
    api = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})
    api.post("/orgs/org/repos", json={"name": "workshop", "auto_init": True}).raise_for_status()
    api.post("/repos/org/workshop/issues", json={"title": "one"}).raise_for_status()
    yield hub
    hub.stop()


def test_no_route_answers_500_to_bad_input(hub: LocalHub) -> None:
    ctl = httpx.Client(base_url=hub.url)
    tokens = [
        None,
        ctl.post("/_localhub/tokens", json={"login": "owner"}).json()["token"],
        ctl.post("/_localhub/tokens", json={"login": "stranger"}).json()["token"],
        "ghp_not_a_real_token",
    ]
    clients = {
        t: httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {t}"} if t else {})
        for t in tokens
    }
    seen = set()
    for route, token, body in itertools.product(hub.router.routes, tokens, BODIES):
        if route.method in ("DELETE",) and token and token.startswith("ghp_") and body:
            continue  # deleting the fixtures would make later routes vacuous
        path = route.template.format(**PARAMS)
        resp = clients[token].request(route.method, path, content=body)
        seen.add(resp.status_code)
        assert resp.status_code < 500, (route.method, path, body, resp.text[:300])
        if resp.status_code >= 400:
            assert "message" in resp.json(), (route.method, path, resp.text[:200])
    assert {400, 401, 404, 422} <= seen


def test_control_api_rejects_bad_input_with_422(hub: LocalHub) -> None:
    ctl = httpx.Client(base_url=hub.url)
    for path, body in [
        ("/_localhub/users", {"login": "-bad-"}),
        ("/_localhub/users", {"login": "owner"}),
        ("/_localhub/orgs", {"login": "x", "admins": ["ghost-user"]}),
        ("/_localhub/tokens", {"login": "nobody"}),
        ("/_localhub/faults", {"kind": "meteor"}),
        ("/_localhub/clock", {"advance_seconds": -5}),
        ("/_localhub/config", {"no_such_setting": 1}),
    ]:
        resp = ctl.post(path, json=body)
        assert resp.status_code == 422, (path, resp.text)
        assert resp.json()["errors"]
    assert ctl.post("/_localhub/users", content=b"{oops").status_code == 400
