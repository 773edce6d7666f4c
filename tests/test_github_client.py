"""The client factory: settings from the Actions environment, every auth kind, clear errors."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import Any

import pytest

import glow.github
from glow import __version__
from glow.errors import ConfigError
from glow.github import GitHubSettings, Repo, WritePacer, client_from_env, installation_client
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub


def env(fake: FakeGitHub, **values: str) -> dict[str, str]:
    return {"GITHUB_API_URL": fake.base_url, "GITHUB_REPOSITORY": ROOM, **values}


def room_through(gh: object) -> Repo:
    return Repo(gh, "octo-org", "room", pacer=WritePacer(0), sleep=pytest.fail)  # type: ignore[arg-type]


def test_settings_read_the_actions_environment() -> None:
    settings = GitHubSettings.from_env(
        {
            "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
            "GITHUB_TOKEN": "ghs_job",
            "GITHUB_REPOSITORY": "octo-org/room",
            "PROVISIONING_APP_ID": "",  # Actions expands a missing secret to ""
            "GLOW_PAT": "  ",
        }
    )
    assert settings.api_url == "https://ghe.example.com/api/v3"
    assert settings.owner_and_name() == ("octo-org", "room")
    assert settings.app_id is None and settings.pat is None
    assert settings.token is not None and settings.token.get_secret_value() == "ghs_job"
    assert "ghs_job" not in repr(settings)


def test_api_url_defaults_to_github_com() -> None:
    assert GitHubSettings.from_env({}).api_url == "https://api.github.com"


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"GITHUB_API_URL": "api.github.com"}, "GITHUB_API_URL"),
        ({"GITHUB_API_URL": "http://127.0.0.1:99999/api/v3"}, "GITHUB_API_URL"),
        ({"GITHUB_API_URL": "https://:443/api/v3"}, "GITHUB_API_URL"),
        ({"GITHUB_API_URL": "https://ghe example.com/api/v3"}, "GITHUB_API_URL"),
        ({"GITHUB_API_URL": "https://ghe.example.com:port/api/v3"}, "GITHUB_API_URL"),
        ({"GITHUB_REPOSITORY": "just-a-name"}, "GITHUB_REPOSITORY"),
    ],
)
def test_malformed_settings_name_the_variable(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        GitHubSettings.from_env(environ)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "99999"])
def test_a_bad_request_timeout_names_the_setting(value: str) -> None:
    from glow.github.transport import request_timeout

    with pytest.raises(ConfigError, match="GLOW_REQUEST_TIMEOUT"):
        request_timeout({"GLOW_REQUEST_TIMEOUT": value})


def test_a_malformed_api_url_is_a_setting_problem_not_a_network_failure() -> None:
    """A typo in GITHUB_API_URL must not read as GitHub being down."""
    with pytest.raises(ConfigError, match=r"GITHUB_API_URL .*Port out of range"):
        glow.github.token_client("t", "http://127.0.0.1:99999/api/v3")


@pytest.mark.parametrize(
    ("environ", "auth", "variable"),
    [
        ({}, "auto", "GITHUB_TOKEN"),
        ({}, "token", "GITHUB_TOKEN"),
        ({}, "pat", "GLOW_PAT"),
        ({}, "app", "PROVISIONING_APP_ID"),
        ({"PROVISIONING_APP_ID": "7"}, "auto", "PROVISIONING_APP_PRIVATE_KEY"),
        (
            {"PROVISIONING_APP_ID": "7", "PROVISIONING_APP_PRIVATE_KEY": "x"},
            "auto",
            "GITHUB_REPOSITORY",
        ),
    ],
)
def test_missing_settings_name_what_to_set(
    environ: dict[str, str], auth: str, variable: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        client_from_env(environ, auth=auth)  # type: ignore[arg-type]
    assert variable in str(caught.value)


def test_job_token_client_talks_to_github_api_url(fake_github: FakeGitHub) -> None:
    gh = client_from_env(
        env(fake_github, GITHUB_TOKEN="test-token"), transport=fake_github.transport
    )
    room_through(gh).upsert_comment(1, "k", "hello")
    call = fake_github.calls("POST", "/comments")[0]
    assert call.path == "/repos/octo-org/room/issues/1/comments"  # under /api/v3
    assert call.headers["authorization"] == "token test-token"
    assert call.headers["user-agent"] == f"glow/{__version__}"


def test_pat_is_preferred_to_the_job_token(fake_github: FakeGitHub) -> None:
    fake_github.tokens["github_pat_x"] = "facilitator"
    environ = env(fake_github, GITHUB_TOKEN="test-token", GLOW_PAT="github_pat_x")
    gh = client_from_env(environ, transport=fake_github.transport)
    room_through(gh).upsert_comment(1, "k", "hello")
    assert fake_github.comments(ROOM, 1)[0]["user"]["login"] == "facilitator"
    gh = client_from_env(environ, auth="token", transport=fake_github.transport)
    room_through(gh).upsert_comment(1, "other", "hello")
    assert fake_github.comments(ROOM, 1)[1]["user"]["login"] == "github-actions[bot]"


def test_app_installation_is_found_case_insensitively_and_acts_as_the_app(
    fake_github: FakeGitHub, rsa_pem: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    accounts = [f"someone-{n}" for n in range(120)] + ["Octo-Org"]  # second page
    fake_github.add_app("4242", rsa_pem[1], accounts)
    environ = env(
        fake_github,
        GITHUB_TOKEN="test-token",
        PROVISIONING_APP_ID="4242",
        PROVISIONING_APP_PRIVATE_KEY=rsa_pem[0].strip().replace("\n", "\\n"),
    )
    gh = client_from_env(environ, transport=fake_github.transport)
    room = room_through(gh)
    room.upsert_comment(1, "k", "hello")
    room.upsert_comment(1, "k", "hello again")
    assert [c["user"]["login"] for c in fake_github.comments(ROOM, 1)] == ["glow-app[bot]"]
    assert len(fake_github.calls("GET", "/app/installations")) == 2
    assert len(fake_github.calls("POST", "/access_tokens")) == 1  # minted once, on demand
    assert (
        fake_github.calls("POST", "/access_tokens")[0].path
        == "/app/installations/620/access_tokens"
    )
    claims = fake_github.jwts_seen[0]
    assert claims["iss"] == "4242" and claims["exp"] - claims["iat"] <= 600
    minted = [t for t in fake_github.tokens if t.startswith("ghs_")]
    assert minted and all(token not in caplog.text for token in minted)


def test_app_not_installed_says_where_to_install(
    fake_github: FakeGitHub, rsa_pem: tuple[str, str]
) -> None:
    fake_github.add_app("4242", rsa_pem[1], ["someone-else"])
    with pytest.raises(ConfigError, match="not installed on 'octo-org'") as caught:
        octo_org_client(fake_github, rsa_pem[0])
    assert "PROVISIONING_APP_ID" in str(caught.value)


def octo_org_client(fake_github: FakeGitHub, private_pem: str, **options: Any) -> Any:
    """App 4242's installation on octo-org, through the fake GitHub."""
    return installation_client(
        "4242",
        private_pem,
        "octo-org",
        fake_github.base_url,
        transport=fake_github.transport,
        **options,
    )


def test_a_known_installation_is_not_looked_up_and_its_login_is_asked_only_when_needed(
    fake_github: FakeGitHub, rsa_pem: tuple[str, str]
) -> None:
    fake_github.add_app("4242", rsa_pem[1], ["someone-else", "octo-org"])  # ids 500, 501
    gh = octo_org_client(fake_github, rsa_pem[0], installation_id=501)
    room = room_through(gh)
    room.set_labels_diff(1, add=["enrolled"], current=[])  # a write that needs no identity
    assert fake_github.calls("GET", "/app") == []
    assert fake_github.calls("POST", "/access_tokens")[0].path == (
        "/app/installations/501/access_tokens"
    )
    room.upsert_comment(1, "k", "hello")
    room.upsert_comment(1, "k", "hello")
    assert [c["user"]["login"] for c in fake_github.comments(ROOM, 1)] == ["glow-app[bot]"]
    assert [c.path for c in fake_github.calls("GET", "/app")] == ["/app"]  # asked once


def test_a_wrong_installation_id_is_a_setting_problem_never_an_absent_file(
    fake_github: FakeGitHub, rsa_pem: tuple[str, str]
) -> None:
    fake_github.add_app("4242", rsa_pem[1], ["octo-org"])
    gh = octo_org_client(fake_github, rsa_pem[0], installation_id=999)
    with pytest.raises(ConfigError, match="PROVISIONING_APP_INSTALLATION_ID"):
        room_through(gh).read_file("cohorts.json")


@pytest.mark.parametrize("value", ["abc", "0", "-3", "12 34", "١٢"])
def test_a_malformed_installation_id_names_the_variable(value: str) -> None:
    from glow.cohort.settings import installation_id

    with pytest.raises(ConfigError, match="PROVISIONING_APP_INSTALLATION_ID"):
        installation_id({"PROVISIONING_APP_INSTALLATION_ID": value})
    assert installation_id({"PROVISIONING_APP_INSTALLATION_ID": " 77 "}) == 77
    assert installation_id({"PROVISIONING_APP_INSTALLATION_ID": ""}) is None


def test_wrong_app_id_is_a_config_error(fake_github: FakeGitHub, rsa_pem: tuple[str, str]) -> None:
    fake_github.add_app("4242", rsa_pem[1], ["octo-org"])
    with pytest.raises(ConfigError, match="PROVISIONING_APP_ID"):
        installation_client(
            "999", rsa_pem[0], "octo-org", fake_github.base_url, transport=fake_github.transport
        )


def test_importing_the_package_does_not_import_githubkit() -> None:
    code = (
        "import sys, glow.github as g\n"
        "assert 'githubkit' not in sys.modules and 'pydantic' not in sys.modules\n"
        "g.Repo\n"
        "assert 'githubkit' not in sys.modules\n"
        "g.client_from_env, g.Repo.upsert_comment\n"
        "print(sorted(m for m in ('langgraph', 'openai', 'docker') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"  # a bot never imports LangGraph, OpenAI or docker


def test_every_exported_name_resolves() -> None:
    for name in glow.github.__all__:
        assert getattr(glow.github, name) is not None
    with pytest.raises(AttributeError):
        glow.github.no_such_name  # noqa: B018
