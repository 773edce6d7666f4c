"""Every message Gandalf and the content checks write, for ``tests/test_copy.py``."""

from __future__ import annotations

from collections.abc import Callable

from glow.room.checks.decide import check_file, report
from glow.room.gandalf.decide import Facts, Issue, Pull, judge, render

SHA = "d" * 40
ISSUES = (Issue(3, "Challenge 6: Open your first pull request", 6),)
BAD_MARKDOWN = (
    "## 🎉\n#### Skipped\n# One\n# Two\n[here](nowhere.md) https://example.org []()\n"
    "-item\n- a\n* b\n![](x.png) <img src='y.png'>\n| a | b |\n| c | d |\n\n|  |\n|---|\n"
)


def _gandalf(
    body: str,
    *,
    first: bool = False,
    issues: tuple[Issue, ...] = ISSUES,
    changed: tuple[str, ...] = ("docs/welcome.md", "notes.txt"),
) -> str:
    pull = Pull(7, "ada", SHA, "learn/ada", body, "open")
    facts = Facts("org/room", pull, first, issues, changed, {6: ("docs/*.md",)})
    return render(judge(facts), pull)


MESSAGES: dict[str, Callable[[], str]] = {
    "gandalf ready, first": lambda: _gandalf(
        "Closes #3 I fixed the welcome TODO.", first=True, changed=()
    ),
    "gandalf three changes": lambda: _gandalf("Closes #3"),
    "gandalf no link": lambda: _gandalf("I fixed the welcome page TODO."),
    "gandalf no open challenge": lambda: _gandalf("", issues=()),
    "content check findings": lambda: report(
        check_file("docs/a.md", BAD_MARKDOWN, frozenset()), ["docs/a.md"], SHA
    ),
    "content check pass": lambda: report([], ["docs/a.md"], SHA),
    "content check no markdown": lambda: report([], [], SHA),
}
