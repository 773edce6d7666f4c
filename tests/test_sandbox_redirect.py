"""A boot poll takes a redirect as the service being up and never follows it, so a bundle's
service cannot send the poll to another address."""

from __future__ import annotations

from pathlib import Path

from glow.harness.process import ProcessSandbox
from glow.harness.sandbox import BootPoll, Job, Limits
from tests.harness_bundles import needs_process_sandbox

SERVER = """import http.server

class Redirect(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
        self.end_headers()

http.server.HTTPServer(("127.0.0.1", 8765), Redirect).serve_forever()
"""


@needs_process_sandbox
def test_a_redirecting_service_is_up_and_the_redirect_is_not_followed(tmp_path: Path) -> None:
    runtime = tmp_path / ".coursegen" / "runtime"
    runtime.mkdir(parents=True)
    (tmp_path / "server.py").write_text(SERVER)
    (runtime / "install.sh").write_text("exit 0\n")
    (runtime / "boot.sh").write_text("exec python3 server.py\n")
    (runtime / "check.sh").write_text(
        'echo \'<testsuite><testcase name="up"/></testsuite>\' > "$COURSEGEN_RESULTS"\n'
    )
    job = Job(
        workspace=tmp_path,
        limits=Limits(wall_seconds=20),
        boot=BootPoll("http://127.0.0.1:8765/health", timeout_seconds=10),
    )
    outcome = ProcessSandbox().run(job)
    assert (outcome.status, outcome.stage) == ("passed", "check"), outcome.headline
