"""The local GitHub's issues and repositories carry the keys GitHub's own answers carry.

The contract test (``test_localhub_contract.py``) validates every answer against GitHub's
OpenAPI description, which checks required keys and types; clients also read keys the
description marks optional but GitHub always sends (PyGithub's ``Repository.allow_squash_merge``,
``Issue.timeline_url``). So here each answer is compared with the example GitHub documents for
the operation, key by key, and every key the schema lists is present with a valid value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from glow.localhub.hub import LocalHub
from tests.schemas import openapi_path

# Keys of GitHub's examples that belong to features the local GitHub does not have.
ABSENT_BY_DESIGN = {
    "parent": "forks only: the local GitHub has no forks",
    "source": "forks only: the local GitHub has no forks",
    "pull_request": "pull requests only (present on a pull request's issue)",
}


@lru_cache(maxsize=1)
def description() -> dict[str, Any]:
    return json.loads(Path(openapi_path()).read_text(encoding="utf-8"))


def example(path: str, method: str = "get") -> dict[str, Any]:
    """The first documented 200 example of an operation, references resolved."""
    doc = description()
    media = doc["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    value: Any = next(iter(media["examples"].values()))
    while "$ref" in value:
        value = doc["components"]["examples"][value["$ref"].rsplit("/", 1)[-1]]
    value = value["value"]
    while isinstance(value, dict) and "$ref" in value:
        value = doc["components"]["examples"][value["$ref"].rsplit("/", 1)[-1]]["value"]
    return value[0] if isinstance(value, list) else value


def schema_keys(name: str) -> tuple[set[str], set[str]]:
    schema = description()["components"]["schemas"][name]
    return set(schema["properties"]), set(schema.get("required", []))


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    hub = LocalHub(Path(tmp_path_factory.mktemp("keys")), runner=False).start()
    try:
        ctl = httpx.Client(base_url=hub.url)
        ctl.post("/_localhub/users", json={"login": "ada"}).raise_for_status()
        ctl.post("/_localhub/orgs", json={"login": "guild", "admins": ["ada"]}).raise_for_status()
        token = ctl.post("/_localhub/tokens", json={"login": "ada"}).json()["token"]
        api = httpx.Client(base_url=hub.api_url, headers={"authorization": f"token {token}"})
        made = api.post("/orgs/guild/repos", json={"name": "hall", "auto_init": True})
        made.raise_for_status()
        api.post("/repos/guild/hall/issues", json={"title": "Hi"}).raise_for_status()
        yield {
            "repo": api.get("/repos/guild/hall").json(),
            "listed": api.get("/user/repos").json()[0],
            "issue": api.get("/repos/guild/hall/issues/1").json(),
        }
    finally:
        hub.stop()


@pytest.mark.parametrize("which", ["repo", "listed"])
def test_a_repository_has_every_key_githubs_example_has(
    answers: dict[str, Any], which: str
) -> None:
    documented = set(example("/repos/{owner}/{repo}")) - set(ABSENT_BY_DESIGN)
    assert sorted(documented - set(answers[which])) == []
    _, required = schema_keys("full-repository")
    assert required <= set(answers[which])
    # the organisation that owns it, as GitHub adds for an organisation's repository
    assert answers[which]["organization"]["login"] == "guild"


def test_an_issue_has_every_key_githubs_example_and_schema_have(answers: dict[str, Any]) -> None:
    issue = answers["issue"]
    documented = set(example("/repos/{owner}/{repo}/issues/{issue_number}"))
    assert sorted(documented - set(ABSENT_BY_DESIGN) - set(issue)) == []
    properties, required = schema_keys("issue")
    # Keys only present on request (body_html, body_text: media types), for issues listed
    # across repositories (repository), or for features the local GitHub lacks.
    optional_elsewhere = {
        "body_html",
        "body_text",
        "repository",
        "pull_request",
        "draft",
        "issue_field_values",
        "parent_issue_url",
    }
    assert sorted(properties - optional_elsewhere - set(issue)) == []
    assert required <= set(issue)
    assert issue["sub_issues_summary"] == {"total": 0, "completed": 0, "percent_completed": 0}
    assert issue["timeline_url"].endswith("/repos/guild/hall/issues/1/timeline")


def test_every_answer_is_valid_for_its_operation(
    answers: dict[str, Any], openapi_validator: Any
) -> None:
    openapi_validator.validate_response("GET", "/repos/{owner}/{repo}", 200, answers["repo"])
    openapi_validator.validate_response("GET", "/user/repos", 200, [answers["listed"]])
    openapi_validator.validate_response(
        "GET", "/repos/{owner}/{repo}/issues/{issue_number}", 200, answers["issue"]
    )
