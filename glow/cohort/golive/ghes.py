"""The GitHub Enterprise Server variant of a workflow or composite action (pure: text in, text
out).

The committed files call this repository's own actions with ``uses: $/path`` (github.com's
reference to the same repository at the same commit, which zizmor asks for); GitHub Enterprise
Server does not know it, so ``glow setup --ghes`` writes each file with ``uses: ./path`` instead
(the checked-out workspace, which every job that calls our actions checks out first). Only the
values of ``uses:`` keys change, found by parsing the YAML, never a ``$/`` in a comment or a
script; everything else stays byte for byte.
"""

from __future__ import annotations

import yaml

SAME_REPOSITORY = "$/"
WORKSPACE = "./"


def _uses_values(node: yaml.Node) -> list[yaml.ScalarNode]:
    """Every scalar value of a ``uses`` key anywhere in the document."""
    found: list[yaml.ScalarNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value == "uses"
                    and isinstance(value, yaml.ScalarNode)
                ):
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return found


def ghes_variant(text: str) -> str:
    """``text`` with each ``uses: $/path`` made ``uses: ./path`` (plain or quoted)."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is None:
        return text
    starts = []
    for value in _uses_values(root):
        if value.value.startswith(SAME_REPOSITORY):
            start = value.start_mark.index
            if value.style in ("'", '"'):
                start += 1  # past the opening quote
            if text.startswith(SAME_REPOSITORY, start):
                starts.append(start)
    for start in sorted(starts, reverse=True):
        text = text[:start] + WORKSPACE + text[start + len(SAME_REPOSITORY) :]
    return text
