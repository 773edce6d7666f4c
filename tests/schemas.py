"""Validate local-GitHub responses and events against GitHub's published schemas.

Two npm packages are the source of truth (pinned in ``.ci/fetch-schemas.sh``):

* ``@octokit/openapi`` -> ``generated/api.github.com.json``: GitHub's REST API
  description, OpenAPI 3.0.3 (``nullable``, ``example``, ``readOnly`` ...).
* ``@octokit/webhooks-schemas`` -> ``schema.json``: JSON Schema draft-07, one
  definition per event and action, keyed ``<event>$<action>`` (``issues$opened``)
  or ``<event>$event`` for events without actions (``push$event``).

The files live in ``${GLOW_SCHEMA_CACHE:-~/.cache/glow-schemas}``, never in the
repository. :func:`schema_dir` runs the fetch script when they are missing. If
that is impossible (no npm, no registry), the tests fail, unless
``GLOW_ALLOW_SCHEMA_SKIP=1`` is set, in which case they are skipped.

Use the session fixtures from ``tests/conftest.py``::

    from tests.schemas import openapi_validator, webhook_validator  # noqa: F401

and then, in a test::

    openapi_validator.validate_response("GET", "/repos/{owner}/{repo}", 200, body)
    openapi_validator.validate_http_response(httpx_response)  # method/path/status/body
    webhook_validator.validate("issues", payload)              # picks issues$<action>

Every failure is an ``AssertionError`` naming the operation (or event), the status
and the first schema errors with their JSON paths.
"""

from __future__ import annotations

import copy
import datetime as _dt
import difflib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

import pytest
import referencing
from jsonschema import Draft7Validator, FormatChecker
from jsonschema import _keywords as _jsonschema_keywords
from jsonschema.exceptions import ValidationError, best_match, relevance
from jsonschema.validators import extend
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

__all__ = [
    "FETCH_SCRIPT",
    "SCHEDULE_EVENT_SCHEMA",
    "OpenAPIValidator",
    "WebhookValidator",
    "get_openapi_validator",
    "get_webhook_validator",
    "load_times",
    "minimal_instance",
    "openapi_path",
    "openapi_validator",
    "pinned_versions",
    "schema_dir",
    "webhook_validator",
    "webhooks_schema_path",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
FETCH_SCRIPT = REPO_ROOT / ".ci" / "fetch-schemas.sh"
ALLOW_SKIP_ENV = "GLOW_ALLOW_SCHEMA_SKIP"
CACHE_ENV = "GLOW_SCHEMA_CACHE"

#: Seconds spent reading + parsing each schema file (filled on first load).
load_times: dict[str, float] = {}

_MAX_ERRORS = int(os.environ.get("GLOW_SCHEMA_MAX_ERRORS", "5"))
_MAX_MESSAGE = 300


# --------------------------------------------------------------------------- files


@lru_cache(maxsize=1)
def pinned_versions() -> dict[str, str]:
    """Versions pinned in ``.ci/fetch-schemas.sh`` (the single source of truth)."""
    text = FETCH_SCRIPT.read_text(encoding="utf-8")
    found = dict(re.findall(r'^(OCTOKIT_[A-Z_]+_VERSION)="([^"]+)"', text, re.MULTILINE))
    try:
        return {
            "@octokit/openapi": found["OCTOKIT_OPENAPI_VERSION"],
            "@octokit/webhooks-schemas": found["OCTOKIT_WEBHOOKS_SCHEMAS_VERSION"],
        }
    except KeyError as exc:  # pragma: no cover - only if the script is edited badly
        raise RuntimeError(f"{FETCH_SCRIPT}: missing pin {exc}") from None


def _cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "glow-schemas"


def _expected_files(root: Path) -> tuple[Path, Path]:
    versions = pinned_versions()
    return (
        root / f"openapi-{versions['@octokit/openapi']}" / "api.github.com.json",
        root / f"webhooks-schemas-{versions['@octokit/webhooks-schemas']}" / "schema.json",
    )


_fetch_failure: str | None = None


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(ALLOW_SKIP_ENV) == "1":
        pytest.skip(f"GitHub schemas unavailable: {reason}")
    pytest.fail(
        f"GitHub schemas unavailable: {reason}. CI must validate against them; "
        f"set {ALLOW_SKIP_ENV}=1 to skip these tests locally instead.",
        pytrace=False,
    )


def schema_dir() -> Path:
    """The schema cache folder, with the pinned files present (fetched on demand)."""
    global _fetch_failure
    root = _cache_root()
    if all(p.is_file() and p.stat().st_size > 0 for p in _expected_files(root)):
        return root
    if _fetch_failure is None:
        if shutil.which("npm") is None or shutil.which("node") is None:
            _fetch_failure = (
                f"npm/node not on PATH, cannot run {FETCH_SCRIPT.relative_to(REPO_ROOT)}"
            )
        elif shutil.which("bash") is None:
            _fetch_failure = "bash not on PATH, cannot run the fetch script"
        else:
            try:
                proc = subprocess.run(
                    ["bash", str(FETCH_SCRIPT)],
                    capture_output=True,
                    text=True,
                    timeout=900,
                    check=False,
                    env={**os.environ, CACHE_ENV: str(root)},
                )
            except subprocess.TimeoutExpired:
                _fetch_failure = f"{FETCH_SCRIPT.name} timed out"
            else:
                if proc.returncode != 0:
                    lines = (proc.stderr or proc.stdout).strip().splitlines() or ["(no output)"]
                    _fetch_failure = lines[-1]
    if all(p.is_file() for p in _expected_files(root)):
        return root
    _unavailable(_fetch_failure or f"schema files missing under {root}")


def openapi_path() -> Path:
    """``api.github.com.json`` for the pinned ``@octokit/openapi``."""
    return _expected_files(schema_dir())[0]


def webhooks_schema_path() -> Path:
    """``schema.json`` for the pinned ``@octokit/webhooks-schemas``."""
    return _expected_files(schema_dir())[1]


def _load_json(path: Path, label: str) -> Any:
    start = time.perf_counter()
    raw = path.read_bytes()
    try:  # orjson is ~3x faster on the 13 MB OpenAPI file, but optional.
        import orjson

        data = orjson.loads(raw)
    except ImportError:
        data = json.loads(raw)
    load_times[label] = time.perf_counter() - start
    return data


# ------------------------------------------------------------------------- formats


_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        _dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    """An absolute URI: scheme, no blanks; http(s) URIs need a host."""
    if not isinstance(value, str):
        return True
    if not value or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    if not parts.scheme or not _SCHEME.match(parts.scheme):
        return False
    return parts.scheme.lower() not in ("http", "https") or bool(parts.netloc)


def _is_uri_template(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if value.count("{") != value.count("}"):
        return False
    return _is_uri(re.sub(r"\{[^{}]*\}", "x", value))


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def _format_checker(base: FormatChecker | None = None) -> FormatChecker:
    checker = FormatChecker(formats=())
    if base is not None:
        checker.checkers.update(base.checkers)
    for name, func in (
        ("date-time", _is_date_time),
        ("date", _is_date),
        ("uri", _is_uri),
        ("uri-template", _is_uri_template),
        ("email", _is_email),
    ):
        checker.checks(name)(func)
    return checker


#: Formats checked in REST responses: OAS 3.0 numeric/byte formats + the above.
OPENAPI_FORMAT_CHECKER = _format_checker(oas30_format_checker)
#: Formats checked in webhook payloads.
WEBHOOK_FORMAT_CHECKER = _format_checker()


# ---------------------------------------------------------------- OAS 3.0 validator


def _nullable_guard(keyword: Callable[..., Any]) -> Callable[..., Any]:
    """OAS 3.0.3: ``nullable: true`` admits ``null`` whatever the sibling keywords.

    openapi-schema-validator only honours ``nullable`` next to ``type``. GitHub's
    description also uses it next to ``anyOf``/``oneOf``/``allOf`` (e.g.
    ``installation.account``, ``commit.author``) and ``enum`` (``issue.state_reason``).
    """

    def guarded(validator: Any, value: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
        if instance is None and schema.get("nullable") is True:
            return
        yield from keyword(validator, value, instance, schema) or ()

    return guarded


def _discriminated(plain: Callable[..., Any]) -> Callable[..., Any]:
    """``oneOf``/``anyOf``/``allOf`` honouring an OAS ``discriminator`` the way GitHub uses it.

    GitHub discriminates ``GET /user`` and ``/users/{username}`` on ``user_view_type``
    (``public``/``private``) and ``GET .../contents/{path}`` on ``type``, mapping
    ``array`` to ``content-directory`` (a JSON array, which has no ``type`` key).
    openapi-schema-validator rejects every non-object there, so: objects must carry
    the property with a mapped value and are validated against the mapped schema;
    anything else is validated with the plain keyword.
    """

    def check(validator: Any, subschemas: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
        discriminator = schema.get("discriminator")
        if not isinstance(discriminator, Mapping) or not validator.is_type(instance, "object"):
            yield from plain(validator, subschemas, instance, schema) or ()
            return
        prop = discriminator["propertyName"]
        mapping = dict(discriminator.get("mapping") or {})
        for sub in subschemas:
            ref = sub.get("$ref", "") if isinstance(sub, Mapping) else ""
            mapping.setdefault(ref.rsplit("/", 1)[-1], ref)
        if prop not in instance:
            yield ValidationError(
                f"{prop!r} is a required property (the discriminator of "
                f"{_schema_label(schema)}; one of {sorted(discriminator.get('mapping', mapping))})"
            )
            return
        target = mapping.get(instance[prop]) if isinstance(instance[prop], str) else None
        if not target:
            yield ValidationError(
                f"{instance[prop]!r} is not one of {sorted(discriminator.get('mapping', mapping))}"
                f" (discriminator {prop!r} of {_schema_label(schema)})"
            )
            return
        yield from validator.descend(instance, {"$ref": target})

    return check


_OAS30ResponseValidator = extend(
    OAS30ReadValidator,
    validators={
        **{k: _nullable_guard(v) for k, v in OAS30ReadValidator.VALIDATORS.items()},
        "oneOf": _nullable_guard(_discriminated(_jsonschema_keywords.oneOf)),
        "anyOf": _nullable_guard(_discriminated(_jsonschema_keywords.anyOf)),
        "allOf": _nullable_guard(_discriminated(_jsonschema_keywords.allOf)),
    },
    format_checker=OPENAPI_FORMAT_CHECKER,
)


def _pointer_get(document: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref are supported, got {ref!r}")
    node = document
    for raw in unquote(ref[1:]).split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _short(text: str) -> str:
    """Trim long messages in the middle: jsonschema puts the instance repr first and
    the reason last (``{...} does not contain discriminating property 'x'``)."""
    if len(text) <= _MAX_MESSAGE:
        return text
    head = _MAX_MESSAGE // 3
    return f"{text[:head]} ... {text[-(_MAX_MESSAGE - head - 5) :]}"


def _closest_alternative(error: ValidationError) -> ValidationError:
    """For a failed ``oneOf``/``anyOf``: the most telling error of the alternative that
    got furthest (deepest errors first, then fewest errors), recursively."""
    groups: dict[Any, list[ValidationError]] = {}
    for sub in error.context or ():
        key = sub.relative_schema_path[0] if sub.relative_schema_path else None
        groups.setdefault(key, []).append(sub)
    if not groups:
        return error
    best = max(
        groups.values(),
        key=lambda errs: (max(len(e.relative_path) for e in errs), -len(errs)),
    )
    chosen = best_match(best)
    return _closest_alternative(chosen) if chosen.context else chosen


def _describe_errors(errors: list[ValidationError]) -> str:
    ranked = sorted(errors, key=relevance, reverse=True)
    lines = []
    for error in ranked[:_MAX_ERRORS]:
        line = f"  - {error.json_path}: {_short(error.message)}"
        if error.context:
            deepest = _closest_alternative(error)
            line += f"\n      closest alternative: {deepest.json_path}: {_short(deepest.message)}"
        lines.append(line)
    more = len(errors) - _MAX_ERRORS
    if more > 0:
        lines.append(f"  ... and {more} more")
    return "\n".join(lines)


def _schema_label(schema: Any) -> str:
    """``#/components/schemas/issue``, ``array of label``, ``oneOf(private-user, public-user)``."""
    if not isinstance(schema, Mapping):
        return repr(schema)
    if isinstance(schema.get("$ref"), str):
        return schema["$ref"]
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            inner = ", ".join(_type_label(s) for s in schema[key])
            return f"{key}({inner})"
    if schema.get("type") == "array":
        return f"array of {_type_label(schema.get('items', {}))}"
    if "title" in schema:
        return f"inline schema {schema['title']!r}"
    return "inline schema"


def _type_label(schema: Any) -> str:
    """Compact type of a schema: ``int``, ``str<uri>?`` (``?`` = nullable), ``simple-user``."""
    if not isinstance(schema, Mapping):
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            inner = " | " if key != "allOf" else " & "
            label = inner.join(_type_label(s) for s in schema[key])
            return f"({label})" + ("?" if schema.get("nullable") else "")
    declared = schema.get("type")
    if isinstance(declared, list):
        nullable = "null" in declared
        declared = "|".join(t for t in declared if t != "null") or "null"
    else:
        nullable = bool(schema.get("nullable"))
    names = {"string": "str", "integer": "int", "boolean": "bool", "number": "num"}
    label = names.get(declared, declared or "any")
    if declared == "array":
        label = f"[{_type_label(schema.get('items', {}))}]"
    elif declared == "object" and "properties" not in schema:
        label = "object"
    elif declared == "object":
        label = "{...}"
    if schema.get("format") and schema["format"] not in ("int32", "int64"):
        label += f"<{schema['format']}>"
    if "enum" in schema:
        label += "{" + "|".join(json.dumps(v) for v in schema["enum"]) + "}"
    if "const" in schema:
        label += f"={json.dumps(schema['const'])}"
    return label + ("?" if nullable else "")


def _normalise_status(status: int | str) -> str:
    return str(int(status)) if str(status).isdigit() else str(status)


def _normalise_media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _decode_body(body: Any) -> tuple[Any, bool]:
    """Return (decoded, empty)."""
    if body is None:
        return None, True
    if isinstance(body, bytes | bytearray | memoryview):
        body = bytes(body).decode("utf-8")
    if isinstance(body, str):
        if not body.strip():
            return None, True
        return json.loads(body), False
    return body, False


#: Trailing path parameters that may span several segments (``contents/{path}``,
#: ``git/ref/{ref}`` with ``heads/feature/x``, branch names with slashes ...).
_SLASHED_PARAMS = frozenset({"{path}", "{ref}", "{branch}", "{basehead}", "{tag}", "{name}"})

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OpenAPIValidator:
    """GitHub's REST description (``api.github.com.json``) as a response validator."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.version: str = document.get("info", {}).get("version", "?")
        self._root = _OAS30ResponseValidator(
            document, registry=referencing.Registry(), format_checker=OPENAPI_FORMAT_CHECKER
        )
        self._matchers: list[tuple[re.Pattern[str], re.Pattern[str] | None, Any, str]] = []

    @classmethod
    def load(cls, path: Path | None = None) -> OpenAPIValidator:
        return cls(_load_json(path or openapi_path(), "openapi"))

    # -- lookup ------------------------------------------------------------------

    def _template(self, path: str, method: str | None = None) -> str:
        path = urlsplit(path).path or path
        if path.startswith("/api/v3/"):
            path = path[len("/api/v3") :]
        if path in self.document["paths"]:
            return path
        return self.match_path(method, path) or self.match_path(None, path) or path

    def match_path(self, method: str | None, path: str) -> str | None:
        """The path template matching a concrete path (``/repos/o/r`` -> ``/repos/{owner}/{repo}``).

        Literal segments win over parameters; a trailing parameter (``{path}``, ``{ref}``)
        may span several segments when nothing else matches. ``None`` if unknown.
        """
        if not self._matchers:
            for template in self.document["paths"]:
                segments = template.strip("/").split("/")
                strict = re.compile(
                    "^/"
                    + "/".join(
                        "[^/]+" if re.fullmatch(r"\{[^}]+\}", s) else re.escape(s) for s in segments
                    )
                    + "$"
                )
                greedy = None
                if segments[-1] in _SLASHED_PARAMS:
                    greedy = re.compile(
                        strict.pattern[: -len("[^/]+$")]
                        + (".*$" if segments[-1] == "{path}" else ".+$")
                    )
                literal = tuple(0 if s.startswith("{") else 1 for s in segments)
                # strict: a literal beats a parameter at the first difference;
                # greedy: the template with most literal segments wins.
                rank = (tuple(1 - x for x in literal), -sum(literal))
                self._matchers.append((strict, greedy, rank, template))
        path = urlsplit(path).path or path
        if path.startswith("/api/v3/"):
            path = path[len("/api/v3") :]
        stripped = path.rstrip("/") if len(path) > 1 else path
        wanted = method.lower() if method else None
        for use_greedy in (False, True):
            hits = [
                ((rank[1], rank[0]) if use_greedy else rank, template)
                for strict, greedy, rank, template in self._matchers
                if (wanted is None or wanted in self.document["paths"][template])
                and (greedy if use_greedy else strict) is not None
                and (greedy.match(path) if use_greedy else strict.match(stripped))
            ]
            if hits:
                return min(hits)[1]
        return None

    def operation(self, method: str, path_template: str) -> dict[str, Any]:
        """The operation object (``operationId``, ``responses`` ...); AssertionError if unknown."""
        __tracebackhide__ = True
        template = self._template(path_template, method)
        item = self.document["paths"].get(template)
        op = item.get(method.lower()) if item else None
        if op is None:
            hint = ""
            if item:
                methods = sorted(m.upper() for m in item if m in _HTTP_METHODS)
                hint = f"; documented methods: {methods}"
            else:
                close = difflib.get_close_matches(template, self.document["paths"], n=3)
                if close:
                    hint = f"; did you mean {', '.join(close)}?"
            raise AssertionError(
                f"{method.upper()} {path_template} is not an operation in GitHub's "
                f"OpenAPI description (api.github.com {self.version}){hint}"
            )
        return op

    def operation_label(self, method: str, path_template: str) -> str:
        op = self.operation(method, path_template)
        template = self._template(path_template, method)
        return f"{method.upper()} {template} ({op.get('operationId', '?')})"

    def documented_statuses(self, method: str, path_template: str) -> list[int]:
        return sorted(
            int(s) for s in self.operation(method, path_template)["responses"] if s.isdigit()
        )

    def _deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, Mapping) and "$ref" in node:
            node = _pointer_get(self.document, node["$ref"])
            seen += 1
            if seen > 50:  # pragma: no cover
                raise ValueError("$ref loop")
        return node

    def response(self, method: str, path_template: str, status: int | str) -> dict[str, Any]:
        """The response object documented for ``status`` (``$ref`` resolved)."""
        __tracebackhide__ = True
        op = self.operation(method, path_template)
        code = _normalise_status(status)
        if code not in op["responses"]:
            raise AssertionError(
                f"{self.operation_label(method, path_template)}: status {code} is not "
                f"documented; documented: {self.documented_statuses(method, path_template)}"
            )
        return self._deref(op["responses"][code])

    def response_schema(
        self,
        method: str,
        path_template: str,
        status: int | str,
        content_type: str = "application/json",
    ) -> dict[str, Any] | None:
        """The (unresolved) schema for a response, ``None`` when documented without body."""
        __tracebackhide__ = True
        response = self.response(method, path_template, status)
        content = response.get("content") or {}
        if not content:
            return None
        media = _normalise_media_type(content_type)
        if media not in content:
            raise AssertionError(
                f"{self.operation_label(method, path_template)} {_normalise_status(status)}: "
                f"content type {media!r} is not documented; documented: {sorted(content)}"
            )
        return content[media].get("schema") or {}

    def component_schema(self, name: str) -> dict[str, Any]:
        return self.document["components"]["schemas"][name]

    # -- validation ---------------------------------------------------------------

    def schema_errors(self, schema: Mapping[str, Any], instance: Any) -> list[ValidationError]:
        """All errors of ``instance`` against a schema of this document (refs resolved)."""
        return list(self._root.evolve(schema=schema).iter_errors(instance))

    def is_valid(self, schema: Mapping[str, Any], instance: Any) -> bool:
        return self._root.evolve(schema=schema).is_valid(instance)

    def validate_schema(self, schema: Mapping[str, Any], instance: Any, what: str) -> None:
        __tracebackhide__ = True
        errors = self.schema_errors(schema, instance)
        if errors:
            raise AssertionError(
                f"{what} does not match {_schema_label(schema)} "
                f"(GitHub OpenAPI {self.version}); {len(errors)} error(s):\n"
                + _describe_errors(errors)
            )

    def validate_component(self, name: str, instance: Any) -> None:
        """Validate against ``#/components/schemas/<name>`` (e.g. ``simple-user``)."""
        __tracebackhide__ = True
        self.component_schema(name)  # KeyError for unknown names
        self.validate_schema({"$ref": f"#/components/schemas/{name}"}, instance, name)

    def validate_response(
        self,
        method: str,
        path_template: str,
        status: int | str,
        body: Any,
        content_type: str | None = "application/json",
    ) -> None:
        """Assert ``body`` is what GitHub documents for ``method path_template -> status``.

        ``body`` may be decoded JSON or raw ``bytes``/``str``. ``path_template`` may also
        be a concrete path (``/api/v3/repos/o/r``); it is matched to its template.
        A status documented without content requires an empty body.
        """
        __tracebackhide__ = True
        label = f"{self.operation_label(method, path_template)} {_normalise_status(status)}"
        response = self.response(method, path_template, status)
        content = response.get("content") or {}
        try:
            decoded, empty = _decode_body(body)
        except (UnicodeDecodeError, ValueError) as exc:
            if content and not _normalise_media_type(content_type).endswith("json"):
                return  # non-JSON media type (diff, patch, raw): nothing to validate
            raise AssertionError(f"{label}: body is not JSON ({exc})") from None
        if not content:
            if not empty:
                raise AssertionError(
                    f"{label}: documented without a body, got {_short(repr(decoded))}"
                )
            return
        if empty and content_type is None:
            content_type = "application/json"
        schema = self.response_schema(method, path_template, status, content_type or "")
        if schema is None:  # pragma: no cover - handled above
            return
        if empty:
            decoded = None
        self.validate_schema(schema, decoded, f"{label} response")

    def validate_http_response(self, response: Any) -> None:
        """Validate an ``httpx``/``requests`` response using its own method, URL and status."""
        __tracebackhide__ = True
        request = response.request
        path = urlsplit(str(request.url)).path
        self.validate_response(
            request.method,
            path,
            response.status_code,
            response.content,
            response.headers.get("content-type"),
        )

    def describe(self, name_or_schema: str | Mapping[str, Any]) -> str:
        """Markdown summary of a component (by name) or schema; see :func:`describe_schema`."""
        schema = (
            {"$ref": f"#/components/schemas/{name_or_schema}"}
            if isinstance(name_or_schema, str)
            else name_or_schema
        )
        return describe_schema(schema, self.document, dialect="oas30")

    # -- synthesis --------------------------------------------------------------------

    def minimal_instance(self, schema: Mapping[str, Any], *, prefer_null: bool = True) -> Any:
        return minimal_instance(
            schema, document=self.document, dialect="oas30", prefer_null=prefer_null
        )

    def minimal_component(self, name: str, *, prefer_null: bool = True, **overrides: Any) -> Any:
        """A valid instance of ``#/components/schemas/<name>`` holding only required keys."""
        value = self.minimal_instance(self.component_schema(name), prefer_null=prefer_null)
        if overrides:
            value.update(overrides)
        return value

    def minimal_response(
        self, method: str, path_template: str, status: int | str, *, prefer_null: bool = True
    ) -> Any:
        schema = self.response_schema(method, path_template, status)
        return None if schema is None else self.minimal_instance(schema, prefer_null=prefer_null)


# ------------------------------------------------------------------------- webhooks


#: ``schedule`` is a workflow trigger, not a webhook: @octokit/webhooks-schemas has no
#: definition for it. This mirrors the documented ``github.event`` of a scheduled run:
#: ``{"schedule": "<cron>"}`` plus the fields common to repository events.
SCHEDULE_EVENT_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema",
    "title": "schedule event (GLOW local schema; not in @octokit/webhooks-schemas)",
    "type": "object",
    "required": ["schedule"],
    "properties": {
        "schedule": {
            "type": "string",
            "description": "The cron expression that triggered the run (5 fields).",
            "pattern": r"^\s*\S+(\s+\S+){4}\s*$",
            "examples": ["*/15 * * * *"],
        },
        "workflow": {"type": "string", "description": "Path of the workflow file."},
        "repository": {"$ref": "#/definitions/repository"},
        "sender": {"$ref": "#/definitions/user"},
        "organization": {"$ref": "#/definitions/organization"},
        "installation": {"$ref": "#/definitions/installation-lite"},
        "enterprise": {"type": "object"},
    },
    "additionalProperties": False,
}

_LOCAL_EVENTS = {"schedule": SCHEDULE_EVENT_SCHEMA}


class WebhookValidator:
    """@octokit/webhooks-schemas ``schema.json`` as an event payload validator."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.definitions: Mapping[str, Any] = document["definitions"]
        self._root = Draft7Validator(
            document, registry=referencing.Registry(), format_checker=WEBHOOK_FORMAT_CHECKER
        )

    @classmethod
    def load(cls, path: Path | None = None) -> WebhookValidator:
        return cls(_load_json(path or webhooks_schema_path(), "webhooks"))

    def event_names(self) -> list[str]:
        names = {k.split("$", 1)[0] for k in self.definitions if "$" in k}
        return sorted(names | set(_LOCAL_EVENTS))

    def actions(self, event_name: str) -> list[str]:
        """Actions with their own definition (empty for ``push``, ``create`` ...)."""
        prefix = f"{event_name}$"
        return sorted(
            k[len(prefix) :]
            for k in self.definitions
            if k.startswith(prefix) and k != f"{event_name}$event"
        )

    def definition_name(self, event_name: str, action: str | None = None) -> str:
        """``issues`` + ``opened`` -> ``issues$opened``; ``push`` -> ``push$event``."""
        __tracebackhide__ = True
        if event_name in _LOCAL_EVENTS:
            return event_name
        if action is not None and f"{event_name}${action}" in self.definitions:
            return f"{event_name}${action}"
        if f"{event_name}$event" in self.definitions:
            return f"{event_name}$event"
        known = self.actions(event_name)
        if not known:
            close = difflib.get_close_matches(event_name, self.event_names(), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise AssertionError(f"unknown webhook event {event_name!r}{hint}")
        if action is None:
            raise AssertionError(
                f"{event_name} payload has no 'action'; {event_name} actions: {known}"
            )
        raise AssertionError(
            f"{event_name}.{action} is not a documented action; {event_name} actions: {known}"
        )

    def definition(self, name: str) -> Mapping[str, Any]:
        """A definition by name: ``issues$opened``, ``repository``, ``user``, ``schedule``."""
        if name in _LOCAL_EVENTS:
            return _LOCAL_EVENTS[name]
        return self.definitions[name]

    def schema_errors(self, schema: Mapping[str, Any], instance: Any) -> list[ValidationError]:
        return list(self._root.evolve(schema=schema).iter_errors(instance))

    def is_valid(self, schema: Mapping[str, Any], instance: Any) -> bool:
        return self._root.evolve(schema=schema).is_valid(instance)

    def _check(self, name: str, payload: Any, what: str) -> None:
        __tracebackhide__ = True
        schema = self.definition(name)
        ref_schema = schema if name in _LOCAL_EVENTS else {"$ref": f"#/definitions/{name}"}
        errors = self.schema_errors(ref_schema, payload)
        if errors:
            versions = pinned_versions()["@octokit/webhooks-schemas"]
            raise AssertionError(
                f"{what} does not match definition {name!r} "
                f"(@octokit/webhooks-schemas {versions}); {len(errors)} error(s):\n"
                + _describe_errors(errors)
            )

    def validate(self, event_name: str, payload: Any) -> str:
        """Assert ``payload`` is a valid ``event_name`` webhook; returns the definition used."""
        __tracebackhide__ = True
        if not isinstance(payload, Mapping):
            raise AssertionError(f"{event_name} payload must be an object, got {type(payload)}")
        action = payload.get("action")
        name = self.definition_name(event_name, action if isinstance(action, str) else None)
        label = f"{event_name}.{action}" if isinstance(action, str) else event_name
        self._check(name, payload, f"webhook {label} payload")
        return name

    def validate_definition(self, name: str, instance: Any) -> None:
        """Validate against any definition, e.g. ``repository`` or ``user``."""
        __tracebackhide__ = True
        self._check(name, instance, name)

    def describe(self, name: str) -> str:
        """Markdown summary of a definition (``issues$opened``, ``repository`` ...)."""
        schema = self.definition(name)
        if name not in _LOCAL_EVENTS:
            schema = {"$ref": f"#/definitions/{name}"}
        return describe_schema(schema, self.document, dialect="draft7")

    def minimal_payload(
        self, event_name: str, action: str | None = None, *, prefer_null: bool = True
    ) -> dict[str, Any]:
        """A valid payload for ``event_name``/``action`` holding only required keys."""
        name = self.definition_name(event_name, action)
        schema = self.definition(name)
        if name not in _LOCAL_EVENTS:
            schema = {"$ref": f"#/definitions/{name}"}
        return minimal_instance(
            schema,
            document=self.document,
            dialect="draft7",
            prefer_null=prefer_null,
            is_valid=self.is_valid,
        )

    def minimal_definition(self, name: str, *, prefer_null: bool = True) -> Any:
        return minimal_instance(
            {"$ref": f"#/definitions/{name}"},
            document=self.document,
            dialect="draft7",
            prefer_null=prefer_null,
            is_valid=self.is_valid,
        )


# ---------------------------------------------------------------------- description


def describe_schema(
    schema: Mapping[str, Any], document: Mapping[str, Any], *, dialect: str = "oas30"
) -> str:
    """Markdown summary of a schema: required keys with compact types, then the optional
    key names; inline nested objects are expanded (``$ref`` ones are only named).

    Type notation: ``str``/``int``/``bool``, ``?`` nullable, ``<uri>`` format,
    ``{"a"|"b"}`` enum, ``[x]`` array of x, ``simple-user`` a component/definition.
    """
    synth = _Synth(document, dialect, True, lambda _s, _v: True)
    lines: list[str] = []

    def label(sub: Any) -> str:
        text = _type_label(sub)
        if isinstance(sub, Mapping) and "$ref" in sub:
            target = synth._deref(sub)
            if isinstance(target, Mapping) and synth._nullable(target):
                text += "?"
        elif isinstance(sub, Mapping) and sub.get("type") == "array":
            text = f"[{label(sub.get('items', {}))}]" + ("?" if synth._nullable(sub) else "")
        return text

    def walk(node: Any, indent: str, name: str) -> None:
        ref_label = _type_label(node) if isinstance(node, Mapping) and "$ref" in node else ""
        node = synth._deref(node)
        if not isinstance(node, Mapping):
            return
        if "allOf" in node:
            node = synth._merge_schemas([node])
        for key in ("oneOf", "anyOf"):
            if key in node:
                alts = ", ".join(label(a) for a in node[key])
                lines.append(f"{indent}- {name}{key}: {alts}")
        if node.get("type") == "array" or (
            isinstance(node.get("type"), list) and "array" in node["type"]
        ):
            items = node.get("items", {})
            lines.append(f"{indent}- {name}array of {label(items)}")
            if (
                isinstance(items, Mapping)
                and "$ref" not in items
                and ({"properties", "required", "oneOf", "anyOf", "allOf"} & set(items))
            ):
                walk(items, indent + "  ", "items: ")
            return
        props = node.get("properties", {})
        required = list(node.get("required", []))
        if not props and not required:
            if not any(k in node for k in ("oneOf", "anyOf")):
                lines.append(f"{indent}- {name}{_type_label(node)}")
            return
        head = f"{indent}- {name}" + (f"{ref_label} " if ref_label else "")
        cells = [f"`{k}` {label(props.get(k, {}))}" for k in required]
        lines.append(f"{head}required ({len(required)}): " + (", ".join(cells) or "none"))
        optional = [k for k in props if k not in required]
        if optional:
            lines.append(f"{indent}  optional ({len(optional)}): " + ", ".join(optional))
        for key in required:
            sub = props.get(key, {})
            if isinstance(sub, Mapping) and "$ref" not in sub:
                inner = synth._merge_schemas([sub]) if "allOf" in sub else sub
                if inner.get("required") or inner.get("type") == "array":
                    walk(inner, indent + "  ", f"`{key}` ")

    walk(schema, "", "")
    return "\n".join(lines)


# ------------------------------------------------------------------------ synthesis


_FORMAT_SAMPLES = {
    "date-time": "2011-01-26T19:01:12Z",
    "date": "2011-01-26",
    "uri": "https://api.github.com/",
    "uri-template": "https://api.github.com/{id}",
    "email": "octocat@github.com",
    "byte": "",
    "binary": "",
}


def minimal_instance(
    schema: Mapping[str, Any],
    *,
    document: Mapping[str, Any] | None = None,
    dialect: str = "oas30",
    prefer_null: bool = True,
    is_valid: Callable[[Mapping[str, Any], Any], bool] | None = None,
) -> Any:
    """Synthesize a small valid instance of ``schema``, generically.

    Objects get their ``required`` keys only; nullable values are ``null`` when
    ``prefer_null`` (else a value); enums take their first value; strings take the
    schema's ``example`` when it fits, else a sample for the ``format``; arrays are
    empty unless ``minItems``; ``oneOf``/``anyOf`` take the first alternative that
    validates; ``allOf`` parts are merged. Local ``$ref`` resolve in ``document``.
    ``dialect`` is ``"oas30"`` (``nullable``, ``example``) or ``"draft7"``
    (``type: [.., "null"]``, ``examples``).
    """
    if dialect not in ("oas30", "draft7"):
        raise ValueError(f"unknown dialect {dialect!r}")
    doc = document if document is not None else schema
    if is_valid is None:
        if dialect == "oas30":
            root = _OAS30ResponseValidator(
                doc, registry=referencing.Registry(), format_checker=OPENAPI_FORMAT_CHECKER
            )
        else:
            root = Draft7Validator(
                doc, registry=referencing.Registry(), format_checker=WEBHOOK_FORMAT_CHECKER
            )

        def is_valid(s: Mapping[str, Any], value: Any) -> bool:
            return root.evolve(schema=s).is_valid(value)

    return _Synth(doc, dialect, prefer_null, is_valid).make(schema, (), top=True)


class _Synth:
    def __init__(
        self,
        document: Mapping[str, Any],
        dialect: str,
        prefer_null: bool,
        is_valid: Callable[[Mapping[str, Any], Any], bool],
    ) -> None:
        self.document = document
        self.oas = dialect == "oas30"
        self.prefer_null = prefer_null
        self.is_valid = is_valid

    def _types(self, schema: Mapping[str, Any]) -> list[str]:
        declared = schema.get("type")
        if isinstance(declared, str):
            types = [declared]
        elif isinstance(declared, list):
            types = list(declared)
        elif "properties" in schema or "required" in schema:
            types = ["object"]
        elif "items" in schema:
            types = ["array"]
        else:
            types = []
        if self.oas and schema.get("nullable") is True:
            types.append("null")
        return types

    def _nullable(self, schema: Mapping[str, Any]) -> bool:
        if self.oas and schema.get("nullable") is True:
            return True
        if "null" in self._types(schema):
            return True
        return None in schema.get("enum", [object()])

    def _deref(self, schema: Any) -> Any:
        for _ in range(50):
            if not (isinstance(schema, Mapping) and "$ref" in schema):
                break
            schema = _pointer_get(self.document, schema["$ref"])
        return schema

    def _allowed_types(self, schema: Mapping[str, Any]) -> set[str] | None:
        """JSON types a schema admits by its ``type``/``nullable`` (``None``: any)."""
        if "type" not in schema:
            return None
        declared = schema["type"]
        types = {declared} if isinstance(declared, str) else set(declared)
        if self.oas and schema.get("nullable") is True:
            types.add("null")
        if "number" in types:
            types.add("integer")
        return types

    def _merge_schemas(self, parts: Iterable[Any]) -> dict[str, Any]:
        """Flatten an ``allOf`` into one schema to synthesize from (not to validate with).

        Types and enums intersect, ``required`` is the union, properties present in
        several parts become an ``allOf`` of their schemas, other keywords: first wins.
        """
        merged: dict[str, Any] = {}
        types: set[str] | None = None
        order: list[str] = []
        required: list[str] = []
        props: dict[str, list[Any]] = {}
        enum: list[Any] | None = None
        flat: list[Mapping[str, Any]] = []
        pending = list(parts)
        while pending:
            part = self._deref(pending.pop(0))
            if not isinstance(part, Mapping):
                continue
            if "allOf" in part:
                pending[:0] = [{k: v for k, v in part.items() if k != "allOf"}, *part["allOf"]]
                continue
            flat.append(part)
        for part in flat:
            allowed = self._allowed_types(part)
            if allowed is not None:
                declared = part["type"]
                order += [declared] if isinstance(declared, str) else list(declared)
                types = allowed if types is None else types & allowed
            if "enum" in part:
                values = list(part["enum"])
                enum = values if enum is None else [v for v in enum if v in values]
            required += [k for k in part.get("required", []) if k not in required]
            for key, sub in part.get("properties", {}).items():
                props.setdefault(key, []).append(sub)
            for key, value in part.items():
                if key not in ("type", "nullable", "enum", "required", "properties"):
                    merged.setdefault(key, value)
        if types is not None:
            kinds = [t for t in dict.fromkeys([*order, "integer", "null"]) if t in types]
            if not self.oas:
                merged["type"] = kinds
            elif kinds == ["null"]:
                merged.update(nullable=True, enum=[None])
            elif kinds:
                merged["type"] = kinds[0]
                if "null" in kinds:
                    merged["nullable"] = True
        if enum is not None:
            merged["enum"] = enum
        if required:
            merged["required"] = required
        if props:
            merged["properties"] = {
                k: subs[0] if len(subs) == 1 else {"allOf": subs} for k, subs in props.items()
            }
        return merged

    def make(self, schema: Any, stack: tuple[str, ...], top: bool = False) -> Any:
        """``top``: the value asked for, never ``null`` even if the schema is nullable."""
        if schema is True or not isinstance(schema, Mapping):
            return None
        if "$ref" in schema:
            ref = schema["$ref"]
            if stack.count(ref) >= 2:  # a required cycle; cannot be finite
                return None
            return self.make(_pointer_get(self.document, ref), (*stack, ref), top)
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        declared = self._types(schema)
        if (self.prefer_null and not top and self._nullable(schema)) or declared == ["null"]:
            return None
        if "enum" in schema:
            values = [v for v in schema["enum"] if v is not None] or [None]
            if declared:
                fits = [
                    v
                    for v in values
                    if _json_kind(v) in declared
                    or (_json_kind(v) == "integer" and "number" in declared)
                ]
                values = fits or values
            return copy.deepcopy(values[0])
        if "allOf" in schema:
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            return self.make(self._merge_schemas([rest, *schema["allOf"]]), stack, top)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                rest = {k: v for k, v in schema.items() if k != key}
                candidates = [
                    self.make(self._merge_schemas([rest, alt]), stack, top) for alt in schema[key]
                ]
                for candidate in candidates:
                    if self.is_valid(schema, candidate):
                        return candidate
                return candidates[0] if candidates else None
        types = [t for t in self._types(schema) if t != "null"]
        if not types:
            return None if "null" in self._types(schema) or not self.oas else {}
        kind = types[0]
        if kind == "object":
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties")
            result = {}
            for key in schema.get("required", []):
                sub = props.get(key, extra if isinstance(extra, Mapping) else {})
                result[key] = self.make(sub, stack)
            return result
        if kind == "array":
            count = int(schema.get("minItems", 0))
            return [self.make(schema.get("items", {}), stack) for _ in range(count)]
        for example in self._examples(schema):
            if _json_kind(example) == kind and self.is_valid(schema, example):
                return copy.deepcopy(example)
        if kind == "string":
            value = _FORMAT_SAMPLES.get(schema.get("format", ""), "string")
            value = value.ljust(int(schema.get("minLength", 0)), "x")
            if "pattern" in schema:  # a few shapes GitHub patterns use (SHAs, names)
                for guess in (value, "0" * 40, "0" * 64, "a", "a" * 40, "A1", "1"):
                    if self.is_valid(schema, guess):
                        return guess
            return value
        if kind == "integer":
            return max(1, int(schema.get("minimum", 1)))
        if kind == "number":
            return schema.get("minimum", 0)
        if kind == "boolean":
            return False
        return None

    def _examples(self, schema: Mapping[str, Any]) -> Iterable[Any]:
        if "example" in schema:
            yield schema["example"]
        if "default" in schema:
            yield schema["default"]
        yield from schema.get("examples", []) if isinstance(schema.get("examples"), list) else []


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _merge(left: Any, right: Any, *, none_wins: bool = False) -> Any:
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for key, value in right.items():
            if key in merged:
                value = _merge(merged[key], value, none_wins=none_wins)
            merged[key] = value
        return merged
    return left if right is None and not none_wins else right


# ------------------------------------------------------------------ cached + fixtures


_cache: dict[str, Any] = {}


def get_openapi_validator() -> OpenAPIValidator:
    """Process-wide (hence session-wide) :class:`OpenAPIValidator`; parsed once."""
    if "openapi" not in _cache:
        _cache["openapi"] = OpenAPIValidator.load()
    return _cache["openapi"]


def get_webhook_validator() -> WebhookValidator:
    """Process-wide (hence session-wide) :class:`WebhookValidator`; parsed once."""
    if "webhooks" not in _cache:
        _cache["webhooks"] = WebhookValidator.load()
    return _cache["webhooks"]


@pytest.fixture(scope="session")
def openapi_validator() -> OpenAPIValidator:
    """GitHub's REST API description (``@octokit/openapi``), as a validator."""
    return get_openapi_validator()


@pytest.fixture(scope="session")
def webhook_validator() -> WebhookValidator:
    """GitHub's webhook payload schemas (``@octokit/webhooks-schemas``), as a validator."""
    return get_webhook_validator()


# ----------------------------------------------------------------------------- CLI


def _main(argv: list[str] | None = None) -> int:
    """``python -m tests.schemas`` -- print shapes for the maintainer reference.

    ``component NAME...``       required/optional keys of OpenAPI components
    ``event DEFINITION...``     same for webhook definitions (``issues$opened``)
    ``operation METHOD PATH``   documented statuses and response schemas
    ``paths``                   where the schema files are (fetching them if needed)
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.schemas", description=_main.__doc__)
    parser.add_argument("command", choices=["component", "event", "operation", "paths"])
    parser.add_argument("args", nargs="*")
    ns = parser.parse_args(argv)
    if ns.command == "paths":
        print(openapi_path())
        print(webhooks_schema_path())
    elif ns.command == "component":
        for name in ns.args:
            print(f"### {name}\n{get_openapi_validator().describe(name)}\n")
    elif ns.command == "event":
        for name in ns.args:
            print(f"### {name}\n{get_webhook_validator().describe(name)}\n")
    else:
        method, path = ns.args
        oa = get_openapi_validator()
        print(oa.operation_label(method, path))
        for status in oa.documented_statuses(method, path):
            schema = oa.response_schema(method, path, status)
            print(f"  {status}: {'(no body)' if schema is None else _schema_label(schema)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
