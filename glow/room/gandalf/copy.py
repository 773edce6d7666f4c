"""What Gandalf says on a learner's pull request: one comment, rewritten on every check.

Learner copy (STYLE.md, rule 6): the outcome is the heading, one sentence per paragraph (GitHub
renders a newline inside a comment as a line break, which stops a screen reader mid-sentence),
links say where they go, and every finding says what to change and how, by keyboard.
Help requests are answered by the help behaviour, so this comment only says how to ask.
"""

from __future__ import annotations

COMMENT_KEY = "gandalf"

WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
HEADING_READY = "## Your pull request is ready for review"
HEADING_CHANGES = "## Your pull request needs {count}"

READY = "Gandalf checked commit `{sha}` and found nothing to change."
CHANGES = "Gandalf checked commit `{sha}`: fix what each section below says, and Gandalf checks again every time you push a commit or edit the description."
WELCOME = "Welcome to your first pull request in this Learning Room: opening one is a real step, and you took it."
LINKED = "This pull request closes {issues}, so merging it closes {that}."
CLOSES_ONE = "that issue"
CLOSES_MANY = "those issues"
CHALLENGE_ISSUE = "#{number} ({title})"

LINK_HEADING = "### Link your challenge issue"
LINK_NONE = "The description does not say which challenge issue this pull request completes."
LINK_NOT_OPEN = (
    "The description names {refs}, but none of them is an open challenge issue of this room."
)
LINK_OPEN = "Your open challenge issues: {issues}."
LINK_NO_OPEN = "You have no open challenge issue right now, so write `help` in a comment and a facilitator will look at it with you."
LINK_EXAMPLE = "Write `Closes #{number}` on a line of its own in the description, with the number of the challenge issue this pull request completes."
LINK_DOCS = "[GitHub Docs: linking a pull request to an issue](https://docs.github.com/en/issues/tracking-your-work-with-issues/using-issues/linking-a-pull-request-to-an-issue)"

DESCRIPTION_HEADING = "### Describe your change"
DESCRIPTION_EMPTY = "The description has no words of your own yet: a reviewer needs to know what you changed and why."
DESCRIPTION_HOW = "Add a sentence or two saying what you changed and why, below the `Closes` line."

EDIT_STEPS = (
    "To edit the description with a keyboard:\n"
    "1. On the Conversation tab of this pull request, the description is the first comment.\n"
    "2. Find its button named Show options: in browse mode press B until you hear it (NVDA and JAWS), or with VoiceOver open the rotor with VO+U and choose Form Controls.\n"
    "3. Press Enter, then choose Edit; the description opens in a text box (if your screen reader stays in browse mode, press NVDA+Space with NVDA or Insert+Z with JAWS).\n"
    "4. Type your change, then press Tab until you reach the Update comment button and press Enter."
)

FILES_HEADING = "### Keep to the files of Challenge {key}"
FILES_OUTSIDE = (
    "This pull request changes {files}, which Challenge {key} does not ask you to change."
)
FILES_ALLOWED = "Challenge {key} expects changes only in {allowed}."
FILES_STEPS = (
    "To undo a change with a keyboard:\n"
    "1. Open the Files changed tab of this pull request; each file's name is a heading (press H in browse mode, or VO+Command+H with VoiceOver).\n"
    "2. For a file you edited, open it on your branch, put it back as it was, and commit to the same branch.\n"
    "3. For a file you added, open it on your branch, choose Delete file in its menu of more options, and commit to the same branch."
)

HELP_LINE = "Questions or stuck? Write `help` or `@gandalf` in a comment on this pull request and a facilitator is asked to reply."


def count_words(count: int) -> str:
    word = WORDS[count - 1] if 0 < count <= len(WORDS) else str(count)
    return f"{word} change" if count == 1 else f"{word} changes"


def code_list(items: list[str], limit: int = 8) -> str:
    """``a``, ``b`` and ``c`` (at most ``limit`` named, then how many more)."""
    shown = [f"`{item}`" for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"{len(items) - limit} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
