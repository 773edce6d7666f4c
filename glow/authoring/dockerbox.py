"""The Docker sandbox: a bundle's jobs in containers of the image its own ``Dockerfile`` builds.

``prepare`` builds that image (tagged by the workspace's content, so an unchanged bundle is not
rebuilt; ``base_image`` is handed to the Dockerfile as the build argument ``BASE_IMAGE``).
``run`` starts one idle container per job and runs the runtime scripts in it:

- a read-only root filesystem; the workspace copied into a size-capped in-memory volume (not a
  bind of a host folder it could fill), with ``/tmp``, ``HOME`` and the results capped the same;
- memory (no swap), CPU and process limits, the per-process CPU and file-size rlimits, no
  capabilities, no new privileges, an init that reaps orphans;
- no network unless ``job.network``; a boot poll reaches the service from inside the
  container's own network namespace (``dockerexec``);
- the job's ``COURSEGEN_*`` variables, ``COURSEGEN_RESULTS``, ``HOME`` and ``LANG`` only (the
  image's own ``ENV`` stays: the bundle owns it); never the caller's environment;
- a deadline (``limits.wall_seconds``) for the whole job, after which the container is killed;
  the container and its volumes are always removed.
"""

from __future__ import annotations

import contextlib
import os
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal

from glow.authoring import dockerexec, headlines
from glow.authoring.dockerbuild import build_image, image_tag
from glow.authoring.engine import connect, first_line, unavailable
from glow.harness.sandbox import RESULTS_LIMIT, WORKSPACE, Job, Limits, Outcome, Stage

RESULTS_DIR = "/coursegen"
RESULTS = f"{RESULTS_DIR}/results.xml"
HOME = "/home/coursegen"
JOB_LABEL = "glow.sandbox"
BootReach = Literal["auto", "namespace", "address"]


class DockerSandbox:
    """``glow.harness.sandbox.Sandbox`` through the Docker engine ``DOCKER_HOST`` names."""

    name = "docker"

    def __init__(
        self,
        *,
        base_image: str | None = None,
        build_timeout: float = 600.0,
        cpus: float = 1.0,
        boot_reach: BootReach = "auto",
    ) -> None:
        self.base_image = base_image
        self.build_timeout = build_timeout
        self.cpus = cpus
        self.boot_reach = boot_reach
        self.image: str | None = None
        self._engine: Any = None

    def available(self) -> str | None:
        return unavailable()

    def engine(self) -> Any:
        if self._engine is None:
            self._engine = connect()
        return self._engine

    def prepare(self, workspace: Path) -> Outcome | None:
        reason = self.available()
        if reason is not None:
            return Outcome(status="error", stage="prepare", headline=reason)
        tag = image_tag(workspace, self.base_image)
        engine = self.engine()
        if engine.images.list(name=tag):
            self.image = tag
            return None
        started = time.monotonic()
        failure = build_image(
            engine, workspace, tag=tag, base_image=self.base_image, timeout=self.build_timeout
        )
        if failure is None:
            self.image = tag
            return None
        return Outcome(
            status="timeout" if failure.timed_out else "failed",
            stage="prepare",
            headline=failure.headline,
            stdout_tail=failure.tail,
            wall_seconds=time.monotonic() - started,
        )

    def run(self, job: Job) -> Outcome:
        if self.image is None and (failed := self.prepare(job.workspace)) is not None:
            return failed
        from docker.errors import DockerException

        started = time.monotonic()
        by_address = self.reaches_by_address()
        try:
            with self.container(job, by_address=by_address) as container:
                outcome = JobRun(self.engine(), container, job, started, by_address).run()
        except (DockerException, OSError) as error:  # the engine failed us, not the bundle
            outcome = Outcome(
                status="error",
                stage="install",
                headline=f"docker sandbox: {first_line(str(error))}",
            )
        return outcome.model_copy(update={"wall_seconds": time.monotonic() - started})

    def reaches_by_address(self) -> bool:
        """Poll a boot URL at the container's address (an internal network) rather than from
        inside its network namespace, which needs root on the engine's own host?"""
        if self.boot_reach != "auto":
            return self.boot_reach == "address"
        local = os.environ.get("DOCKER_HOST", "unix://").startswith("unix://")
        return not (local and os.geteuid() == 0)

    @contextlib.contextmanager
    def container(self, job: Job, *, by_address: bool) -> Iterator[Any]:
        """One idle container for the job, its workspace copied in; removed (with its volumes
        and network) whatever happens."""
        from docker.types import Mount, Ulimit

        engine, limits = self.engine(), job.limits
        labels = {JOB_LABEL: self.name, "glow.job": uuid.uuid4().hex[:12]}
        size = f"size={limits.file_size_mb}m"
        container: Any = None
        made: list[Any] = []
        try:
            workspace = memory_volume(engine, labels, size)
            made.append(workspace)
            results = memory_volume(engine, labels, "size=4m")
            made.append(results)
            network_mode = "bridge" if job.network else "none"
            if job.boot is not None and not job.network and by_address:
                network = engine.networks.create(
                    f"glow-job-{labels['glow.job']}", driver="bridge", internal=True, labels=labels
                )
                made.append(network)
                network_mode = network.name
            container = engine.containers.create(
                self.image,
                entrypoint=["sh"],
                stdin_open=True,
                init=True,
                read_only=True,
                working_dir=WORKSPACE,
                network_mode=network_mode,
                mounts=[
                    Mount(WORKSPACE, workspace.name, type="volume"),
                    Mount(RESULTS_DIR, results.name, type="volume"),
                ],
                tmpfs={"/tmp": f"{size},mode=1777", HOME: f"{size},mode=1777"},
                mem_limit=f"{limits.memory_mb}m",
                memswap_limit=f"{limits.memory_mb}m",
                nano_cpus=int(self.cpus * 1e9),
                pids_limit=limits.processes,
                ulimits=rlimits(limits, Ulimit),
                cap_drop=["ALL"],
                security_opt=["no-new-privileges"],
                labels=labels,
            )
            container.start()
            with workspace_archive(job.workspace) as archive:
                container.put_archive(WORKSPACE, archive)
            container.reload()
            yield container
        finally:
            if container is not None:
                with contextlib.suppress(Exception):
                    container.remove(force=True, v=True)
            for thing in reversed(made):
                with contextlib.suppress(Exception):
                    thing.remove()


def memory_volume(engine: Any, labels: dict[str, str], options: str) -> Any:
    """A volume held in memory and capped, so filling it stops the job, not the machine."""
    return engine.volumes.create(
        name=f"glow-job-{labels['glow.job']}-{uuid.uuid4().hex[:6]}",
        driver="local",
        driver_opts={"type": "tmpfs", "device": "tmpfs", "o": options},
        labels=labels,
    )


def rlimits(limits: Limits, ulimit: Any) -> list[Any]:
    megabytes = limits.file_size_mb * 1024 * 1024
    return [
        ulimit(name="cpu", soft=limits.cpu_seconds, hard=limits.cpu_seconds),
        ulimit(name="fsize", soft=megabytes, hard=megabytes),
    ]


@contextlib.contextmanager
def workspace_archive(workspace: Path) -> Iterator[IO[bytes]]:
    """The workspace as a tar stream, every file owned by root (the container's user)."""

    def as_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tempfile.TemporaryFile() as archive:
        with tarfile.open(fileobj=archive, mode="w") as tar:
            for child in sorted(workspace.iterdir()):
                tar.add(str(child), arcname=child.name, filter=as_root)
        archive.seek(0)
        yield archive


class JobRun:
    """The stages of one job in its container."""

    def __init__(
        self, engine: Any, container: Any, job: Job, started: float, by_address: bool
    ) -> None:
        self.engine, self.container, self.job = engine, container, job
        self.by_address = by_address
        self.pid = int(container.attrs["State"]["Pid"])
        self.last = dockerexec.Script("", threading.Thread())
        self.since = time.time()
        self.deadline = started + job.limits.wall_seconds
        self.env = {
            **job.env,
            "COURSEGEN_RESULTS": RESULTS,
            "HOME": HOME,
            "LANG": "C.UTF-8",
        }

    def run(self) -> Outcome:
        failed = self.stage("install")
        if failed is not None:
            return failed
        if self.job.boot is not None and (failed := self.boot()) is not None:
            return failed
        outcome = self.stage("check")
        results = self.results()
        if outcome is not None:
            return outcome.model_copy(update={"results": results})
        return Outcome(
            status="passed",
            stage="check",
            exit_code=0,
            headline="check: .coursegen/runtime/check.sh exited 0",
            results=results,
            stdout_tail=self.last.stdout.text(),
            stderr_tail=self.last.stderr.text(),
        )

    def stage(self, stage: Stage) -> Outcome | None:
        """Run ``<stage>.sh`` to its end or the deadline; None when it exited 0."""
        command = ["sh", f".coursegen/runtime/{stage}.sh"]
        self.last = dockerexec.start_script(self.engine, self.container.id, command, self.env)
        timed_out, most = dockerexec.wait_script(self.container, self.last, self.deadline)
        code = None if timed_out else dockerexec.exit_code(self.engine, self.last)
        if code == 0:
            return None
        most = max(most, dockerexec.process_count(self.container))
        if dockerexec.refused_forks(self.pid) > 0:
            most = max(most, self.job.limits.processes)
        end = headlines.StageEnd(
            stage=stage,
            exit_code=code,
            timed_out=timed_out,
            out_of_memory=dockerexec.out_of_memory(self.engine, self.container.id, self.since),
            most_processes=most,
            full_mounts=()
            if timed_out
            else dockerexec.full_mounts(
                self.engine, self.container.id, [WORKSPACE, "/tmp", HOME, RESULTS_DIR]
            ),
        )
        if timed_out:
            self.container.kill()
        return self.failed(end)

    def failed(self, end: headlines.StageEnd) -> Outcome | None:
        decided = headlines.verdict(end, self.job.limits)
        if decided is None:
            return None
        status, headline = decided
        return Outcome(
            status=status,
            stage=end.stage,
            exit_code=end.exit_code,
            headline=headline,
            stdout_tail=self.last.stdout.text(),
            stderr_tail=self.last.stderr.text(),
        )

    def boot(self) -> Outcome | None:
        """Start boot.sh in the background and poll the bundle's URL until it answers."""
        assert self.job.boot is not None
        boot = self.job.boot
        command = ["sh", ".coursegen/runtime/boot.sh"]
        self.last = dockerexec.start_script(self.engine, self.container.id, command, self.env)
        seconds = max(0.0, min(boot.timeout_seconds, self.deadline - time.monotonic()))
        pid = self.pid
        networks = self.container.attrs["NetworkSettings"]["Networks"] or {}
        addresses = [n["IPAddress"] for n in networks.values() if n.get("IPAddress")]
        if self.by_address and addresses:
            url = dockerexec.at_address(boot.url, addresses[0])
            up, last = dockerexec.poll(url, seconds)
        elif dockerexec.can_enter(pid):
            up, last = dockerexec.in_network_of(pid, lambda: dockerexec.poll(boot.url, seconds))
        else:
            return Outcome(status="error", stage="boot", headline=headlines.CANNOT_ENTER)
        if up:
            return None
        if time.monotonic() >= self.deadline:
            end = headlines.StageEnd(stage="boot", exit_code=None, timed_out=True)
            return self.failed(end)
        return Outcome(
            status="failed",
            stage="boot",
            headline=headlines.boot_failed(boot.url, boot.timeout_seconds, last),
            stdout_tail=self.last.stdout.text(),
            stderr_tail=self.last.stderr.text(),
        )

    def results(self) -> str | None:
        """What check.sh wrote to ``$COURSEGEN_RESULTS`` (at most ``RESULTS_LIMIT`` bytes)."""
        from docker.errors import NotFound

        try:
            chunks, _ = self.container.get_archive(RESULTS)
        except NotFound:
            return None
        with tempfile.TemporaryFile() as archive:
            for chunk in chunks:
                archive.write(chunk)
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                member = next((m for m in tar if m.isfile()), None)
                handle = tar.extractfile(member) if member is not None else None
                if handle is None:
                    return None
                return handle.read(RESULTS_LIMIT).decode("utf-8", "replace")
