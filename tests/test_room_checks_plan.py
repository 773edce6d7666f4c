"""Content checks, pure: Markdown text in, findings out, merged into one report."""

from __future__ import annotations

from glow.room.checks.decide import (
    Finding,
    check_accessibility,
    check_file,
    check_links,
    check_markdown,
    combine,
    needs_tree,
    report,
    resolve,
)

KNOWN = frozenset({"docs", "docs/welcome.md", "docs/review-me.md", "README.md"})
GOOD = (
    "# Welcome\n\n## Start here\n\nRead [the review document](review-me.md#top) and "
    "[GitHub's guide to Markdown](https://docs.github.com/en/get-started).\n\n"
    "- one\n- two\n\n| Name | Role |\n| --- | --- |\n| Ada | learner |\n\n"
    "![A screen reader's settings window](img.png)\n"
)


def messages(found: list[Finding]) -> list[tuple[int, str, str]]:
    return [(f.line, f.checker, f.message.split(";")[0]) for f in combine(found)]


def test_a_clean_file_has_no_findings() -> None:
    known = KNOWN | {"docs/img.png"}
    assert check_file("docs/welcome.md", GOOD, known) == []


def test_links_resolve_at_the_head_and_say_where_they_go() -> None:
    text = (
        "# T\n\nSee [here](missing.md), [the readme](../README.md), [outside](../../x.md).\n"
        "Visit https://example.org now or <https://example.com>.\n"
        "`https://in.code` is fine.\n```\nhttps://in.fence [here](nowhere.md)\n```\n"
    )
    found = check_links("docs/welcome.md", text, KNOWN)
    assert messages(found) == [
        (3, "links", 'the link text "here" does not say where it goes'),
        (3, "links", "the link to `../../x.md` leads to no file in this branch"),
        (3, "links", "the link to `missing.md` leads to no file in this branch"),
        (4, "links", "a bare web address to `example.com`, which a screen reader spells out"),
        (4, "links", "a bare web address to `example.org`, which a screen reader spells out"),
    ]
    assert resolve("docs/a.md", "/README.md") == "README.md"
    assert resolve("docs/a.md", "mailto:x@y") is None and resolve("docs/a.md", "#top") is None


def test_markdown_structure() -> None:
    text = (
        "---\ntitle: x\n---\n# One\n### Skipped\n# Two\n[](empty.md)\n"
        "-item\n\n- a\n* b\n  - nested\n"
    )
    assert messages(check_markdown("a.md", text)) == [
        (5, "markdown", "a level 3 heading follows a level 1 heading, which skips a level"),
        (6, "markdown", "a second top-level heading (the first is on line 4)"),
        (7, "markdown", "a link with no text or no address"),
        (
            8,
            "markdown",
            "a list item needs a space after its marker (`- item`, `1. item`) to be"
            " read as a list.",
        ),
        (11, "markdown", "this list switches from `-` to `*` as its marker"),
    ]
    assert messages(check_markdown("b.md", "## No title\n")) == [
        (1, "markdown", "the file has no top-level heading")
    ]


def test_accessibility() -> None:
    text = (
        "# Title\n\n## 🎉🎉\n\n![](a.png) ![screenshot](b.png) ![The menu open](c.png)\n"
        '<img src="d.png"> <img alt="A chart of progress" src="e.png">\n\n'
        "| a | b |\n| c | d |\n\n|  |  |\n|---|---|\n| x | y |\n"
    )
    assert messages(check_accessibility("a.md", text)) == [
        (3, "accessibility", "a heading with no words (only symbols or emoji)"),
        (5, "accessibility", 'an image whose alternative text ("") does not describe it'),
        (5, "accessibility", 'an image whose alternative text ("screenshot") does not describe it'),
        (6, "accessibility", 'an image whose alternative text ("") does not describe it'),
        (8, "accessibility", "a table without a header row"),
        (11, "accessibility", "a table whose header row is empty"),
    ]


def test_every_checkers_findings_are_kept_in_one_report_sorted_by_file_and_line() -> None:
    a = [Finding("b.md", 3, "links", "x"), Finding("a.md", 9, "links", "y")]
    b = [Finding("a.md", 2, "markdown", "z"), Finding("b.md", 3, "links", "x")]
    assert combine(a, b) == [
        Finding("a.md", 2, "markdown", "z"),
        Finding("a.md", 9, "links", "y"),
        Finding("b.md", 3, "links", "x"),
    ]
    text = report(combine(a, b), ["a.md", "b.md"], "c" * 40)
    assert text.startswith("## Your Markdown has three things to fix\n\n")
    assert "### `a.md`\n\n- Line 2 (Markdown): z\n- Line 9 (links): y\n\n### `b.md`" in text


def test_reports_for_a_pass_and_for_no_markdown() -> None:
    assert report([], ["docs/welcome.md"], "c" * 40).startswith(
        "## Your Markdown passed the content checks\n\n"
        "The link, Markdown and accessibility checks found nothing to fix in `docs/welcome.md`"
    )
    assert report([], [], "c" * 40).startswith("## No Markdown to check in this pull request\n")


def test_the_tree_is_read_only_for_a_relative_link() -> None:
    assert not needs_tree({"a.md": "# T\n[the site](https://example.org)\n`[x](y.md)`\n"})
    assert needs_tree({"a.md": "# T\n[the readme](README.md)\n"})
