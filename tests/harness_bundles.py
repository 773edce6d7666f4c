"""A small course bundle in plain shell, for the harness's tests: no stack of its own, so each
test can break one thing (a starter that passes, a weak hidden suite, a hanging check.sh) and
see the harness block it. The learner adds numbers (``add``) and clamps them (``clamp``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from glow.harness.process import ProcessSandbox

_WHY_NOT = ProcessSandbox().available()
needs_process_sandbox = pytest.mark.skipif(
    _WHY_NOT is not None, reason=f"the process sandbox cannot run here: {_WHY_NOT}"
)

CHECK_SH = """#!/bin/sh
# Each test is a shell script that exits 0 when its check passes.
set -u
{
  echo '<testsuite name="calc">'
  for test in "$COURSEGEN_TESTS"/*.sh; do
    name=$(basename "$test" .sh)
    if sh "$test" >/dev/null 2>&1; then
      echo "  <testcase classname=\\"$COURSEGEN_DELIVERABLE\\" name=\\"$name\\"/>"
    else
      echo "  <testcase classname=\\"$COURSEGEN_DELIVERABLE\\" name=\\"$name\\">"
      echo "    <failure message=\\"$name failed\\"/></testcase>"
      failed=1
    fi
  done
  echo '</testsuite>'
} > "$COURSEGEN_RESULTS"
exit "${failed:-0}"
"""

STARTER = {
    "add.sh": 'add() {\n  echo "not written yet"\n  return 1\n}\n',
    "clamp.sh": 'clamp() {\n  echo "not written yet"\n  return 1\n}\n',
}
STRONG = {
    "add.sh": (
        'add() {\n  case "$1$2" in\n    *[!0-9-]*) echo "not a number"; return 2 ;;\n  esac\n'
        "  echo $(( $1 + $2 ))\n}\n"
    ),
    "clamp.sh": (
        "clamp() {\n"
        '  if [ "$1" -lt "$2" ]; then\n    echo "$2"\n'
        '  elif [ "$1" -gt "$3" ]; then\n    echo "$3"\n'
        '  else\n    echo "$1"\n  fi\n}\n'
    ),
}
VARIANTS = {
    "partial": {
        "add.sh": "add() {\n  echo $(( $1 * 2 ))\n}\n",
        "clamp.sh": 'clamp() {\n  echo "$1"\n}\n',
    },
    "naive": {
        # Ignores signs: right for the visible checks' positive numbers only.
        "add.sh": "add() {\n  echo $(( ${1#-} + ${2#-} ))\n}\n",
        # Never clamps from above.
        "clamp.sh": 'clamp() {\n  if [ "$1" -lt "$2" ]; then echo "$2"; else echo "$1"; fi\n}\n',
    },
    "strong": STRONG,
    "buggy-off-by-one": {
        "add.sh": "add() {\n  echo $(( $1 + $2 + ($1 < 0) ))\n}\n",
        "clamp.sh": (
            'clamp() {\n  if [ "$1" -le "$2" ]; then echo "$2"; '
            'elif [ "$1" -ge "$3" ]; then echo "$(( $3 - 1 ))"; else echo "$1"; fi\n}\n'
        ),
    },
}


def _test(source: str, call: str, expected: str) -> str:
    return f'. ./{source}\n[ "$({call})" = "{expected}" ]\n'


SUITES = {
    "add": {
        "visible": {"one_and_two": ("add 1 2", "3"), "two_and_two": ("add 2 2", "4")},
        "hidden": {
            "one_and_two": ("add 1 2", "3"),
            "two_and_two": ("add 2 2", "4"),
            "negatives": ("add -2 -3", "-5"),
            "mixed": ("add -7 3", "-4"),
            "zero": ("add 0 0", "0"),
            "large": ("add 1000 2345", "3345"),
            "letters": ("add x 1", "not a number"),
        },
    },
    "clamp": {
        "visible": {"inside": ("clamp 5 1 10", "5"), "below": ("clamp -3 0 10", "0")},
        "hidden": {
            "inside": ("clamp 5 1 10", "5"),
            "below": ("clamp -3 0 10", "0"),
            "above": ("clamp 12 0 10", "10"),
            "at_top": ("clamp 10 0 10", "10"),
            "at_bottom": ("clamp 0 0 10", "0"),
            "just_below_top": ("clamp 9 0 10", "9"),
            "just_above_bottom": ("clamp 1 0 10", "1"),
        },
    },
}

COURSEGEN_YML = """version: 1
id: shell-arithmetic
title: Shell arithmetic
summary: Add and clamp numbers in POSIX shell.
deliverables: [add, clamp]
runtime:
  network: false
  limits:
    wall_seconds: {wall}
    cpu_seconds: 10
    memory_mb: 256
    processes: 64
    file_size_mb: 16
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_calc_bundle(
    root: Path,
    *,
    starter: dict[str, str] | None = None,
    variants: dict[str, dict[str, str]] | None = None,
    suites: dict[str, dict[str, dict[str, tuple[str, str]]]] | None = None,
    check_sh: str = CHECK_SH,
    wall_seconds: float = 20,
) -> Path:
    write(root / "coursegen.yml", COURSEGEN_YML.format(wall=wall_seconds))
    workspace = root / "workspace"
    write(workspace / "Dockerfile", "ARG BASE_IMAGE=debian:bookworm-slim\nFROM ${BASE_IMAGE}\n")
    write(workspace / "README.md", "# Shell arithmetic\n\nWrite add.sh, then clamp.sh.\n")
    write(workspace / ".coursegen/runtime/install.sh", "#!/bin/sh\nset -eu\ntrue\n")
    write(workspace / ".coursegen/runtime/check.sh", check_sh)
    for name, text in (starter or STARTER).items():
        write(workspace / name, text)
    for deliverable, source in (("add", "add.sh"), ("clamp", "clamp.sh")):
        folder = root / "deliverables" / deliverable
        write(
            folder / "deliverable.yml",
            f"id: {deliverable}\ntitle: Write {deliverable}\n"
            f"asks: |\n  Make {deliverable} in {source} print its answer.\nowns: [{source}]\n",
        )
        for suite, tests in (suites or SUITES)[deliverable].items():
            for name, (call, expected) in tests.items():
                write(folder / suite / f"{name}.sh", _test(source, call, expected))
    for name, files in (variants or VARIANTS).items():
        for relative, text in files.items():
            write(root / "variants" / name / relative, text)
    return root
