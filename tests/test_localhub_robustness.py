"""Bad input gets GitHub's kind of answer (400, 401, 403, 404, 409, 422), never a 500.

Every route is sent malformed and mistyped bodies, as the owner, a stranger and anonymously.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
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
    "assignee": "owner",
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
    "cache_id": "1",
    "repository_id": "1001",
    "team_slug": "team",
    "secret_name": "TOKEN",
    "ruleset_id": "1",
    "sha": "0" * 40,
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
    # nested 100,000 deep, and an integer of 5,001 digits (10**5000): 400, never a 500
    b"[" * 100_000 + b"]" * 100_000,
    b'{"title": "t", "body": "b", "sha": ' + b"1" + b"0" * 5000 + b"}",
]


def _start(path: Path) -> LocalHub:
    hub = LocalHub(path, runner=False)
    hub.start()
    ctl = httpx.Client(base_url=hub.url)
    for login in ("owner", "stranger"):
        ctl.post("/_localhub/users", json={"login": login})
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["owner"]})
    token = ctl.post("/_localhub/tokens", json={"login": "owner"}).json()["token"]
    api = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})
    api.post("/orgs/org/repos", json={"name": "workshop", "auto_init": True}).raise_for_status()
    api.post("/repos/org/workshop/issues", json={"title": "one"}).raise_for_status()
    return hub


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    hub = _start(Path(tmp_path_factory.mktemp("robust")))
    yield hub
    hub.stop()


@pytest.fixture(scope="module")
def git_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """The same world, kept intact: the route sweep above deletes its fixtures as the owner."""
    hub = _start(Path(tmp_path_factory.mktemp("robust-git")))
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


# -- paths, refs and SHAs that must never reach git as they are --------------------------------

CONTENT = {"message": "bad path", "content": "aGk="}  # "hi"

# A path GitHub refuses to store: 422 on a write, and the branch does not move.
MALFORMED_PATHS = [
    "a//b",
    ".git/config",
    "docs/.GIT/hooks",
    "a/%2E%2E/b",
    "a/%2E/b",
    "%00x",
    "a%00b",
    "a%0Ab",
    "a%0Db",
    "a%09b",
    "a%7Fb",
]

# Not found on GitHub: no file, commit or ref can have these names.
NOT_FOUND_READS = [
    "/repos/org/workshop/contents/%00x",
    "/repos/org/workshop/contents/a%0Ab",
    "/repos/org/workshop/contents/.git/config",
    "/repos/org/workshop/contents/README.md?ref=main%00",
    "/repos/org/workshop/contents/README.md?ref=--output%3D%2Ftmp%2Fx",
    "/repos/org/workshop/contents/README.md?ref=-x",
    "/repos/org/workshop/commits?sha=%00",
    "/repos/org/workshop/commits?sha=--all",
    "/repos/org/workshop/commits/%00",
    "/repos/org/workshop/commits/main%0A",
    "/repos/org/workshop/git/ref/heads/%00",
    "/repos/org/workshop/git/ref/heads/a..b",
    "/repos/org/workshop/git/ref/heads/main.lock",
    "/repos/org/workshop/git/trees/%00",
    "/repos/org/workshop/git/trees/--all",
    "/repos/org/workshop/git/commits/%00",
    "/repos/org/workshop/git/commits/--batch",
    "/repos/org/workshop/git/blobs/%00",
]

# Validation failures: (method, path, body, field the 422 names).
UNPROCESSABLE = [
    ("PUT", "/repos/org/workshop/contents/ok.txt", {**CONTENT, "message": "m\u0000"}, "message"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/a..b", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/a\u0000", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/x.lock", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/a b", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/a@{1}", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/~^:?*[", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/refs", {"ref": "refs/heads/a/.x", "sha": "0" * 40}, "ref"),
    ("POST", "/repos/org/workshop/git/trees", {"tree": [{"path": "a//b", "content": "x"}]}, "path"),
    (
        "POST",
        "/repos/org/workshop/git/trees",
        {"tree": [{"path": ".git/x", "content": "x"}]},
        "path",
    ),
    (
        "POST",
        "/repos/org/workshop/git/trees",
        {"tree": [{"path": "a\u0000", "content": "x"}]},
        "path",
    ),
    ("POST", "/repos/org/workshop/git/trees", {"tree": [{"path": "a", "mode": [1]}]}, "mode"),
    ("POST", "/repos/org/workshop/git/trees", {"base_tree": "\u0000", "tree": []}, "base_tree"),
    (
        "POST",
        "/repos/org/workshop/git/trees",
        {"tree": [{"path": "a", "mode": "040000", "content": "x"}]},
        "content",
    ),
    (
        "POST",
        "/repos/org/workshop/git/commits",
        {"message": "m\u0000", "tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904"},
        "message",
    ),
    (
        "POST",
        "/repos/org/workshop/git/commits",
        {
            "message": "m",
            "tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "author": {"name": "a\u0000", "email": "e@x"},
        },
        "author",
    ),
    (
        "POST",
        "/repos/org/workshop/git/commits",
        {
            "message": "m",
            "tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "author": {"name": "a", "email": "e@x", "date": 5},
        },
        "author",
    ),
    (
        "POST",
        "/repos/org/workshop/git/commits",
        {
            "message": "m",
            "tree": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
            "committer": {"name": "a", "email": "e@x", "date": "yesterday"},
        },
        "committer",
    ),
    ("POST", "/repos/org/workshop/actions/workflows/x.yml/dispatches", {"ref": "\u0000"}, "ref"),
]


def _owner_api(hub: LocalHub) -> httpx.Client:
    ctl = httpx.Client(base_url=hub.url)
    token = ctl.post("/_localhub/tokens", json={"login": "owner"}).json()["token"]
    return httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})


def _head(api: httpx.Client) -> str:
    resp = api.get("/repos/org/workshop/git/ref/heads/main")
    assert resp.status_code == 200, resp.text
    return resp.json()["object"]["sha"]


def _assert_github_error(
    resp: httpx.Response, status: int, *, field: str | None = None, errors: bool = True
) -> None:
    assert resp.status_code == status, (resp.request.method, resp.request.url, resp.text[:300])
    body = resp.json()
    assert isinstance(body["message"], str) and body["message"], body
    if status == 422 and errors:
        assert body["errors"], body
        for err in body["errors"]:
            assert {"resource", "field", "code"} <= set(err), err
        if field is not None:
            assert field in [err["field"] for err in body["errors"]], body


def _assert_quiet(capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """No 500 was logged and nothing was printed: the server thread shares this process."""
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    assert not [r for r in caplog.records if r.name.startswith("glow.localhub")], caplog.text


def test_malformed_contents_paths_are_422_and_change_nothing(
    git_hub: LocalHub, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    api = _owner_api(git_hub)
    before = _head(api)
    commits = len(api.get("/repos/org/workshop/commits").json())
    readme = api.get("/repos/org/workshop/contents/README.md").json()["sha"]
    for path in MALFORMED_PATHS:
        resp = api.put(f"/repos/org/workshop/contents/{path}", json=CONTENT)
        _assert_github_error(resp, 422, field="path")
        assert resp.json()["message"] == "path contains a malformed path component"
        resp = api.request(
            "DELETE", f"/repos/org/workshop/contents/{path}", json={**CONTENT, "sha": readme}
        )
        _assert_github_error(resp, 422, field="path")
        assert _head(api) == before, path
    # A branch name git would refuse is not found, before anything is written.
    resp = api.put("/repos/org/workshop/contents/ok.txt", json={**CONTENT, "branch": "x\u0000"})
    _assert_github_error(resp, 404)
    for method, path, body, field in UNPROCESSABLE:
        _assert_github_error(api.request(method, path, json=body), 422, field=field)
    assert _head(api) == before
    assert len(api.get("/repos/org/workshop/commits").json()) == commits
    assert api.get("/repos/org/workshop/contents/ok.txt").status_code == 404
    _assert_quiet(capfd, caplog)


def test_bad_paths_refs_and_shas_in_reads_are_not_found(
    git_hub: LocalHub, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    api = _owner_api(git_hub)
    for path in NOT_FOUND_READS:
        _assert_github_error(api.get(path), 404)
    # Refs that cannot exist: GitHub's answer for a missing ref on PATCH and DELETE.
    for method in ("PATCH", "DELETE"):
        resp = api.request(method, "/repos/org/workshop/git/refs/heads/%00", json={"sha": "0" * 40})
        _assert_github_error(resp, 422, errors=False)  # GitHub's body has no errors here
        assert resp.json()["message"] == "Reference does not exist"
    # A path filter that no file can match lists no commits; the server's paths stay private.
    for query in ("path=../x", "path=%00", "path=-x", "path=a%0Ab"):
        resp = api.get(f"/repos/org/workshop/commits?{query}")
        assert resp.status_code == 200, (query, resp.text)
        assert resp.json() == []
        assert str(git_hub.data_dir) not in resp.text
    _assert_quiet(capfd, caplog)


def test_unusual_but_valid_names_still_work(git_hub: LocalHub) -> None:
    api = _owner_api(git_hub)
    before = _head(api)
    name = "notes/caf\u00e9 menu.md"  # git would C-quote this name without -z
    resp = api.put(f"/repos/org/workshop/contents/{name}", json={**CONTENT, "message": "add"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["content"]["path"] == name
    got = api.get(f"/repos/org/workshop/contents/{name}")
    assert got.status_code == 200 and got.json()["path"] == name
    commit = api.get(f"/repos/org/workshop/commits/{resp.json()['commit']['sha']}").json()
    assert [f["filename"] for f in commit["files"]] == [name]
    assert commit["files"][0]["sha"] == got.json()["sha"]
    # undo, so later tests see the fixture as it was
    api.request(
        "DELETE",
        f"/repos/org/workshop/contents/{name}",
        json={"message": "remove", "sha": got.json()["sha"]},
    ).raise_for_status()
    assert _head(api) != before


FAULTS = [
    ({"kind": "status", "status": "abc"}, "status"),
    ({"kind": "status", "status": 200}, "status"),
    ({"kind": "status", "status": 600}, "status"),
    ({"kind": "status", "status": 502.5}, "status"),
    ({"kind": "slow", "delay_seconds": "x"}, "delay_seconds"),
    ({"kind": "slow", "delay_seconds": -5}, "delay_seconds"),
    ({"kind": "slow", "delay_seconds": True}, "delay_seconds"),
    ({"kind": "slow", "match": "x"}, "match"),
    ({"kind": "slow", "when": "during"}, "when"),
    ({"kind": "slow", "when": ["after"]}, "when"),
    ({"kind": "slow", "match": {"method": 5}}, "match.method"),
    ({"kind": "slow", "match": {"path_prefix": ["/api"]}}, "match.path_prefix"),
    ({"kind": "secondary", "retry_after": "x"}, "retry_after"),
    ({"kind": "secondary", "retry_after": -1}, "retry_after"),
    ({"kind": "secondary", "retry_after": 1.5}, "retry_after"),
    ({"kind": "secondary", "count": 0}, "count"),
    ({"kind": "secondary", "count": "2"}, "count"),
    ({"kind": "secondary", "count": True}, "count"),
]


def test_control_api_names_the_bad_field(
    git_hub: LocalHub, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    ctl = httpx.Client(base_url=git_hub.url)
    faults_before = ctl.get("/_localhub/faults").json()
    cases: list[tuple[str, dict[str, object], str]] = [
        ("/_localhub/faults", body, field) for body, field in FAULTS
    ]
    cases += [
        ("/_localhub/tokens", {"login": "owner", "permissions": {"issues": ["x"]}}, "permissions"),
        (
            "/_localhub/tokens",
            {"login": "owner", "permissions": {"bogus_scope": "read"}},
            "permissions",
        ),
        (
            "/_localhub/tokens",
            {"login": "owner", "permissions": {"issues": "admin"}},
            "permissions",
        ),
        ("/_localhub/tokens", {"login": "owner", "permissions": "all"}, "permissions"),
        ("/_localhub/apps", {"slug": "s", "owner": "owner", "permissions": "x"}, "permissions"),
        (
            "/_localhub/apps",
            {"slug": "s", "owner": "owner", "permissions": {"x": "read"}},
            "permissions",
        ),
        ("/_localhub/apps", {"slug": "s", "owner": "owner", "events": 5}, "events"),
        ("/_localhub/apps", {"slug": "s", "owner": "owner", "events": [5]}, "events"),
        (
            "/_localhub/orgs",
            {"login": "o1", "admins": ["owner"], "members": ["ghost-user"]},
            "members",
        ),
        ("/_localhub/orgs", {"login": "o1", "admins": ["ghost-user"]}, "admins"),
        ("/_localhub/orgs", {"login": "o1", "admins": [["owner"]]}, "admins"),
        ("/_localhub/users", {"login": "fresh", "name": {"first": "x"}}, "name"),
        ("/_localhub/orgs/org/members", {"login": "stranger", "role": "overlord"}, "role"),
        ("/_localhub/installations", {"app_id": 0, "account": "org"}, "app_id"),
    ]
    for path, body, field in cases:
        resp = ctl.post(path, json=body)
        _assert_github_error(resp, 422, field=field)
    # Python's json reads NaN and Infinity; they are not a number of seconds.
    for path, raw in [
        ("/_localhub/clock", b'{"advance_seconds": NaN}'),
        ("/_localhub/clock", b'{"advance_seconds": Infinity}'),
        ("/_localhub/faults", b'{"kind": "slow", "delay_seconds": NaN}'),
        ("/_localhub/config", b'{"template_delay_seconds": -Infinity}'),
    ]:
        _assert_github_error(ctl.post(path, content=raw), 422)
    assert ctl.get("/_localhub/faults").json() == faults_before
    assert ctl.get("/users/o1").status_code == 404
    assert ctl.get(f"{git_hub.api_url}/users/fresh").status_code == 404
    _assert_quiet(capfd, caplog)


def test_app_with_bad_fields_is_not_created(git_hub: LocalHub) -> None:
    ctl = httpx.Client(base_url=git_hub.url)
    resp = ctl.post("/_localhub/apps", json={"slug": "half-made", "owner": "owner", "events": 5})
    _assert_github_error(resp, 422, field="events")
    assert ctl.get(f"{git_hub.api_url}/users/half-made[bot]").status_code == 404


def test_unexpected_exception_is_a_quiet_github_500(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from glow.localhub.routing import Ctx, Response

    with LocalHub(tmp_path, runner=False) as hub:

        def boom(ctx: Ctx) -> Response:
            raise RuntimeError(f"cannot open {tmp_path}/secret\nsecond line")

        hub.router.add("GET", "/boom", boom)
        resp = httpx.get(f"{hub.api_url}/boom")
        assert resp.status_code == 500
        assert resp.headers["content-type"].startswith("application/json")
        assert resp.json()["message"] == "Server Error"
        assert str(tmp_path) not in resp.text
        # a request the server cannot frame is a 400, not a traceback from socketserver
        import socket

        with socket.create_connection((hub.host, hub.port)) as sock:
            sock.sendall(
                b"POST /_localhub/users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
            )
            assert sock.recv(4096).startswith(b"HTTP/1.1 400")
    err = capfd.readouterr().err
    assert "Traceback" not in err, err
    lines = [r.getMessage() for r in caplog.records if r.name == "glow.localhub"]
    assert len(lines) == 1, lines
    assert "RuntimeError" in lines[0] and "\n" not in lines[0]


def test_fault_defaults_still_parse() -> None:
    from glow.localhub.limits import parse_fault

    fault = parse_fault({"kind": "slow", "delay_seconds": 0})
    assert fault.delay_seconds == 0.0
    assert parse_fault({"kind": "secondary", "retry_after": None}).retry_after is None


# -- bodies GitHub cannot parse, and requests it will not read -----------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE_INTEGER = b'{"title": "t", "body": ' + b"1" + b"0" * 5000 + b"}"  # 10**5000


def test_unparseable_json_is_400_problems_parsing_json(
    git_hub: LocalHub, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    api = _owner_api(git_hub)
    ctl = httpx.Client(base_url=git_hub.url)
    nested_101 = b'{"title": "t", "labels": ' + b"[" * 100 + b"]" * 100 + b"}"
    for body in (DEEP, HUGE_INTEGER, b'{"title": ' + b"[" * 5000 + b"]" * 5000 + b"}", nested_101):
        for client, method, path in (
            (api, "POST", "/repos/org/workshop/issues"),
            (api, "PATCH", "/repos/org/workshop/issues/1"),
            (api, "POST", "/repos/org/workshop/issues/1/labels"),  # also takes a bare array
            (api, "PUT", "/repos/org/workshop/contents/x.txt"),
            (ctl, "POST", "/_localhub/users"),
        ):
            resp = client.request(method, path, content=body)
            assert resp.status_code == 400, (path, body[:40], resp.text[:200])
            assert resp.json()["message"] == "Problems parsing JSON"
    # 100 levels is still JSON GitHub reads: this one is parsed, then refused as a bad label
    nested_100 = b'{"title": "t", "labels": ' + b"[" * 99 + b"]" * 99 + b"}"
    resp = api.post("/repos/org/workshop/issues", content=nested_100)
    assert resp.status_code == 422, resp.text
    _assert_quiet(capfd, caplog)


def _raw(hub: LocalHub, request: bytes) -> bytes:
    """Send bytes on a fresh connection; everything the server answers before it closes."""
    import socket

    with socket.create_connection((hub.host, hub.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_requests_that_cannot_or_should_not_be_read_are_answered(
    git_hub: LocalHub, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    head = b"POST /api/v3/repos/org/workshop/issues HTTP/1.1\r\nHost: x\r\n"
    cases = [
        # far over 100 MB: answered at once, without waiting for a body that never comes
        (b"Content-Length: 1000000000000\r\n\r\n", 413),
        (b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n", 413),
        (b"Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF\r\nxx", 413),
        (b"Content-Length: 12abc\r\n\r\n", 400),
        (b"Content-Length: -1\r\n\r\n", 400),
        (b"Content-Length: 5_000\r\n\r\n", 400),
        (b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
        (b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    ]
    for extra, status in cases:
        began = time.monotonic()
        answer = _raw(git_hub, head + extra)
        assert answer.startswith(f"HTTP/1.1 {status} ".encode()), (extra[:60], answer[:200])
        assert time.monotonic() - began < 5
        body = json.loads(answer.partition(b"\r\n\r\n")[2])
        assert body["message"] == ("Request Entity Too Large" if status == 413 else "Bad Request")
    # a body the client is still sending when refused does not cost it the answer
    import socket

    with socket.create_connection((git_hub.host, git_hub.port), timeout=10) as sock:
        sock.sendall(head + b"Content-Length: 200000000\r\n\r\n")
        sock.sendall(b"x" * 1_000_000)
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")
    # and the server goes on answering
    assert _owner_api(git_hub).get("/repos/org/workshop").status_code == 200
    _assert_quiet(capfd, caplog)
