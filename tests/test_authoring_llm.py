"""The OpenAI author's model call (``glow.authoring.llm``), through the real OpenAI SDK against a
local OpenAI-compatible server (``tests/openai_server.py``): a structured answer, a hung and a
trickling response killed at the wall clock, a malformed answer, a refusal, a 500 retried, and a
recorded answer replayed from a cassette.

To record the cassette again: ``pytest tests/test_authoring_llm.py -k cassette
--record-mode=rewrite`` (it records from the local server; the API key is filtered out)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from glow.authoring.llm import (
    DEFAULT_MODEL,
    ModelOutputInvalid,
    ModelRefused,
    ModelSettings,
    ModelTimedOut,
    ModelUnavailable,
    structured,
    structured_in_process,
)
from glow.errors import ConfigError
from tests.openai_server import GOOD_ANSWER, Mode, Outline, openai_server

KEY = "sk-local-test-key-do-not-record"
MESSAGES = [
    {"role": "system", "content": "You outline short programming courses."},
    {"role": "user", "content": "Outline a course on ledgers in Python."},
]


def settings_for(base_url: str, **overrides: Any) -> ModelSettings:
    return ModelSettings(api_key=SecretStr(KEY), base_url=base_url, **overrides)


def test_a_structured_answer_arrives_as_the_model_asked_for() -> None:
    with openai_server("good") as server:
        answer = structured(Outline, MESSAGES, settings_for(server.base_url))
    assert answer == Outline.model_validate(GOOD_ANSWER)
    assert server.requests == 1
    sent = server.bodies[0]
    # Structured outputs: the SDK sent Outline's strict JSON schema, not a prompt asking for JSON.
    assert sent["response_format"]["type"] == "json_schema"
    schema = sent["response_format"]["json_schema"]
    assert schema["name"] == "Outline"
    assert schema["strict"] is True
    assert set(schema["schema"]["properties"]) == {"title", "outcomes"}
    assert sent["messages"] == MESSAGES


@pytest.mark.parametrize("mode", ["hang", "trickle"])
def test_a_stalled_response_is_killed_at_the_wall_clock(mode: Mode) -> None:
    # A byte every half second never trips the SDK's one-second per-read timeout: only the wall
    # clock stops a trickle. A hang trips the read timeout and is retried until the wall clock.
    with openai_server(mode) as server:
        settings = settings_for(server.base_url, request_timeout=1, wall_seconds=4, retries=2)
        started = time.monotonic()
        with pytest.raises(ModelTimedOut) as caught:
            structured(Outline, MESSAGES, settings)
        elapsed = time.monotonic() - started
        requests, trickled = server.requests, server.trickled
    assert 4 <= elapsed < 6
    assert requests >= 1
    if mode == "trickle":
        assert (requests, trickled >= 2) == (1, True)
    message = str(caught.value)
    assert "GLOW_MODEL_WALL_SECONDS (4 s)" in message
    assert "\n" not in message


def test_an_answer_that_does_not_match_the_schema_is_invalid() -> None:
    with openai_server("malformed") as server, pytest.raises(ModelOutputInvalid) as caught:
        structured(Outline, MESSAGES, settings_for(server.base_url))
    message = str(caught.value)
    assert "not a valid Outline" in message
    assert "\n" not in message
    assert server.requests == 1  # an invalid answer is not retried


def test_a_refusal_carries_the_models_words() -> None:
    with openai_server("refusal") as server, pytest.raises(ModelRefused) as caught:
        structured(Outline, MESSAGES, settings_for(server.base_url))
    assert caught.value.refusal == "I can't help with that request."
    assert "I can't help with that request." in str(caught.value)
    assert server.requests == 1


def test_a_server_error_is_retried_once_then_the_answer_arrives() -> None:
    with openai_server("error500", "good") as server:
        answer = structured(Outline, MESSAGES, settings_for(server.base_url))
    assert answer == Outline.model_validate(GOOD_ANSWER)
    assert server.requests == 2  # our one retry; the SDK's own retries are off


def test_server_errors_past_the_retries_make_the_model_unavailable() -> None:
    with openai_server("error500") as server, pytest.raises(ModelUnavailable) as caught:
        structured(Outline, MESSAGES, settings_for(server.base_url, retries=1))
    assert server.requests == 2
    message = str(caught.value)
    assert "HTTP 500 in 2 attempts" in message
    assert "\n" not in message


def test_a_rejected_key_is_not_retried_and_names_the_setting() -> None:
    with openai_server("error401") as server, pytest.raises(ModelUnavailable) as caught:
        structured(Outline, MESSAGES, settings_for(server.base_url))
    assert server.requests == 1
    assert "HTTP 401" in str(caught.value)
    assert str(caught.value).endswith("check OPENAI_API_KEY.")


def test_an_unreachable_server_names_the_base_url_setting() -> None:
    with openai_server("good") as server:
        closed = server.base_url  # nothing listens here once the server has stopped
    with pytest.raises(ModelUnavailable) as caught:
        structured(Outline, MESSAGES, settings_for(closed, retries=0))
    message = str(caught.value)
    assert f"The model server at {closed} could not be reached in 1 attempt" in message
    assert "check OPENAI_BASE_URL" in message
    assert "\n" not in message


def test_a_missing_api_key_is_one_line_naming_it() -> None:
    with pytest.raises(ConfigError) as caught:
        ModelSettings.from_env({"GLOW_MODEL": "gpt-5.5"})
    message = str(caught.value)
    assert message.startswith("OPENAI_API_KEY is not set")
    assert "\n" not in message


def test_a_wrong_setting_is_named() -> None:
    with pytest.raises(ConfigError) as caught:
        ModelSettings.from_env({"OPENAI_API_KEY": KEY, "GLOW_MODEL_WALL_SECONDS": "soon"})
    assert str(caught.value).startswith("GLOW_MODEL_WALL_SECONDS='soon' is not valid")
    settings = ModelSettings.from_env(
        {
            "OPENAI_API_KEY": KEY,
            "OPENAI_BASE_URL": "http://127.0.0.1:1/v1",
            "GLOW_MODEL_RETRIES": "0",
        }
    )
    assert (settings.base_url, settings.retries, settings.wall_seconds) == (
        "http://127.0.0.1:1/v1",
        0,
        300.0,
    )
    assert KEY not in repr(settings)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    # The local server's port changes each run: match what was asked, not where.
    return {
        "filter_headers": ["authorization", "openai-organization", "openai-project"],
        "match_on": ["method", "path", "body"],
    }


@pytest.mark.vcr
def test_a_recorded_answer_replays_from_the_cassette(vcr: Any, record_mode: str) -> None:
    with openai_server("good") as server:
        answer = structured_in_process(Outline, MESSAGES, settings_for(server.base_url))
    assert answer == Outline.model_validate(GOOD_ANSWER)
    if record_mode == "none":  # replaying (when recording, the file is written after the test)
        assert vcr.play_count == 1
        assert server.requests == 0  # the cassette answered, not the server
        recorded = Path(vcr._path).read_text()
        assert "/v1/chat/completions" in recorded
        assert KEY not in recorded
        assert "authorization" not in recorded.lower()


def test_the_module_imports_without_the_sdk() -> None:
    # No bot installs openai: glow.authoring.llm imports it only inside the calls that need it.
    code = (
        "import sys; sys.modules['openai'] = None\n"
        "from glow.authoring.llm import ModelSettings\n"
        "print(ModelSettings.from_env({'OPENAI_API_KEY': 'k'}).model)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, DEFAULT_MODEL), done.stderr
