"""What the help bot writes: one answer per help request. Learner copy: a heading
first, the outcome in the first sentence, one sentence per line, descriptive link text."""

from __future__ import annotations

HEADING = "## Your help request reached the facilitators"
OUTCOME = "@{author}, your request is on its way to a person: [your help request]({url})."
MENTION = "{team}, please reply on this {kind}."
DASHBOARD = "It shows on the facilitators' dashboard until one of them replies here."
WHILE_WAITING = (
    'While you wait, re-read the "If you get stuck" section of your challenge, and add a '
    "comment here saying what you have tried."
)


def answer(author: str, url: str, facilitators: str, *, pull: bool) -> str:
    """The help answer: the learner's request linked, the facilitators @mentioned if set."""
    team = facilitators.strip()
    lines = [HEADING, OUTCOME.format(author=author, url=url)]
    if team:
        lines.append(MENTION.format(team=team, kind="pull request" if pull else "issue"))
    lines += [DASHBOARD, WHILE_WAITING]
    return "\n\n".join(lines) + "\n"
