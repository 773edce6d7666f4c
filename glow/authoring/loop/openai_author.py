"""The OpenAI author: each step of the ``Author`` protocol is one structured-outputs call
(``glow.authoring.llm.structured``) into the step's pydantic model (``Plan``, ``Authored``,
``Repair``, ``Verdict``), with the messages ``prompts`` builds.

The answer is never parsed out of text: the SDK sends the model's strict JSON schema and
validates the answer into it. A failed call raises its ``ModelError`` (timed out, refused,
invalid, unavailable) to the graph's node, which fails loudly; nothing is caught here. ``calls``
counts every call made, answered or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

from pydantic import BaseModel

from glow.authoring.llm import ModelSettings, structured

from . import prompts
from .authors import Task
from .state import Authored, Brief, Plan, Repair, Verdict

M = TypeVar("M", bound=BaseModel)


class Call(Protocol):
    """A structured model call: ``structured`` (a child process killed at the wall clock), or
    ``structured_in_process`` where a test records or replays the HTTP exchange."""

    def __call__(
        self, model: type[M], messages: list[dict[str, str]], settings: ModelSettings
    ) -> M: ...


class OpenAIAuthor:
    """A model behind any OpenAI-compatible server (``OPENAI_BASE_URL``) as the author."""

    def __init__(self, settings: ModelSettings, *, call: Call = structured) -> None:
        self.settings = settings
        self.name = f"openai:{settings.model}"
        self.calls = 0
        self._call = call

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OpenAIAuthor:
        """The author from ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``GLOW_MODEL`` and the
        ``GLOW_MODEL_*`` bounds; a ``ConfigError`` naming the variable to fix."""
        return cls(ModelSettings.from_env(environ))

    def _ask(self, model: type[M], messages: list[dict[str, str]]) -> M:
        self.calls += 1  # counted before the call: a failed call is a call made
        return self._call(model, messages, self.settings)

    def plan(self, brief: Brief) -> Plan:
        return self._ask(Plan, prompts.plan_messages(brief))

    def runtime(self, task: Task) -> Authored:
        return self._ask(Authored, prompts.runtime_messages(task))

    def tests(self, task: Task) -> Authored:
        return self._ask(Authored, prompts.tests_messages(task))

    def repair(self, task: Task) -> Repair:
        return self._ask(Repair, prompts.repair_messages(task))

    def review(self, task: Task) -> Verdict:
        return self._ask(Verdict, prompts.review_messages(task))
