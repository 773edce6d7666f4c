"""One simulated learner's journey through their Learning Room: every challenge of their path,
done as a learner does it (issues, comments, reactions, branches, web-editor commits, real git
clones and pushes, pull requests, reviews, merges), with the room's real workflow answering on
the local GitHub.

For each challenge an autograder checks, a learner either gets it right first time (the happy
path) or makes a typical mistake first (graded "needs revision") and then recovers (graded
"pass"). Every outcome becomes one cell of the reliability matrix:
``{challenge, path, scenario, result}``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from glow.markers import has_marker
from glow.rehearsal.git import Clone, clone

WAIT = float(
    __import__("os").environ.get("GLOW_REHEARSE_WAIT", "90")
)  # seconds a learner waits for the room's bots before a cell fails
GRADE_PREFIX = "<!-- glow:grade"
WELCOME_TODO = "docs/welcome.md"
CONFLICT_FILE = "docs/conflict-practice.md"
PLAN_TEMPLATE = "docs/capstone-plan-template.md"
ISSUE_TEMPLATE = """name: Broken link report
description: Tell us about a link in the docs that goes nowhere.
title: "[Link]: "
labels: [documentation]
body:
  - type: markdown
    attributes:
      value: Thank you for reporting a broken link.
  - type: input
    id: page
    attributes:
      label: Which page has the broken link?
    validations:
      required: true
  - type: textarea
    id: details
    attributes:
      label: What happens when you follow it?
"""


@dataclass(frozen=True)
class Cell:
    challenge: int
    path: str
    scenario: str  # happy, wrong-attempt, recovery
    result: str  # pass or fail
    detail: str = ""


class Stuck(Exception):
    """The room did not answer as a learner expects (the message says what was missing)."""


@dataclass
class Learner:
    login: str
    token: str
    path: str
    room: str  # owner/name
    happy: bool  # right first time, or a wrong first attempt and then the recovery
    base_url: str
    api: Any  # httpx client on the API (the facilitator's token by default)
    control: Any  # httpx client on the local GitHub's control API (/_localhub/)
    cells: list[Cell] = field(default_factory=list)
    clone_dir: Clone | None = None
    # Whether the room has a run queued or going, asked of the local GitHub directly (None:
    # ask its REST API). The rehearsal polls often; through the API, ten learners' polling
    # alone would pass GitHub's 5,000 requests an hour for the facilitator's token.
    busy: Callable[[str], list[str]] | None = None
    # How many runs the whole runner has finished so far: while that count moves, a room whose
    # runs are still queued waits its turn in a shared queue, and is not stuck.
    finished: Callable[[], int] | None = None
    # How long the learner waits for their room's bots: the runner is shared by the whole
    # cohort, so a larger cohort queues longer (learners.py scales it).
    wait: float = WAIT
    todo_issue: int | None = None
    pr_numbers: dict[int, int] = field(default_factory=dict)

    # -- HTTP as the learner --------------------------------------------------------------
    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = path if path.startswith("/") else f"/repos/{self.room}/{path}"
        resp = self.api.request(method, url, headers=self.auth, **kwargs)
        if resp.status_code >= 400:
            raise Stuck(f"{method} {url} answered {resp.status_code}: {resp.text[:200]}")
        return resp.json() if resp.content else None

    def comment(self, number: int, body: str) -> None:
        self.call("POST", f"issues/{number}/comments", json={"body": body})

    def close(self, number: int) -> None:
        self.call("PATCH", f"issues/{number}", json={"state": "closed"})

    # -- Waiting for the room's bots --------------------------------------------------------
    def idle(self, timeout: float | None = None) -> None:
        """Wait until no run of the room is queued or in progress.

        The learner waits ``timeout`` seconds (the cohort's wait by default) from the last time
        the shared runner finished any run, and at most three times that in all: a room whose
        runs wait behind other rooms' runs is slow, a room whose runs never move is stuck."""
        timeout = self.wait if timeout is None else timeout
        started = time.monotonic()
        last_move = last_look = started
        seen = self.finished() if self.finished is not None else 0
        pending: list[str] = []
        while True:
            now = time.monotonic()
            if now - last_move > timeout or now - started > 3 * timeout:
                break
            if self.finished is not None and now - last_look > min(5, timeout / 4):  # a scan
                count, last_look = self.finished(), now
                if count != seen:
                    last_move, seen = now, count
            if self.busy is not None:
                pending = self.busy(self.room)
                if not pending:
                    return
                time.sleep(0.2)
                continue
            runs = self.api.get(
                f"/repos/{self.room}/actions/runs", params={"per_page": 100}, headers=self.auth
            )
            # A run waiting for approval (a pull request the bot opened with its job token)
            # waits for a person, not for time: it is not the room being busy.
            pending = [
                f"{r.get('name')} ({r.get('event')}) {r['status']}"
                for r in runs.json().get("workflow_runs", [])
                if r["status"] in BUSY and r.get("conclusion") != "action_required"
            ]
            if not pending:
                return
            time.sleep(0.2)
        waited = time.monotonic() - started
        raise Stuck(
            f"the room's workflow runs did not finish in time (waited {waited:.0f} s; still "
            f"busy: {', '.join(pending) or 'unknown'})"
        )

    def wait_for(self, what: str, probe: Callable[[], Any], timeout: float | None = None) -> Any:
        timeout = self.wait if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            found = probe()
            if found:
                return found
            if time.monotonic() > deadline:
                raise Stuck(f"waited {timeout:.0f} s for {what}")
            time.sleep(0.25)

    def issues(self) -> list[dict[str, Any]]:
        """The room's issues, read as the learner (their own hourly budget, not the
        facilitator's: a cohort's polling must not pass one account's 5,000 an hour)."""
        listed = self.call("GET", "issues", params={"state": "all", "per_page": 100})
        return [i for i in listed if "pull_request" not in i]

    def challenge_issue(self, number: int) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            return next(
                (
                    i
                    for i in self.issues()
                    if i["user"]["type"] == "Bot" and has_marker(i["body"], f"challenge:{number}")
                ),
                None,
            )

        self.idle()
        found: dict[str, Any] = self.wait_for(f"the Challenge {number} issue", probe)
        return found

    def bot_comments(self, number: int) -> list[dict[str, Any]]:
        listed = self.call("GET", f"issues/{number}/comments", params={"per_page": 100})
        return [c for c in listed if c["user"]["type"] == "Bot"]

    def verdict(self, number: int) -> str | None:
        """The autograder's verdict on issue or pull request ``number``: pass, needs-revision,
        or None when no grade comment is there yet."""
        for c in self.bot_comments(number):
            if c["body"].startswith(GRADE_PREFIX):
                heading = next(
                    (line for line in c["body"].splitlines() if line.startswith("#")), ""
                ).lower()
                return "needs-revision" if "needs revision" in heading else "pass"
        return None

    def grade_body(self, number: int) -> str | None:
        return next(
            (c["body"] for c in self.bot_comments(number) if c["body"].startswith(GRADE_PREFIX)),
            None,
        )

    def graded(
        self, challenge: int, number: int, expected: str, scenario: str, before: str | None = None
    ) -> None:
        """Record whether the grade on ``number`` became ``expected`` after the learner acted
        (a grade comment written before the action, ``before``, does not count)."""
        self.idle()
        try:
            got = self.wait_for(
                f"a {expected} grade on #{number}",
                lambda: (
                    self.grade_body(number) != before
                    and self.verdict(number) == expected
                    and expected
                ),
                timeout=30,
            )
            self.record(challenge, scenario, bool(got))
        except Stuck as exc:
            self.record(challenge, scenario, False, f"{exc} (got {self.verdict(number)})")

    def record(self, challenge: int, scenario: str, ok: bool, detail: str = "") -> None:
        self.cells.append(Cell(challenge, self.path, scenario, "pass" if ok else "fail", detail))

    def git(self) -> Clone:
        if self.clone_dir is None:
            self.clone_dir = clone(self.base_url, self.token, self.room, self.login)
        else:
            self.clone_dir.git("fetch", "-q", "origin")
        return self.clone_dir

    def web_commit(self, branch: str, path: str, text: str, message: str) -> None:
        """A commit made in GitHub's web editor (committed by web-flow, as GitHub does)."""
        resp = self.control.post(
            "/_localhub/web/commit",
            json={
                "login": self.login,
                "repo": self.room,
                "branch": branch,
                "path": path,
                "content": text,
                "message": message,
            },
        )
        if resp.status_code >= 400:
            raise Stuck(f"the web editor's commit failed: {resp.status_code} {resp.text[:200]}")

    def file_text(self, path: str, ref: str = "main") -> str:
        import base64

        data = self.call("GET", f"contents/{path}", params={"ref": ref})
        return base64.b64decode(data["content"]).decode("utf-8")


# -- The challenges, as a learner does them -------------------------------------------------

TODO_GOOD = (
    "### What\n\nThe welcome page says TODO where the workshop's schedule should be.\n\n"
    "### Where\n\ndocs/welcome.md\n\n"
    "### Why\n\nLearners cannot tell when each session starts.\n"
)
TODO_WRONG = "### What\n\nThe welcome page has a TODO.\n"


def evidence(learner: Learner, challenge: int, text: str) -> None:
    """Post the evidence comment on the challenge issue and close it."""
    number = learner.challenge_issue(challenge)["number"]
    learner.comment(number, text)
    learner.close(number)


def ungraded(learner: Learner, challenge: int) -> None:
    evidence(learner, challenge, f"Done: my evidence for challenge {challenge} is above.")
    learner.record(challenge, "happy", True)


def two_tries(
    learner: Learner,
    challenge: int,
    target: Callable[[], int],
    wrong: Callable[[int], None],
    right: Callable[[int], None],
    *,
    creates: bool = False,
) -> int:
    """The happy learner does it right at once; the others get it wrong first, then fix it.
    ``creates``: ``target`` makes the graded thing (an issue or a pull request), so no grade
    of it can exist before."""
    if learner.happy:
        number = target()
        before = None if creates else learner.grade_body(number)
        right(number)
        learner.graded(challenge, number, "pass", "happy", before)
        return number
    number = target()
    before = None if creates else learner.grade_body(number)
    wrong(number)
    learner.graded(challenge, number, "needs-revision", "wrong-attempt", before)
    before = learner.grade_body(number)
    right(number)
    learner.graded(challenge, number, "pass", "recovery", before)
    return number


def c2_file_issue(learner: Learner) -> None:
    state: dict[str, int] = {}

    def target() -> int:
        body = TODO_GOOD if learner.happy else TODO_WRONG
        issue = learner.call(
            "POST", "issues", json={"title": "TODO in the welcome page", "body": body}
        )
        state["n"] = issue["number"]
        return int(issue["number"])

    def right(number: int) -> None:
        if not learner.happy:
            learner.call("PATCH", f"issues/{number}", json={"body": TODO_GOOD})

    two_tries(learner, 2, target, lambda n: None, right, creates=True)
    learner.todo_issue = state["n"]
    evidence(learner, 2, f"I filed #{state['n']} about a TODO.")


def c3_conversation(learner: Learner) -> None:
    learner.challenge_issue(3)
    peer = [
        i
        for i in learner.issues()
        if i["user"]["type"] == "Bot" and has_marker(i["body"], "practice:peer-issue")
    ]
    if not peer:
        learner.record(3, "happy", False, "no peer-simulation issue was seeded")
        evidence(learner, 3, "I could not find the practice issue.")
        return
    number = peer[0]["number"]
    learner.comment(number, "Thanks for raising this, @facilitator: I can reproduce it.")
    learner.call("POST", f"issues/{number}/reactions", json={"content": "+1"})
    evidence(learner, 3, f"I commented on #{number}, mentioned someone and reacted.")
    learner.record(3, "happy", True)


def c4_branch(learner: Learner) -> None:
    main = learner.call("GET", "git/ref/heads/main")["object"]["sha"]
    learner.call("POST", "git/refs", json={"ref": f"refs/heads/learn/{learner.login}", "sha": main})
    evidence(learner, 4, f"I created learn/{learner.login}.")
    learner.record(4, "happy", True)


def replace_first_todo(text: str, replacement: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("TODO:"):
            lines[i] = replacement
            break
    return "\n".join(lines)


def c5_web_commit(learner: Learner) -> None:
    branch = f"learn/{learner.login}"
    number = learner.challenge_issue(5)["number"]

    def commit(message: str, replacement: str) -> None:
        text = learner.file_text(WELCOME_TODO, branch)
        learner.web_commit(branch, WELCOME_TODO, replace_first_todo(text, replacement), message)
        learner.comment(number, f"My commit is on {branch}.")

    two_tries(
        learner,
        5,
        lambda: int(number),
        lambda n: commit("Update welcome.md", "The schedule is on the workshop page."),
        lambda n: commit(
            "Replace the schedule TODO with where to find the times",
            "The schedule is on the workshop page, session by session.",
        ),
    )
    learner.close(number)


def c6_pull_request(learner: Learner) -> None:
    """Open a PR from learn/<handle> that closes this challenge's issue; merging it closes the
    issue, which opens the next challenge."""
    challenge_issue = learner.challenge_issue(6)["number"]
    good = f"This replaces a TODO on the welcome page.\n\nCloses #{challenge_issue}\n"
    wrong = "This replaces a TODO on the welcome page.\n"

    def target() -> int:
        pr = learner.call(
            "POST",
            "pulls",
            json={
                "title": "Replace the schedule TODO",
                "head": f"learn/{learner.login}",
                "base": "main",
                "body": good if learner.happy else wrong,
            },
        )
        learner.pr_numbers[6] = pr["number"]
        return int(pr["number"])

    def right(number: int) -> None:
        if not learner.happy:
            learner.call("PATCH", f"pulls/{number}", json={"body": good})

    number = two_tries(learner, 6, target, lambda n: None, right, creates=True)
    merge_closes(learner, number, challenge_issue)


def merge_closes(learner: Learner, pr: int, issue: int) -> None:
    """Merge ``pr`` as the learner; its closing keyword closes ``issue`` (closed by hand if
    GitHub did not, so the journey goes on; the matrix has already recorded the grade)."""
    learner.idle()
    learner.call("PUT", f"pulls/{pr}/merge", json={"merge_method": "merge"})
    learner.idle()
    if learner.call("GET", f"issues/{issue}")["state"] != "closed":
        raise Stuck(f"merging #{pr} did not close #{issue}")


def resolved(text: str, *, leave_separator: bool) -> str:
    """A conflicted file with the markers removed (both sides kept); a careless learner leaves
    the bare ``=======`` line behind."""
    out = []
    for line in text.split("\n"):
        if line.startswith(("<<<<<<<", ">>>>>>>")):
            continue
        if line.startswith("=======") and not leave_separator:
            continue
        out.append(line)
    return "\n".join(out)


def c7_conflict(learner: Learner) -> None:
    learner.challenge_issue(7)
    pulls = learner.call("GET", "pulls", params={"state": "open", "per_page": 100})
    practice = next((p for p in pulls if p["head"]["ref"] == "practice/merge-conflict"), None)
    if practice is None:
        learner.record(7, "happy" if learner.happy else "wrong-attempt", False, "no conflict PR")
        evidence(learner, 7, "I could not find the conflict practice pull request.")
        return
    work = learner.git()

    def push(leave_separator: bool) -> None:
        work.git(
            "checkout", "-q", "-B", "practice/merge-conflict", "origin/practice/merge-conflict"
        )
        merge = work.git("merge", "-q", "origin/main", check=False)
        if merge.returncode == 0:
            raise Stuck("the practice branch merged without a conflict")
        work.write(
            CONFLICT_FILE, resolved(work.read(CONFLICT_FILE), leave_separator=leave_separator)
        )
        work.commit_all("Resolve the merge conflict in the practice file")
        work.git("push", "-q", "origin", "practice/merge-conflict")

    def fix(number: int) -> None:
        if learner.happy:
            push(False)
        else:
            text = work.read(CONFLICT_FILE).replace("=======\n", "")
            work.write(CONFLICT_FILE, text)
            work.commit_all("Remove the separator line I left behind")
            work.git("push", "-q", "origin", "practice/merge-conflict")

    two_tries(learner, 7, lambda: int(practice["number"]), lambda n: push(True), fix)
    learner.pr_numbers[7] = int(practice["number"])
    evidence(learner, 7, f"I resolved the conflict in #{practice['number']}.")


def c8_triage(learner: Learner) -> None:
    if learner.todo_issue:
        learner.call(
            "POST", f"issues/{learner.todo_issue}/labels", json={"labels": ["documentation"]}
        )
    evidence(learner, 8, "I labelled my issue documentation; labels help people find work.")
    learner.record(8, "happy", True)


def c9_merge(learner: Learner) -> None:
    """Merge day: merge the resolved conflict practice pull request."""
    learner.challenge_issue(9)
    number = learner.pr_numbers.get(7)
    ok = False
    if number:
        learner.call("PUT", f"pulls/{number}/merge", json={"merge_method": "merge"})
        learner.idle()
        ok = bool(learner.call("GET", f"pulls/{number}")["merged"])
    evidence(learner, 9, f"I merged #{number}: Day 1 is complete.")
    learner.record(9, "happy", ok, "" if ok else "the practice pull request did not merge")


def c10_local(learner: Learner) -> None:
    branch = f"fix/{learner.login}"
    number = learner.challenge_issue(10)["number"]

    def web(n: int) -> None:
        text = learner.file_text(WELCOME_TODO)
        learner.control.post(
            "/_localhub/web/commit",
            json={
                "login": learner.login,
                "repo": learner.room,
                "branch": branch,
                "create_branch_from": "main",
                "path": WELCOME_TODO,
                "content": text + "\nEdited in the browser.\n",
                "message": "Add a note to the welcome page",
            },
        ).raise_for_status()
        learner.comment(n, f"I pushed {branch}.")

    def local(n: int) -> None:
        work = learner.git()
        if learner.happy:
            work.git("checkout", "-q", "-B", branch, "origin/main")
        else:
            work.git("checkout", "-q", "-B", branch, f"origin/{branch}")
        work.write(WELCOME_TODO, work.read(WELCOME_TODO) + "\nEdited on my own computer.\n")
        work.commit_all("Say the welcome page can be edited locally")
        work.git("push", "-q", "origin", f"{branch}:{branch}")
        learner.comment(n, f"I pushed {branch} from my computer.")

    two_tries(learner, 10, lambda: int(number), web, local)
    learner.close(number)


def c11_day2_pr(learner: Learner) -> None:
    number = learner.challenge_issue(11)["number"]
    pr = learner.call(
        "POST",
        "pulls",
        json={
            "title": "A note on editing locally",
            "head": f"fix/{learner.login}",
            "base": "main",
            "body": f"My Day 2 change, made on my own computer.\n\nCloses #{number}\n",
        },
    )
    merge_closes(learner, int(pr["number"]), number)
    learner.record(11, "happy", True)


def c12_review(learner: Learner) -> None:
    learner.challenge_issue(12)
    pulls = learner.call("GET", "pulls", params={"state": "open", "per_page": 100})
    practice = next((p for p in pulls if p["head"]["ref"] == "practice/peer-review"), None)
    if practice is None:
        learner.record(12, "happy", False, "no peer-review PR was seeded")
        evidence(learner, 12, "I could not find the pull request to review.")
        return
    files = learner.call("GET", f"pulls/{practice['number']}/files")
    path = files[0]["filename"]
    line = first_added_line(files[0].get("patch") or "")
    comments = [
        {"path": path, "line": line, "side": "RIGHT", "body": "This sentence is clear, thanks."},
        {
            "path": path,
            "line": line,
            "side": "RIGHT",
            "body": "A shorter wording:\n```suggestion\nRead it with your screen reader.\n```",
        },
    ]
    learner.call(
        "POST",
        f"pulls/{practice['number']}/reviews",
        json={"event": "COMMENT", "body": "Two small suggestions.", "comments": comments},
    )
    evidence(learner, 12, f"I reviewed #{practice['number']} with two inline comments.")
    learner.record(12, "happy", True)


def first_added_line(patch: str) -> int:
    """The new-file line number of the first added line of a unified diff (1 if none)."""
    line = 0
    for row in patch.split("\n"):
        if row.startswith("@@"):
            line = int(row.split("+", 1)[1].split(",", 1)[0].split(" ", 1)[0]) - 1
        elif row.startswith("+"):
            return line + 1
        elif not row.startswith("-"):
            line += 1
    return 1


def pr_with_file(
    learner: Learner, challenge: int, branch: str, path: str, wrong: str, right: str
) -> None:
    number = learner.challenge_issue(challenge)["number"]
    main = learner.call("GET", "git/ref/heads/main")["object"]["sha"]
    learner.call("POST", "git/refs", json={"ref": f"refs/heads/{branch}", "sha": main})

    def put(text: str, message: str) -> None:
        import base64

        existing = learner.api.get(
            f"/repos/{learner.room}/contents/{path}", params={"ref": branch}, headers=learner.auth
        )
        body: dict[str, Any] = {
            "message": message,
            "content": base64.b64encode(text.encode()).decode(),
            "branch": branch,
        }
        if existing.status_code == 200:
            body["sha"] = existing.json()["sha"]
        learner.call("PUT", f"contents/{path}", json=body)

    def target() -> int:
        put(right if learner.happy else wrong, f"Add {path}")
        pr = learner.call(
            "POST",
            "pulls",
            json={
                "title": f"Challenge {challenge}: add {path}",
                "head": branch,
                "base": "main",
                "body": f"My work for challenge {challenge}.\n\nCloses #{number}\n",
            },
        )
        return int(pr["number"])

    pr = two_tries(
        learner,
        challenge,
        target,
        lambda n: None,
        lambda n: None if learner.happy else put(right, f"Fix {path}"),
    )
    merge_closes(learner, pr, number)


def c13_ai_with_help(learner: Learner) -> None:
    """Challenge 13, with a help request first: the room's help bot answers it at once (and
    mentions the facilitators); asking is not progress, so the challenge stays open."""
    number = learner.challenge_issue(13)["number"]
    asked = learner.call(
        "POST",
        f"issues/{number}/comments",
        json={"body": "help, I am not sure how to judge the assistant's suggestion"},
    )
    learner.idle()
    key = f"help:{asked['id']}"  # each request has its own answer
    answers = [c for c in learner.bot_comments(number) if has_marker(c["body"], key)]
    still_open = learner.call("GET", f"issues/{number}")["state"] == "open"
    ok = len(answers) == 1 and "@facilitator" in answers[0]["body"] and still_open
    learner.record(13, "help", ok, "" if ok else f"help answers: {len(answers)}")
    ungraded(learner, 13)


def c14_template(learner: Learner) -> None:
    wrong = "name: Broken link report\ndescription: A link goes nowhere.\n"
    pr_with_file(
        learner,
        14,
        f"template/{learner.login}",
        ".github/ISSUE_TEMPLATE/broken-link.yml",
        wrong,
        ISSUE_TEMPLATE,
    )


def c16_capstone(learner: Learner) -> None:
    template = learner.file_text(PLAN_TEMPLATE)
    headings = [line for line in template.split("\n") if line.startswith("## ")]
    right = "# My capstone plan\n\n" + "".join(
        f"{h}\n\nMy plan for {h[3:].lower()}, in a sentence of my own.\n\n" for h in headings
    )
    wrong = "# My capstone plan\n\n" + "".join(
        f"{h}\n\nMy plan for {h[3:].lower()}.\n\n" for h in headings[:-1]
    )
    pr_with_file(
        learner, 16, f"capstone/{learner.login}", f"docs/capstone/{learner.login}.md", wrong, right
    )


STEPS: dict[int, Callable[[Learner], None]] = {
    2: c2_file_issue,
    3: c3_conversation,
    4: c4_branch,
    5: c5_web_commit,
    6: c6_pull_request,
    7: c7_conflict,
    8: c8_triage,
    9: c9_merge,
    10: c10_local,
    11: c11_day2_pr,
    12: c12_review,
    13: c13_ai_with_help,
    14: c14_template,
    16: c16_capstone,
}


def journey(learner: Learner, challenges: Sequence[tuple[int, str | None]]) -> None:
    """Every challenge of the learner's path, in order; a learner the room leaves stuck stops
    there (the rest of their cells fail, saying where they stopped)."""
    for index, (number, grader) in enumerate(challenges):
        try:
            STEPS.get(number, lambda lr, n=number: ungraded(lr, n))(learner)
        except Exception as exc:  # a stuck learner: every cell from here on fails, with why
            scenarios = ["happy"] if learner.happy or not grader else ["wrong-attempt", "recovery"]
            done = {(c.challenge, c.scenario) for c in learner.cells}
            for later, later_grader in challenges[index:]:
                kinds = (
                    ["happy"]
                    if learner.happy or not later_grader
                    else ["wrong-attempt", "recovery"]
                )
                for scenario in kinds if later != number else scenarios:
                    if (later, scenario) not in done:
                        learner.record(later, scenario, False, f"stopped at {number}: {exc}")
            return


BUSY = ("queued", "in_progress", "waiting", "pending", "requested")


def room_busy(hub: Any, room: str) -> list[str]:
    """The runs of ``room`` queued or going on the local GitHub (read from its store, not its
    API), each as "name (event) status, queued since HH:MM:SS". A run waiting for approval waits
    for a person, not for time: not busy."""
    with hub.store.lock:
        runs = list(hub.store.data["runs"].values())
    return [
        f"{r.get('name')} ({r.get('event')}) {r.get('status')} since {r.get('created_at')}"
        for r in runs
        if r.get("repo") == room
        and r.get("status") in BUSY
        and r.get("conclusion") != "action_required"
    ]


def runs_finished(hub: Any) -> int:
    """How many runs the local GitHub's runner has finished, in every repository."""
    with hub.store.lock:
        return sum(1 for r in hub.store.data["runs"].values() if r.get("status") == "completed")
