"""The Learning Room's challenges as data: the real catalogue parses into the workshop's arc,
every body is written for a screen reader (keyboard steps, the NVDA, JAWS and VoiceOver note,
what success sounds like, where to get help, where to learn more, one sentence per line), every
link resolves, the room holds the files the challenges name, and a broken challenge file is
one problem that names the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from glow.cohort.template.decide import validate
from glow.room.challenges import (
    CAPSTONE_DIR,
    CAPSTONE_TEMPLATE_PATH,
    CONFLICT_LINE_PREFIX,
    CONFLICT_PRACTICE_PATH,
    PLACEHOLDER_PREFIX,
    REVIEW_ME_PATH,
    ROOM_ISSUE_TEMPLATES,
    TODO_FORM_HEADINGS,
    TODO_FORM_PATH,
    WELCOME_PATH,
    Catalogue,
    CatalogueProblem,
    Challenge,
    PathName,
    load_directory,
    parse_catalogue,
    required_sections,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "learning-room-template"
CATALOGUE = load_directory(TEMPLATE / "challenges")
CHALLENGES = list(CATALOGUE)
DOCS_PAGES = ROOT / "tests" / "data" / "docs_github_pages.txt"

GRADERS = {
    2: "issue-filed",
    5: "branch-commit",
    6: "pr-linked",
    7: "conflict-resolved",
    10: "local-commit",
    14: "issue-template",
    16: "capstone",
}
PR_FILES = {
    6: ("docs/welcome.md",),
    7: ("docs/conflict-practice.md",),  # the bot's practice PR, which the learner resolves
    11: ("docs/*.md",),
    14: (".github/ISSUE_TEMPLATE/*.yml",),
    16: ("docs/capstone/*.md",),
    17: (".github/copilot-instructions.md",),
}
# A learner's own pull request closes these challenges' issues when it is merged.
CLOSED_BY_A_PR = (6, 11, 14, 16, 17)
SECTIONS = (
    "## What you will do",
    "## Steps by keyboard",
    "## With your screen reader",
    "## What success sounds like",
    "## Your evidence",
    "## If you get stuck",
    "## Learn more",
)
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BARE_URL = re.compile(r"(?<!\]\()https?://")
VAGUE_LINK = re.compile(r"\[(here|click here|this|link|this link|more)\]\(", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(- |\d+\. )")
SENTENCE_END = re.compile(r"[.?!:]$")
LINK_ONLY_ITEM = re.compile(r"^\s*- \[[^\]]+\]\([^)]+\)$")


def room_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in TEMPLATE.rglob("*") if p.is_file() and p.suffix in suffixes)


def prose_lines(text: str) -> list[str]:
    """The lines a reader hears as prose: outside code fences and HTML comments, not blank."""
    lines, fenced = [], False
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        if fenced or not line.strip() or line.strip().startswith("<!--"):
            continue
        lines.append(line)
    return lines


def reach(start: Challenge, path: PathName) -> list[int]:
    """Every challenge a learner on ``path`` reaches from ``start`` by closing issues."""
    seen, todo = [start.number], [start]
    while todo:
        for nxt in CATALOGUE.unlocked_by(todo.pop().number, path):
            if nxt.number not in seen:
                seen.append(nxt.number)
                todo.append(nxt)
    return sorted(seen)


# --- the catalogue --------------------------------------------------------------------------


def test_the_room_has_sixteen_core_and_five_bonus_challenges_numbered_in_order() -> None:
    assert [c.number for c in CHALLENGES] == list(range(1, 22))
    assert [c.key for c in CHALLENGES if not c.bonus] == [str(n) for n in range(1, 17)]
    assert [c.key for c in CHALLENGES if c.bonus] == ["A", "B", "C", "D", "E"]
    for c in CHALLENGES:
        prefix = f"Bonus {c.key}: " if c.bonus else f"Challenge {c.number}: "
        assert c.title.startswith(prefix), c.title
    assert len({c.title for c in CHALLENGES}) == 21


def test_days_and_paths_follow_the_workshop() -> None:
    for c in CHALLENGES:
        if c.number <= 9:
            assert (c.day, c.paths) == (1, ("day1-day2",)), c.number
        else:
            assert (c.day, c.paths) == (2, ("day1-day2", "day2-only")), c.number
    assert CATALOGUE.first("day1-day2").number == 1
    assert CATALOGUE.first("day2-only").number == 10


def test_graders_and_the_files_a_pull_request_may_touch() -> None:
    assert {c.number: c.grader for c in CHALLENGES if c.grader} == GRADERS
    assert {c.number: c.pr_files for c in CHALLENGES if c.pr_files} == PR_FILES


def test_closing_each_challenge_opens_the_next_and_fifteen_opens_the_capstone_and_bonuses() -> None:
    for n in range(1, 15):
        assert CATALOGUE.by_number[n].unlocks == (n + 1,)
    assert CATALOGUE.by_number[15].unlocks == (16, 17, 18, 19, 20, 21)
    assert all(c.unlocks == () for c in CHALLENGES if c.number >= 16)


@pytest.mark.parametrize(("path", "start"), [("day1-day2", 1), ("day2-only", 10)])
def test_every_challenge_of_a_path_is_reached_from_where_it_starts(
    path: PathName, start: int
) -> None:
    assert reach(CATALOGUE.by_number[start], path) == list(range(start, 22))
    assert [c.number for c in CATALOGUE.for_path(path)] == list(range(start, 22))


def test_a_day2_only_learner_is_never_offered_a_day1_challenge() -> None:
    assert CATALOGUE.unlocked_by(9, "day2-only") == [CATALOGUE.by_number[10]]
    assert all(
        "day2-only" in c.paths for n in range(10, 22) for c in CATALOGUE.unlocked_by(n, "day2-only")
    )


def test_the_issue_body_starts_with_the_challenge_marker_and_holds_the_whole_body() -> None:
    for c in CHALLENGES:
        body = c.issue_body()
        assert body.split("\n", 1)[0] == f"<!-- glow:challenge:{c.number} -->"
        assert c.body.strip() in body


# --- every body, for a screen reader --------------------------------------------------------


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda c: f"challenge-{c.number:02d}")
def test_each_body_has_the_screen_reader_first_sections_in_order(challenge: Challenge) -> None:
    body = challenge.body
    assert body.startswith("## What you will do\n"), "a heading first"
    headings = [line for line in body.split("\n") if line.startswith("## ")]
    assert [h for h in headings if h in SECTIONS] == list(SECTIONS)
    steps = body.split("## Steps by keyboard\n", 1)[1].split("\n## ", 1)[0]
    numbered = re.findall(r"^(\d+)\. ", steps, re.MULTILINE)
    assert len(numbered) >= 3 and numbered == [str(i) for i in range(1, len(numbered) + 1)]
    note = body.split("## With your screen reader\n", 1)[1].split("\n## ", 1)[0]
    for reader in ("NVDA", "JAWS", "VoiceOver"):
        assert reader in note, f"the note says how {reader} behaves"
    stuck = body.split("## If you get stuck\n", 1)[1].split("\n## ", 1)[0]
    assert "Comment `help`" in stuck
    assert "facilitators" in stuck


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda c: f"challenge-{c.number:02d}")
def test_learn_more_lists_exactly_the_links_of_the_front_matter(challenge: Challenge) -> None:
    section = challenge.body.split("## Learn more\n", 1)[1]
    listed = [(m.group(1), m.group(2)) for m in LINK.finditer(section)]
    assert listed == [(link.text, link.url) for link in challenge.learn_more]


@pytest.mark.parametrize("challenge", CHALLENGES, ids=lambda c: f"challenge-{c.number:02d}")
def test_the_body_keeps_the_conventions_the_bots_rely_on(challenge: Challenge) -> None:
    body, n = challenge.body, challenge.number
    if n in CLOSED_BY_A_PR:
        assert "`Closes #` and this issue's number" in body, "links its own challenge issue"
        assert "closes this issue for you" in body
    if n in CLOSED_BY_A_PR or n in (7, 12):
        assert "`@gandalf`" in body, "a pull request challenge says how to ask Gandalf"
    if challenge.grader:
        assert "autograder" in body
    if challenge.grader and n not in CLOSED_BY_A_PR:
        assert "close this issue" in body, "closing, not the grader, moves the learner on"
    branches = {4: "`learn/`", 5: "`learn/`", 10: "`fix/", 7: "`practice/merge-conflict`"}
    branches |= {9: "`practice/merge-conflict`", 12: "`practice/peer-review`"}
    if n in branches:
        assert branches[n] in body
    if n == 2:
        assert "Report a TODO" in body and all(f"In {h}," in body for h in TODO_FORM_HEADINGS)
    if n == 16:
        assert f"`{CAPSTONE_DIR}/` followed by your handle" in body
        assert all(s in body for s in required_sections(read(CAPSTONE_TEMPLATE_PATH)))


def read(path: str) -> str:
    return (TEMPLATE / path).read_text(encoding="utf-8")


MARKDOWN = room_files(".md")


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(TEMPLATE)))
def test_no_sentence_wraps_across_lines(path: Path) -> None:
    """GitHub turns a newline in an issue or comment into a line break, which a screen reader
    reads as the end of a line: every prose line ends a sentence."""
    text = path.read_text(encoding="utf-8")
    if path.parent.name == "challenges":
        text = text.split("\n---\n", 1)[1]
    for line in prose_lines(text):
        if line.startswith("#") or LINK_ONLY_ITEM.match(line):
            continue
        assert SENTENCE_END.search(line.rstrip()), f"{path.name}: a sentence wraps: {line!r}"


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(TEMPLATE)))
def test_links_are_descriptive_and_never_bare(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.parent.name == "challenges":  # the front matter's learn_more holds URLs as data
        text = text.split("\n---\n", 1)[1]
    assert not BARE_URL.search(text), f"{path.name}: a bare URL"
    assert not VAGUE_LINK.search(text), f"{path.name}: link text that says nothing"
    assert "click here" not in text.lower()


# --- links resolve --------------------------------------------------------------------------


def verified_docs_pages() -> set[str]:
    lines = DOCS_PAGES.read_text(encoding="utf-8").splitlines()
    entries = [line.split() for line in lines if line.strip() and not line.startswith("#")]
    assert all(len(e) == 2 and re.fullmatch(r"[0-9a-f]{40}", e[1]) for e in entries)
    return {e[0] for e in entries}


def all_links() -> list[tuple[Path, str]]:
    """The links a learner meets: in the room's Markdown and its issue forms (the workflows'
    own comments are for maintainers)."""
    found = []
    forms = sorted((TEMPLATE / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
    for path in [*room_files(".md"), *forms]:
        for url in re.findall(r"https?://[^\s)\"'>]+", path.read_text(encoding="utf-8")):
            found.append((path, url))
        if path.suffix == ".md":
            for m in LINK.finditer(path.read_text(encoding="utf-8")):
                if not m.group(2).startswith(("https://", "http://", "#", "mailto:")):
                    found.append((path, m.group(2)))
    return found


def test_every_absolute_link_is_a_verified_page_of_githubs_documentation() -> None:
    pages = verified_docs_pages()
    absolute = [(p, u) for p, u in all_links() if u.startswith(("https://", "http://"))]
    assert absolute, "the room links to GitHub's documentation"
    for path, url in absolute:
        assert url.startswith("https://docs.github.com/en/"), (path.name, url)
        page = url.removeprefix("https://docs.github.com/en/").split("#", 1)[0].rstrip("/")
        assert page in pages, f"{path.name}: {url} is not in {DOCS_PAGES.name}"


def test_every_relative_link_resolves_to_a_file_in_the_template() -> None:
    relative = [(p, u) for p, u in all_links() if not u.startswith(("https://", "http://"))]
    assert relative, "the README links to the room's files"
    for path, url in relative:
        target = (path.parent / url.split("#", 1)[0]).resolve()
        assert target.is_file() and TEMPLATE in target.parents, f"{path.name}: {url}"


# --- the room's files -------------------------------------------------------------------------


def test_the_room_holds_every_file_the_challenges_name() -> None:
    named = set()
    for c in CHALLENGES:
        named |= set(re.findall(r"`((?:docs|\.github)/[\w./-]+\.(?:md|yml))`", c.body))
    learner_made = {p for p in named if p.startswith(f"{CAPSTONE_DIR}/")}
    learner_made.add(".github/copilot-instructions.md")
    for path in named - learner_made:
        assert (TEMPLATE / path).is_file(), f"a challenge names {path}, which the room lacks"
    for path in (WELCOME_PATH, REVIEW_ME_PATH, CONFLICT_PRACTICE_PATH, CAPSTONE_TEMPLATE_PATH):
        assert path in named


def test_welcome_has_todo_lines_for_challenges_2_5_and_10() -> None:
    todos = [line for line in read(WELCOME_PATH).splitlines() if line.startswith("TODO:")]
    assert len(todos) >= 3


def test_the_capstone_template_has_the_required_sections_each_with_a_placeholder() -> None:
    text = read(CAPSTONE_TEMPLATE_PATH)
    sections = required_sections(text)
    assert sections == [
        "Mission",
        "Upstream project",
        "Responsibilities",
        "Guardrails",
        "Peer review",
    ]
    for part in text.split("\n## ")[1:]:
        assert any(line.startswith(PLACEHOLDER_PREFIX) for line in part.splitlines())


def test_the_conflict_is_made_on_one_line_of_the_practice_file() -> None:
    lines = read(CONFLICT_PRACTICE_PATH).splitlines()
    assert len([line for line in lines if line.startswith(CONFLICT_LINE_PREFIX)]) == 1


def test_nothing_in_the_template_passes_or_fails_a_grader_by_itself() -> None:
    marker = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.MULTILINE)
    for path in room_files(".md", ".yml", ".yaml", ".txt"):
        assert not marker.search(path.read_text(encoding="utf-8")), f"conflict marker: {path}"
    assert not (TEMPLATE / CAPSTONE_DIR).exists(), "a capstone plan only the learner writes"
    templates = {
        p.relative_to(TEMPLATE).as_posix()
        for p in (TEMPLATE / ".github" / "ISSUE_TEMPLATE").iterdir()
    }
    assert templates == set(ROOM_ISSUE_TEMPLATES), "the template grader excludes exactly these"


def test_the_report_a_todo_form_asks_what_where_and_why() -> None:
    form = yaml.safe_load(read(TODO_FORM_PATH))
    assert {"name", "description", "title", "labels", "body"} <= set(form)
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    assert tuple(f["attributes"]["label"] for f in fields) == TODO_FORM_HEADINGS
    assert all(f["validations"]["required"] for f in fields)
    assert len({f["id"] for f in fields}) == len(fields)


# --- malformed files --------------------------------------------------------------------------

GOOD = (TEMPLATE / "challenges" / "challenge-16.md").read_text(encoding="utf-8")


def catalogue_problem(files: dict[str, str]) -> str:
    with pytest.raises(CatalogueProblem) as caught:
        parse_catalogue(files)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Just a body, no front matter.\n", "does not start with front matter"),
        ("---\nnumber: 16\ntitle: [unclosed\n---\nbody\n", "the front matter is not YAML"),
        ("---\nnumber: 16\n", "the front matter has no closing ---"),
        ("---\n- a list\n---\nbody text here\n", "not a mapping of fields"),
        (GOOD.replace("grader: capstone", "grader: vibes"), "grader"),
        (GOOD.replace("day: 2", "day: 3"), "day"),
        (GOOD.replace("number: 16", "number: 16\ncolour: red"), "colour"),
    ],
    ids=[
        "no front matter",
        "bad YAML",
        "unclosed",
        "not a mapping",
        "unknown grader",
        "bad day",
        "unknown field",
    ],
)
def test_a_malformed_file_is_one_problem_that_names_the_file(text: str, says: str) -> None:
    problem = catalogue_problem({"challenges/challenge-16.md": text})
    assert problem.startswith("challenges/challenge-16.md")
    assert says in problem


def test_two_files_with_one_number_name_both_files() -> None:
    problem = catalogue_problem(
        {"challenges/challenge-16.md": GOOD, "challenges/challenge-17.md": GOOD}
    )
    assert problem.startswith("challenges/challenge-17.md: number 16")
    assert "challenges/challenge-16.md" in problem


def test_an_unlock_to_a_missing_number_names_the_file() -> None:
    text = GOOD.replace("unlocks: []", "unlocks: [22]")
    problem = catalogue_problem({"challenges/challenge-16.md": text})
    assert problem.startswith("challenges/challenge-16.md: unlocks [22]")


def test_only_challenge_files_are_read() -> None:
    catalogue = parse_catalogue({"challenges/challenge-16.md": GOOD, "README.md": "not one"})
    assert isinstance(catalogue, Catalogue) and len(catalogue) == 1


# --- the template sync validates the catalogue ------------------------------------------------


def template_texts() -> dict[str, str]:
    return {
        p.relative_to(TEMPLATE).as_posix(): p.read_text(encoding="utf-8")
        for p in TEMPLATE.rglob("*")
        if p.is_file()
    }


def test_the_template_sync_accepts_the_real_template() -> None:
    assert validate(template_texts()) == []


def test_a_broken_challenge_file_stops_the_template_sync_with_its_problem() -> None:
    texts = template_texts()
    texts["challenges/challenge-12.md"] = texts["challenges/challenge-12.md"].replace(
        "grader:\n", "grader: guesswork\n"
    )
    problems = validate(texts)
    assert len(problems) == 1
    assert problems[0].startswith("challenges/challenge-12.md: grader:")
