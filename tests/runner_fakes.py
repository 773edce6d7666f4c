"""A fake ``RunnerHost`` for the runner's tests: a real bare git repository, a clock, a ledger.

Workflow files are committed into the bare repository (so the runner reads them "at a commit"
and ``actions/checkout`` clones real history). With ``http=True`` the repository is served over
git smart HTTP by ``git http-backend`` behind a check that only live job tokens, sent as basic
auth for ``x-access-token``, may fetch: that is how the checkout's authentication is tested.
"""

from __future__ import annotations

import base64
import itertools
import os
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from glow.localhub.runner import Runner, WorkflowRun

REPO = "octo/room"


def _git(
    git_dir: Path, *args: str, data: bytes | None = None, env: dict[str, str] | None = None
) -> str:
    full_env = {
        "PATH": os.environ["PATH"],
        "GIT_DIR": str(git_dir),
        "HOME": str(git_dir),
        "GIT_CONFIG_NOSYSTEM": "1",
        **(env or {}),
    }
    proc = subprocess.run(["git", *args], input=data, capture_output=True, env=full_env, check=True)
    return proc.stdout.decode().strip()


class FakeHost:
    def __init__(self, root: Path, *, http: bool = False) -> None:
        self.root = root
        self.git_dir = root / "git" / f"{REPO}.git"
        self.git_dir.parent.mkdir(parents=True)
        subprocess.run(
            ["git", "init", "--bare", "-q", "--initial-branch=main", str(self.git_dir)], check=True
        )
        _git(self.git_dir, "config", "uploadpack.allowAnySHA1InWant", "true")
        _git(self.git_dir, "config", "http.receivepack", "true")
        self.api_url = "http://127.0.0.1:9/api/v3"
        self.server_url = "http://127.0.0.1:9"
        self.clock = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
        self.secret_values: dict[str, str] = {}
        self.minted: list[tuple[str, dict[str, str], str]] = []  # (repo, permissions, token)
        self.revoked: set[str] = set()
        self.records: list[WorkflowRun] = []
        self.auth_seen: list[str] = []
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        if http:
            self._start_http()

    # ---- fixture helpers ------------------------------------------------------------------

    def commit(
        self,
        files: dict[str, str | dict[str, Any]],
        *,
        branch: str = "main",
        message: str = "update",
    ) -> str:
        """Commit files (dicts are dumped as YAML) on top of ``branch``; returns the sha."""
        parent = self.branch_sha(REPO, branch)
        index = {"GIT_INDEX_FILE": str(self.root / f"index-{next(self._counter)}")}
        if parent:
            _git(self.git_dir, "read-tree", parent, env=index)
        for path, content in files.items():
            text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
            blob = _git(self.git_dir, "hash-object", "-w", "--stdin", data=text.encode())
            _git(
                self.git_dir,
                "update-index",
                "--add",
                "--cacheinfo",
                f"100644,{blob},{path}",
                env=index,
            )
        tree = _git(self.git_dir, "write-tree", env=index)
        who = {
            "GIT_AUTHOR_NAME": "Mona",
            "GIT_AUTHOR_EMAIL": "mona@example.com",
            "GIT_COMMITTER_NAME": "Mona",
            "GIT_COMMITTER_EMAIL": "mona@example.com",
        }
        args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
        sha = _git(self.git_dir, *args, env=who)
        _git(self.git_dir, "update-ref", f"refs/heads/{branch}", sha)
        return sha

    def read_file(self, sha: str, path: str) -> str:
        return _git(self.git_dir, "cat-file", "blob", f"{sha}:{path}")

    def statuses(self, run_id: int) -> list[str]:
        with self._lock:
            return [r.status for r in self.records if r.id == run_id]

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ---- RunnerHost -------------------------------------------------------------------------

    def workflow_files(self, repo: str, sha: str) -> list[tuple[str, str]]:
        assert repo == REPO
        names = _git(self.git_dir, "ls-tree", "-r", "--name-only", sha, ".github/workflows/")
        return [
            (name, _git(self.git_dir, "cat-file", "blob", f"{sha}:{name}") + "\n")
            for name in names.splitlines()
            if name.endswith((".yml", ".yaml"))
        ]

    def default_branch(self, repo: str) -> str:
        return "main"

    def branch_sha(self, repo: str, branch: str) -> str | None:
        try:
            return _git(self.git_dir, "rev-parse", "--verify", "-q", f"refs/heads/{branch}")
        except subprocess.CalledProcessError:
            return None

    def mint_job_token(self, repo: str, permissions: dict[str, str]) -> str:
        token = f"ghs_job{next(self._counter):04d}secretvalue"
        with self._lock:
            self.minted.append((repo, dict(permissions), token))
        return token

    def revoke_token(self, token: str) -> None:
        with self._lock:
            self.revoked.add(token)

    def secrets(self, repo: str) -> dict[str, str]:
        return dict(self.secret_values)

    def clone_url(self, repo: str) -> str:
        if self._server is not None:
            return f"{self.server_url}/{repo}.git"
        return str(self.git_dir)

    def now(self) -> datetime:
        return self.clock

    def record_run(self, run: WorkflowRun) -> None:
        with self._lock:
            self.records.append(run)

    def advance(self, minutes: int) -> tuple[datetime, datetime]:
        previous = self.clock
        self.clock = previous + timedelta(minutes=minutes)
        return previous, self.clock

    # ---- git smart HTTP -----------------------------------------------------------------------

    def token_is_live(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        user, _, password = base64.b64decode(encoded).decode().partition(":")
        with self._lock:
            live = {t for _, _, t in self.minted} - self.revoked
        return user == "x-access-token" and password in live

    def _start_http(self) -> None:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                auth = self.headers.get("Authorization", "")
                host.auth_seen.append(auth)
                if not host.token_is_live(auth):
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="fake"')
                    self.end_headers()
                    return
                path, _, query = self.path.partition("?")
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                env = {
                    "PATH": os.environ["PATH"],
                    "GIT_PROJECT_ROOT": str(host.root / "git"),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "PATH_INFO": path,
                    "QUERY_STRING": query,
                    "REQUEST_METHOD": self.command,
                    "REMOTE_USER": "x-access-token",
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)),
                    "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
                    "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                }
                out = subprocess.run(
                    ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
                ).stdout
                head, _, content = out.partition(b"\r\n\r\n")
                status, headers = 200, []
                for line in head.decode().split("\r\n"):
                    name, _, value = line.partition(": ")
                    if name.lower() == "status":
                        status = int(value.split()[0])
                    elif name:
                        headers.append((name, value))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self._server.server_address[1]
        self.server_url = f"http://127.0.0.1:{port}"
        self.api_url = f"{self.server_url}/api/v3"
        server = self._server
        threading.Thread(target=lambda: server.serve_forever(0.05), daemon=True).start()


def make_runner(host: FakeHost, work_root: Path, **kwargs: Any) -> Runner:
    return Runner(host, work_root=work_root, base_env={"GLOW_TEST": "1"}, **kwargs)


def run_event(
    runner: Runner,
    host: FakeHost,
    event: str,
    payload: dict[str, Any],
    *,
    sha: str,
    ref: str = "refs/heads/main",
    **kwargs: Any,
) -> list[WorkflowRun]:
    runs = runner.dispatch_event(REPO, event, payload, sha=sha, ref=ref, **kwargs)
    assert runner.wait_idle(20), "runner did not become idle"
    return runs
