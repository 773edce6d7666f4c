"""Retry: GitHub's documented rate-limit policy, decided by a pure function.

githubkit 0.16.1 retries a rate-limit error once and 5xx three times, sleeping with
``time.sleep`` we cannot inject, and does not recognise a secondary-limit 403 that arrives
without ``retry-after`` (github-behaviour.md). Our clients turn its retries off and every call
goes through ``call_with_backoff`` instead, so there is one policy, tested without sleeping.
Policy: https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
This reacts to a limit met; ``budget`` keeps writes under the limits before they are sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from glow.errors import ConfigError, GitHubError, RateLimited
from glow.github.budget import WritePacer as WritePacer
from glow.github.budget import is_local_api as is_local_api

if TYPE_CHECKING:
    from githubkit.exception import RequestFailed

T = TypeVar("T")

log = logging.getLogger("glow.github")

SECONDARY_MIN_WAIT_S = 60.0  # "wait at least one minute" when GitHub gives no retry-after
SECONDARY_MAX_WAIT_S = 15 * 60.0
SERVER_ERROR_STATUSES = frozenset({500, 502, 503, 504})
SERVER_ERROR_RETRIES = 3  # 1 s, 2 s, 4 s: a blip, not an outage
RESET_MARGIN_S = 1.0  # x-ratelimit-reset is whole seconds; the runner's clock may lag GitHub's


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def retry_delay(
    status: int,
    headers: Mapping[str, str],
    attempt: int,
    body_message: str | None,
    *,
    now: float,
    server_errors: bool = True,
) -> float | None:
    """Seconds to wait before retrying a failed request, or None when retrying cannot help.

    ``attempt`` is the 1-based number of the attempt that just failed; ``now`` is epoch seconds.
    Order follows GitHub's docs: ``retry-after``; then an exhausted primary limit
    (``x-ratelimit-remaining: 0``, wait until ``x-ratelimit-reset``); then a secondary limit (a
    403 whose message says so, or any 429) waits at least a minute, doubling per attempt. Any
    other 403 is a permission answer and final. 5xx gets a short exponential backoff for a few
    attempts, unless ``server_errors`` is False: a request that creates something (a comment, an
    issue) may have landed before the 5xx, and repeating it would make a second one; the bot's
    re-run, which reads GitHub's state first, is its retry. Everything else (404, 409, 422, ...)
    is an answer, not a fault.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    if status in (403, 429):
        retry_after = _float(lowered.get("retry-after"))
        if retry_after is not None:
            return max(retry_after, 0.0)
        reset = _float(lowered.get("x-ratelimit-reset"))
        if lowered.get("x-ratelimit-remaining") == "0" and reset is not None:
            return max(reset - now, 0.0) + RESET_MARGIN_S
        secondary = "secondary rate limit" in (body_message or "").lower()
        if status == 429 or secondary:
            return min(SECONDARY_MIN_WAIT_S * float(2 ** max(attempt - 1, 0)), SECONDARY_MAX_WAIT_S)
        return None
    if server_errors and status in SERVER_ERROR_STATUSES and attempt <= SERVER_ERROR_RETRIES:
        return float(2 ** max(attempt - 1, 0))
    return None


def failure_message(exc: RequestFailed) -> str:
    """GitHub's own ``message`` from an error answer, or "" when the body is not JSON."""
    try:
        body: Any = exc.response.raw_response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    return message if isinstance(message, str) else ""


def github_message(exc: BaseException) -> str:
    """GitHub's ``message`` behind a ``GitHubError`` (its chained githubkit failure), or ""."""
    cause = exc if hasattr(exc, "response") else exc.__cause__
    return failure_message(cause) if hasattr(cause, "response") else ""  # type: ignore[arg-type]


def describe(exc: RequestFailed) -> str:
    """One line naming the request and GitHub's answer: ``POST /repos/o/r/...: 403 (message)``."""
    request = exc.request
    status = exc.response.status_code
    message = failure_message(exc)
    return f"{request.method} {request.url.path}: {status}" + (f" ({message})" if message else "")


def call_with_backoff(
    fn: Callable[[], T],
    *,
    max_attempts: int = 5,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.time,
    log: logging.Logger = log,
    max_delay_s: float = SECONDARY_MAX_WAIT_S,
    server_errors: bool = True,
) -> T:
    """Call ``fn`` (one GitHub request) and retry the same call as ``retry_delay`` allows.

    Every failure leaves as a ``GitHubError`` carrying the status (``RateLimited`` for 403/429),
    with one line saying which request and what GitHub said, chained to githubkit's exception.
    A wait longer than ``max_delay_s`` (a primary limit resetting in 40 minutes) is not slept
    through in a workflow job: it fails at once, saying when to retry.
    """
    from githubkit.exception import RequestError, RequestFailed, RequestTimeout

    attempt = 0
    while True:
        attempt += 1
        try:
            return fn()
        except RequestFailed as exc:
            status = exc.response.status_code
            headers = exc.response.headers
            delay = retry_delay(
                status,
                headers,
                attempt,
                failure_message(exc),
                now=clock(),
                server_errors=server_errors,
            )
            limited = status in (403, 429) and delay is not None
            error = RateLimited if limited else GitHubError
            if delay is None:
                raise GitHubError(f"GitHub refused {describe(exc)}", status=status) from exc
            if delay > max_delay_s:
                raise error(
                    f"GitHub asks us to wait {delay:.0f} s before retrying {describe(exc)}; "
                    f"re-run after that.",
                    status=status,
                ) from exc
            if attempt >= max_attempts:
                raise error(
                    f"GitHub still failing after {attempt} attempts: {describe(exc)}", status=status
                ) from exc
            log.warning(
                "github retry: %s; waiting %.0f s (attempt %d of %d)",
                describe(exc),
                delay,
                attempt,
                max_attempts,
            )
            sleep(delay)
        except RequestTimeout as exc:
            # The write may or may not have landed, so it is not repeated blindly; every bot
            # decides from GitHub's state, so its re-run is safe instead.
            raise GitHubError(timeout_message(exc.request)) from exc
        except RequestError as exc:
            if isinstance(exc.exc, RequestFailed):
                raise _auth_refused(exc.exc) from exc
            if isinstance(exc.exc, GitHubError):  # already said in words (a nested request)
                raise exc.exc from exc
            raise GitHubError(unreachable_message(exc.exc)) from exc


def _auth_refused(exc: RequestFailed) -> GitHubError | ConfigError:
    """githubkit's auth flow made a request of its own (an App's installation token) and GitHub
    refused it: the request asked for never went. Never a 404 of what was asked for (that
    reads as "absent"): an installation that is not there is a setting to fix."""
    status = exc.response.status_code
    if status == 404:
        return ConfigError(
            f"GitHub refused to make the App's installation token ({describe(exc)}): the App is "
            "not installed there. Check PROVISIONING_APP_INSTALLATION_ID (or unset it, so the "
            "installation is looked up)."
        )
    return GitHubError(f"GitHub refused {describe(exc)}", status=status)


def _api_of(request: Any) -> str:
    """The API's address a request went to (scheme and host, no path, never a token)."""
    url = getattr(request, "url", None)
    if url is None:
        return "the GitHub API"
    return f"{url.scheme}://{url.netloc.decode()}"


def unreachable_message(exc: BaseException) -> str:
    """One line for a GitHub API that could not be reached at all (no answer, no status): the
    address tried, the setting that chose it, and what to do next. httpx's own words are
    kept short, in brackets, for whoever reads the log."""
    import httpx

    request = getattr(exc, "request", None) if isinstance(exc, httpx.RequestError) else None
    why = str(exc).strip() or type(exc).__name__
    return (
        f"Could not connect to the GitHub API at {_api_of(request)} ({why}). Next step: check "
        "that GITHUB_API_URL is right (unset means https://api.github.com; on GitHub Enterprise "
        "Server https://HOST/api/v3) and that this machine or runner can reach it (network, "
        "proxy: HTTPS_PROXY, NO_PROXY), then re-run: a re-run is safe."
    )


def timeout_message(request: Any) -> str:
    """One line for a request that ran out of time, naming the settings that bound it and
    chose the address; a connection that never opened is said as such."""
    seconds = (request.extensions.get("timeout") or {}).get("read")
    within = f" within {seconds:g} s" if isinstance(seconds, int | float) else " in time"
    return (
        f"The GitHub API at {_api_of(request)} did not answer {request.method} "
        f"{request.url.path}{within} (GLOW_REQUEST_TIMEOUT). Next step: check that "
        "GITHUB_API_URL is right and reachable from here, or raise GLOW_REQUEST_TIMEOUT, then "
        "re-run to continue: a re-run is safe."
    )
