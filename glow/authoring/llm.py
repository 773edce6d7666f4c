"""The OpenAI author's one model call: structured outputs into a pydantic model, bounded.

``structured(Model, messages, settings)`` asks any OpenAI-compatible server (``OPENAI_BASE_URL``)
for an answer in the shape of ``Model`` through the SDK's structured outputs
(``client.chat.completions.parse(response_format=Model)``): the SDK sends the model's JSON schema
and parses the answer into it; nothing here ever reads JSON out of free text.

Three bounds, none stacked on another:

- each request has ``GLOW_MODEL_REQUEST_TIMEOUT`` seconds (the SDK's timeout, which is per read);
- the SDK's own retries are off (``max_retries=0``); ours retry only a timeout, a connection
  error or a 5xx, ``GLOW_MODEL_RETRIES`` times, waiting ``min(2**attempt, 4)`` seconds between;
- the whole call (every attempt) runs in a child process (``spawn``) that is killed at
  ``GLOW_MODEL_WALL_SECONDS``, so a response that hangs or trickles a byte at a time (which never
  trips a per-read timeout) fails loudly instead of pinning the run.

The child gets the model's import path (and its JSON schema, checked on arrival), sends back the
validated answer as a JSON object, and the parent validates it again. Every failure is a
``ModelError`` (a ``GlowError``) with one readable line. ``openai`` is imported only inside the
functions that call it, so ``glow.authoring`` imports without it.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from glow.errors import ConfigError, GlowError

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

M = TypeVar("M", bound=BaseModel)

DEFAULT_MODEL = "gpt-5.5"

# The environment variable behind each setting, for messages that name what to fix.
ENV_NAMES = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "GLOW_MODEL",
    "request_timeout": "GLOW_MODEL_REQUEST_TIMEOUT",
    "wall_seconds": "GLOW_MODEL_WALL_SECONDS",
    "retries": "GLOW_MODEL_RETRIES",
}


class ModelError(GlowError):
    """A model call failed: the message says what happened and what to try next."""


class ModelTimedOut(ModelError):
    """The call ran past ``GLOW_MODEL_WALL_SECONDS`` and its process was killed."""


class ModelRefused(ModelError):
    """The model refused to answer; ``refusal`` is its own words."""

    def __init__(self, message: str, *, refusal: str) -> None:
        super().__init__(message)
        self.refusal = refusal


class ModelOutputInvalid(ModelError):
    """The model answered, but not in the shape asked for."""


class ModelUnavailable(ModelError):
    """The server could not be reached, or answered with an HTTP error, after every retry."""


class ModelSettings(BaseModel):
    """How to reach the model, read from the environment by ``from_env``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr = Field(min_length=1)
    base_url: str | None = None
    model: str = Field(DEFAULT_MODEL, min_length=1)
    request_timeout: float = Field(240.0, gt=0)
    wall_seconds: float = Field(300.0, gt=0)
    retries: int = Field(2, ge=0, le=10)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ModelSettings:
        """The settings from ``environ`` (default ``os.environ``); a ``ConfigError`` naming the
        variable when one is missing or wrong."""
        env = os.environ if environ is None else environ
        raw = {field: env[name] for field, name in ENV_NAMES.items() if env.get(name, "").strip()}
        if "api_key" not in raw:
            raise ConfigError(
                "OPENAI_API_KEY is not set: set it to the API key of OpenAI (or of the "
                "OpenAI-compatible server at OPENAI_BASE_URL)."
            )
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else ""
            name = ENV_NAMES.get(field, field)
            shown = "" if field == "api_key" else f"={raw.get(field, '')!r}"
            raise ConfigError(f"{name}{shown} is not valid: {first['msg']}.") from None


def backoff_seconds(attempt: int) -> float:
    """The wait after failed attempt ``attempt`` (0-based) before the next one."""
    return float(min(2**attempt, 4))


def one_line(text: str, limit: int = 300) -> str:
    """``text`` as one line of at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def import_path(model: type[BaseModel]) -> str:
    """``module:QualName`` of a model the child process can import."""
    if "<locals>" in model.__qualname__ or model.__module__ == "__main__":
        raise TypeError(f"{model.__qualname__} must be defined at module level to be sent")
    return f"{model.__module__}:{model.__qualname__}"


def load_model(path: str, schema: dict[str, Any]) -> type[BaseModel]:
    """The model at ``path``, checked to have the JSON schema the parent sent."""
    module_name, _, qualname = path.partition(":")
    found: object = importlib.import_module(module_name)
    for part in qualname.split("."):
        found = getattr(found, part)
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        raise TypeError(f"{path} is not a pydantic model")
    if found.model_json_schema() != schema:
        raise TypeError(f"{path} has another schema in the child process than in the parent")
    return found


def _server(settings: ModelSettings) -> str:
    return settings.base_url or "https://api.openai.com/v1"


def structured_in_process(
    model: type[M],
    messages: list[dict[str, str]],
    settings: ModelSettings,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> M:
    """One structured call with our bounded retries, in this process (no wall-clock kill: use
    ``structured``). Raises the ``ModelError`` subclasses."""
    import openai

    client = openai.OpenAI(
        api_key=settings.api_key.get_secret_value(),
        base_url=settings.base_url,
        timeout=settings.request_timeout,
        max_retries=0,
    )
    server = _server(settings)
    attempts = settings.retries + 1
    for attempt in range(attempts):
        try:
            completion = client.chat.completions.parse(
                model=settings.model,
                messages=cast("list[ChatCompletionMessageParam]", messages),
                response_format=model,
            )
        except (openai.APIConnectionError, openai.InternalServerError) as exc:
            if attempt + 1 < attempts:
                sleep(backoff_seconds(attempt))
                continue
            raise ModelUnavailable(_unavailable(exc, server, settings, attempts)) from None
        except openai.APIStatusError as exc:
            raise ModelUnavailable(
                f"The model server at {server} answered HTTP {exc.status_code} "
                f"({one_line(exc.message, 160)}): {_status_hint(exc.status_code)}"
            ) from None
        except openai.ContentFilterFinishReasonError:
            raise ModelRefused(
                "The model refused to answer (its content filter stopped it): "
                "revise the brief and try again.",
                refusal="content filter",
            ) from None
        except openai.LengthFinishReasonError:
            raise ModelOutputInvalid(
                f"The model's answer was cut off at its length limit before it was a complete "
                f"{model.__name__}: shorten the request or choose a model with a larger limit "
                "(GLOW_MODEL)."
            ) from None
        except ValidationError as exc:
            raise ModelOutputInvalid(_invalid(model, exc)) from None
        message = completion.choices[0].message
        if message.refusal:
            refusal = one_line(message.refusal)
            raise ModelRefused(
                f"The model refused to answer: {refusal} Revise the brief and try again.",
                refusal=message.refusal,
            )
        if message.parsed is None:
            raise ModelOutputInvalid(
                f"The model answered without a {model.__name__}: check that the server at "
                f"{server} supports structured outputs (GLOW_MODEL, OPENAI_BASE_URL)."
            )
        return message.parsed
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _unavailable(exc: Exception, server: str, settings: ModelSettings, attempts: int) -> str:
    import openai

    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if isinstance(exc, openai.APITimeoutError):
        return (
            f"The model server at {server} did not answer within GLOW_MODEL_REQUEST_TIMEOUT "
            f"({settings.request_timeout:g} s) in {tries}: try again later, or raise "
            "GLOW_MODEL_REQUEST_TIMEOUT."
        )
    if isinstance(exc, openai.APIStatusError):
        return (
            f"The model server at {server} answered HTTP {exc.status_code} in {tries} "
            f"({one_line(exc.message, 160)}): try again later."
        )
    return (
        f"The model server at {server} could not be reached in {tries} "
        f"({one_line(str(exc), 160)}): check OPENAI_BASE_URL and the network, then try again."
    )


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return "check OPENAI_API_KEY."
    if status == 404:
        return "check GLOW_MODEL and OPENAI_BASE_URL."
    if status == 429:
        return "the account is over its rate limit or quota; try again later."
    return "check GLOW_MODEL and the request, then try again."


def _invalid(model: type[BaseModel], exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the answer"
    return (
        f"The model's answer is not a valid {model.__name__} ({where}: {first['msg']}): try "
        "again, or check that the server supports structured outputs (GLOW_MODEL, "
        "OPENAI_BASE_URL)."
    )


class _Outcome(BaseModel):
    """What the child process sends back over the pipe."""

    kind: Literal["ok", "refused", "invalid", "unavailable", "error"]
    data: dict[str, Any] | None = None
    message: str = ""
    refusal: str = ""


def _child(
    conn: Connection,
    path: str,
    schema: dict[str, Any],
    messages: list[dict[str, str]],
    settings: ModelSettings,
) -> None:
    """The child process: one ``structured_in_process`` call, its outcome sent to the parent."""
    try:
        answer = structured_in_process(load_model(path, schema), messages, settings)
        outcome = _Outcome(kind="ok", data=answer.model_dump(mode="json"))
    except ModelRefused as exc:
        outcome = _Outcome(kind="refused", message=str(exc), refusal=exc.refusal)
    except ModelOutputInvalid as exc:
        outcome = _Outcome(kind="invalid", message=str(exc))
    except ModelUnavailable as exc:
        outcome = _Outcome(kind="unavailable", message=str(exc))
    except Exception as exc:
        text = one_line(f"{type(exc).__name__}: {exc}")
        outcome = _Outcome(kind="error", message=f"The model call failed: {text}")
    conn.send(outcome.model_dump(mode="json"))
    conn.close()


def structured(model: type[M], messages: list[dict[str, str]], settings: ModelSettings) -> M:
    """``model``'s answer to ``messages``, from a child process killed at
    ``settings.wall_seconds``. Raises ``ModelTimedOut``, ``ModelRefused``,
    ``ModelOutputInvalid``, ``ModelUnavailable`` (or ``ModelError``), each one readable line."""
    schema = model.model_json_schema()
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child,
        args=(sender, import_path(model), schema, messages, settings),
        name=f"glow-model-{model.__name__}",
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(settings.wall_seconds):
            raise ModelTimedOut(
                f"The model call was stopped after GLOW_MODEL_WALL_SECONDS "
                f"({settings.wall_seconds:g} s) without a complete answer: try again, or raise "
                "GLOW_MODEL_WALL_SECONDS if the model is slow but still answering."
            )
        try:
            raw = receiver.recv()
        except EOFError:
            process.join(5)
            raise ModelError(
                f"The model call's process ended without an answer (exit code "
                f"{process.exitcode}): try again."
            ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    outcome = _Outcome.model_validate(raw)
    if outcome.kind == "ok":
        try:
            return model.model_validate(outcome.data)
        except ValidationError as exc:
            raise ModelOutputInvalid(_invalid(model, exc)) from None
    errors: dict[str, type[ModelError]] = {
        "invalid": ModelOutputInvalid,
        "unavailable": ModelUnavailable,
    }
    if outcome.kind == "refused":
        raise ModelRefused(outcome.message, refusal=outcome.refusal)
    raise errors.get(outcome.kind, ModelError)(outcome.message)
