"""What the content checks say: one report comment per pull request, every finding a sentence
saying what to fix (STYLE.md, rule 6: heading first, outcome first, one line per paragraph)."""

from __future__ import annotations

COMMENT_KEY = "content-check"

CHECKER_NAMES = {"links": "links", "markdown": "Markdown", "accessibility": "accessibility"}

HEADING_PASS = "## Your Markdown passed the content checks"
HEADING_FAIL = "## Your Markdown has {count} to fix"
HEADING_NO_MARKDOWN = "## No Markdown to check in this pull request"

PASS = (
    "The link, Markdown and accessibility checks found nothing to fix in {files} at commit `{sha}`."
)
FAIL = "The link, Markdown and accessibility checks read {files} at commit `{sha}`; each line below says what to change."
NO_MARKDOWN = "This pull request no longer changes a Markdown file at commit `{sha}`, so there is nothing for the content checks to report."
HOW_TO_FIX = (
    "Fix them on the same branch; every push runs the checks again and rewrites this report."
)
HELP = "Stuck on one of these? Write `help` in a comment on this pull request and a facilitator is asked to reply."

WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

# Links
BROKEN = (
    "the link to `{target}` leads to no file in this branch; correct the path or remove the link."
)
VAGUE = 'the link text "{label}" does not say where it goes; use words that name the page, such as its title.'
BARE = "a bare web address to `{host}`, which a screen reader spells out; write it as a link with words, like `[the page's title](address)`."

# Markdown
NO_H1 = "the file has no top-level heading; start it with one line `# Title`."
MANY_H1 = "a second top-level heading (the first is on line {first}); make this one `##`."
SKIPPED = "a level {level} heading follows a level {before} heading, which skips a level; make it level {wanted} so the outline makes sense."
EMPTY_LINK = "a link with no text or no address; give it both, like `[the page's title](address)`."
NO_SPACE = "a list item needs a space after its marker (`- item`, `1. item`) to be read as a list."
MIXED = (
    "this list switches from `{used}` to `{got}` as its marker; use one marker for the whole list."
)

# Accessibility
ALT = 'an image whose alternative text ("{alt}") does not describe it; write what the image shows inside the square brackets.'
WORDLESS_HEADING = "a heading with no words (only symbols or emoji); a screen reader announces it as nothing useful, so give it words."
TABLE_NO_HEADER = "a table without a header row; add a row of column names and a line like `| --- | --- |` under it."
TABLE_EMPTY_HEADER = "a table whose header row is empty; name each column in the first row."


def count_words(count: int) -> str:
    word = WORDS[count - 1] if 0 < count <= len(WORDS) else str(count)
    return f"{word} thing" if count == 1 else f"{word} things"


def checked_files(files: list[str]) -> str:
    named = [f"`{path}`" for path in files[:6]]
    if len(files) > 6:
        named.append(f"{len(files) - 6} more files")
    if len(named) == 1:
        return named[0]
    return ", ".join(named[:-1]) + " and " + named[-1]
