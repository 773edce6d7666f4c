"""What the registration bot says on a learner's public registration issue, and its labels.

Screen-reader first (STYLE.md, rule 6): every message opens with a heading that carries the
outcome, one line per paragraph (GitHub renders a newline inside a comment as a line break, so a
hard-wrapped sentence is read as two lines), descriptive link text, a next step wherever
something is missing, and never blame for our own faults. Nothing here promises what nothing
keeps: editing a comment notifies nobody unless the edit adds a new @mention
(github-behaviour.md), so a comment rewritten to announce a seat mentions the learner.
"""

from __future__ import annotations

from dataclasses import dataclass

from glow.cohort.registration.form import PATH_CHOICES, PATHS

LABEL_REGISTRATION = "registration"
LABEL_ENROLLED = "enrolled"
LABEL_NEEDS_INFO = "needs-info"
LABEL_WAITLISTED = "waitlisted"
LABEL_DUPLICATE = "duplicate"
LABEL_WITHDRAWN = "withdrawn"
# Work for a facilitator: the body was redacted, and its first version (in GitHub's edit history)
# still holds what was moved; the runbook says to delete that version, then this label.
LABEL_REDACTED = "redacted"
OUTCOME_LABELS = (
    LABEL_ENROLLED,
    LABEL_NEEDS_INFO,
    LABEL_WAITLISTED,
    LABEL_DUPLICATE,
    LABEL_WITHDRAWN,
)
LABELS: dict[str, tuple[str, str]] = {
    LABEL_REGISTRATION: ("0e8a16", "A workshop registration"),
    LABEL_ENROLLED: ("1d76db", "Registration complete: enrolled in a cohort"),
    LABEL_NEEDS_INFO: ("fbca04", "Registration needs a detail from the learner"),
    LABEL_WAITLISTED: ("c5def5", "The cohort is full: on the waitlist"),
    LABEL_DUPLICATE: ("cfd3d7", "Another registration issue is already open for this learner"),
    LABEL_WITHDRAWN: ("d4c5f9", "The learner withdrew: reopening the issue registers again"),
    LABEL_REDACTED: (
        "e99695",
        "Private text was moved: delete the first version from the edit history",
    ),
}

COMMENT_KEY = "registration"
HELP_KEY = "help"

ENROLLED = """## {opening}: you are enrolled

{mention}You are enrolled in cohort {cohort} ({path}).

What happens next:

1. Your private Learning Room is being prepared, and GitHub sends you an invitation to it: open [the invitation to your Learning Room]({invitations_url}) to accept it. It also appears in your GitHub notifications.
2. Open your Learning Room and read its README.
3. In your Learning Room, fill in [the private form about what helps you learn]({intake_url}). Your Learning Room is private, not public like this issue, so that is the place for accessibility needs and contact details.
4. When you are ready, comment `ack` on this issue so your facilitator knows you have arrived.
{private}
Need help at any point? Comment `help` on this issue and a facilitator will reply."""

OPENING_REGISTERED = "Registration received"
OPENING_PROMOTED = "A seat opened for you"

WAITLISTED = """## Registration received: you are on the waitlist

Cohort {cohort} is full, so you are on its waitlist, in place {place}.

If a seat opens, this comment changes to say you are enrolled and mentions you, so GitHub notifies you; your Learning Room is then prepared for you. There is nothing you need to do now.
{private}
Questions? Comment `help` on this issue and a facilitator will reply."""

NEEDS_INFO = """## Registration needs {count}

We could not enroll you yet. {what}

{problems}

How to fix it: edit this issue (open the issue's "More actions" menu and choose Edit), correct the answer, and save. We check again as soon as you save; there is no need to open a new issue.
{private}
Stuck? Comment `help` on this issue and a facilitator will reply."""

DUPLICATE = """## This registration is a duplicate

You are already registered for cohort {cohort} in #{issue}, so this issue is closed.

To change your cohort or path, edit #{issue} instead and continue there.
{private}
If this is a mistake, comment `help` on this issue and a facilitator will reply."""

WITHDRAWN = """## Registration withdrawn

You are no longer registered for cohort {cohort}, because this issue was closed.

Changed your mind? Reopen this issue (the "Reopen issue" button next to the comment box) and we register you again, in a free seat or on the waitlist.
{private}
Questions? Comment `help` on this issue and a facilitator will reply."""

HELP_RECEIVED = """## Help request received

A facilitator will reply on this issue.

While you wait, you can add details here: what you were trying to do, and what you heard or saw (for example, what your screen reader announced). That helps the reply fit your setup."""

FAILED = """## Registration not finished yet

A problem on our side stopped your registration. This is not something you did wrong.

The facilitators see the failed run in this repository's Actions tab and finish your registration; what you wrote is kept. There is nothing you need to do now.

If nobody has replied within a day, comment `help` on this issue."""

PRIVATE_NOTE = """
What you wrote here beyond the two answers was moved to the facilitators' private roster and removed from this issue's text. A facilitator also deletes the earlier version from the issue's edit history.
"""

# Each problem is one list item naming the field and how to answer it. A learner's own text is
# never quoted back: it could be private, and it could break out of the Markdown around it.
PROBLEM_COHORT_EMPTY = (
    "- Cohort: the answer is empty. Write the cohort name your facilitator gave you, "
    "for example `2026-12`."
)
PROBLEM_COHORT_NOT_A_NAME = (
    "- Cohort: what you wrote is not a cohort name, so it was moved to the facilitators' private "
    "roster and removed from this issue. Write only the cohort name your facilitator gave you, "
    "for example `2026-12`."
)
PROBLEM_COHORT_CLOSED = "- Cohort: `{cohort}` is not open for registration. Open cohorts: {listed}."
_CHOOSE = "Choose " + " or ".join(f"“{choice}”" for choice in PATH_CHOICES.values()) + "."
PROBLEM_PATH_EMPTY = "- Path: the answer is empty. " + _CHOOSE
PROBLEM_PATH_NOT_A_CHOICE = (
    "- Path: what you wrote is not one of the choices, so it was moved to the facilitators' "
    "private roster and removed from this issue. " + _CHOOSE
)


@dataclass(frozen=True)
class RoomLinks:
    """Where the learner accepts the room's invitation, and the room's private intake form."""

    invitations: str
    intake: str


def needs_info_text(problems: tuple[str, ...], private: str) -> str:
    one = len(problems) == 1
    return NEEDS_INFO.format(
        count="one more detail" if one else f"{len(problems)} more details",
        what="One answer is missing or unclear:"
        if one
        else f"{len(problems)} answers are missing or unclear:",
        problems="\n".join(problems),
        private=private,
    )


def enrolled_text(
    opening: str, cohort: str, path: str, links: RoomLinks, private: str, mention: str = ""
) -> str:
    return ENROLLED.format(
        opening=opening,
        mention=mention,
        cohort=f"`{cohort}`",
        path=PATHS[path],
        invitations_url=links.invitations,
        intake_url=links.intake,
        private=private,
    )
