"""``actions/cache`` on the local runner: restore at the step, save after a successful job,
keys never overwritten, scoped to the repository and the ref as on GitHub."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from textwrap import dedent, indent

import httpx
import pytest

from glow.localhub.hub import LocalHub
from glow.localhub.runner import Runner, WorkflowError, WorkflowRun
from glow.localhub.runner.cache import cache_version, resolve_paths
from glow.localhub.runner.cachestore import CacheStore
from glow.localhub.runner.workflow import parse_workflow
from tests.runner_fakes import FakeHost, run_event

WF = ".github/workflows/etags.yml"
USES = "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3"

# Keeps a file of ETags between runs, as the admin repository's scheduled workflows will.
ETAGS = f"""\
name: ETags
on:
  workflow_dispatch:
    inputs:
      key:
        default: etags-1
      restore:
        default: ''
      content:
        default: ''
      fail:
        default: 'false'
jobs:
  keep:
    runs-on: ubuntu-latest
    steps:
      - id: cache
        name: Cache ETags
        uses: {USES}
        with:
          path: state/etags.json
          key: ${{{{ inputs.key }}}}
          restore-keys: ${{{{ inputs.restore }}}}
      - name: Use the ETags
        env:
          HIT: ${{{{ steps.cache.outputs.cache-hit }}}}
          CONTENT: ${{{{ inputs.content }}}}
        run: |
          echo "hit=[$HIT]"
          echo "before=[$(cat state/etags.json 2>/dev/null)]"
          mkdir -p state
          if [ -n "$CONTENT" ]; then printf '%s' "$CONTENT" > state/etags.json; fi
      - if: inputs.fail == 'true'
        run: exit 1
"""


def dispatch(
    runner: Runner, host: FakeHost, sha: str, *, ref: str = "refs/heads/main", **inputs: str
) -> WorkflowRun:
    [run] = run_event(
        runner, host, "workflow_dispatch", {"workflow": WF, "inputs": inputs}, sha=sha, ref=ref
    )
    return run


def keys(runner: Runner) -> list[tuple[str, str]]:
    return [(e.ref, e.key) for e in runner.caches.entries()]


def test_a_second_run_restores_what_the_first_saved(host: FakeHost, runner: Runner) -> None:
    sha = host.commit({WF: ETAGS})
    first = dispatch(runner, host, sha, key="etags-1", restore="etags-", content='{"a": "W/1"}')
    assert first.conclusion == "success", first.log
    assert "Cache not found for input keys: etags-1, etags-" in first.log
    assert "hit=[]" in first.log  # a miss leaves cache-hit unset, as actions/cache v4 does
    assert "Cache saved with key: etags-1" in first.log
    steps = [(s.name, s.conclusion) for s in first.job("keep").steps]
    assert steps[-1] == ("Post Cache ETags", "success")

    second = dispatch(runner, host, sha, key="etags-2", restore="etags-", content='{"a": "W/2"}')
    assert second.conclusion == "success", second.log
    assert "Cache restored from key: etags-1" in second.log
    assert 'before=[{"a": "W/1"}]' in second.log
    assert "hit=[false]" in second.log  # restored through a restore key: not a hit
    assert "Cache saved with key: etags-2" in second.log
    assert keys(runner) == [("refs/heads/main", "etags-1"), ("refs/heads/main", "etags-2")]


def test_an_exact_key_is_a_hit_and_is_not_saved_again(host: FakeHost, runner: Runner) -> None:
    sha = host.commit({WF: ETAGS})
    dispatch(runner, host, sha, key="etags-same", content="first")
    again = dispatch(runner, host, sha, key="etags-same", content="second")
    assert again.conclusion == "success", again.log
    assert "hit=[true]" in again.log and "before=[first]" in again.log
    assert "Cache hit occurred on the primary key etags-same, not saving cache." in again.log
    assert len(runner.caches.entries()) == 1
    third = dispatch(runner, host, sha, key="etags-same")
    assert "before=[first]" in third.log  # the second run's content was never saved


def test_restore_keys_take_the_first_prefix_that_matches_then_the_newest(
    host: FakeHost, runner: Runner
) -> None:
    sha = host.commit({WF: ETAGS})
    for key, minutes in (("v1-old", 1), ("v1-new", 1), ("v0-newest", 1)):
        dispatch(runner, host, sha, key=key, content=key)
        host.advance(minutes)
    run = dispatch(runner, host, sha, key="v1-none", restore="v2-\nv1-\nv0-")
    assert "Cache restored from key: v1-new" in run.log and "before=[v1-new]" in run.log
    # the key itself is the first prefix tried (GitHub: "partial matches of the key")
    run = dispatch(runner, host, sha, key="v0-")
    assert "Cache restored from key: v0-newest" in run.log and "hit=[false]" in run.log


def test_a_failed_job_saves_nothing(host: FakeHost, runner: Runner) -> None:
    sha = host.commit({WF: ETAGS})
    failed = dispatch(runner, host, sha, key="etags-1", content="lost", fail="true")
    assert failed.conclusion == "failure"
    assert "Skipped Post Cache ETags (post-if: success())" in failed.log
    assert failed.job("keep").steps[-1].conclusion == "skipped"
    assert runner.caches.entries() == []
    later = dispatch(runner, host, sha, key="etags-1")
    assert "Cache not found for input keys: etags-1" in later.log


def test_a_branch_sees_the_default_branchs_cache_but_not_the_reverse(
    host: FakeHost, runner: Runner
) -> None:
    sha = host.commit({WF: ETAGS})
    branch_sha = host.commit({WF: ETAGS, "x.txt": "x"}, branch="feature")
    feature = "refs/heads/feature"
    dispatch(runner, host, sha, key="etags-main", content="from main")
    on_branch = dispatch(runner, host, branch_sha, ref=feature, key="etags-b", restore="etags-")
    assert "before=[from main]" in on_branch.log
    dispatch(runner, host, branch_sha, ref=feature, key="etags-feature", content="from feature")
    host.advance(1)  # the branch's cache is the newest: still not visible from main
    on_main = dispatch(runner, host, sha, key="etags-x", restore="etags-feature\netags-")
    assert "Cache restored from key: etags-main" in on_main.log
    assert ("refs/heads/feature", "etags-feature") in keys(runner)
    # a branch's own cache wins over the default branch's
    again = dispatch(runner, host, branch_sha, ref=feature, key="etags-y", restore="etags-")
    assert "Cache restored from key: etags-feature" in again.log


def test_two_jobs_saving_one_key_at_once_one_wins(
    host: FakeHost, runner: Runner, tmp_path: Path
) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    # Both jobs miss, then wait for each other, so both post steps try to save "shared".
    job = f"""\
    runs-on: ubuntu-latest
    steps:
      - uses: {USES}
        with: {{path: out, key: shared}}
      - run: |
          mkdir -p out && echo "$GITHUB_JOB" > out/who && head -c 200000 /dev/urandom > out/blob
          touch {barrier}/$GITHUB_JOB
          while [ "$(ls {barrier} | wc -l)" -lt 2 ]; do sleep 0.05; done
    """
    jobs = "".join(f"  {name}:\n" + indent(dedent(job), "    ") for name in ("one", "two"))
    run = dispatch(runner, host, host.commit({WF: f"on: workflow_dispatch\njobs:\n{jobs}"}))
    assert run.conclusion == "success", run.log
    assert run.log.count("Cache not found for input keys: shared") == 2
    assert run.log.count("Cache saved with key: shared") == 1
    assert run.log.count("Unable to reserve cache with key shared, another job may") == 1
    assert len(runner.caches.entries()) == 1
    # The winner's archive is whole: a later job restores all of its files.
    check = f"""\
    on: workflow_dispatch
    jobs:
      check:
        runs-on: x
        steps:
          - uses: {USES}
            with: {{path: out, key: shared}}
          - run: echo "who=$(cat out/who) size=$(wc -c < out/blob)"
    """
    later = dispatch(runner, host, host.commit({WF: dedent(check)}))
    assert "who=one size=200000" in later.log or "who=two size=200000" in later.log


def test_lookup_only_fail_on_cache_miss_and_an_empty_key(host: FakeHost, runner: Runner) -> None:
    text = ETAGS.replace(
        "          restore-keys: ${{ inputs.restore }}\n",
        "          lookup-only: ${{ inputs.restore == 'lookup' }}\n"
        "          fail-on-cache-miss: ${{ inputs.restore == 'strict' }}\n",
    )
    sha = host.commit({WF: text})
    empty = dispatch(runner, host, sha, key="")
    assert empty.conclusion == "failure"
    assert "##[error]Input required and not supplied: key" in empty.log
    commas = dispatch(runner, host, sha, key="a,b")
    assert "##[error]Key Validation Error: a,b cannot contain commas." in commas.log
    strict = dispatch(runner, host, sha, key="etags-1", restore="strict")
    assert strict.conclusion == "failure"
    assert (
        "Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: etags-1"
        in strict.log
    )
    dispatch(runner, host, sha, key="etags-1", content="saved")
    looked = dispatch(runner, host, sha, key="etags-1", restore="lookup")
    assert "Cache found and can be restored from key: etags-1" in looked.log
    assert "hit=[true]" in looked.log and "before=[]" in looked.log


def test_post_steps_run_in_reverse_order(host: FakeHost, runner: Runner) -> None:
    text = f"""\
    on: workflow_dispatch
    jobs:
      two:
        runs-on: x
        steps:
          - name: First
            uses: {USES}
            with: {{path: a, key: a}}
          - name: Second
            uses: {USES}
            with: {{path: b, key: b}}
          - run: touch a b
    """
    run = dispatch(runner, host, host.commit({WF: dedent(text)}))
    names = [s.name for s in run.job("two").steps]
    assert names[-2:] == ["Post Second", "Post First"]
    assert run.log.index("Cache saved with key: b") < run.log.index("Cache saved with key: a")


@pytest.mark.parametrize(
    ("with_", "message"),
    [
        ("{path: a, key: k, save-always: true}", "actions/cache input `save-always` is not"),
        ("{path: a, key: k, bogus: 1}", "actions/cache input `bogus` is not supported"),
        ("{path: a}", "actions/cache needs the input `key`"),
        ("{key: k}", "actions/cache needs the input `path`"),
    ],
)
def test_inputs_are_checked_before_the_run(with_: str, message: str) -> None:
    text = f"on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: {USES}\n"
    workflow = parse_workflow(WF, text + f"        with: {with_}\n")
    assert isinstance(workflow.error, WorkflowError)
    assert message in str(workflow.error) and f"{WF} line " in str(workflow.error)


def test_any_ref_of_actions_cache_is_accepted_but_not_other_actions() -> None:
    base = "on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: {}\n"
    tail = "        with: {path: a, key: k}\n"
    assert parse_workflow(WF, base.format("actions/cache@v4") + tail).error is None
    bare = parse_workflow(WF, base.format("actions/cache") + tail)
    assert "needs a version" in str(bare.error)
    other = parse_workflow(WF, base.format("actions/upload-artifact@v4"))
    assert "actions/cache" in str(other.error)  # the message lists what is supported


def test_keys_are_immutable_and_reservations_race_safely(tmp_path: Path) -> None:
    clock = datetime(2026, 1, 5, tzinfo=UTC)
    root = tmp_path / "caches"
    winners: dict[str, list[int]] = {f"k{n}": [] for n in range(20)}
    start = threading.Barrier(8, timeout=20)
    errors: list[BaseException] = []

    def reserve() -> None:
        store = CacheStore(root, lambda: clock)  # one each, as the runner and the API have
        try:
            for key, won in winners.items():
                start.wait()
                entry = store.reserve("o/r", "refs/heads/main", key, "v")
                if entry is not None:
                    won.append(entry.id)
        except BaseException as exc:  # a torn index, or the barrier broken by another thread
            errors.append(exc)
            start.abort()

    threads = [threading.Thread(target=reserve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [len(won) for won in winners.values()] == [1] * 20
    store = CacheStore(root, lambda: clock)
    assert store.reserve("o/r", "refs/heads/main", "k0", "v") is None  # even before it is saved
    assert store.reserve("o/r", "refs/heads/other", "k0", "v") is not None  # another scope
    assert store.reserve("o/r", "refs/heads/main", "k0", "other paths") is not None


def test_entries_unused_for_seven_days_are_evicted(tmp_path: Path) -> None:
    now = [datetime(2026, 1, 5, tzinfo=UTC)]
    store = CacheStore(tmp_path / "caches", lambda: now[0])
    for key in ("used", "unused"):
        entry = store.reserve("o/r", "refs/heads/main", key, "v")
        assert entry is not None
        archive = store.staging()
        archive.write_bytes(b"x")
        store.commit(entry, archive)
    now[0] += timedelta(days=6)
    assert store.find("o/r", ["refs/heads/main"], ["used"], "v") is not None
    now[0] += timedelta(days=2)
    assert [e.key for e in store.entries("o/r")] == ["used"]
    assert sorted(p.name for p in (tmp_path / "caches").glob("*.tar.gz")) == ["1.tar.gz"]


def test_paths_resolve_globs_exclusions_and_home(tmp_path: Path) -> None:
    work, home = tmp_path / "work", tmp_path / "home"
    for path in ("a/x.json", "a/y.log", "a/sub/z.json", "b.json"):
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(path)
    (home / ".cache").mkdir(parents=True)
    (home / ".cache" / "pip").write_text("p")
    found = resolve_paths(["a", "!a/*.log", "*.json", "~/.cache/pip", "missing"], work, home)
    names = [str(p.relative_to(tmp_path)) for p in found]
    assert names == [
        "home/.cache/pip",
        "work/a",
        "work/a/sub",
        "work/a/sub/z.json",
        "work/a/x.json",
        "work/b.json",
    ]
    assert cache_version(["a"]) != cache_version(["a", "b"])


@pytest.mark.e2e
def test_on_the_local_github_caches_persist_and_stay_in_their_repository(tmp_path: Path) -> None:
    hub = LocalHub(tmp_path / "hub").start()
    ctl = httpx.Client(base_url=hub.url)
    ctl.post("/_localhub/users", json={"login": "admin"}).raise_for_status()
    ctl.post("/_localhub/orgs", json={"login": "org", "admins": ["admin"]}).raise_for_status()
    token = ctl.post("/_localhub/tokens", json={"login": "admin"}).json()["token"]
    api = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})
    for name in ("admin", "other"):
        api.post("/orgs/org/repos", json={"name": name, "auto_init": True}).raise_for_status()
        content = base64.b64encode(ETAGS.encode()).decode()
        body = {"message": "etags", "content": content}
        api.put(f"/repos/org/{name}/contents/{WF}", json=body).raise_for_status()

    def run(repo: str, **inputs: str) -> str:
        before = set(hub.store.data["runs"])
        api.post(
            f"/repos/org/{repo}/actions/workflows/etags.yml/dispatches",
            json={"ref": "main", "inputs": inputs},
        ).raise_for_status()
        assert hub.wait_idle(60)
        [new] = [r for key, r in hub.store.data["runs"].items() if key not in before]
        assert new["conclusion"] == "success", new
        return "\n".join(line for job in new["jobs"] for line in job["log_lines"])

    try:
        assert "Cache saved with key: etags-1" in run("admin", key="etags-1", content="W/1")
        listed = api.get("/repos/org/admin/actions/caches").json()
        assert listed["total_count"] == 1
        [entry] = listed["actions_caches"]
        assert (entry["key"], entry["ref"]) == ("etags-1", "refs/heads/main")
        assert entry["size_in_bytes"] > 0 and len(entry["version"]) == 64
        assert [c["key"] for c in ctl.get("/_localhub/caches?repo=org/admin").json()] == ["etags-1"]
        other = run("other", key="etags-1", restore="etags-")
        assert "Cache not found for input keys: etags-1, etags-" in other
        assert api.get("/repos/org/other/actions/caches").json()["total_count"] == 0
    finally:
        hub.stop()

    hub = LocalHub(tmp_path / "hub").start()  # the same data directory: a restarted hub
    api = httpx.Client(base_url=hub.api_url, headers={"Authorization": f"token {token}"})
    try:
        assert "before=[W/1]" in run("admin", key="etags-2", restore="etags-")
        gone = api.delete("/repos/org/admin/actions/caches", params={"key": "etags-1"})
        assert gone.status_code == 200 and gone.json()["actions_caches"][0]["key"] == "etags-1"
        listed = api.get("/repos/org/admin/actions/caches").json()
        assert [c["key"] for c in listed["actions_caches"]] == ["etags-2"]
    finally:
        hub.stop()
