"""Primary and secondary rate limits, conditional requests, and injected faults."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.localhub.conftest import World

RATE_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-used",
    "x-ratelimit-reset",
    "x-ratelimit-resource",
)


def test_every_api_answer_carries_rate_limit_headers(world: World) -> None:
    gh = world.gh
    answers = [
        gh.api("GET", "/repos/acme/demo", world.token),  # 200
        gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"}),  # 201
        gh.api("GET", "/repos/acme/nope", world.token),  # 404
        gh.api("GET", "/no/such/route", world.token),  # 404, no route
        gh.api("POST", "/repos/acme/demo/issues", world.token, json={}),  # 422
        gh.api("GET", "/repos/acme/demo", "ghp_bogus"),  # 401
        gh.api("GET", "/repos/acme/demo"),  # anonymous 404
        gh.api("GET", "/rate_limit", world.token),
    ]
    for resp in answers:
        missing = [h for h in RATE_HEADERS if h not in resp.headers]
        assert not missing, (resp.request.url, resp.status_code, missing)
        assert resp.headers["x-ratelimit-resource"] == "core"
    assert answers[0].headers["x-ratelimit-limit"] == "5000"
    assert answers[-2].headers["x-ratelimit-limit"] == "60"  # anonymous


def test_remaining_decreases_and_a_304_is_free(world: World) -> None:
    gh = world.gh
    first = gh.api("GET", "/repos/acme/demo", world.token)
    second = gh.api("GET", "/repos/acme/demo", world.token)
    used = int(second.headers["x-ratelimit-used"])
    assert used == int(first.headers["x-ratelimit-used"]) + 1
    assert int(second.headers["x-ratelimit-remaining"]) == (
        int(first.headers["x-ratelimit-remaining"]) - 1
    )
    etag = second.headers["etag"]
    cached = gh.api("GET", "/repos/acme/demo", world.token, headers={"if-none-match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == etag
    assert int(cached.headers["x-ratelimit-used"]) == used
    again = gh.api("GET", "/repos/acme/demo", world.token, headers={"if-none-match": etag})
    assert again.status_code == 304
    # GitHub's ETags are per token: another token of the same person reads it afresh (an App's
    # next installation token, or the next job's, gets no 304 for an earlier token's ETag).
    other = gh.token("alice")
    assert other != world.token
    afresh = gh.api("GET", "/repos/acme/demo", other, headers={"if-none-match": etag})
    assert afresh.status_code == 200 and afresh.headers["etag"] != etag
    # a change makes the ETag stale
    gh.ok("PATCH", "/repos/acme/demo", world.token, json={"description": "changed"})
    fresh = gh.api("GET", "/repos/acme/demo", world.token, headers={"if-none-match": etag})
    assert fresh.status_code == 200
    limits = gh.ok("GET", "/rate_limit", world.token)
    assert limits["resources"]["core"]["limit"] == 5000
    assert limits["rate"]["used"] >= used + 2


def test_content_creation_budget_is_a_secondary_limit(world: World) -> None:
    gh = world.gh
    gh.advance(61)  # forget the repository the fixture created
    gh.config(content_creation_per_minute=3)
    for n in range(3):
        gh.ok("POST", "/repos/acme/demo/issues", world.token, json={"title": f"issue {n}"})
    resp = gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "one too many"})
    assert resp.status_code == 403
    assert int(resp.headers["retry-after"]) >= 1
    assert "secondary rate limit" in resp.json()["message"]
    # reading is not content creation
    assert gh.api("GET", "/repos/acme/demo/issues", world.token).status_code == 200
    gh.advance(61)
    resp = gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "later"})
    assert resp.status_code == 201
    assert resp.json()["number"] == 4  # the refused request created nothing


def test_the_content_creation_budget_is_each_accounts_own(world: World) -> None:
    """GitHub counts secondary limits per account: learners opening one issue each at the same
    moment are not one client's burst."""
    gh = world.gh
    gh.ok("POST", "/orgs/acme/repos", world.token, json={"name": "workshop"})  # public
    learners = {login: (gh.user(login), gh.token(login))[1] for login in ("ada", "cy", "dee")}
    gh.advance(61)
    gh.config(content_creation_per_minute=2)
    for n in range(2):
        gh.ok("POST", "/repos/acme/workshop/issues", world.token, json={"title": f"mine {n}"})
    over = gh.api("POST", "/repos/acme/workshop/issues", world.token, json={"title": "again"})
    assert over.status_code == 403
    for token in learners.values():
        gh.ok("POST", "/repos/acme/workshop/issues", token, json={"title": "my own"})


def test_each_app_installation_has_its_own_budgets(world: World) -> None:
    """GitHub counts an App's limits per installation: the App's busy installation on one
    organisation does not use up its installation's budget on another."""
    import jwt

    gh = world.gh
    gh.org("beta", admins=["alice"])
    gh.ok("POST", "/orgs/beta/repos", world.token, json={"name": "demo", "auto_init": True})
    app = gh.control(
        "POST",
        "apps",
        {"slug": "glow-provisioner", "owner": "acme", "permissions": {"issues": "write"}},
    )
    now = int(time.time())
    claims = {"iat": now - 60, "exp": now + 540, "iss": str(app["id"])}
    headers = {"authorization": "Bearer " + jwt.encode(claims, app["private_key"], "RS256")}
    tokens = {}
    for org in ("acme", "beta"):
        installed = gh.control("POST", "installations", {"app_id": app["id"], "account": org})
        url = f"/app/installations/{installed['id']}/access_tokens"
        tokens[org] = gh.ok("POST", url, headers=headers)["token"]
    gh.advance(61)
    gh.config(content_creation_per_minute=2)

    def issue(org: str) -> httpx.Response:
        return gh.api("POST", f"/repos/{org}/demo/issues", tokens[org], json={"title": "t"})

    assert [issue("acme").status_code for _ in range(3)] == [201, 201, 403]
    assert [issue("beta").status_code for _ in range(2)] == [201, 201]
    used = gh.api("GET", "/repos/beta/demo", tokens["beta"]).headers["x-ratelimit-used"]
    assert used == "3"  # the primary limit too: beta's two issues and this read, not acme's


def test_secondary_fault_then_success(world: World) -> None:
    gh = world.gh
    gh.fault(
        kind="secondary",
        count=2,
        retry_after=3,
        match={"method": "POST", "path_prefix": "/api/v3/repos/acme/demo/issues"},
    )
    for _ in range(2):
        resp = gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"})
        assert resp.status_code == 403
        assert resp.headers["retry-after"] == "3"
        assert "secondary rate limit" in resp.json()["message"]
    resp = gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"})
    assert resp.status_code == 201
    assert resp.json()["number"] == 1
    assert gh.control("GET", "faults") == []


def test_status_fault_and_matching(world: World) -> None:
    gh = world.gh
    gh.fault(
        kind="status",
        status=502,
        match={"method": "GET", "path_prefix": "/api/v3/repos/acme/demo/issues"},
    )
    # other methods and paths are untouched
    assert gh.api("GET", "/repos/acme/demo", world.token).status_code == 200
    resp = gh.api("POST", "/repos/acme/demo/issues", world.token, json={"title": "t"})
    assert resp.status_code == 201
    assert gh.api("GET", "/repos/acme/demo/issues", world.token).status_code == 502
    assert gh.api("GET", "/repos/acme/demo/issues", world.token).status_code == 200
    logged = [r for r in gh.hub.requests if r["status"] == 502]
    assert len(logged) == 1 and logged[0]["fault"] == "status"


def test_slow_fault_delays_the_answer(world: World) -> None:
    gh = world.gh
    gh.fault(kind="slow", delay_seconds=0.4, match={"path_prefix": "/api/v3/repos/acme/demo"})
    started = time.monotonic()
    assert gh.api("GET", "/repos/acme/demo", world.token).status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    assert gh.api("GET", "/repos/acme/demo", world.token).status_code == 200
    assert time.monotonic() - started < 0.4


def test_a_fault_can_pick_a_request_by_its_body(world: World) -> None:
    gh = world.gh
    gh.fault(
        kind="status",
        status=502,
        match={"method": "POST", "body_contains": "(#2)"},
    )
    assert gh.control("GET", "faults")[0]["body_contains"] == "(#2)"
    issues = "/repos/acme/demo/issues"
    assert gh.api("POST", issues, world.token, json={"title": "one (#1)"}).status_code == 201
    assert gh.api("POST", issues, world.token, json={"title": "two (#2)"}).status_code == 502
    assert gh.api("POST", issues, world.token, json={"title": "two (#2)"}).status_code == 201
    bad = gh.http.post("/_localhub/faults", json={"kind": "slow", "match": {"body_contains": 2}})
    assert bad.status_code == 422


def issue_titles(world: World) -> list[str]:
    issues = world.gh.ok("GET", "/repos/acme/demo/issues?state=all", world.token)
    return [i["title"] for i in issues]


def impatient_post(world: World, title: str) -> None:
    """Open an issue with a client that gives up after 0.3 s, as a bot's timeout would."""
    with pytest.raises(httpx.ReadTimeout):
        world.gh.http.post(
            "/api/v3/repos/acme/demo/issues",
            json={"title": title},
            headers={"authorization": f"token {world.token}"},
            timeout=0.3,
        )


def test_slow_fault_after_lands_the_write_but_holds_the_answer(world: World) -> None:
    gh = world.gh
    gh.fault(kind="slow", delay_seconds=1.0, when="after", match={"method": "POST"})
    assert gh.control("GET", "faults")[0]["when"] == "after"
    impatient_post(world, "landed")
    # the client gave up, yet the issue is there already (and its event was delivered)
    assert issue_titles(world) == ["landed"]
    assert gh.events()[-1] == "issues.opened"
    [logged] = [
        r
        for r in gh.control("GET", "requests")
        if (r["method"], r["path"]) == ("POST", "/api/v3/repos/acme/demo/issues")
    ]
    assert (logged["status"], logged["fault"]) == (201, "slow")


def test_slow_fault_before_delays_the_write_itself(world: World) -> None:
    gh = world.gh
    gh.fault(kind="slow", delay_seconds=1.0, match={"method": "POST"})  # "before" by default
    assert gh.control("GET", "faults")[0]["when"] == "before"
    impatient_post(world, "late")
    assert issue_titles(world) == []  # not yet: the request is still waiting to be handled
    deadline = time.monotonic() + 10
    while issue_titles(world) != ["late"]:
        assert time.monotonic() < deadline, "the delayed write never landed"
        time.sleep(0.05)


def test_bad_fault_rules_are_refused(world: World) -> None:
    resp = world.gh.http.post("/_localhub/faults", json={"kind": "explode"})
    assert resp.status_code == 422
    resp = world.gh.http.post("/_localhub/faults", json={"kind": "status", "count": 0})
    assert resp.status_code == 422
    for when in ("later", None, 1):
        resp = world.gh.http.post("/_localhub/faults", json={"kind": "slow", "when": when})
        assert resp.status_code == 422
        assert resp.json()["errors"][0]["field"] == "when"


def test_primary_limit_exhausted_then_reset(world: World) -> None:
    gh = world.gh
    gh.advance(3600 - (gh.hub.store.epoch() % 3600) + 1)  # start of a fresh hour window
    gh.config(primary_limit_per_hour=5)
    answers = [gh.api("GET", "/repos/acme/demo", world.token) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [403]
    over = answers[-1]
    assert over.headers["x-ratelimit-remaining"] == "0"
    assert "API rate limit exceeded" in over.json()["message"]
    reset = int(over.headers["x-ratelimit-reset"])
    assert reset > gh.hub.store.epoch()
    gh.advance(reset - gh.hub.store.epoch() + 1)
    again = gh.api("GET", "/repos/acme/demo", world.token)
    assert again.status_code == 200
    assert again.headers["x-ratelimit-remaining"] == "4"


def test_bad_credentials_do_not_spend_the_anonymous_budget(world: World) -> None:
    gh = world.gh
    before = gh.api("GET", "/rate_limit").headers["x-ratelimit-used"]
    for _ in range(3):
        resp = gh.api("GET", "/repos/acme/demo", "ghp_bogus")
        assert resp.status_code == 401
        assert resp.headers["x-ratelimit-limit"] == "60"
    after = gh.api("GET", "/rate_limit").headers["x-ratelimit-used"]
    assert after == before  # and GET /rate_limit is free, as GitHub documents


def test_rate_limit_endpoint_is_free(world: World) -> None:
    gh = world.gh
    first = gh.ok("GET", "/rate_limit", world.token)["resources"]["core"]
    second = gh.api("GET", "/rate_limit", world.token)
    assert second.json()["resources"]["core"]["used"] == first["used"]
    assert int(second.headers["x-ratelimit-used"]) == first["used"]
