"""The autograders, decided: evidence in, a verdict out (pass, or needs revision with what was
found and the next step). Pure functions; ``read`` gathers the evidence from GitHub's current
state, ``copy`` renders a verdict as the one comment of its family.

Each family judges the learner's own change, never content the room itself ships (the anchor
workshop's conflict check failed forever on a sample file with markers, and its template check
always passed on a template the room ships).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from glow.keywords import closing_references
from glow.room.challenges import GraderName
from glow.room.grading.forms import check_form
from glow.room.rules import ISSUE_FORM_GLOBS, linked_challenge_issues

# A grader family is a challenge's ``grader`` field: one list of names (glow.room.challenges).
Family = GraderName
# The challenge each family grades (tests hold it equal to the catalogue's ``grader`` fields).
CHALLENGE: dict[Family, int] = {
    "issue-filed": 2,
    "branch-commit": 5,
    "pr-linked": 6,
    "conflict-resolved": 7,
    "local-commit": 10,
    "issue-template": 14,
    "capstone": 16,
}
WELCOME = "docs/welcome.md"
CONFLICT_FILE = "docs/conflict-practice.md"
CONFLICT_BRANCH = "practice/merge-conflict"
CAPSTONE_TEMPLATE = "docs/capstone-plan-template.md"
CAPSTONE_DIR = "docs/capstone/"
TEMPLATE_GLOBS = ISSUE_FORM_GLOBS  # what Challenge 14 allows, one source with Gandalf
# The message GitHub's web editor proposes for a one-file edit ("Update <file name>").
WEB_EDITOR_DEFAULT = re.compile(r"^update [^\s/]+(\.[^\s/]+)?$", re.IGNORECASE)
NO_RESPONSE = "_No response_"


@dataclass(frozen=True)
class Verdict:
    """One family's judgement of one thing: the comment it becomes says all of it."""

    family: Family
    passed: bool
    outcome: str  # the first sentence: what the grader decided
    found: tuple[str, ...] = ()  # what it looked at and saw, one sentence each
    next_step: str = ""
    note: str = ""  # a caveat about the check itself (never the learner's fault)


@dataclass(frozen=True)
class CommitFacts:
    """What a grader needs of one commit."""

    sha: str
    message: str
    files: tuple[str, ...] = ()
    committer_name: str = ""
    committer_email: str = ""
    committer_login: str = ""
    verified: bool = False

    @property
    def web_flow(self) -> bool:
        """Made in GitHub's web editor: GitHub commits it as ``GitHub <noreply@github.com>``
        (the ``web-flow`` account) and signs it; a commit pushed over git keeps the committer the
        learner's git set (github-behaviour.md, issues and pull requests)."""
        if self.committer_login.lower() == "web-flow":
            return True
        return (
            self.committer_email.lower() == "noreply@github.com" and self.committer_name == "GitHub"
        )

    @property
    def subject(self) -> str:
        return self.message.strip().split("\n", 1)[0].strip()


# 1. issue-filed (Challenge 2) ------------------------------------------------------------------

PARTS = ("What", "Where", "Why")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<name>[^#\n]*?)\s*#*\s*$")
_LINE = re.compile(r"^\s*(?:[-*]\s+)?\**(?P<name>What|Where|Why)\**\s*:\**\s*(?P<rest>.*)$", re.I)


def issue_parts(body: str | None) -> dict[str, str]:
    """The What, Where and Why of an issue body: ``### What`` headings (as GitHub renders an
    issue form) or ``What:`` lines; each part runs to the next part or heading, every line of
    it (never only the first)."""
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in (body or "").replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        labelled = _LINE.match(line)
        name = heading.group("name") if heading else labelled.group("name") if labelled else ""
        key = next((p for p in PARTS if p.lower() == name.strip().lower()), None)
        if key is not None:
            current = parts.setdefault(key, [])
            if labelled and not heading:
                current.append(labelled.group("rest"))
        elif heading:
            current = None
        elif current is not None:
            current.append(line)
    return {k: "\n".join(v).strip() for k, v in parts.items()}


def names_room_file(text: str, room_files: Iterable[str]) -> str | None:
    """The room file ``text`` names (its path, or its file name as a word), or None."""
    lowered = text.lower()
    for path in sorted(room_files, key=len, reverse=True):
        name = path.rsplit("/", 1)[-1].lower()
        if path.lower() in lowered or re.search(
            rf"(?<![\w/.-]){re.escape(name)}(?![\w-])", lowered
        ):
            return path
    return None


def grade_issue(body: str | None, room_files: Iterable[str]) -> Verdict:
    parts = issue_parts(body)
    empty = [p for p in PARTS if parts.get(p, "") in ("", NO_RESPONSE)]
    found = [f"{p}: {'missing or empty' if p in empty else 'filled in'}." for p in PARTS]
    if empty:
        return Verdict(
            "issue-filed",
            False,
            f"Needs revision: your issue has no {' and no '.join(empty)} section with text.",
            tuple(found),
            "Edit your issue (the Edit button on its first comment) and give each of What, "
            "Where and Why a heading and a sentence; I check it again when you save.",
        )
    named = names_room_file(parts["Where"], room_files)
    if named is None:
        return Verdict(
            "issue-filed",
            False,
            "Needs revision: the Where section does not name a file of this room.",
            (*found, "Where names no file I can find in this room."),
            "Edit your issue so Where names the file, for example docs/welcome.md; I check it "
            "again when you save.",
        )
    return Verdict(
        "issue-filed",
        True,
        "Passed: your issue has What, Where and Why, and Where names a file of this room.",
        (*found, f"Where names {named}."),
        "Post your evidence on the Challenge 2 issue and close it to open the next challenge.",
    )


# 2. branch-commit (Challenge 5) ----------------------------------------------------------------


def grade_branch_commit(branch: str, commits: Sequence[CommitFacts] | None) -> Verdict:
    """``commits``: the branch's commits that are not on the default branch (None: no branch)."""
    if commits is None:
        return Verdict(
            "branch-commit",
            False,
            f"Needs revision: this room has no branch named {branch}.",
            (f"No branch {branch}.",),
            f"Create the branch {branch} (Challenge 4), commit your change to {WELCOME} on it, "
            "then comment here again.",
        )
    touching = [c for c in commits if WELCOME in c.files]
    meaningful = [c for c in touching if c.subject and not WEB_EDITOR_DEFAULT.match(c.subject)]
    found = [f"{len(commits)} commit(s) on {branch} that are not on the default branch."]
    found += [f"Commit {c.sha[:7]} changes {WELCOME}: {c.subject!r}." for c in touching]
    if meaningful:
        return Verdict(
            "branch-commit",
            True,
            f"Passed: commit {meaningful[0].sha[:7]} on {branch} changes {WELCOME} with a "
            "message that says what it does.",
            tuple(found),
            "Close the Challenge 5 issue when you are ready to open the next challenge.",
        )
    if touching:
        return Verdict(
            "branch-commit",
            False,
            "Needs revision: your commit keeps the web editor's default message.",
            tuple(found),
            f"Make another small change to {WELCOME} on {branch} and write a commit message "
            "that says what you changed, then comment here again.",
        )
    return Verdict(
        "branch-commit",
        False,
        f"Needs revision: no commit on {branch} changes {WELCOME} yet.",
        tuple(found),
        f"Edit a TODO line in {WELCOME} on the branch {branch}, commit with a message that says "
        "what you changed, then comment here again.",
    )


# 3. pr-linked (Challenge 6) --------------------------------------------------------------------


def grade_pr_linked(body: str | None, challenge_issues: Mapping[int, int], repo: str) -> Verdict:
    """The one rule Gandalf shares (``glow.room.rules.linked_challenge_issues``): the description
    closes an open challenge issue of this room. ``challenge_issues``: the room's open challenge
    issues, issue number -> challenge number (``glow.room.rules.open_challenge_issues``)."""
    linked = linked_challenge_issues(body, challenge_issues, repo)
    named = closing_references(body, repo)
    if linked:
        names = [_issue_name(n, linked) for n in linked]
        return Verdict(
            "pr-linked",
            True,
            f"Passed: your description closes {', '.join(names)}, an open challenge issue of "
            "this room.",
            tuple(f"Closes {name}: open." for name in names),
            "Wait for the checks, then merge your pull request; merging closes the linked issue.",
        )
    found = [f"#{n} is not an open challenge issue of this room." for n in named]
    if not named:
        found.append("The description has no closing keyword followed by an issue number.")
    return Verdict(
        "pr-linked",
        False,
        "Needs revision: your description does not close an open challenge issue of this room.",
        tuple(found),
        "Edit the description (the pull request's first comment) and add a line such as "
        "`Closes #2`, with the number of your open challenge issue; I check it again when you "
        "save.",
    )


def _issue_name(number: int, challenges: Mapping[int, int] | None) -> str:
    challenge = (challenges or {}).get(number)
    return f"#{number} (Challenge {challenge})" if challenge else f"#{number}"


# 4. conflict-resolved (Challenge 7) ------------------------------------------------------------

_CONFLICT_MARKER = re.compile(r"^(<{7}(\s.*)?|={7}|>{7}(\s.*)?|\|{7}(\s.*)?)$")


def conflict_markers(text: str) -> list[int]:
    """Line numbers holding a conflict marker (``<<<<<<<``, a bare ``=======``, ``>>>>>>>``,
    a diff3 ``|||||||``)."""
    return [
        n
        for n, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1)
        if _CONFLICT_MARKER.match(line.rstrip())
    ]


def grade_conflict(text: str | None, mergeable: bool | None) -> Verdict:
    """Only ``docs/conflict-practice.md`` at the pull request's head: never another file."""
    if text is None:
        return Verdict(
            "conflict-resolved",
            False,
            f"Needs revision: {CONFLICT_FILE} is missing from the practice branch.",
            (f"No {CONFLICT_FILE} on {CONFLICT_BRANCH}.",),
            f"Restore {CONFLICT_FILE} on {CONFLICT_BRANCH}, keeping the lines you want, then "
            "commit; I check it again on your next commit.",
        )
    lines = conflict_markers(text)
    note = (
        ""
        if mergeable is not None
        else "GitHub had not finished working out whether the pull request can merge, so I "
        "checked the file alone; I check again on your next commit."
    )
    if lines:
        where = ", ".join(str(n) for n in lines)
        return Verdict(
            "conflict-resolved",
            False,
            f"Needs revision: {CONFLICT_FILE} still has conflict markers.",
            (f"Conflict marker lines: {where}.",),
            "Delete every line that is only <<<<<<<, ======= or >>>>>>> (with the branch name), "
            "keep the text you want, then commit; I check it again on your next commit.",
            note,
        )
    if mergeable is False:
        return Verdict(
            "conflict-resolved",
            False,
            "Needs revision: the pull request still has a merge conflict.",
            (f"{CONFLICT_FILE} has no conflict markers.", "GitHub says it cannot merge yet."),
            "Use Resolve conflicts on the pull request (or merge main into the branch on your "
            "computer), keep the text you want, and commit the merge.",
        )
    return Verdict(
        "conflict-resolved",
        True,
        f"Passed: {CONFLICT_FILE} has no conflict markers"
        + (" and the pull request can merge." if mergeable else "."),
        (f"{CONFLICT_FILE}: no conflict marker lines.",),
        "Merge the pull request, then close the Challenge 7 issue to open the next challenge.",
        note,
    )


# 5. local-commit (Challenge 10) ----------------------------------------------------------------


def grade_local_commit(branch: str, commits: Sequence[CommitFacts] | None) -> Verdict:
    """A commit on ``fix/<handle>`` pushed over git, not made in the web editor."""
    if commits is None:
        return Verdict(
            "local-commit",
            False,
            f"Needs revision: this room has no branch named {branch}.",
            (f"No branch {branch}.",),
            f"Clone this room, create the branch {branch}, commit on your computer and push it "
            "(git push -u origin " + branch + "), then comment here again.",
        )
    local = [c for c in commits if not c.web_flow]
    found = [
        f"Commit {c.sha[:7]} {'made in the web editor' if c.web_flow else 'pushed over git'}: "
        f"{c.subject!r}."
        for c in commits
    ] or [f"No commit on {branch} that is not on the default branch."]
    if local:
        return Verdict(
            "local-commit",
            True,
            f"Passed: commit {local[0].sha[:7]} on {branch} was made on your computer and pushed.",
            tuple(found),
            "Open a pull request from your branch (Challenge 11) when you are ready.",
        )
    return Verdict(
        "local-commit",
        False,
        f"Needs revision: no commit on {branch} was pushed from your computer yet.",
        tuple(found),
        f"On your computer, check out {branch}, commit a change with git commit, and push it "
        "with git push; commits made in the web editor do not count for this challenge.",
    )


# 6. issue-template (Challenge 14) --------------------------------------------------------------


def template_paths(changed: Mapping[str, str]) -> list[str]:
    """The issue forms a pull request added or changed (``changed``: path -> status), never a
    removed one: the room's own templates are not the learner's unless the PR touched them."""
    return sorted(
        path
        for path, status in changed.items()
        if status != "removed" and any(fnmatchcase(path, glob) for glob in TEMPLATE_GLOBS)
    )


def grade_templates(forms: Mapping[str, str]) -> Verdict:
    """``forms``: each issue form the pull request changed (and that differs from the base)."""
    if not forms:
        return Verdict(
            "issue-template",
            False,
            "Needs revision: this pull request adds no issue form of yours.",
            ("No new or changed .yml file under .github/ISSUE_TEMPLATE/.",),
            "Add a new file such as .github/ISSUE_TEMPLATE/my-form.yml on your branch; I check "
            "it on your next commit.",
        )
    found: list[str] = []
    bad = 0
    for path, text in sorted(forms.items()):
        problems = check_form(text)
        bad += bool(problems)
        found += [f"{path}: {p}." for p in problems] or [f"{path}: a valid issue form."]
    if bad:
        return Verdict(
            "issue-template",
            False,
            f"Needs revision: {bad} of your {len(forms)} issue form(s) break GitHub's rules.",
            tuple(found),
            "Fix each problem listed, commit to the same branch, and I check it again.",
        )
    return Verdict(
        "issue-template",
        True,
        f"Passed: your {len(forms)} issue form(s) follow GitHub's issue form rules.",
        tuple(found),
        "Merge the pull request, then open a new issue to see your form as a learner will.",
    )


# 7. capstone (Challenge 16) --------------------------------------------------------------------


def required_sections(template: str) -> list[str]:
    """The ``## `` headings of the capstone plan template, in order."""
    return [
        line[3:].strip()
        for line in template.replace("\r\n", "\n").split("\n")
        if line.startswith("## ") and line[3:].strip()
    ]


def plan_sections(plan: str) -> dict[str, str]:
    """Each ``## `` section of a plan: its heading (lower case) -> the text under it."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in plan.replace("\r\n", "\n").split("\n"):
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip().lower(), [])
        elif line.startswith("# "):
            current = None
        elif current is not None:
            current.append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def _written(text: str) -> bool:
    """Text that is not the template's placeholder (lines starting ``TODO:``)."""
    return any(
        line.strip() and not line.strip().startswith(("TODO:", "<!--")) for line in text.split("\n")
    )


@dataclass(frozen=True)
class Plan:
    path: str
    text: str


def grade_capstone(template: str | None, plans: Sequence[Plan]) -> Verdict:
    required = required_sections(template or "")
    if not plans:
        return Verdict(
            "capstone",
            False,
            f"Needs revision: this pull request adds no plan under {CAPSTONE_DIR}.",
            (f"No new or changed file under {CAPSTONE_DIR}.",),
            f"Copy {CAPSTONE_TEMPLATE} to {CAPSTONE_DIR}your-handle.md on your branch, fill in "
            "each section and commit.",
        )
    plan = plans[0]
    sections = plan_sections(plan.text)
    missing = [s for s in required if s.lower() not in sections]
    unwritten = [s for s in required if s.lower() in sections and not _written(sections[s.lower()])]
    found = [f"Checked {plan.path} against the {len(required)} sections of {CAPSTONE_TEMPLATE}."]
    found += [f"Missing section: {s}." for s in missing]
    found += [f"Section still holds only the template's TODO text: {s}." for s in unwritten]
    field_issue = missing or unwritten
    if not required:
        found.append(f"{CAPSTONE_TEMPLATE} has no sections on the default branch.")
    if field_issue:
        return Verdict(
            "capstone",
            False,
            f"Needs revision: {len(missing) + len(unwritten)} section(s) of your plan still need "
            "your words.",
            tuple(found),
            "Add each missing heading exactly as the template writes it, replace every TODO: line "
            "with your own sentences, and commit; I check it again on your next commit.",
        )
    return Verdict(
        "capstone",
        True,
        f"Passed: {plan.path} has every section of the plan template, each in your own words.",
        tuple(found),
        "Ask a peer or a facilitator to review your plan, then merge it.",
    )


@dataclass
class Outcome:
    """What one grading run did: verdicts written, and what could not be graded."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    failures: list[str] = field(default_factory=list)
