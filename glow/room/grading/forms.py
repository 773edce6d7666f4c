"""Issue forms, checked as GitHub checks them (Challenge 14's grader). Pure: YAML text in,
problems out.

The rules come from GitHub's documentation:

- "Syntax for issue forms" (docs.github.com/en/communities/using-templates-to-encourage-useful-
  issues-and-pull-requests/syntax-for-issue-forms): top-level ``name``, ``description`` and
  ``body`` are required; ``title`` is a string; ``labels``, ``assignees`` and ``projects`` are
  an array or a comma-delimited string; ``type`` is a string.
- "Syntax for GitHub's form schema" (.../syntax-for-githubs-form-schema): each body element has
  a ``type`` (``markdown``, ``textarea``, ``input``, ``dropdown``, ``checkboxes``) and
  ``attributes``; ``id`` and ``validations`` are not permitted on ``markdown``; every other
  element needs ``attributes.label``; a ``dropdown`` needs non-empty, unique ``options``
  (``multiple`` a boolean, ``default`` an index into them); a ``checkboxes`` element's options
  each need a ``label``.
- "Common validation errors when creating issue forms" (.../common-validation-errors-when-
  creating-issue-forms): a required key missing, a key of the wrong type, an empty or
  whitespace-only string, a key that is not permitted, ``body`` with no non-markdown field,
  ``id`` with characters other than letters, digits, ``-`` and ``_``, ids and labels that are
  not unique, and the reserved dropdown option ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

TYPES = ("markdown", "textarea", "input", "dropdown", "checkboxes")
TOP_KEYS = frozenset({"name", "description", "body", "title", "labels", "assignees", "projects"})
TOP_KEYS_OPTIONAL = frozenset({"type"})
ELEMENT_KEYS = frozenset({"type", "id", "attributes", "validations"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "markdown": frozenset({"value"}),
    "textarea": frozenset({"label", "description", "placeholder", "value", "render"}),
    "input": frozenset({"label", "description", "placeholder", "value"}),
    "dropdown": frozenset({"label", "description", "multiple", "options", "default"}),
    "checkboxes": frozenset({"label", "description", "options"}),
}
ID = re.compile(r"[A-Za-z0-9_-]+")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _list_or_csv(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and all(_text(item) for item in value)


def check_form(text: str) -> list[str]:
    """Every problem GitHub's rules find in one issue form (empty: valid). Never raises."""
    try:
        form = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        return [f"the file is not valid YAML{where}"]
    if not isinstance(form, dict):
        return ["the file is not a form: it needs the keys name, description and body"]
    problems = [f"the top-level key `{key}` is not permitted" for key in _unknown(form)]
    for key in ("name", "description"):
        if key not in form:
            problems.append(f"the required top-level key `{key}` is missing")
        elif not _text(form[key]):
            problems.append(f"`{key}` must be a non-empty string")
    if "title" in form and not _text(form["title"]):
        problems.append("`title` must be a non-empty string")
    for key in ("labels", "assignees", "projects"):
        if key in form and not _list_or_csv(form[key]):
            problems.append(f"`{key}` must be a list or a comma-separated string")
    if "body" not in form:
        problems.append("the required top-level key `body` is missing")
    else:
        problems += check_body(form["body"])
    return problems


def _unknown(form: Mapping[Any, Any]) -> list[str]:
    return sorted(str(k) for k in form if str(k) not in TOP_KEYS | TOP_KEYS_OPTIONAL)


def check_body(body: object) -> list[str]:
    if not isinstance(body, list) or not body:
        return ["`body` must be a list of form elements"]
    problems: list[str] = []
    ids: set[str] = set()
    labels: set[str] = set()
    fields = 0
    for index, element in enumerate(body, 1):
        where = f"body element {index}"
        if not isinstance(element, dict):
            problems.append(f"{where} is not a mapping with `type` and `attributes`")
            continue
        kind = element.get("type")
        if kind not in TYPES:
            problems.append(f"{where}: `type` must be one of {', '.join(TYPES)}")
            continue
        fields += kind != "markdown"
        problems += [f"{where}: {p}" for p in _check_element(element, str(kind), ids, labels)]
    if fields == 0:
        problems.append("`body` must contain at least one field that is not markdown")
    return problems


def _check_element(
    element: Mapping[str, Any], kind: str, ids: set[str], labels: set[str]
) -> list[str]:
    problems = [f"the key `{k}` is not permitted" for k in sorted(set(element) - ELEMENT_KEYS)]
    attributes = element.get("attributes")
    if not isinstance(attributes, dict):
        return [*problems, "`attributes` is required and must be a mapping"]
    unknown = sorted(str(k) for k in attributes if str(k) not in ATTRIBUTES[kind])
    problems += [f"`attributes.{k}` is not permitted on {kind}" for k in unknown]
    if kind == "markdown":
        if "id" in element or "validations" in element:
            problems.append("markdown takes no `id` or `validations`")
        if not _text(attributes.get("value")):
            problems.append("markdown needs `attributes.value`, a non-empty string")
        return problems
    if "id" in element:
        problems += _check_id(element["id"], ids)
    label = attributes.get("label")
    if not _text(label):
        problems.append("`attributes.label` is required, a non-empty string")
    elif str(label).strip().lower() in labels:
        problems.append(f"the label {str(label).strip()!r} is used twice; labels must be unique")
    else:
        labels.add(str(label).strip().lower())
    validations = element.get("validations")
    if validations is not None and not (
        isinstance(validations, dict)
        and set(validations) <= {"required"}
        and isinstance(validations.get("required", False), bool)
    ):
        problems.append("`validations` may only hold `required: true` or `required: false`")
    if kind == "dropdown":
        problems += _check_dropdown(attributes)
    elif kind == "checkboxes":
        problems += _check_checkboxes(attributes)
    return problems


def _check_id(value: object, ids: set[str]) -> list[str]:
    if not isinstance(value, str) or not ID.fullmatch(value):
        return ["`id` may hold only letters, digits, - and _"]
    if value in ids:
        return [f"the id {value!r} is used twice; ids must be unique"]
    ids.add(value)
    return []


def _check_dropdown(attributes: Mapping[str, Any]) -> list[str]:
    options = attributes.get("options")
    if not isinstance(options, list) or not options:
        return ["a dropdown needs `attributes.options`, a non-empty list"]
    problems = []
    texts = [str(o).strip() for o in options]
    if any(not _text(o) and not isinstance(o, int | float) for o in options):
        problems.append("every dropdown option must be non-empty")
    if len({t.lower() for t in texts}) != len(texts):
        problems.append("dropdown options must be unique")
    if any(t == "None" for t in texts):
        problems.append("`None` is a reserved word and cannot be a dropdown option")
    if "multiple" in attributes and not isinstance(attributes["multiple"], bool):
        problems.append("`multiple` must be true or false")
    default = attributes.get("default")
    if default is not None and (
        not isinstance(default, int) or isinstance(default, bool) or not 0 <= default < len(options)
    ):
        problems.append("`default` must be the index of one of the options (0 is the first)")
    return problems


def _check_checkboxes(attributes: Mapping[str, Any]) -> list[str]:
    options = attributes.get("options")
    if not isinstance(options, list) or not options:
        return ["checkboxes need `attributes.options`, a non-empty list"]
    problems = []
    for number, option in enumerate(options, 1):
        if not isinstance(option, dict) or not _text(option.get("label")):
            problems.append(f"checkbox option {number} needs a `label`")
        elif set(option) - {"label", "required"}:
            problems.append(f"checkbox option {number} may hold only `label` and `required`")
    return problems
