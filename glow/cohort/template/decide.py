"""Template sync, decided: the smoke validation provisioning runs, applied to the folder, and
which files a sync writes (by git blob sha, so an unchanged file is never written).

Pure functions and plain records only; ``handlers`` reads the folder and the template
repository and carries the plan out in one commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from glow.cohort.provisioning.decide import (
    CHALLENGE_PATH,
    TemplateProblem,
    parse_challenge,
    smoke_problems,
)
from glow.cohort.template.copy import NO_CHALLENGE
from glow.room.challenges import CHALLENGES_DIR, CatalogueProblem, parse_catalogue


@dataclass(frozen=True)
class SyncPlan:
    """What a sync writes: path -> text, or None to delete; and the extras it keeps."""

    files: dict[str, str | None]
    kept: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.files


def validate(texts: dict[str, str]) -> list[str]:
    """The smoke validation provisioning runs, on the folder, and the challenge catalogue
    parsed whole: one line per problem."""
    problems = smoke_problems(texts)
    if CHALLENGE_PATH not in texts:
        problems.append(NO_CHALLENGE.format(path=CHALLENGE_PATH))
    else:
        try:
            parse_challenge(texts[CHALLENGE_PATH])
        except TemplateProblem as exc:
            problems.append(f"{CHALLENGE_PATH}: {exc}")
    # Every challenge file, as the progression bot will read it: a broken one stops the sync
    # here rather than in a learner's room.
    try:
        parse_catalogue(
            {p: text for p, text in texts.items() if p.startswith(f"{CHALLENGES_DIR}/")}
        )
    except CatalogueProblem as exc:
        problems.append(str(exc))
    return problems


def plan_sync(texts: dict[str, str], existing: dict[str, str], *, delete: bool) -> SyncPlan:
    """Files whose blob differs (or is missing) from the template's ``existing`` path -> blob
    sha; extras deleted only when asked."""
    from glow.gitsha import git_blob_sha

    files: dict[str, str | None] = {
        path: text
        for path, text in texts.items()
        if existing.get(path) != git_blob_sha(text.encode("utf-8"))
    }
    extras = tuple(sorted(set(existing) - set(texts)))
    if delete:
        files.update(dict.fromkeys(extras))
    return SyncPlan(files, () if delete else extras)


def change_of(path: str, text: str | None, existing: dict[str, str]) -> str:
    """``add``, ``update`` or ``delete``: what a sync does to ``path``."""
    return "delete" if text is None else ("update" if path in existing else "add")
