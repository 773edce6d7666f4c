"""A base image made of this machine's own programs, for tests and rehearsals with no registry.

``build_base_image(tag, programs)`` copies each named program (found on a plain system ``PATH``),
the shared libraries ``ldd`` names for it, and its data folders (``/usr/lib/<name>``,
``/usr/share/<name>``, ``/usr/local/lib/<name>`` for the name it is called by and the name of
the file it resolves to, with the libraries their own shared objects need) into a root
filesystem tarball, and ``docker import``s it. The list of programs is the caller's: the
platform names none. A bundle's ``Dockerfile`` then starts ``FROM`` this tag through its
``BASE_IMAGE`` build argument.

The image is cached by tag: it is rebuilt only when the programs, or the files they resolve to,
change (a fingerprint label records them).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from glow.authoring.engine import connect

PLAIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DATA_ROOTS = ("/usr/lib", "/usr/share", "/usr/local/lib")
FINGERPRINT_LABEL = "glow.base-image.fingerprint"
# Present (empty) in every image: the mount points and the scratch a script may expect.
# Kept as the links they are here (a merged /usr), so /bin/sh is where Dockerfiles expect it.
TOP_LINKS = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
EMPTY_DIRS = ("dev", "proc", "sys", "etc", "root", "workspace", "home")
ETC_FILES = {
    "etc/passwd": (
        "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n"
    ),
    "etc/group": "root:x:0:\nnogroup:x:65534:\n",
}
LDD_LIBRARY = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x[0-9a-f]+\)")


class BaseImageError(Exception):
    """The base image could not be built; the message names what to fix."""


def build_base_image(tag: str, programs: Sequence[str], *, client: Any = None) -> str:
    """Build (or reuse) the image ``tag`` holding ``programs``; return its id."""
    resolved = [find_program(name) for name in programs]
    fingerprint = fingerprint_of(resolved)
    engine = client if client is not None else connect()
    existing = existing_image(engine, tag)
    if existing is not None and existing.labels.get(FINGERPRINT_LABEL) == fingerprint:
        return str(existing.id)
    paths = root_paths(resolved)
    with tempfile.TemporaryDirectory(prefix="glow-baseimage-") as scratch:
        tarball = Path(scratch) / "rootfs.tar"
        write_rootfs(tarball, paths)
        repository, _, version = tag.partition(":")
        engine.api.import_image(
            src=str(tarball),
            repository=repository,
            tag=version or "latest",
            changes=[
                f"ENV PATH={PLAIN_PATH}",
                "ENV LANG=C.UTF-8",
                "WORKDIR /workspace",
                f"LABEL {FINGERPRINT_LABEL}={fingerprint}",
            ],
        )
    return str(engine.images.get(tag).id)


def existing_image(engine: Any, tag: str) -> Any:
    from docker.errors import ImageNotFound

    try:
        return engine.images.get(tag)
    except ImageNotFound:
        return None


def find_program(name: str) -> Path:
    """The program's path on a plain system PATH (absolute names are taken as they are)."""
    found = name if os.path.isabs(name) else shutil.which(name, path=PLAIN_PATH)
    if found is None or not os.path.exists(found):
        raise BaseImageError(
            f"base image: no program {name!r} on {PLAIN_PATH}; install it or name another"
        )
    return Path(found)


def fingerprint_of(programs: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for program in programs:
        real = program.resolve()
        stat = real.stat()
        digest.update(f"{program}\0{real}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def root_paths(programs: Sequence[Path]) -> set[Path]:
    """Every file the image needs: the programs, their data folders and their libraries."""
    paths: set[Path] = set()
    objects: list[Path] = []
    for program in programs:
        paths.add(program)
        objects.append(program.resolve())
        for folder in data_folders(program):
            paths.add(folder)
            objects.extend(p for p in folder.rglob("*.so*") if p.is_file())
    paths.update(shared_libraries(objects))
    return paths


def data_folders(program: Path) -> list[Path]:
    names = {program.name, program.resolve().name}
    return sorted(
        Path(root) / name for root in DATA_ROOTS for name in names if (Path(root) / name).is_dir()
    )


def shared_libraries(objects: Sequence[Path], batch: int = 200) -> set[Path]:
    """The libraries ``ldd`` names for these ELF files (scripts and static files name none)."""
    found: set[Path] = set()
    for start in range(0, len(objects), batch):
        run = subprocess.run(
            ["ldd", *map(str, objects[start : start + batch])],
            capture_output=True,
            text=True,
            check=False,
        )
        found.update(Path(match) for match in LDD_LIBRARY.findall(run.stdout))
    return found


def write_rootfs(tarball: Path, paths: Iterable[Path]) -> None:
    """A root filesystem holding ``paths`` at the places they have here, symbolic links (such
    as ``/bin -> usr/bin``) reproduced along the way."""
    added: set[str] = set()
    with tarfile.open(tarball, "w") as tar:
        for name in EMPTY_DIRS:
            add_dir(tar, name, 0o755)
        add_dir(tar, "tmp", 0o1777)
        for name, text in ETC_FILES.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
        for name in TOP_LINKS:
            if Path("/", name).is_symlink():
                record(tar, Path("/", name), added)
        for path in sorted(paths):
            add_path(tar, path, added)


def add_dir(tar: tarfile.TarFile, name: str, mode: int) -> None:
    info = tarfile.TarInfo(name)
    info.type, info.mode = tarfile.DIRTYPE, mode
    tar.addfile(info)


def add_path(tar: tarfile.TarFile, path: Path, added: set[str], depth: int = 0) -> None:
    """Add ``path`` (a file or a whole folder), recording every symbolic link met on the way
    and following it."""
    current = Path("/")
    parts = path.parts[1:]
    for index, part in enumerate(parts):
        current = current / part
        if current.is_symlink() and depth < 40:
            record(tar, current, added)
            target = Path(os.path.normpath(current.parent / os.readlink(current)))
            add_path(tar, target.joinpath(*parts[index + 1 :]), added, depth + 1)
            return
    if current.is_dir():
        for root, dirs, files in os.walk(current):
            for name in sorted(dirs + files):
                record(tar, Path(root) / name, added)
        record(tar, current, added)
    elif current.exists():
        record(tar, current, added)


def record(tar: tarfile.TarFile, path: Path, added: set[str]) -> None:
    name = str(path).lstrip("/")
    if name in added:
        return
    added.add(name)
    tar.add(str(path), arcname=name, recursive=False)
