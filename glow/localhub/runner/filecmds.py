"""Environment files a step writes: ``$GITHUB_OUTPUT``, ``$GITHUB_ENV``, ``$GITHUB_PATH``.

Both ``key=value`` and the multi-line ``key<<DELIMITER`` form are accepted, as on GitHub; a
heredoc without its closing delimiter fails the step rather than silently dropping the value.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path


class FileCommandError(ValueError):
    """A malformed line in an environment file."""


def parse_key_values(text: str, what: str) -> dict[str, str]:
    values: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip():
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if heredoc != -1 and (equals == -1 or heredoc < equals):
            key, delimiter = line[:heredoc], line[heredoc + 2 :]
            if not key or not delimiter:
                raise FileCommandError(f"{what}: invalid line {line!r}")
            body: list[str] = []
            while index < len(lines) and lines[index] != delimiter:
                body.append(lines[index])
                index += 1
            if index >= len(lines):
                raise FileCommandError(f"{what}: matching delimiter {delimiter!r} not found")
            index += 1
            values[key] = "\n".join(body)
        elif equals > 0:
            values[line[:equals]] = line[equals + 1 :]
        else:
            raise FileCommandError(f"{what}: invalid line {line!r} (expected key=value)")
    return values


@dataclass
class StepFiles:
    """The four per-step files; created empty before the step, read after it."""

    output: Path
    env: Path
    path: Path
    summary: Path

    @classmethod
    def create(cls, directory: Path) -> StepFiles:
        directory.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        files = cls(
            *(directory / f"{kind}_{token}" for kind in ("output", "env", "path", "summary"))
        )
        for file in (files.output, files.env, files.path, files.summary):
            file.write_text("")
        return files

    def environ(self) -> dict[str, str]:
        return {
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_ENV": str(self.env),
            "GITHUB_PATH": str(self.path),
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }

    def outputs(self) -> dict[str, str]:
        return parse_key_values(_read(self.output), "GITHUB_OUTPUT")

    def env_updates(self) -> dict[str, str]:
        return parse_key_values(_read(self.env), "GITHUB_ENV")

    def path_additions(self) -> list[str]:
        return [line.strip() for line in _read(self.path).splitlines() if line.strip()]

    def summary_text(self) -> str:
        return _read(self.summary)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
