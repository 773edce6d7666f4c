"""YAML loading that keeps line numbers, with the booleans GitHub's parser uses.

``yaml.safe_load`` loses positions, so an error could not name the line to fix. We compose the
node graph instead and convert it into ``YMap``/``YList`` (a dict and a list that remember the
line of every key and item). Booleans follow YAML 1.2 (``true``/``false`` only), as GitHub does:
PyYAML's YAML 1.1 rules would turn the key ``on`` into ``True`` and ``yes``/``off`` into booleans.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from glow.localhub.runner.errors import WorkflowError

_BOOL_TAG = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class YMap(dict[str, Any]):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_at(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def load(text: str, file: str) -> Any:
    """Parse one YAML document into plain values, ``YMap`` and ``YList``; errors are located."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise WorkflowError(file, line, f"invalid YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise WorkflowError(file, 1, f"invalid YAML: {exc}") from exc
    if node is None:
        return None
    return _convert(node, _Loader(""), file)


def _convert(node: yaml.Node, loader: _Loader, file: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result = YMap(line)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise WorkflowError(file, key_node.start_mark.line + 1, "keys must be scalars")
            key = str(key_node.value)
            if key in result:
                raise WorkflowError(file, key_node.start_mark.line + 1, f"duplicate key `{key}`")
            result[key] = _convert(value_node, loader, file)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = YList(line)
        for item in node.value:
            items.append(_convert(item, loader, file))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise WorkflowError(file, line, f"invalid YAML value: {exc}") from exc
