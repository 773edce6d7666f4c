"""The Repo adapter against the fake GitHub: idempotent comments and labels, counted requests."""

from __future__ import annotations

import pytest

from glow.errors import GitHubError
from glow.github import Repo, WritePacer, is_not_found, marker, token_client
from tests.conftest import ROOM
from tests.fakegithub import FakeGitHub

WELCOME = "Welcome to your Learning Room."
BOT = "github-actions[bot]"  # the author of what the job token writes


def bodies(fake: FakeGitHub, issue: int = 1) -> list[str]:
    return [c["body"] for c in fake.comments(ROOM, issue)]


# upsert_comment -------------------------------------------------------------------------------


def test_upsert_creates_one_marked_comment(room: Repo, fake_github: FakeGitHub) -> None:
    assert room.upsert_comment(1, "welcome", WELCOME) == "created"
    assert bodies(fake_github) == [f"{marker('welcome')}\n{WELCOME}"]
    assert fake_github.comments(ROOM, 1)[0]["user"]["login"] == "github-actions[bot]"


def test_rerun_makes_zero_writes(room: Repo, fake_github: FakeGitHub) -> None:
    room.upsert_comment(1, "welcome", WELCOME)
    writes_before = room.counts.writes
    assert room.upsert_comment(1, "welcome", WELCOME) == "unchanged"
    assert room.counts.writes == writes_before == 1
    assert len(fake_github.writes()) == 1
    assert len(bodies(fake_github)) == 1


def test_an_issue_without_comments_is_answered_without_reading_them(
    room: Repo, fake_github: FakeGitHub
) -> None:
    assert room.upsert_comment(1, "welcome", WELCOME, comments=0) == "created"
    assert fake_github.calls("GET") == []
    # A count above 0 may hide ours: read, found, nothing written.
    assert room.upsert_comment(1, "welcome", WELCOME, comments=1) == "unchanged"
    assert len(fake_github.calls("GET", "/comments")) == 1
    assert bodies(fake_github) == [f"{marker('welcome')}\n{WELCOME}"]


def test_edit_updates_in_place(room: Repo, fake_github: FakeGitHub) -> None:
    room.upsert_comment(1, "welcome", WELCOME)
    comment_id = fake_github.comments(ROOM, 1)[0]["id"]
    assert room.upsert_comment(1, "welcome", "Updated text") == "updated"
    assert [c["id"] for c in fake_github.comments(ROOM, 1)] == [comment_id]
    assert bodies(fake_github) == [f"{marker('welcome')}\nUpdated text"]
    assert [c.method for c in fake_github.writes()] == ["POST", "PATCH"]


def test_crlf_from_a_browser_edit_is_not_a_change(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.add_comment(ROOM, 1, f"{marker('k')}\r\nline one\r\nline two\r\n", BOT)
    assert room.upsert_comment(1, "k", "line one\nline two") == "unchanged"
    assert fake_github.writes() == []


def test_duplicates_are_healed_keeping_the_oldest(room: Repo, fake_github: FakeGitHub) -> None:
    oldest = fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\nold", "github-actions[bot]")
    fake_github.add_comment(ROOM, 1, "A learner's own comment", "learner")
    fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\nolder fault", "github-actions[bot]")
    fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\n{WELCOME}", "github-actions[bot]")
    assert room.upsert_comment(1, "welcome", WELCOME) == "updated"
    remaining = fake_github.comments(ROOM, 1)
    assert [c["id"] for c in remaining if c["body"].startswith(marker("welcome"))] == [oldest]
    assert bodies(fake_github) == [f"{marker('welcome')}\n{WELCOME}", "A learner's own comment"]
    assert room.upsert_comment(1, "welcome", WELCOME) == "unchanged"


def test_only_markers_match_never_free_text(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.add_comment(ROOM, 1, f"Quoting the bot:\n> {marker('welcome')}\n> {WELCOME}")
    fake_github.add_comment(ROOM, 1, f"{marker('welcome-extra')}\nother key")
    assert room.upsert_comment(1, "welcome", WELCOME) == "created"
    assert len(bodies(fake_github)) == 3


def test_a_strangers_marker_comment_is_never_ours(room: Repo, fake_github: FakeGitHub) -> None:
    """Anyone can type our marker: their comment is neither edited, deleted nor our answer."""
    first = fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\nhijack", "learner")
    second = fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\n{WELCOME}", "stranger")
    assert room.upsert_comment(1, "welcome", WELCOME) == "created"
    comments = fake_github.comments(ROOM, 1)
    assert [(c["id"], c["user"]["login"]) for c in comments[:2]] == [
        (first, "learner"),
        (second, "stranger"),
    ]
    assert comments[0]["body"] == f"{marker('welcome')}\nhijack"
    assert comments[2]["user"]["login"] == BOT and comments[2]["body"].endswith(WELCOME)
    assert room.upsert_comment(1, "welcome", WELCOME) == "unchanged"
    assert [c.method for c in fake_github.writes()] == ["POST"]


def test_the_identity_is_asked_of_github_once(room: Repo, fake_github: FakeGitHub) -> None:
    """GitHub answers GET /user with 403 for the job token: its author is github-actions[bot]."""
    assert room.login() == BOT
    room.upsert_comment(1, "a", "one")
    room.upsert_comment(2, "b", "two")
    assert len(fake_github.calls("GET", "/user")) == 1


def test_an_integration_token_is_known_for_the_job_token_without_asking(
    fake_github: FakeGitHub,
) -> None:
    """``ghs_`` is GitHub's prefix for an integration's token, which GET /user refuses."""
    fake_github.tokens["ghs_job"] = BOT
    gh = token_client("ghs_job", fake_github.base_url, transport=fake_github.transport)
    job = Repo(gh, "octo-org", "room", pacer=WritePacer(0), sleep=pytest.fail)
    fake_github.add_comment(ROOM, 1, f"{marker('a')}\nspoof", "stranger")
    assert job.upsert_comment(1, "a", "one") == "created"
    assert job.upsert_comment(1, "a", "one") == "unchanged"
    assert fake_github.calls("GET", "/user") == []


def test_a_personal_token_writes_as_its_user(fake_github: FakeGitHub) -> None:
    fake_github.tokens["pat"] = "facilitator"
    gh = token_client("pat", fake_github.base_url, transport=fake_github.transport)
    repo = Repo(gh, *ROOM.split("/"), pacer=WritePacer(0.0))
    fake_github.add_comment(ROOM, 1, f"{marker('k')}\nfrom the job token", BOT)
    assert repo.login() == "facilitator"
    assert repo.upsert_comment(1, "k", "mine") == "created"
    assert [c["user"]["login"] for c in fake_github.comments(ROOM, 1)] == [BOT, "facilitator"]


def test_a_comment_whose_answer_was_lost_is_not_posted_twice(
    room: Repo, fake_github: FakeGitHub, sleeps: list[float]
) -> None:
    """A 502 after the comment landed: repeating the POST would post it twice. The request is
    not retried; the re-run reads GitHub first, finds it, and writes nothing."""
    fake_github.fail("POST", "/comments", 502, message="Bad Gateway", landed=True)
    with pytest.raises(GitHubError) as caught:
        room.upsert_comment(1, "welcome", WELCOME)
    assert caught.value.status == 502 and sleeps == []
    assert len(bodies(fake_github)) == 1
    assert room.upsert_comment(1, "welcome", WELCOME) == "unchanged"
    assert len(bodies(fake_github)) == 1


def test_a_server_error_on_an_idempotent_write_is_retried(
    room: Repo, fake_github: FakeGitHub, sleeps: list[float]
) -> None:
    fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\nold", BOT)
    fake_github.fail("PATCH", "/comments/", 502, message="Bad Gateway")
    assert room.upsert_comment(1, "welcome", WELCOME) == "updated"
    assert sleeps == [1.0] and bodies(fake_github) == [f"{marker('welcome')}\n{WELCOME}"]


def test_markers_are_found_beyond_the_first_page(room: Repo, fake_github: FakeGitHub) -> None:
    for n in range(150):
        fake_github.add_comment(ROOM, 1, f"chatter {n}")
    fake_github.add_comment(ROOM, 1, f"{marker('welcome')}\n{WELCOME}", "github-actions[bot]")
    assert room.upsert_comment(1, "welcome", WELCOME) == "unchanged"
    pages = fake_github.calls("GET", "/comments")
    assert [c.query.get("page", "1") for c in pages] == ["1", "2"]
    assert room.counts.requests == 3 and room.counts.writes == 0  # the pages and GET /user


def test_secondary_limit_on_create_waits_and_creates_once(
    room: Repo, fake_github: FakeGitHub, sleeps: list[float]
) -> None:
    fake_github.fail("POST", "/comments", 403, message="You have exceeded a secondary rate limit")
    assert room.upsert_comment(1, "welcome", WELCOME) == "created"
    assert sleeps == [60.0]
    assert len(bodies(fake_github)) == 1
    assert room.counts.writes == 2  # both attempts are counted


def test_writes_are_paced(fake_github: FakeGitHub, sleeps: list[float]) -> None:
    gh = token_client("test-token", fake_github.base_url, transport=fake_github.transport)
    pacer = WritePacer(1.0, clock=lambda: 50.0, sleep=sleeps.append)  # frozen clock
    repo = Repo(gh, "octo-org", "room", pacer=pacer, sleep=pytest.fail)
    repo.upsert_comment(1, "a", "one")
    repo.upsert_comment(1, "b", "two")
    repo.upsert_comment(1, "b", "two")  # unchanged: no write, no wait
    assert sleeps == [1.0]


# Labels ---------------------------------------------------------------------------------------


def test_ensure_label_creates_then_leaves_alone(room: Repo, fake_github: FakeGitHub) -> None:
    assert room.ensure_label("needs info", "#D93F0B", "Something is missing") == "created"
    assert room.ensure_label("needs info", "d93f0b", "Something is missing") == "unchanged"
    assert room.ensure_label("Needs Info", "d93f0b", "Something is missing") == "unchanged"
    assert [c.method for c in fake_github.writes()] == ["POST"]
    assert fake_github.repos[ROOM].labels["needs info"]["color"] == "d93f0b"


def test_ensure_label_updates_colour_or_description(room: Repo, fake_github: FakeGitHub) -> None:
    room.ensure_label("day-2", "0e8a16", "Day 2")
    assert room.ensure_label("day-2", "0e8a16", "Day 2 released") == "updated"
    assert room.ensure_label("day-2", "ffffff", "Day 2 released") == "updated"
    label = fake_github.repos[ROOM].labels["day-2"]
    assert (label["color"], label["description"]) == ("ffffff", "Day 2 released")
    patch = fake_github.calls("PATCH", "/labels/")[0]
    assert patch.path == "/repos/octo-org/room/labels/day-2"


def test_label_names_with_slashes_and_spaces_are_escaped(
    room: Repo, fake_github: FakeGitHub
) -> None:
    assert room.ensure_label("status: a/b", "000000") == "created"
    assert room.ensure_label("status: a/b", "000000") == "unchanged"
    assert fake_github.calls("GET", "/labels/")[0].path.endswith("/labels/status: a/b")


def test_set_labels_diff_writes_only_the_difference(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.repos[ROOM].labels["enrolled"] = {"name": "enrolled", "color": "x"}
    fake_github.repos[ROOM].labels["needs-info"] = {"name": "needs-info", "color": "x"}
    fake_github.repos[ROOM].issue_labels[3] = ["enrolled", "needs-info"]
    diff = room.set_labels_diff(3, add=["enrolled", "day1-complete"], remove=["Needs-Info", "x"])
    assert diff == (("day1-complete",), ("needs-info",))
    assert fake_github.repos[ROOM].issue_labels[3] == ["enrolled", "day1-complete"]
    writes = len(fake_github.writes())
    assert writes == 2
    again = room.set_labels_diff(3, add=["enrolled", "day1-complete"], remove=["needs-info"])
    assert again == ((), ())
    assert len(fake_github.writes()) == writes


def test_labels_the_caller_read_are_not_read_again(room: Repo, fake_github: FakeGitHub) -> None:
    fake_github.repos[ROOM].labels["registration"] = {"name": "registration", "color": "x"}
    fake_github.repos[ROOM].issue_labels[3] = ["registration"]
    diff = room.set_labels_diff(3, add=["Registration", "enrolled"], current=["registration"])
    assert diff == (("enrolled",), ())
    assert fake_github.calls("GET") == []
    assert fake_github.repos[ROOM].issue_labels[3] == ["registration", "enrolled"]


def test_a_label_github_made_on_the_fly_gets_its_colour_and_description_once(
    room: Repo, fake_github: FakeGitHub
) -> None:
    specs = {"enrolled": ("#1D76DB", "Enrolled in a cohort"), "unused": ("000000", "")}
    room.set_labels_diff(3, add=["enrolled"], current=[], specs=specs)
    label = fake_github.repos[ROOM].labels["enrolled"]
    assert (label["color"], label["description"]) == ("1d76db", "Enrolled in a cohort")
    assert [c.method for c in fake_github.writes()] == ["POST", "PATCH"]
    # The next issue: the label is right already, so adding it is the only request.
    room.set_labels_diff(4, add=["enrolled"], current=[], specs=specs)
    assert [c.method for c in fake_github.writes()] == ["POST", "PATCH", "POST"]
    assert "unused" not in fake_github.repos[ROOM].labels


def test_a_label_both_added_and_removed_is_a_planning_bug(room: Repo) -> None:
    with pytest.raises(ValueError, match="both added and removed"):
        room.set_labels_diff(1, add=["a"], remove=["A"])
    assert room.counts.requests == 0


# Narrow catches -------------------------------------------------------------------------------


def test_not_found_is_absent_and_other_errors_propagate(
    room: Repo, fake_github: FakeGitHub
) -> None:
    assert room.get_json(room.url("labels", "nope")) is None
    fake_github.fail("GET", "/labels/", 403, message="Resource not accessible by integration")
    with pytest.raises(GitHubError) as caught:
        room.get_json(room.url("labels", "nope"))
    assert caught.value.status == 403 and not is_not_found(caught.value)
    assert is_not_found(GitHubError("gone", status=404))


def test_unknown_repository_is_a_404(fake_github: FakeGitHub) -> None:
    gh = token_client("test-token", fake_github.base_url, transport=fake_github.transport)
    ghost = Repo(gh, "octo-org", "ghost", pacer=WritePacer(0))
    with pytest.raises(GitHubError) as caught:
        ghost.upsert_comment(1, "k", "x")
    assert is_not_found(caught.value)


@pytest.mark.parametrize(
    "full_name", ["octo-org", "/room", "octo-org/", "octo-org/room/extra", "", "/"]
)
def test_split_full_name_refuses_what_is_not_owner_slash_name(full_name: str) -> None:
    from glow.errors import GlowError
    from glow.github import split_full_name

    with pytest.raises(GlowError, match="owner/name"):
        split_full_name(full_name)


def test_split_full_name_gives_owner_and_name() -> None:
    from glow.github import split_full_name

    assert split_full_name("octo-org/learning-room-2026-12-ada") == (
        "octo-org",
        "learning-room-2026-12-ada",
    )


def test_a_run_that_remembers_reads_asks_once_until_it_writes(fake_github: FakeGitHub) -> None:
    """A room run's behaviours each list the same things: with remember_reads each URL is read
    once; a write forgets everything (the run sees its own writes); forget() before a poll."""
    gh = token_client("test-token", fake_github.base_url, transport=fake_github.transport)
    remembering = Repo(gh, *ROOM.split("/"), remember_reads=True)
    fake_github.add_comment(ROOM, 7, "First")
    url = remembering.url("issues", 7, "comments")

    def lists() -> int:
        return len([c for c in fake_github.requests if c.method == "GET" and c.path.endswith(url)])

    first = list(remembering.paginate(url))
    assert list(remembering.paginate(url)) == first
    assert lists() == 1 and remembering.counts.remembered == 1
    remembering.upsert_comment(7, "note", "hello")  # a write: the next list is fresh
    assert [c["body"] for c in remembering.paginate(url)][-1].endswith("hello")
    after_write = lists()
    remembering.forget()
    list(remembering.paginate(url))
    assert lists() == after_write + 1
    plain = Repo(gh, *ROOM.split("/"))
    list(plain.paginate(url))
    list(plain.paginate(url))
    assert lists() == after_write + 3
