"""What the dashboard and the watchdog read per learner, on the local GitHub: the registration
comments of a whole cohort come from one listing of the repository's comments, and a room's
recent comments are asked for with the same question all hour long (so a kept ETag answers it
"not modified"), narrowed to the exact time here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from glow.cohort.model import room_name
from glow.cohort.observe import Observer, Repos
from glow.github import WritePacer, token_client
from glow.localhub.hub import LocalHub
from tests import factories

pytestmark = pytest.mark.e2e


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LocalHub]:
    started = LocalHub(tmp_path / "hub", runner=False).start()
    control = httpx.Client(base_url=started.url, timeout=30)
    control.post("/_localhub/users", json={"login": "alice"}).raise_for_status()
    control.post("/_localhub/orgs", json={"login": "org", "admins": ["alice"]}).raise_for_status()
    yield started
    started.stop()


def client(hub: LocalHub) -> httpx.Client:
    resp = httpx.post(f"{hub.url}/_localhub/tokens", json={"login": "alice"}, timeout=30)
    token = resp.json()["token"]
    return httpx.Client(
        base_url=hub.api_url, timeout=30, headers={"Authorization": f"token {token}"}
    )


def observer(hub: LocalHub, api: httpx.Client) -> Observer:
    token = api.headers["Authorization"].split()[1]
    return Observer(Repos(token_client(token, hub.api_url), pacer=WritePacer(0)))


def requests_since(hub: LocalHub, mark: int) -> list[str]:
    return [
        f"{r['method']} {r['path']}?{r.get('query', '')}"
        for r in list(hub.requests)
        if r["id"] > mark and r.get("route")
    ]


def test_a_cohorts_registration_comments_come_from_one_listing(hub: LocalHub) -> None:
    api = client(hub)
    api.post("/orgs/org/repos", json={"name": "workshop"}).raise_for_status()
    numbers = {}
    for handle in ("ada", "bob", "cy"):
        issue = api.post("/repos/org/workshop/issues", json={"title": f"[REGISTER] {handle}"})
        numbers[handle] = issue.json()["number"]
    for handle, text in (("ada", "ack"), ("bob", "help"), ("ada", "day1-complete")):
        api.post(
            f"/repos/org/workshop/issues/{numbers[handle]}/comments", json={"body": text}
        ).raise_for_status()
    seen = observer(hub, api)
    mark = int(hub.requests[-1]["id"])
    got = {
        h: [c["body"] for c in seen.comments(factories.learner(h, issue=n))]
        for h, n in numbers.items()
    }
    assert got == {"ada": ["ack", "day1-complete"], "bob": ["help"], "cy": []}
    assert len(requests_since(hub, mark)) == 1  # one listing for the three learners


def test_a_rooms_recent_comments_are_asked_for_by_the_hour_and_narrowed(hub: LocalHub) -> None:
    api = client(hub)
    room = room_name("2026-12", "ada")
    api.post("/orgs/org/repos", json={"name": room}).raise_for_status()
    issue = api.post(f"/repos/org/{room}/issues", json={"title": "Challenge 1"}).json()
    api.post(
        f"/repos/org/{room}/issues/{issue['number']}/comments", json={"body": "help, please"}
    ).raise_for_status()
    listed = api.get(f"/repos/org/{room}/issues", params={"state": "all"}).json()
    made = datetime.fromisoformat(
        api.get(f"/repos/org/{room}/issues/comments").json()[0]["created_at"].replace("Z", "+00:00")
    )
    learner = factories.learner("ada", provisioned=True)
    seen = observer(hub, api)
    asked = []
    for since in (made - timedelta(seconds=1), made + timedelta(seconds=1)):
        mark = int(hub.requests[-1]["id"])
        found = seen.room_comments(learner, listed, since)
        asked += requests_since(hub, mark)
        assert [c["body"] for c in (found or [])] == (["help, please"] if since < made else [])
    hour = made.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    if (made - timedelta(seconds=1)).hour == (made + timedelta(seconds=1)).hour:
        assert len(asked) == 2 and asked[0] == asked[1]  # the same question, twice
    assert all(hour.strftime("%Y-%m-%dT%H") in q for q in asked)
