"""A local OpenAI-compatible server for the model-call tests: ``POST /v1/chat/completions`` on
127.0.0.1 in a thread, answering each request with the next mode of its script (the last mode
repeats): a good structured answer, a hung or trickling response, a malformed answer, a refusal,
or an HTTP 500 or 401. It counts the requests and keeps their bodies. A good answer is
``GOOD_ANSWER`` (an ``Outline``) unless the server is given another ``answer``, or ``answers``
to give in turn (a recorded authoring run, served as a model would answer it).

``Outline`` is the answer model the tests ask for: defined here, at module level, so the model
call's child process can import it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from pydantic import BaseModel

Mode = Literal["good", "hang", "trickle", "malformed", "refusal", "error500", "error401"]


class Outline(BaseModel):
    """A course outline: what the tests ask the model for."""

    title: str
    outcomes: list[str]


GOOD_ANSWER = {"title": "Ledgers in Python", "outcomes": ["Add an entry", "Balance a ledger"]}


class OpenAIServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        script: list[Mode],
        answer: dict[str, Any] | None = None,
        answers: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script)
        self.answer = GOOD_ANSWER if answer is None else answer
        # Good answers in turn, one per good response (then ``answer``): a whole run replayed.
        self.answers = list(answers or [])
        self.bodies: list[dict[str, Any]] = []
        self.trickled = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    @property
    def requests(self) -> int:
        return len(self.bodies)

    def next_mode(self, body: dict[str, Any]) -> Mode:
        with self.lock:
            self.bodies.append(body)
            return self.script.pop(0) if len(self.script) > 1 else self.script[0]


def _completion(content: str | None, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 1767225600,
        "model": "local-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


class _Handler(BaseHTTPRequestHandler):
    server: OpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the server's counters, not its log."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        mode = self.server.next_mode(body)
        if mode == "good":
            with self.server.lock:
                answer = self.server.answers.pop(0) if self.server.answers else self.server.answer
            self._json(200, _completion(json.dumps(answer)))
        elif mode == "malformed":
            self._json(200, _completion(json.dumps({"title": 7, "chapters": "none"})))
        elif mode == "refusal":
            self._json(200, _completion(None, refusal="I can't help with that request."))
        elif mode == "error500":
            self._json(500, {"error": {"message": "the model is overloaded", "type": "server"}})
        elif mode == "error401":
            self._json(401, {"error": {"message": "Incorrect API key provided", "type": "auth"}})
        else:
            self._stall(trickle=mode == "trickle")

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stall(self, *, trickle: bool) -> None:
        """Headers, then nothing (hang) or one space every half second (trickle), until the
        client goes away or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.wfile.flush()
        while not self.server.stop.wait(0.5):
            if not trickle:
                continue
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return
            with self.server.lock:
                self.server.trickled += 1
        self.close_connection = True


@contextmanager
def openai_server(
    *script: Mode,
    answer: dict[str, Any] | None = None,
    answers: list[dict[str, Any]] | None = None,
) -> Iterator[OpenAIServer]:
    """The server running ``script`` in a thread, stopped (stalled responses released) after;
    ``answer`` is what a good response holds (default ``GOOD_ANSWER``), after ``answers``, each
    given once in turn."""
    server = OpenAIServer(list(script) or ["good"], answer, answers)
    thread = threading.Thread(target=server.serve_forever, name="openai-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
