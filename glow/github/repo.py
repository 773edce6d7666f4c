"""The adapter every bot acts through: one repository, idempotent writes, counted requests.

Pure code decides (a comment body, labels to add); this class carries it out against GitHub's
current state, so a handler re-run on the same event makes zero writes (STYLE.md, 3 and 5).
Every request goes through ``call_with_backoff``; every write waits on its identity's
``WriteBudget`` (spacing, and GitHub's content-creating limits for the requests that count).
Requests use githubkit's raw ``request`` and read plain JSON: we need a few fields, and
validating whole response models costs start-up time and breaks on partial shapes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import quote

from glow.errors import GitHubError, GlowError
from glow.github.backoff import call_with_backoff
from glow.github.budget import WriteBudget, budget_for, creates_content
from glow.github.pages import paginate_path
from glow.markers import has_marker, normalise_body, with_marker

if TYPE_CHECKING:
    from githubkit import GitHub, Response

    from glow.github.files import FileAt, WriteOutcome

Outcome = Literal["created", "updated", "unchanged"]
READ_METHODS = frozenset({"GET", "HEAD"})
# Pin the REST version for raw requests: the shapes we read are stable in it, GitHub Enterprise
# Server knows it, and the local GitHub accepts it (github-behaviour.md, tokens).
API_VERSION = "2022-11-28"


def is_not_found(exc: BaseException) -> bool:
    """True when ``exc`` is GitHub answering 404: absent, or hidden from this token."""
    status = getattr(exc, "status", None)
    if status is None:
        response = getattr(exc, "response", None)
        status = getattr(response, "status_code", None)
    return status == 404


@dataclass
class RequestCounts:
    """Requests this adapter sent (every attempt, retries included) and how many were writes."""

    requests: int = 0
    writes: int = 0
    creating: int = 0  # writes GitHub counts as content-creating (``budget.creates_content``)
    remembered: int = 0  # reads answered from the run's memory (no request sent)

    @property
    def reads(self) -> int:
        return self.requests - self.writes


class LabelDiff(NamedTuple):
    """What ``set_labels_diff`` actually changed (both empty on a re-run)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]


def split_full_name(full_name: str) -> tuple[str, str]:
    """``owner/name`` as ``(owner, name)``: the one place a repository's full name is split.
    Anything else (no slash, an empty half, a second slash) is a GlowError naming the value."""
    owner, slash, name = full_name.partition("/")
    if not (owner and slash and name) or "/" in name:
        raise GlowError(f"{full_name!r} is not a repository's owner/name")
    return owner, name


def segment(value: str) -> str:
    """One URL path segment (a label name may hold spaces, slashes or emoji)."""
    return quote(value, safe="")


class Repo:
    """A githubkit client bound to ``owner/name``, with the operations every bot shares."""

    def __init__(
        self,
        gh: GitHub[Any],
        owner: str,
        name: str,
        *,
        pacer: WriteBudget | None = None,
        max_attempts: int = 5,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.time,
        remember_reads: bool = False,
    ) -> None:
        self.gh = gh
        self.owner = owner
        self.name = name
        # The budget of the identity ``gh`` writes as, shared by every adapter in the process.
        self.pacer = pacer if pacer is not None else budget_for(gh)
        self.max_attempts = max_attempts
        self.counts = RequestCounts()
        self._sleep = sleep
        self._clock = clock
        # A short run that looks at one repository several times (a room's behaviours each
        # list its issues, comments and pulls) reads each URL once; any write forgets them all,
        # so a run always sees its own writes. Off by default: a long batch must re-read.
        self._remember = remember_reads
        self._remembered: dict[tuple[str, tuple[tuple[str, str], ...]], Response[Any]] = {}

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def url(self, *parts: str | int) -> str:
        """``repos/OWNER/NAME/parts...`` relative to the API root (GHES path prefix kept)."""
        tail = "/".join(str(part) for part in parts)
        return f"repos/{segment(self.owner)}/{segment(self.name)}" + (f"/{tail}" if tail else "")

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        creates: bool = False,
    ) -> Response[Any]:
        """One request with backoff, pacing for writes, and counting of every attempt.

        ``creates``: the request makes something new each time it lands (a comment, an issue),
        so a server error is not retried blindly (``backoff.retry_delay``). Whether GitHub
        counts it against the content-creating limits is the route's (``creates_content``)."""
        method = method.upper()
        write = method not in READ_METHODS
        creating = write and creates_content(method, url)
        key = (url, tuple(sorted((str(k), str(v)) for k, v in (params or {}).items())))
        if write:
            self._remembered.clear()
        elif self._remember and key in self._remembered:
            self.counts.remembered += 1
            return self._remembered[key]

        def attempt() -> Response[Any]:
            if write:
                self.pacer.wait(creates=creating)
                self.counts.writes += 1
                self.counts.creating += int(creating)
            self.counts.requests += 1
            return self.gh.request(
                method,
                url,
                json=json,
                params=dict(params) if params else None,
                headers={"X-GitHub-Api-Version": API_VERSION},
            )

        response = call_with_backoff(
            attempt,
            max_attempts=self.max_attempts,
            sleep=self._sleep,
            clock=self._clock,
            server_errors=not creates,
        )
        if self._remember and not write:
            self._remembered[key] = response
        return response

    def forget(self) -> None:
        """Read everything afresh from now on (before polling what GitHub computes late)."""
        self._remembered.clear()

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any | None:
        """GET ``url`` as JSON, or None when GitHub answers 404."""
        try:
            return self.request("GET", url, params=params).json()
        except GitHubError as exc:
            if is_not_found(exc):
                return None
            raise

    def paginate(
        self, url: str, params: Mapping[str, Any] | None = None, *, key: str | None = None
    ) -> Iterator[Any]:
        """Every item of a list endpoint, 100 a page, each page with backoff and counted
        (``key``: the list GitHub wraps in an object, ``paginate_path``)."""
        return paginate_path(
            lambda page_url, query: self.request("GET", page_url, params=query),
            url,
            dict(params) if params else None,
            key=key,
        )

    # Comments ---------------------------------------------------------------------------------

    def login(self) -> str:
        """The login GitHub shows as the author of what this adapter writes (``identity``)."""
        from glow.github.identity import login_of

        return login_of(self.gh, lambda: self.request("GET", "user"))

    def is_ours(self, item: Mapping[str, Any]) -> bool:
        """True when a comment (or issue) was written by this adapter's identity: any token with
        issues write may edit any comment, and anyone may type our markers, so only the author
        tells whose it is."""
        author = str((item.get("user") or {}).get("login") or "")
        return author.lower() == self.login().lower()

    def marked_comments(self, issue_number: int, key: str) -> list[dict[str, Any]]:
        """Our comments on the issue whose first line is ``key``'s marker, oldest first.

        A stranger's comment carrying the marker is not ours: it is never edited, deleted or
        taken for our answer."""
        comments = self.paginate(self.url("issues", issue_number, "comments"))
        found = [c for c in comments if has_marker(c.get("body"), key) and self.is_ours(c)]
        return sorted(found, key=lambda c: int(c["id"]))

    def upsert_comment(
        self, issue_number: int, key: str, body: str, *, comments: int | None = None
    ) -> Outcome:
        """Make the issue carry exactly one comment of ours for ``key`` with this body.

        Found by its hidden first-line marker (added here if ``body`` lacks it) among the
        comments this adapter's identity wrote. Identical body: no write. Several such comments
        (an earlier fault): the oldest is kept and updated, the others deleted, and the result is
        "updated" because something was written.

        ``comments``: the issue's comment count as the caller just read it (an issue, or an issue
        listing, carries it); 0 means there is nothing to look for, so the comment is posted
        without reading the issue's comments first.
        """
        wanted = with_marker(key, body)
        found = [] if comments == 0 else self.marked_comments(issue_number, key)
        if not found:
            comments_url = self.url("issues", issue_number, "comments")
            self.request("POST", comments_url, json={"body": wanted}, creates=True)
            return "created"
        keep, duplicates = found[0], found[1:]
        outcome: Outcome = "unchanged"
        if normalise_body(keep.get("body")) != normalise_body(wanted):
            self.request("PATCH", self.url("issues", "comments", keep["id"]), json={"body": wanted})
            outcome = "updated"
        for duplicate in duplicates:
            self._delete_absent_ok(self.url("issues", "comments", duplicate["id"]))
            outcome = "updated"
        return outcome

    def _delete_absent_ok(self, url: str) -> None:
        # Someone (or a parallel run) deleting it first is the outcome we wanted anyway.
        try:
            self.request("DELETE", url)
        except GitHubError as exc:
            if not is_not_found(exc):
                raise

    # Labels -----------------------------------------------------------------------------------

    def ensure_label(self, name: str, color: str, description: str = "") -> Outcome:
        """The repository has label ``name`` with this colour and description.

        GitHub matches label names case-insensitively; an existing label's spelling is kept.
        """
        want_color = color.lstrip("#").lower()
        current = self.get_json(self.url("labels", segment(name)))
        if current is None:
            try:
                self.request(
                    "POST",
                    self.url("labels"),
                    json={"name": name, "color": want_color, "description": description},
                )
                return "created"
            except GitHubError as exc:
                # 422 already_exists: a parallel run created it between our GET and POST.
                if exc.status != 422:
                    raise
            current = self.get_json(self.url("labels", segment(name)))
            if current is None:
                raise GitHubError(f"Label {name!r} in {self.full_name}: create refused (422)")
        same_color = str(current.get("color", "")).lower() == want_color
        if same_color and (current.get("description") or "") == description:
            return "unchanged"
        self.request(
            "PATCH",
            self.url("labels", segment(current.get("name") or name)),
            json={"color": want_color, "description": description},
        )
        return "updated"

    def set_labels_diff(
        self,
        issue_number: int,
        *,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        current: Iterable[str] | None = None,
        specs: Mapping[str, tuple[str, str]] | None = None,
    ) -> LabelDiff:
        """Add and remove labels on an issue, writing only the difference from what it has.

        Names compare case-insensitively, as GitHub does. A label both added and removed is a
        planning bug and raises ValueError rather than flapping.

        ``current``: the issue's labels as the caller just read them (an issue, or an issue
        listing, carries them), so they are not read again. ``specs``: the colour and
        description of labels this call may add, by name. Adding a label the repository lacks
        creates it, grey and undescribed (GitHub does); the answer lists the issue's labels, so
        one that came back unlike its spec is given its colour and description there and then:
        no request at all once the repository has it right.
        """
        add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
        if clash := {a.lower() for a in add} & {r.lower() for r in remove}:
            raise ValueError(f"labels both added and removed: {sorted(clash)}")
        if current is None:
            labels = self.paginate(self.url("issues", issue_number, "labels"))
            current = (str(label["name"]) for label in labels)
        on_issue = {name.lower(): name for name in current}
        to_add = tuple(a for a in add if a.lower() not in on_issue)
        to_remove = tuple(on_issue[r.lower()] for r in remove if r.lower() in on_issue)
        if to_add:
            answer = self.request(
                "POST", self.url("issues", issue_number, "labels"), json={"labels": list(to_add)}
            ).json()
            if specs:
                self._describe_labels(answer, {a.lower() for a in to_add}, specs)
        for label in to_remove:
            self._delete_absent_ok(self.url("issues", issue_number, "labels", segment(label)))
        return LabelDiff(to_add, to_remove)

    def _describe_labels(
        self, answer: Any, added: set[str], specs: Mapping[str, tuple[str, str]]
    ) -> None:
        """Give each label just added that has a spec the spec's colour and description, where
        GitHub's answer shows otherwise (it made the label on the fly)."""
        wanted = {name.lower(): spec for name, spec in specs.items()}
        for label in answer if isinstance(answer, list) else []:
            name = str(label.get("name") or "")
            spec = wanted.get(name.lower())
            if spec is None or name.lower() not in added:
                continue
            color, description = spec[0].lstrip("#").lower(), spec[1]
            same_color = str(label.get("color") or "").lower() == color
            if same_color and (label.get("description") or "") == description:
                continue
            self.request(
                "PATCH",
                self.url("labels", segment(name)),
                json={"color": color, "description": description},
            )

    # Files (the logic lives in files.py) ------------------------------------------------------

    def read_file(self, path: str, ref: str | None = None) -> FileAt | None:
        """The text file at ``path`` (on ``ref``), or None when it does not exist."""
        from glow.github import files as ops

        return ops.read_file(self, path, ref)

    def write_file(
        self,
        path: str,
        update: Callable[[str | None], str | None],
        message: str,
        *,
        branch: str | None = None,
    ) -> WriteOutcome:
        """Apply the pure ``update`` to the file's text and write it with a sha check."""
        from glow.github import files as ops

        return ops.write_file(self, path, update, message, branch=branch)

    def commit_files(
        self, files: Mapping[str, str | None], message: str, *, branch: str
    ) -> str | None:
        """Commit many files (None deletes) as ONE commit; None when nothing changed."""
        from glow.github import files as ops

        return ops.commit_files(self, files, message, branch=branch)

    def update_files(
        self,
        paths: tuple[str, ...],
        update: Callable[[Mapping[str, str | None]], Mapping[str, str | None]],
        message: str,
        *,
        branch: str,
    ) -> str | None:
        """Read ``paths``, apply the pure ``update`` to their texts (None: absent), and commit
        what it returns as ONE commit; re-read and re-apply when another commit lands first.
        None when nothing changed (zero writes)."""
        from glow.github import files as ops

        return ops.commit_files(self, update, message, branch=branch, read=paths)
