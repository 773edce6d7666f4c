"""Branch rules on ``git push``: the push's ref updates are read from the receive-pack request
before git sees it, each is judged by ``api.rules.refusal``, and a refused ref is handed to a
``proc-receive`` hook that declines it with GitHub's words (its ``remote:`` lines and the
reason after ``[remote rejected]``); every other ref falls through to git as usual.

git runs ``proc-receive`` only for the refs ``receive.procReceiveRefs`` names (a prefix, so a
longer name that shares it falls through too), so a push no rule refuses runs no hook at all.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from pathlib import Path
from typing import Any

from glow.localhub.api.rules import refusal
from glow.localhub.auth import Principal
from glow.localhub.state import Store

ZERO = "0" * 40
REFUSALS_ENV = "GLOW_LOCALHUB_REFUSALS"

# The hook speaks git's proc-receive protocol (githooks(5)): version, then the commands, then
# one "ng <ref> <reason>" or "ok <ref>" + "option fall-through" each. Only the standard library.
HOOK = """#!{python}
import json, os, sys

def read():
    size = sys.stdin.buffer.read(4)
    if not size or int(size, 16) == 0:
        return None
    return sys.stdin.buffer.read(int(size, 16) - 4)

def write(text):
    data = text.encode()
    sys.stdout.buffer.write(b"%04x" % (len(data) + 4) + data)

while read() is not None:
    pass
write("version=1\\0")
sys.stdout.buffer.write(b"0000")
sys.stdout.buffer.flush()
commands = []
while (line := read()) is not None:
    commands.append(line.decode().strip().split(" ", 2)[2])
refusals = json.loads(os.environ.get("{env}") or "{{}}")
for ref in commands:
    refused = refusals.get(ref)
    if refused is None:
        write(f"ok {{ref}}")
        write("option fall-through")
        continue
    for line in refused["lines"]:
        sys.stderr.write(line + "\\n")
    write(f"ng {{ref}} {{refused['reason']}}")
sys.stdout.buffer.write(b"0000")
sys.stdout.buffer.flush()
"""


def pushed_refs(body: bytes, encoding: str | None) -> list[tuple[str, str, str]]:
    """The (old, new, ref) updates at the head of a receive-pack request: pkt-lines up to the
    first flush (the first carries the capabilities after a NUL)."""
    if encoding == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            return []
    found: list[tuple[str, str, str]] = []
    at = 0
    while at + 4 <= len(body):
        try:
            size = int(body[at : at + 4], 16)
        except ValueError:
            return found
        if size < 4:
            break
        line = body[at + 4 : at + size].split(b"\0", 1)[0].decode(errors="replace").strip()
        at += size
        parts = line.split(" ")
        if len(parts) == 3 and len(parts[0]) == len(parts[1]) == 40:
            found.append((parts[0], parts[1], parts[2]))
    return found


def refusals(
    store: Store,
    principal: Principal,
    repo: dict[str, Any],
    updates: list[tuple[str, str, str]],
    html_url: str,
) -> dict[str, dict[str, Any]]:
    """Each refused ref of a push: the ``remote:`` lines and the rejection's reason."""
    out: dict[str, dict[str, Any]] = {}
    for _old, new, ref in updates:
        if new == ZERO:
            continue  # deleting a branch is not a required check's business
        refused = refusal(store, principal, repo, ref, new)
        if refused is not None:
            out[ref] = {"lines": refused.git_lines(html_url), "reason": refused.git_reason()}
    return out


def hook_config(
    data_dir: Path, refused: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The environment and git settings that make receive-pack decline ``refused``."""
    hooks = data_dir / "git-hooks"
    hook = hooks / "proc-receive"
    text = HOOK.format(python=sys.executable, env=REFUSALS_ENV)
    if not hook.is_file() or hook.read_text() != text:
        hooks.mkdir(parents=True, exist_ok=True)
        hook.write_text(text)
        hook.chmod(0o755)
    settings = [("core.hooksPath", str(hooks))]
    settings += [("receive.procReceiveRefs", ref) for ref in sorted(refused)]
    return {REFUSALS_ENV: json.dumps(refused)}, settings
