"""Unpack a room's archive (GitHub's tarball of one commit) into a folder, safely.

GitHub's archive holds the files under one folder, ``{owner}-{repo}-{short sha}/``, which is
stripped. A room is the learner's to fill, so its archive is bounded before anything is written:
at most ``MAX_FILES`` files, ``MAX_FILE_BYTES`` a file and ``MAX_BYTES`` in all, else
``RoomTooLarge`` (the learner's verdict says so). The gzip stream is inflated to at most
``MAX_BYTES`` plus room for tar's headers, so a small archive of zeros cannot fill the disk or
the memory. Symbolic links are left out (a link is never followed out of the folder); an entry
git cannot make (an absolute path, ``..``, a hard link, a device, a second top-level folder) is
refused with a ``GitHubError``: that archive did not come from GitHub.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from pathlib import Path, PurePosixPath

from glow.errors import GitHubError

MAX_FILES = 400
MAX_FILE_BYTES = 2_000_000
MAX_BYTES = 20_000_000
# tar's own blocks: a 512-byte header (and a long name's extended header) and padding per entry.
_TAR_OVERHEAD = 4_000_000


class UnreadableArchive(GitHubError):
    """GitHub's archive of the commit is not one git could make (or not gzip at all): the
    submission gets a verdict saying so, and the grader moves on."""


class RoomTooLarge(Exception):
    """The room at that commit is more than the grader reads (the message says how)."""


def inflate(data: bytes, *, label: str, limit: int = MAX_BYTES + _TAR_OVERHEAD) -> bytes:
    """The tar inside a gzipped archive, refused (``RoomTooLarge``) beyond ``limit`` bytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # gzip framing
    try:
        raw = inflater.decompress(data, limit)
    except zlib.error as exc:
        raise UnreadableArchive(f"the archive is not gzip data ({exc})") from None
    if inflater.unconsumed_tail:
        raise RoomTooLarge(f"more than {MAX_BYTES // 1_000_000} MB at {label}")
    return raw


def _relative(member: tarfile.TarInfo) -> PurePosixPath | None:
    """The member's path below the top-level folder (None for the folder itself)."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        raise UnreadableArchive(f"the archive has an entry outside its folder: {member.name!r}")
    return PurePosixPath(*path.parts[1:]) if len(path.parts) > 1 else None


def unpack(data: bytes, target: Path, *, label: str) -> int:
    """Write the archive's files under ``target`` (an empty folder); the count of files.
    ``label`` names the room and commit in a ``RoomTooLarge`` message."""
    tar_bytes = inflate(data, label=label)
    top: str | None = None
    files = total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
            for member in tar:
                relative = _relative(member)
                first = PurePosixPath(member.name).parts[0]
                if top is None:
                    top = first
                elif first != top:
                    raise UnreadableArchive(f"the archive has more than one folder: {top}, {first}")
                if member.issym() or member.isdir():
                    continue  # a link is left out; folders are made for the files in them
                if not member.isfile():
                    raise UnreadableArchive(
                        f"the archive has an entry git cannot make: {member.name!r}"
                    )
                if relative is None or relative.parts[0] == ".git":
                    continue
                files += 1
                total += member.size
                if files > MAX_FILES:
                    raise RoomTooLarge(f"more than {MAX_FILES} files at {label}")
                if member.size > MAX_FILE_BYTES:
                    raise RoomTooLarge(
                        f"{relative} is larger than {MAX_FILE_BYTES // 1_000_000} MB"
                    )
                if total > MAX_BYTES:
                    raise RoomTooLarge(f"more than {MAX_BYTES // 1_000_000} MB at {label}")
                _write(tar, member, target.joinpath(*relative.parts))
    except tarfile.TarError as exc:
        raise UnreadableArchive(f"the archive of {label} cannot be read ({exc})") from None
    return files


def _write(tar: tarfile.TarFile, member: tarfile.TarInfo, destination: Path) -> None:
    source = tar.extractfile(member)
    if source is None:  # pragma: no cover - a regular file always has a body
        raise UnreadableArchive(f"the archive has no body for {member.name!r}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_bytes(source.read(member.size))
    if member.mode & 0o111:
        destination.chmod(0o755)
