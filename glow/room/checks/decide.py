"""Content checks on the Markdown a pull request changes: links, Markdown structure and
accessibility. Pure: text in, findings out.

Each checker returns its own findings; ``combine`` merges them into one report sorted by file
and line, so no checker overwrites another's (the anchor workshop's checkers each wrote the
same results file, and the last one won). Code (fenced blocks and inline code spans) and YAML
front matter are not prose and are never checked.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from glow.room.checks import copy

Checker = Literal["links", "markdown", "accessibility"]
MARKDOWN_SUFFIXES = (".md", ".markdown")

_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_URL = re.compile(r"(?<![(<\"'=])\bhttps?://[^\s)>\]]+")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT_ATTR = re.compile(r"\balt\s*=\s*(\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BULLET = re.compile(r"^(\s*)([-*+])\s+\S")
_NO_SPACE_ITEM = re.compile(r"^\s*(?:[-+]|\d+[.)])(?=[A-Za-z])")
VAGUE = frozenset({"here", "click here", "link", "this", "this link", "read more", "more"})
POOR_ALT = frozenset({"image", "img", "picture", "photo", "screenshot", "graphic", "icon"})


@dataclass(frozen=True, order=True)
class Finding:
    """One thing to fix: where, which checker found it, and what to do (one sentence)."""

    path: str
    line: int
    checker: Checker
    message: str


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line with inline code blanked) for every line outside front matter and
    fenced code."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        start = end + 1 if end is not None else 0
    fence: str | None = None
    for index in range(start, len(lines)):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        yield index + 1, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line, level, text) of every ATX heading outside code."""
    found = []
    for number, line in prose_lines(text):
        match = _HEADING.match(line)
        if match:
            found.append((number, len(match.group(1)), (match.group(2) or "").strip()))
    return found


def resolve(path: str, target: str) -> str | None:
    """The repository path a relative link in ``path`` points to; None for a web address, a
    mail link or an anchor in the same file."""
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith("//"):
        return None
    if target.startswith("/"):
        joined = target.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(path), target)
    return posixpath.normpath(joined)


def check_links(path: str, text: str, known_paths: frozenset[str]) -> list[Finding]:
    """Relative links resolve to a file or folder at the pull request's head; no bare web
    addresses; link text says where the link goes."""
    found = []
    for number, line in prose_lines(text):
        for match in _LINK.finditer(line):
            image, label, target = match.group(1), match.group(2).strip(), match.group(3)
            where = resolve(path, target)
            if where is not None and (where.startswith("..") or where not in known_paths):
                found.append(
                    Finding(path, number, "links", copy.BROKEN.format(target=target or "(empty)"))
                )
            if not image and label.lower().strip(".!:") in VAGUE:
                found.append(Finding(path, number, "links", copy.VAGUE.format(label=label)))
        masked = _LINK.sub(lambda m: " " * len(m.group(0)), line)
        for match in [*_AUTOLINK.finditer(masked), *_BARE_URL.finditer(masked)]:
            url = match.group(1) if match.re is _AUTOLINK else match.group(0)
            host = url.split("://", 1)[1].split("/", 1)[0]
            found.append(Finding(path, number, "links", copy.BARE.format(host=host)))
    return found


def check_markdown(path: str, text: str) -> list[Finding]:
    """One H1; headings do not skip a level; no empty links; list items well formed."""
    found = []
    heads = headings(text)
    ones = [at for at, level, _ in heads if level == 1]
    if not ones:
        found.append(Finding(path, 1, "markdown", copy.NO_H1))
    for at in ones[1:]:
        found.append(Finding(path, at, "markdown", copy.MANY_H1.format(first=ones[0])))
    for (_, before, _), (at, level, _) in itertools.pairwise(heads):
        if level > before + 1:
            found.append(
                Finding(
                    path,
                    at,
                    "markdown",
                    copy.SKIPPED.format(level=level, before=before, wanted=before + 1),
                )
            )
    bullets: tuple[int, str] | None = None  # the marker of the list being read
    for number, line in prose_lines(text):
        for match in _LINK.finditer(line):
            if not match.group(1) and (not match.group(2).strip() or not match.group(3)):
                found.append(Finding(path, number, "markdown", copy.EMPTY_LINK))
        if _NO_SPACE_ITEM.match(line):
            found.append(Finding(path, number, "markdown", copy.NO_SPACE))
        bullet = _BULLET.match(line)
        if bullet is None:
            if not line.strip():
                bullets = None
            continue
        indent, marker = len(bullet.group(1)), bullet.group(2)
        if bullets is not None and bullets[0] == indent and bullets[1] != marker:
            found.append(
                Finding(path, number, "markdown", copy.MIXED.format(used=bullets[1], got=marker))
            )
        if bullets is None or bullets[0] == indent:
            bullets = (indent, bullets[1] if bullets else marker)
    return found


def check_accessibility(path: str, text: str) -> list[Finding]:
    """Images have alt text; headings have words; tables have a header row."""
    found = []
    for at, _, heading in headings(text):
        if not re.search(r"[^\W_]", heading):
            found.append(Finding(path, at, "accessibility", copy.WORDLESS_HEADING))
    rows: list[tuple[int, str]] = []
    for number, line in [*prose_lines(text), (0, "")]:
        for match in _LINK.finditer(line):
            alt = match.group(2).strip()
            if match.group(1) and (not alt or alt.lower() in POOR_ALT):
                found.append(Finding(path, number, "accessibility", copy.ALT.format(alt=alt)))
        for tag in _IMG_TAG.finditer(line):
            attr = _ALT_ATTR.search(tag.group(0))
            alt = (attr.group(2) or attr.group(3) or "").strip() if attr else ""
            if not alt or alt.lower() in POOR_ALT:
                found.append(Finding(path, number, "accessibility", copy.ALT.format(alt=alt)))
        if _TABLE_ROW.match(line):
            rows.append((number, line))
            continue
        found += _table_findings(path, rows)
        rows = []
    return found


def _table_findings(path: str, rows: list[tuple[int, str]]) -> list[Finding]:
    if len(rows) < 2:
        return []
    first, line = rows[0]
    if not _TABLE_RULE.match(rows[1][1]):
        return [Finding(path, first, "accessibility", copy.TABLE_NO_HEADER)]
    if not re.search(r"[^\W_]", line.replace("|", " ")):
        return [Finding(path, first, "accessibility", copy.TABLE_EMPTY_HEADER)]
    return []


def check_file(path: str, text: str, known_paths: frozenset[str]) -> list[Finding]:
    """Every checker's findings for one file (each checker on its own; none sees another's)."""
    return combine(
        check_links(path, text, known_paths),
        check_markdown(path, text),
        check_accessibility(path, text),
    )


def combine(*parts: Iterable[Finding]) -> list[Finding]:
    """One report from many checkers' findings: all kept (duplicates once), by file and line."""
    return sorted({finding for part in parts for finding in part})


def needs_tree(texts: dict[str, str]) -> bool:
    """True when some file has a relative link to resolve (only then is the tree read)."""
    for path, text in texts.items():
        for _, line in prose_lines(text):
            if any(resolve(path, m.group(3)) is not None for m in _LINK.finditer(line)):
                return True
    return False


def report(findings: list[Finding], files: list[str], head_sha: str) -> str:
    """The report's visible text: the outcome heading, then each file's findings in order."""
    sha = head_sha[:7]
    if not files:
        return "\n\n".join([copy.HEADING_NO_MARKDOWN, copy.NO_MARKDOWN.format(sha=sha), copy.HELP])
    checked = copy.checked_files(files)
    if not findings:
        parts = [copy.HEADING_PASS, copy.PASS.format(sha=sha, files=checked)]
        return "\n\n".join([*parts, copy.HELP])
    parts = [
        copy.HEADING_FAIL.format(count=copy.count_words(len(findings))),
        copy.FAIL.format(sha=sha, files=checked),
    ]
    for path in sorted({f.path for f in findings}):
        parts.append(f"### `{path}`")
        parts.append(
            "\n".join(
                f"- Line {f.line} ({copy.CHECKER_NAMES[f.checker]}): {f.message}"
                for f in findings
                if f.path == path
            )
        )
    parts += [copy.HOW_TO_FIX, copy.HELP]
    return "\n\n".join(parts)
