"""The write budget: GitHub's write limits kept before a request is sent, one budget per
identity in a process, the same notion of content-creating requests as the local GitHub's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from glow.errors import ConfigError, RateLimited
from glow.github import Repo, WriteBudget, WriteLimits, budget_for, creates_content, token_client
from glow.github.budget import GITHUB_LIMITS, limits_from_env, slots
from tests.fakegithub import FakeGitHub


class Clock:
    """A clock that moves only when the budget sleeps."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_every_route_the_local_github_counts_as_content_creating_is_counted_here(
    tmp_path: Path,
) -> None:
    from glow.localhub.hub import LocalHub

    hub = LocalHub(tmp_path, runner=False)
    routes = [r for r in hub.router.routes if r.method != "GET"]
    assert sum(r.creates_content for r in routes) >= 10
    for route in routes:
        path = re.sub(r"\{path\}", "docs/a b.md", route.template)
        path = re.sub(r"\{[^}]+\}", "x1", path)
        assert creates_content(route.method, path.lstrip("/")) == route.creates_content, route
        assert creates_content(route.method, "/api/v3" + path) == route.creates_content
    assert not creates_content("GET", "repos/o/r/issues")


def test_content_creating_requests_keep_80_a_minute_and_500_an_hour() -> None:
    clock = Clock()
    budget = WriteBudget(
        WriteLimits(0.0, 80, 500), clock=clock, sleep=clock.sleep, max_wait_s=2 * 3600
    )
    start = clock.now
    sent = []
    for _ in range(1100):
        budget.wait(creates=True)
        sent.append(clock.now - start)
    assert sent[79] == 0.0 and sent[80] == 61.0  # the 81st waits for the first minute to pass
    assert sent[499] < 7 * 60  # 500 go in the first seven minutes
    assert sent[500] == 3601.0  # the 501st waits for the first to be an hour old
    for first in range(len(sent) - 500):
        assert sent[first + 500] - sent[first] > 3600  # never 501 in any hour
    for first in range(len(sent) - 80):
        assert sent[first + 80] - sent[first] > 60


def test_writes_are_spaced_and_other_writes_do_not_spend_the_content_budget() -> None:
    clock = Clock()
    budget = WriteBudget(WriteLimits(1.0, 2, 500), clock=clock, sleep=clock.sleep)
    for _ in range(5):
        budget.wait(creates=False)
    assert clock.slept == [1.0] * 4
    assert budget.used() == 0
    budget.wait(creates=True)
    budget.wait(creates=True)
    assert budget.used() == 2
    clock.slept.clear()
    budget.wait(creates=True)  # the third in a minute waits for the minute
    assert clock.slept == [pytest.approx(60.0)]


def test_a_wait_longer_than_a_job_should_sleep_in_one_request_fails_in_one_line() -> None:
    clock = Clock()
    budget = WriteBudget(WriteLimits(0.0, None, 2), clock=clock, sleep=clock.sleep, name="x")
    budget.wait(creates=True)
    budget.wait(creates=True)
    with pytest.raises(RateLimited) as caught:
        budget.wait(creates=True)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("GitHub allows x at most 2 content-creating requests an hour")
    assert "GLOW_CONTENT_PER_HOUR" in message
    assert clock.slept == []  # nothing was promised or slept
    budget.wait(creates=False)  # a write that creates nothing still goes


def test_an_earlier_runs_requests_count_and_the_plan_says_when_more_can_go() -> None:
    clock = Clock()
    budget = WriteBudget(WriteLimits(0.0, None, 10), clock=clock, sleep=clock.sleep)
    budget.seed([clock.now - 1800.0] * 10)  # ten half an hour ago: none left this hour
    assert budget.ready_at(1) == clock.now + 1801.0
    assert budget.plan(3) == [clock.now + 1801.0] * 3
    budget.seed([clock.now - 4000.0])  # older than an hour: forgotten
    assert budget.used() == 10
    assert budget.ready_at(0) == clock.now


def test_the_plan_is_the_same_rule_the_waits_keep() -> None:
    planned = slots([], now=0.0, limits=GITHUB_LIMITS, count=1000)
    clock = Clock()
    clock.now = 0.0
    budget = WriteBudget(
        WriteLimits(0.0, 80, 500), clock=clock, sleep=clock.sleep, max_wait_s=2 * 3600
    )
    waited = []
    for _ in range(1000):
        budget.wait(creates=True)
        waited.append(clock.now)
    assert waited == planned


def test_one_budget_per_identity_in_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("glow.github.budget._budgets", {})
    api = "https://ghe.example.test/api/v3"
    one, same = token_client("ghp_one", api), token_client("ghp_one", api)
    other = token_client("ghp_two", api)
    elsewhere = token_client("ghp_one", "https://api.github.com")
    assert budget_for(one) is budget_for(same)
    assert budget_for(one) is not budget_for(other)
    assert budget_for(one) is not budget_for(elsewhere)
    assert Repo(one, "o", "r").pacer is Repo(same, "o", "q").pacer
    from glow.github import budget as module

    assert not any("ghp_one" in key for key in module._budgets)  # a token is never a key
    local = token_client("ghp_one", "http://127.0.0.1:8765/api/v3")
    assert budget_for(local).limits == WriteLimits(0.0, 80, 500)  # no spacing locally
    assert budget_for(one).limits == GITHUB_LIMITS


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, WriteLimits(1.0, 80, 500)),
        ({"GITHUB_API_URL": "http://localhost:8765/api/v3"}, WriteLimits(0.0, 80, 500)),
        (
            {"GLOW_CONTENT_PER_MINUTE": "20", "GLOW_CONTENT_PER_HOUR": " 100 "},
            WriteLimits(1.0, 20, 100),
        ),
        ({"GLOW_WRITE_INTERVAL": "2.5"}, WriteLimits(2.5, 80, 500)),
    ],
)
def test_limits_from_the_environment(environ: dict[str, str], expected: WriteLimits) -> None:
    assert limits_from_env(environ) == expected


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("GLOW_CONTENT_PER_HOUR", "0"),
        ("GLOW_CONTENT_PER_HOUR", "many"),
        ("GLOW_CONTENT_PER_MINUTE", "-5"),
        ("GLOW_CONTENT_PER_MINUTE", "1.5"),
        ("GLOW_WRITE_INTERVAL", "soon"),
    ],
)
def test_a_bad_limit_is_one_line_naming_the_setting(name: str, raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        limits_from_env({name: raw})
    message = str(caught.value)
    assert message.startswith(f"{name} must be ") and repr(raw) in message
    assert "\n" not in message


def test_the_adapter_counts_and_paces_content_creating_requests(fake_github: FakeGitHub) -> None:
    clock = Clock()
    budget = WriteBudget(WriteLimits(0.0, 1, 500), clock=clock, sleep=clock.sleep)
    gh = token_client("test-token", fake_github.base_url, transport=fake_github.transport)
    repo = Repo(gh, "octo-org", "room", pacer=budget)
    repo.upsert_comment(1, "a", "one")  # POST a comment: content-creating
    repo.upsert_comment(1, "a", "two")  # PATCH it: a write, not content-creating
    repo.upsert_comment(2, "b", "three")  # a second comment within the minute waits for it
    assert (repo.counts.writes, repo.counts.creating) == (3, 2)
    assert clock.slept == [pytest.approx(61.0)]
