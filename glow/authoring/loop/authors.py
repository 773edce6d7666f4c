"""Authors behind one interface: whoever writes the bundle, the graph and the harness are the
same.

- ``openai_author.OpenAIAuthor``: a model through structured outputs (``glow.authoring.llm``).
- ``RecordedAuthor``: replays a recording of answers, in order, so the loop runs offline with no
  key; a recording is made by wrapping any author in ``Recorder``.
- ``BundleAuthor``: a human-written bundle (``docs/authoring/bundle.md``) taken through the same
  graph: its files are the authoring steps' answers; it cannot repair (a person fixes the
  bundle), and it leaves review to the gates.

An author never runs anything and never sees a secret: it returns files (``Authored``,
``Repair``) or a ``Verdict``; the nodes check and run them in the harness's sandbox.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from glow.errors import ConfigError
from glow.harness.bundle import files_under

from .state import (
    Authored,
    Brief,
    FileChange,
    NodeName,
    Plan,
    PlannedDeliverable,
    Repair,
    Verdict,
)

_T = TypeVar("_T")
Step = Literal["plan", "runtime", "tests", "repair", "review"]


class Task(BaseModel):
    """What an author is given for one step: the plan, the bundle so far, and what to fix."""

    model_config = ConfigDict(extra="forbid")

    node: NodeName
    plan: Plan
    files: dict[str, str]
    # What failed last: the harness's findings, or a reviewer's (empty on a first attempt).
    findings: list[str] = Field(default_factory=list)
    # Every reason a person gave when rejecting at a gate, oldest first.
    feedback: list[str] = Field(default_factory=list)
    attempt: int = 1


class Author(Protocol):
    """One interface for every author. ``calls`` counts model calls made so far."""

    name: str
    calls: int

    def plan(self, brief: Brief) -> Plan: ...

    def runtime(self, task: Task) -> Authored:
        """Write or revise the project: manifest, workspace (starter and runtime scripts),
        deliverable manifests and reference variants."""
        ...

    def tests(self, task: Task) -> Authored:
        """Write or revise each deliverable's visible and hidden suites against the starter."""
        ...

    def repair(self, task: Task) -> Repair:
        """Fix what ``task.findings`` says; say where the run goes next."""
        ...

    def review(self, task: Task) -> Verdict:
        """Review as ``task.node`` (reviewer_code or reviewer_pedagogy)."""
        ...


# -- Recordings -----------------------------------------------------------------------------


class Answer(BaseModel):
    """One recorded answer: the step asked, and what came back."""

    model_config = ConfigDict(extra="forbid")

    step: Step
    plan: Plan | None = None
    authored: Authored | None = None
    repair: Repair | None = None
    verdict: Verdict | None = None


class Recording(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    author: str = ""  # who answered when it was recorded (e.g. "openai:gpt-5.5")
    answers: list[Answer] = Field(default_factory=list)


def load_recording(path: Path) -> Recording:
    """A recording file (JSON), or a ``ConfigError`` naming the file and what is wrong."""
    try:
        return Recording.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"No recording at {path}: pass a file made with --record.") from None
    except ValueError as exc:
        first = str(exc).splitlines()
        raise ConfigError(
            f"{path} is not a recording of the authoring loop: {' '.join(first[:3])}"
        ) from None


class RecordedAuthor:
    """Replays a recording in order. Asked for a step the recording does not hold next, it
    stops the run with a ``ConfigError`` (the graph went another way than when it was recorded),
    never a made-up answer. Each answer counts as the model call it replaces."""

    def __init__(self, recording: Recording, *, name: str = "recorded") -> None:
        self.name = name
        self.calls = 0
        self._answers = list(recording.answers)
        self._next = 0

    @classmethod
    def from_file(cls, path: Path) -> RecordedAuthor:
        return cls(load_recording(path), name=f"recorded:{path.name}")

    @property
    def position(self) -> int:
        """How many answers were replayed (a resumed run skips that many)."""
        return self._next

    def skip(self, count: int) -> None:
        self._next = min(count, len(self._answers))

    def _take(self, step: Step) -> Answer:
        if self._next >= len(self._answers):
            raise ConfigError(
                f"The recording has no answer left for the {step} step (it holds "
                f"{len(self._answers)}): record it again with --record."
            )
        answer = self._answers[self._next]
        if answer.step != step:
            raise ConfigError(
                f"The recording's answer {self._next + 1} is for the {answer.step} step, but the "
                f"run asked for {step}: the run went another way than when it was recorded."
            )
        self._next += 1
        self.calls += 1
        return answer

    def plan(self, brief: Brief) -> Plan:
        return _need(self._take("plan").plan, "plan")

    def runtime(self, task: Task) -> Authored:
        return _need(self._take("runtime").authored, "runtime")

    def tests(self, task: Task) -> Authored:
        return _need(self._take("tests").authored, "tests")

    def repair(self, task: Task) -> Repair:
        return _need(self._take("repair").repair, "repair")

    def review(self, task: Task) -> Verdict:
        return _need(self._take("review").verdict, "review")


def _need(value: _T | None, step: str) -> _T:
    if value is None:
        raise ConfigError(f"The recording's {step} answer is empty: record it again.")
    return value


class Recorder:
    """Wraps an author and keeps every answer, for ``save`` as a recording."""

    def __init__(self, inner: Author) -> None:
        self.inner = inner
        self.name = inner.name
        self.recording = Recording(author=inner.name)

    @property
    def calls(self) -> int:
        return self.inner.calls

    def plan(self, brief: Brief) -> Plan:
        answer = self.inner.plan(brief)
        self.recording.answers.append(Answer(step="plan", plan=answer))
        return answer

    def runtime(self, task: Task) -> Authored:
        answer = self.inner.runtime(task)
        self.recording.answers.append(Answer(step="runtime", authored=answer))
        return answer

    def tests(self, task: Task) -> Authored:
        answer = self.inner.tests(task)
        self.recording.answers.append(Answer(step="tests", authored=answer))
        return answer

    def repair(self, task: Task) -> Repair:
        answer = self.inner.repair(task)
        self.recording.answers.append(Answer(step="repair", repair=answer))
        return answer

    def review(self, task: Task) -> Verdict:
        answer = self.inner.review(task)
        self.recording.answers.append(Answer(step="review", verdict=answer))
        return answer

    def save(self, path: Path) -> None:
        path.write_text(self.recording.model_dump_json(indent=1) + "\n", encoding="utf-8")


# -- A human-written bundle -----------------------------------------------------------------


def _is_suite(path: str) -> bool:
    parts = path.split("/")
    return len(parts) >= 4 and parts[0] == "deliverables" and parts[2] in ("visible", "hidden")


class BundleAuthor:
    """A bundle a person wrote, taken through the same graph: the runtime step answers with
    everything but the test suites, the tests step with the suites. It makes no model call; it
    cannot repair (the repair changes nothing, which blocks the run with the findings, for the
    person to fix the bundle); its reviews pass, since a person reviews at the gates."""

    def __init__(self, root: Path) -> None:
        if not (root / "coursegen.yml").is_file():
            raise ConfigError(f"{root} is not a bundle: it has no coursegen.yml.")
        self.root = root
        self.name = f"bundle:{root.name}"
        self.calls = 0

    def _files(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for relative in files_under(self.root):
            try:
                found[relative] = (self.root / relative).read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise ConfigError(
                    f"{self.root / relative} is not UTF-8 text: a bundle holds text files only."
                ) from None
        return found

    def plan(self, brief: Brief) -> Plan:
        """The bundle's own plan: its manifest's title, summary and deliverables (the brief's
        outcomes and stack kept as the creator wrote them)."""
        from glow.harness.bundle import load_bundle

        loaded = load_bundle(self.root)
        if loaded.bundle is None:
            problems = "; ".join(f.line() for f in loaded.findings[:3])
            raise ConfigError(f"The bundle at {self.root} cannot be read: {problems}")
        manifest = loaded.bundle.manifest
        return Plan(
            title=manifest.title,
            summary=manifest.summary,
            outcomes=list(brief.outcomes),
            stack=brief.stack,
            pinned=[k for k in ("language", "framework", "runtime") if getattr(brief.stack, k)],
            deliverables=[
                PlannedDeliverable(id=d.id, title=d.manifest.title, asks=d.manifest.asks)
                for d in loaded.bundle.deliverables
            ],
            network=manifest.runtime.network,
        )

    def runtime(self, task: Task) -> Authored:
        files = [
            FileChange(path=p, content=t) for p, t in self._files().items() if not _is_suite(p)
        ]
        return Authored(files=files, notes=f"The bundle {self.root.name} as a person wrote it.")

    def tests(self, task: Task) -> Authored:
        files = [FileChange(path=p, content=t) for p, t in self._files().items() if _is_suite(p)]
        return Authored(files=files, notes="The bundle's own visible and hidden suites.")

    def repair(self, task: Task) -> Repair:
        return Repair(
            files=[],
            retry="runtime",
            notes="A person wrote this bundle: fix it from the findings and run it again.",
        )

    def review(self, task: Task) -> Verdict:
        return Verdict(passed=True, findings=[], retry="runtime")


def recording_schema() -> str:
    """The recording file's JSON Schema, for documentation."""
    return json.dumps(TypeAdapter(Recording).json_schema(), indent=1)
