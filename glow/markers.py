"""Hidden HTML-comment markers: how a bot finds its own text again without remembering anything.

Pure text functions, outside the GitHub layer, so decisions may use them as the adapters do.

Idempotency comes from GitHub's state (STYLE.md, habit 5): a comment is ours when its first line
is ``<!-- glow:KEY -->``, and a region of a body is ours between ``<!-- glow:KEY:start -->`` and
``<!-- glow:KEY:end -->``. We match markers only, never free text a person could also write.
Markers are invisible in rendered Markdown and silent for screen readers.
"""

from __future__ import annotations

import re

# Keys become part of an HTML comment: "--" or ">" inside one would end it early.
_KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/@#-]*")


def _checked(key: str) -> str:
    if not _KEY_PATTERN.fullmatch(key) or "--" in key:
        raise ValueError(f"marker key {key!r} must be letters, digits and _.:/@#- (no '--')")
    return key


def marker(key: str) -> str:
    """The hidden first line that identifies a comment or body as GLOW's ``key``."""
    return f"<!-- glow:{_checked(key)} -->"


def has_marker(body: str | None, key: str) -> bool:
    """True when ``body``'s first line is exactly ``key``'s marker.

    Only the first line counts, so a person quoting our comment further down does not make their
    comment ours, and ``glow:a`` never matches ``glow:ab``.
    """
    if not body:
        return False
    first_line = body.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r ")
    return first_line == marker(key)


def with_marker(key: str, body: str) -> str:
    """``body`` with ``key``'s marker as its first line (added once, never twice)."""
    if has_marker(body, key):
        return body
    return f"{marker(key)}\n{body}"


def region_markers(key: str) -> tuple[str, str]:
    """The start and end markers that fence the region GLOW owns inside someone's body."""
    checked = _checked(key)
    return f"<!-- glow:{checked}:start -->", f"<!-- glow:{checked}:end -->"


def replace_between_markers(body: str | None, key: str, new_inner: str) -> str:
    """Replace only the text between ``key``'s start and end markers; leave the rest untouched.

    When the region is absent it is appended (after a blank line), so a person's text above it
    survives. A start marker without its end marker is treated as absent rather than guessing
    where the region stopped: the old partial marker stays and a complete region follows.
    Returns the body unchanged (same string) when the region already holds ``new_inner``, so the
    caller can compare and skip the write.
    """
    start, end = region_markers(key)
    text = body or ""
    inner = new_inner.strip("\n")
    block = f"{start}\n{inner}\n{end}"
    begin = text.find(start)
    finish = text.find(end, begin + len(start)) if begin >= 0 else -1
    if begin < 0 or finish < 0:
        if not text.strip():
            return block
        return f"{text.rstrip()}\n\n{block}\n"
    replaced = text[:begin] + block + text[finish + len(end) :]
    return text if replaced == text else replaced


def normalise_body(body: str | None) -> str:
    """A body as GitHub may hand it back: CRLF folded to LF, trailing whitespace dropped.

    GitHub stores what a browser posts (CRLF) and what we post (LF); comparing normalised bodies
    keeps a re-run from "updating" a comment that only differs in line endings.
    """
    return (body or "").replace("\r\n", "\n").rstrip()


_RESULT = re.compile(r"^<!-- result: ([a-z-]+) ([0-9]+)/([0-9]+) -->$", re.MULTILINE)


def result_line(kind: str, passed: int, total: int) -> str:
    """The hidden line a scorecard or verdict carries with its outcome, for a program (the
    learner-path certification) to read what the learner reads, never from the prose."""
    return f"<!-- result: {kind} {passed}/{total} -->"


def read_result(body: str | None) -> tuple[str, int, int] | None:
    """The outcome a ``result_line`` in ``body`` carries (the last one), or None."""
    found = _RESULT.findall(body or "")
    if not found:
        return None
    kind, passed, total = found[-1]
    return kind, int(passed), int(total)


_SHA_LINE = re.compile(r"^<!-- sha: ([0-9a-f]{40}) -->$", re.MULTILINE)


def sha_line(sha: str) -> str:
    """The hidden line that records a commit under a marker: the room's project bot writes it
    on a submission (what was submitted) and the grader on a verdict (what was graded)."""
    return f"<!-- sha: {sha} -->"


def recorded_sha(body: str | None) -> str | None:
    """The commit a ``sha_line`` in ``body`` records (the first one), or None."""
    found = _SHA_LINE.search(body or "")
    return found.group(1) if found else None
