"""GitHub's retry policy (pure) and its enforcement around real githubkit requests."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from glow.errors import ConfigError, GitHubError, RateLimited
from glow.github import WritePacer, call_with_backoff, retry_delay, token_client

NOW = 1_800_000_000.0
SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes."


# The pure policy ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [403, 429])
def test_retry_after_is_honoured_first(status: int) -> None:
    headers = {"Retry-After": "30", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"}
    assert retry_delay(status, headers, 1, SECONDARY, now=NOW) == 30.0


def test_exhausted_primary_limit_waits_until_reset() -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 100)}
    assert retry_delay(403, headers, 1, "API rate limit exceeded", now=NOW) == 101.0
    past = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) - 5)}
    assert retry_delay(403, past, 1, "API rate limit exceeded", now=NOW) == 1.0


def test_secondary_403_without_retry_after_waits_a_minute_then_doubles() -> None:
    headers = {"x-ratelimit-remaining": "4000"}
    delays = [retry_delay(403, headers, attempt, SECONDARY, now=NOW) for attempt in (1, 2, 3)]
    assert delays == [60.0, 120.0, 240.0]
    assert retry_delay(403, headers, 10, SECONDARY, now=NOW) == 900.0  # capped


def test_any_429_is_a_secondary_limit() -> None:
    assert retry_delay(429, {}, 1, None, now=NOW) == 60.0


@pytest.mark.parametrize(
    "message", ["Resource not accessible by integration", "Must have admin rights", None]
)
def test_permission_403_is_not_retryable(message: str | None) -> None:
    assert retry_delay(403, {"x-ratelimit-remaining": "10"}, 1, message, now=NOW) is None


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_back_off_briefly_for_a_few_attempts(status: int) -> None:
    assert [retry_delay(status, {}, a, None, now=NOW) for a in (1, 2, 3, 4)] == [
        1.0,
        2.0,
        4.0,
        None,
    ]


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 501])
def test_answers_are_not_faults(status: int) -> None:
    assert retry_delay(status, {"retry-after": "1"}, 1, None, now=NOW) is None


# Enforcement around githubkit -----------------------------------------------------------------


def scripted(*answers: httpx.Response) -> tuple[Callable[[], object], list[httpx.Request]]:
    """A request function over githubkit whose transport serves exactly ``answers`` in order."""
    queue = list(answers)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        assert queue, f"unscripted request {request.method} {request.url}"
        return queue.pop(0)

    gh = token_client("t", "https://api.github.test", transport=httpx.MockTransport(handler))
    return (lambda: gh.request("POST", "repos/o/r/issues/1/comments", json={"body": "x"})), seen


def ok() -> httpx.Response:
    return httpx.Response(201, json={"id": 1})


def answer(status: int, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"message": message}, headers=headers)


def test_retry_after_is_slept_and_the_same_call_repeated(sleeps: list[float]) -> None:
    call, seen = scripted(answer(403, SECONDARY, **{"retry-after": "7"}), ok())
    result = call_with_backoff(call, sleep=sleeps.append, clock=lambda: NOW)
    assert result.json() == {"id": 1}  # type: ignore[attr-defined]
    assert sleeps == [7.0]
    assert [r.method for r in seen] == ["POST", "POST"]
    assert seen[0].content == seen[1].content


def test_secondary_403_without_retry_after_waits_at_least_60s(sleeps: list[float]) -> None:
    call, seen = scripted(answer(403, SECONDARY), ok())
    call_with_backoff(call, sleep=sleeps.append, clock=lambda: NOW)
    assert sleeps == [60.0]
    assert len(seen) == 2


def test_primary_limit_sleeps_until_reset(sleeps: list[float]) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 30)}
    call, _ = scripted(answer(403, "API rate limit exceeded", **reset), ok())
    call_with_backoff(call, sleep=sleeps.append, clock=lambda: NOW)
    assert sleeps == [31.0]


def test_primary_limit_far_away_fails_at_once_saying_to_rerun(sleeps: list[float]) -> None:
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 7200)}
    call, seen = scripted(answer(403, "API rate limit exceeded", **reset))
    with pytest.raises(RateLimited, match="re-run") as caught:
        call_with_backoff(call, sleep=sleeps.append, clock=lambda: NOW)
    assert sleeps == []
    assert len(seen) == 1
    assert caught.value.status == 403


def test_permission_403_is_raised_at_once_with_one_clear_line(sleeps: list[float]) -> None:
    call, seen = scripted(answer(403, "Resource not accessible by integration"))
    with pytest.raises(GitHubError) as caught:
        call_with_backoff(call, sleep=sleeps.append, clock=lambda: NOW)
    assert not isinstance(caught.value, RateLimited)
    assert caught.value.status == 403
    assert str(caught.value) == (
        "GitHub refused POST /repos/o/r/issues/1/comments: 403 "
        "(Resource not accessible by integration)"
    )
    assert sleeps == [] and len(seen) == 1


def test_502_is_retried(sleeps: list[float]) -> None:
    call, seen = scripted(answer(502, "Bad gateway"), answer(502, "Bad gateway"), ok())
    call_with_backoff(call, sleep=sleeps.append, clock=lambda: NOW)
    assert sleeps == [1.0, 2.0]
    assert len(seen) == 3


def test_server_errors_give_up_after_max_attempts(sleeps: list[float]) -> None:
    call, seen = scripted(*(answer(503, "Unavailable") for _ in range(3)))
    with pytest.raises(GitHubError, match="after 3 attempts") as caught:
        call_with_backoff(call, max_attempts=3, sleep=sleeps.append, clock=lambda: NOW)
    assert caught.value.status == 503
    assert len(seen) == 3 and sleeps == [1.0, 2.0]


def test_a_limit_that_holds_raises_rate_limited(sleeps: list[float]) -> None:
    call, _ = scripted(*(answer(403, SECONDARY) for _ in range(3)))
    with pytest.raises(RateLimited, match="after 3 attempts"):
        call_with_backoff(call, max_attempts=3, sleep=sleeps.append, clock=lambda: NOW)
    assert sleeps == [60.0, 120.0]


def test_network_failure_becomes_a_github_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    gh = token_client("t", "https://api.github.test", transport=httpx.MockTransport(refuse))
    with pytest.raises(GitHubError) as caught:
        call_with_backoff(lambda: gh.request("GET", "rate_limit"), sleep=pytest.fail)
    assert caught.value.status is None
    assert str(caught.value) == (
        "Could not connect to the GitHub API at https://api.github.test (connection refused). "
        "Next step: check that GITHUB_API_URL is right (unset means https://api.github.com; on "
        "GitHub Enterprise Server https://HOST/api/v3) and that this machine or runner can "
        "reach it (network, proxy: HTTPS_PROXY, NO_PROXY), then re-run: a re-run is safe."
    )


def test_a_connection_that_times_out_names_the_address_and_the_settings() -> None:
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    gh = token_client("t", "https://ghe.test/api/v3", transport=httpx.MockTransport(stall))
    with pytest.raises(GitHubError) as caught:
        call_with_backoff(lambda: gh.request("GET", "rate_limit"), sleep=pytest.fail)
    message = str(caught.value)
    assert message.startswith("The GitHub API at https://ghe.test did not answer GET ")
    for part in ("GITHUB_API_URL", "GLOW_REQUEST_TIMEOUT", "Next step: ", "re-run"):
        assert part in message
    assert "ConnectTimeout" not in message and "\n" not in message


# Write pacing ---------------------------------------------------------------------------------


def test_pacer_keeps_writes_one_interval_apart(sleeps: list[float]) -> None:
    clock = [100.0]
    pacer = WritePacer(1.0, clock=lambda: clock[0], sleep=sleeps.append)
    pacer.wait()
    assert sleeps == []
    clock[0] += 0.25
    pacer.wait()
    assert sleeps == [0.75]
    clock[0] += 5
    pacer.wait()
    assert sleeps == [0.75]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, 1.0),
        ({"GITHUB_API_URL": "https://ghe.example.com/api/v3"}, 1.0),
        ({"GITHUB_API_URL": "http://127.0.0.1:8765/api/v3"}, 0.0),
        ({"GITHUB_API_URL": "http://localhost:8765/api/v3"}, 0.0),
        ({"GITHUB_API_URL": "http://127.0.0.1:8765/api/v3", "GLOW_WRITE_INTERVAL": "2"}, 2.0),
        ({"GLOW_WRITE_INTERVAL": "0.25"}, 0.25),
    ],
)
def test_pacer_interval_from_environment(environ: dict[str, str], expected: float) -> None:
    assert WritePacer.from_env(environ).min_interval_s == expected


@pytest.mark.parametrize("raw", ["abc", "-1", "nan", "inf"])
def test_bad_write_interval_names_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="GLOW_WRITE_INTERVAL"):
        WritePacer.from_env({"GLOW_WRITE_INTERVAL": raw})
