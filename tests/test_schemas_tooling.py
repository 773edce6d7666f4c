"""The schema validators used by the local-GitHub tests can both pass and fail.

Everything here validates against the pinned upstream files (see ``.ci/fetch-schemas.sh``).
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import time
from types import SimpleNamespace

import pytest

from tests import schemas
from tests.schemas import (
    FETCH_SCRIPT,
    OpenAPIValidator,
    WebhookValidator,
    minimal_instance,
    pinned_versions,
)

# The session fixtures, usable here even before tests/conftest.py imports them.
openapi_validator = schemas.openapi_validator
webhook_validator = schemas.webhook_validator

pytestmark = pytest.mark.schemas

REPO = "/repos/{owner}/{repo}"
ISSUE = "/repos/{owner}/{repo}/issues/{issue_number}"


def _fails(func, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        func(*args, **kwargs)
    return str(info.value)


# ----------------------------------------------------------------- fetch + loading


def test_pins_are_exact_versions():
    versions = pinned_versions()
    assert set(versions) == {"@octokit/openapi", "@octokit/webhooks-schemas"}
    for version in versions.values():
        assert version.count(".") == 2
        assert all(part.isdigit() for part in version.split("."))


def test_fetch_script_is_idempotent_and_quiet(openapi_validator):
    env = {**os.environ, "GLOW_SCHEMA_CACHE": str(schemas.schema_dir())}
    start = time.perf_counter()
    proc = subprocess.run(
        ["bash", str(FETCH_SCRIPT)], capture_output=True, text=True, env=env, check=False
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert time.perf_counter() - start < 5


def test_fetch_script_fails_with_one_clear_line(tmp_path):
    bash = shutil.which("bash")
    assert bash
    env = {"PATH": str(tmp_path / "nothing-here"), "GLOW_SCHEMA_CACHE": str(tmp_path / "c")}
    proc = subprocess.run([bash, str(FETCH_SCRIPT)], capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("fetch-schemas: npm not found")


@pytest.mark.parametrize("allow_skip", ["1", None])
def test_schema_dir_fails_unless_skipping_is_allowed(tmp_path, monkeypatch, allow_skip):
    monkeypatch.setenv("GLOW_SCHEMA_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-npm"))
    monkeypatch.setattr(schemas, "_fetch_failure", None)
    if allow_skip:
        monkeypatch.setenv("GLOW_ALLOW_SCHEMA_SKIP", allow_skip)
        with pytest.raises(pytest.skip.Exception, match="npm/node not on PATH"):
            schemas.schema_dir()
    else:
        monkeypatch.delenv("GLOW_ALLOW_SCHEMA_SKIP", raising=False)
        with pytest.raises(pytest.fail.Exception, match="GLOW_ALLOW_SCHEMA_SKIP=1"):
            schemas.schema_dir()


def test_fixtures_are_loaded_once(openapi_validator, webhook_validator):
    assert openapi_validator is schemas.get_openapi_validator()
    assert webhook_validator is schemas.get_webhook_validator()
    assert openapi_validator.version == pinned_versions()["@octokit/openapi"]
    assert openapi_validator.document["openapi"] == "3.0.3"
    # Parsing the ~13 MB description takes ~0.1-0.3 s; guard against regressions.
    assert schemas.load_times["openapi"] < 10


# ------------------------------------------------------------------ REST responses


def test_repository_passes_and_fails(openapi_validator: OpenAPIValidator):
    repo = openapi_validator.minimal_component("full-repository")
    openapi_validator.validate_response("GET", REPO, 200, repo)

    missing = {k: v for k, v in repo.items() if k != "owner"}
    message = _fails(openapi_validator.validate_response, "GET", REPO, 200, missing)
    assert "GET /repos/{owner}/{repo} (repos/get) 200" in message
    assert "#/components/schemas/full-repository" in message
    assert "$: 'owner' is a required property" in message

    wrong = {**repo, "id": "1", "private": "no"}
    message = _fails(openapi_validator.validate_response, "GET", REPO, 200, wrong)
    assert "$.id: '1' is not of type 'integer'" in message
    assert "$.private" in message

    nested = copy.deepcopy(repo)
    del nested["owner"]["login"]
    message = _fails(openapi_validator.validate_response, "GET", REPO, 200, nested)
    assert "$.owner: 'login' is a required property" in message


def test_every_required_repository_key_is_enforced(openapi_validator: OpenAPIValidator):
    repo = openapi_validator.minimal_component("full-repository", prefer_null=False)
    required = openapi_validator.component_schema("full-repository")["required"]
    assert len(required) > 50
    for key in required:
        broken = {k: v for k, v in repo.items() if k != key}
        assert f"'{key}' is a required property" in _fails(
            openapi_validator.validate_response, "GET", REPO, 200, broken
        )


def test_formats_are_checked(openapi_validator: OpenAPIValidator):
    repo = openapi_validator.minimal_component("full-repository")
    bad = {**repo, "created_at": "yesterday", "html_url": "/octo/hello"}
    message = _fails(openapi_validator.validate_response, "GET", REPO, 200, bad)
    assert "$.created_at: 'yesterday' is not a 'date-time'" in message
    assert "$.html_url: '/octo/hello' is not a 'uri'" in message


def test_issue_passes_and_fails(openapi_validator: OpenAPIValidator):
    issue = openapi_validator.minimal_component("issue", prefer_null=False)
    openapi_validator.validate_response("GET", ISSUE, 200, issue)
    # nullable enum and nullable $ref are accepted as null
    openapi_validator.validate_response("GET", ISSUE, 200, {**issue, "state_reason": None})
    openapi_validator.validate_response("GET", ISSUE, 200, {**issue, "user": None})
    openapi_validator.validate_response("GET", ISSUE, 200, {**issue, "labels": ["bug"]})

    message = _fails(openapi_validator.validate_response, "GET", ISSUE, 200, {**issue, "user": {}})
    assert "(issues/get) 200" in message
    assert "$.user: 'avatar_url' is a required property" in message
    assert "... and 13 more" in message  # 18 required keys, the first 5 are listed
    no_number = {k: v for k, v in issue.items() if k != "number"}
    assert "'number' is a required property" in _fails(
        openapi_validator.validate_response, "GET", ISSUE, 200, no_number
    )
    assert "$.state_reason" in _fails(
        openapi_validator.validate_response, "GET", ISSUE, 200, {**issue, "state_reason": "x"}
    )


def test_validation_error_body(openapi_validator: OpenAPIValidator):
    path = "/repos/{owner}/{repo}/issues"
    assert 422 in openapi_validator.documented_statuses("POST", path)
    body = {
        "message": "Validation Failed",
        "errors": [{"resource": "Issue", "code": "missing_field", "field": "title"}],
        "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
    }
    openapi_validator.validate_response("POST", path, 422, body)
    message = _fails(
        openapi_validator.validate_response,
        "POST",
        path,
        422,
        {"message": "Validation Failed", "errors": [{"field": "title"}]},
    )
    assert "(issues/create) 422" in message
    assert "$: 'documentation_url' is a required property" in message
    assert "$.errors[0]: 'code' is a required property" in message


def test_empty_bodies(openapi_validator: OpenAPIValidator):
    for body in (None, b"", ""):
        openapi_validator.validate_response("DELETE", REPO, 204, body)
    openapi_validator.validate_response("POST", REPO + "/dispatches", 204, b"")
    message = _fails(openapi_validator.validate_response, "DELETE", REPO, 204, {"ok": True})
    assert "documented without a body" in message
    message = _fails(openapi_validator.validate_response, "POST", REPO + "/issues", 201, b"")
    assert "(issues/create) 201" in message
    not_found = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
    openapi_validator.validate_response("DELETE", REPO, 404, not_found)


def test_unknown_operations_and_statuses(openapi_validator: OpenAPIValidator):
    message = _fails(openapi_validator.validate_response, "GET", "/definitely/not/github", 200, {})
    assert "is not an operation" in message
    message = _fails(openapi_validator.operation, "PUT", "/user")
    assert "documented methods" in message
    message = _fails(openapi_validator.validate_response, "GET", REPO, 418, {})
    assert "status 418 is not documented" in message
    assert "[200, 301, 403, 404]" in message
    message = _fails(openapi_validator.validate_response, "GET", REPO, 200, {}, "text/html")
    assert "content type 'text/html' is not documented" in message


def test_operation_lookup(openapi_validator: OpenAPIValidator):
    assert openapi_validator.operation("get", REPO)["operationId"] == "repos/get"
    assert openapi_validator.documented_statuses("DELETE", REPO) == [204, 307, 403, 404, 409]
    dispatches = "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches"
    assert openapi_validator.documented_statuses("POST", dispatches) == [200, 204]


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/api/v3/repos/octo/hello", REPO),
        ("GET", "/repos/octo/hello/issues/comments", "/repos/{owner}/{repo}/issues/comments"),
        ("GET", "/repos/octo/hello/issues/7", ISSUE),
        ("PUT", "/repos/o/r/contents/docs/a b/x.md", "/repos/{owner}/{repo}/contents/{path}"),
        ("GET", "/repos/o/r/contents/", "/repos/{owner}/{repo}/contents/{path}"),
        ("GET", "/repos/o/r/git/ref/heads/feature/x", "/repos/{owner}/{repo}/git/ref/{ref}"),
        ("GET", "/repos/o/r/branches/feature/x", "/repos/{owner}/{repo}/branches/{branch}"),
        ("GET", "/user?per_page=1", "/user"),
        ("GET", "/nope", None),
    ],
)
def test_match_path(openapi_validator: OpenAPIValidator, method, path, template):
    assert openapi_validator.match_path(method, path) == template


def test_http_response_object(openapi_validator: OpenAPIValidator):
    import json

    repo = openapi_validator.minimal_component("full-repository")
    response = SimpleNamespace(
        request=SimpleNamespace(method="GET", url="http://127.0.0.1:8080/api/v3/repos/o/r"),
        status_code=200,
        content=json.dumps(repo).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    openapi_validator.validate_http_response(response)
    response.content = b"{}"
    assert "(repos/get) 200" in _fails(openapi_validator.validate_http_response, response)


def test_user_discriminator(openapi_validator: OpenAPIValidator):
    # GET /user and /users/{username} use a discriminator: user_view_type is mandatory.
    public = openapi_validator.minimal_component("public-user")
    message = _fails(openapi_validator.validate_response, "GET", "/users/{username}", 200, public)
    assert "$: 'user_view_type' is a required property (the discriminator of" in message
    assert "['private', 'public']" in message
    public["user_view_type"] = "public"
    openapi_validator.validate_response("GET", "/users/{username}", 200, public)
    private = openapi_validator.minimal_component("private-user", user_view_type="private")
    openapi_validator.validate_response("GET", "/user", 200, private)


def test_content_file_and_oneof(openapi_validator: OpenAPIValidator):
    path = "/repos/{owner}/{repo}/contents/{path}"
    file = openapi_validator.minimal_component("content-file")
    openapi_validator.validate_response("GET", path, 200, file)
    # A directory listing is a JSON array: the discriminator maps "array" to it.
    entry = {k: v for k, v in file.items() if k not in ("content", "encoding")}
    openapi_validator.validate_response("GET", path, 200, [{**entry, "type": "dir"}, entry])
    openapi_validator.validate_response("GET", path, 200, [])
    message = _fails(openapi_validator.validate_response, "GET", path, 200, {**file, "type": "x"})
    assert "$: 'x' is not one of ['array', 'file', 'submodule', 'symlink']" in message
    message = _fails(openapi_validator.validate_response, "GET", path, 200, [{"type": "dir"}])
    assert "is not valid under any of the given schemas" in message
    assert "closest alternative: $[0]: '_links' is a required property" in message
    no_content = {k: v for k, v in file.items() if k != "content"}
    message = _fails(openapi_validator.validate_response, "GET", path, 200, no_content)
    assert "$: 'content' is a required property" in message


def test_nullable_next_to_anyof(openapi_validator: OpenAPIValidator):
    installation = openapi_validator.minimal_component("installation", prefer_null=False)
    openapi_validator.validate_component("installation", {**installation, "account": None})
    assert "$.account" in _fails(
        openapi_validator.validate_component, "installation", {**installation, "account": 1}
    )


@pytest.mark.parametrize(
    "name",
    [
        "simple-user",
        "public-user",
        "private-user",
        "repository",
        "full-repository",
        "minimal-repository",
        "issue",
        "issue-comment",
        "label",
        "pull-request",
        "pull-request-simple",
        "content-file",
        "file-commit",
        "git-ref",
        "git-commit",
        "git-tree",
        "commit",
        "short-branch",
        "branch-with-protection",
        "workflow-run",
        "integration",
        "installation",
        "installation-token",
        "repository-invitation",
        "collaborator",
        "organization-full",
        "rate-limit-overview",
    ],
)
@pytest.mark.parametrize("prefer_null", [True, False])
def test_minimal_components_are_valid(openapi_validator: OpenAPIValidator, name, prefer_null):
    value = openapi_validator.minimal_component(name, prefer_null=prefer_null)
    assert isinstance(value, dict)
    openapi_validator.validate_component(name, value)
    required = openapi_validator.component_schema(name).get("required", [])
    assert set(required) <= set(value)


# -------------------------------------------------------------------------- events


def test_issues_opened_webhook(webhook_validator: WebhookValidator):
    payload = webhook_validator.minimal_payload("issues", "opened")
    assert webhook_validator.validate("issues", payload) == "issues$opened"

    message = _fails(
        webhook_validator.validate, "issues", {k: v for k, v in payload.items() if k != "issue"}
    )
    assert "webhook issues.opened payload does not match definition 'issues$opened'" in message
    assert "$: 'issue' is a required property" in message

    closed = copy.deepcopy(payload)
    closed["issue"]["state"] = "closed"
    assert "$.issue.state: 'closed' is not one of ['open']" in _fails(
        webhook_validator.validate, "issues", closed
    )
    extra = {**payload, "glow_internal": 1}
    assert "Additional properties are not allowed" in _fails(
        webhook_validator.validate, "issues", extra
    )


def test_unknown_events_and_actions(webhook_validator: WebhookValidator):
    assert "not a documented action" in _fails(
        webhook_validator.validate, "issues", {"action": "exploded"}
    )
    assert "has no 'action'" in _fails(webhook_validator.validate, "issues", {})
    assert "did you mean issues" in _fails(webhook_validator.validate, "issuez", {})


@pytest.mark.parametrize(
    ("event", "action", "definition"),
    [
        ("issues", "opened", "issues$opened"),
        ("issues", "edited", "issues$edited"),
        ("issues", "closed", "issues$closed"),
        ("issues", "reopened", "issues$reopened"),
        ("issues", "labeled", "issues$labeled"),
        ("issue_comment", "created", "issue_comment$created"),
        ("issue_comment", "edited", "issue_comment$edited"),
        ("pull_request", "opened", "pull_request$opened"),
        ("pull_request", "synchronize", "pull_request$synchronize"),
        ("pull_request", "closed", "pull_request$closed"),
        ("push", None, "push$event"),
        ("create", None, "create$event"),
        ("workflow_dispatch", None, "workflow_dispatch$event"),
        ("repository_dispatch", "glow-sync", "repository_dispatch$event"),
        ("schedule", None, "schedule"),
    ],
)
@pytest.mark.parametrize("prefer_null", [True, False])
def test_minimal_payloads_are_valid(webhook_validator, event, action, definition, prefer_null):
    payload = webhook_validator.minimal_payload(event, action, prefer_null=prefer_null)
    if action is not None:
        payload["action"] = action
    assert webhook_validator.validate(event, payload) == definition


def test_schedule_uses_local_schema(webhook_validator: WebhookValidator):
    assert not any(k.startswith("schedule") for k in webhook_validator.definitions)
    repo = webhook_validator.minimal_definition("repository")
    webhook_validator.validate("schedule", {"schedule": "0 6 * * 1", "repository": repo})
    assert "$.schedule" in _fails(webhook_validator.validate, "schedule", {"schedule": "daily"})
    assert "'schedule' is a required property" in _fails(
        webhook_validator.validate, "schedule", {"workflow": ".github/workflows/x.yml"}
    )


def test_webhook_definitions_reject_rest_only_fields(
    openapi_validator: OpenAPIValidator, webhook_validator: WebhookValidator
):
    # Webhook objects are closed (additionalProperties: false): REST-only keys fail.
    user = openapi_validator.minimal_component("simple-user", prefer_null=False)
    webhook_validator.validate_definition("user", {**user, "gravatar_id": ""})
    assert "user_view_type" in _fails(
        webhook_validator.validate_definition,
        "user",
        {**user, "gravatar_id": "", "user_view_type": "public"},
    )


# ------------------------------------------------------------------------ synthesis


def test_minimal_instance_on_plain_schemas():
    oas = {
        "type": "object",
        "required": ["id", "when", "tag", "maybe"],
        "properties": {
            "id": {"type": "integer", "example": 42},
            "when": {"type": "string", "format": "date-time"},
            "tag": {"type": "string", "enum": ["a", "b"]},
            "maybe": {"type": "string", "nullable": True},
            "optional": {"type": "string"},
        },
    }
    assert minimal_instance(oas) == {
        "id": 42,
        "when": "2011-01-26T19:01:12Z",
        "tag": "a",
        "maybe": None,
    }
    draft7 = {
        "type": "object",
        "required": ["x", "y"],
        "properties": {
            "x": {"type": ["string", "null"]},
            "y": {"oneOf": [{"type": "integer", "minimum": 3}, {"type": "null"}]},
        },
    }
    assert minimal_instance(draft7, dialect="draft7") == {"x": None, "y": 3}
    assert minimal_instance(draft7, dialect="draft7", prefer_null=False)["x"] == "string"
