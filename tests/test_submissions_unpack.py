"""A room's archive unpacked for grading: GitHub's one top-level folder stripped, the files and
their executable bit kept, and a hostile room's archive bounded (files, bytes, a gzip bomb) or
refused (paths outside the folder, links, devices) before it can write outside the target."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from glow.cohort.submissions.unpack import MAX_FILES, RoomTooLarge, unpack
from glow.errors import GitHubError

TOP = "acme-room-abc1234"


def entry(name: str, data: bytes = b"", **fields: object) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    for key, value in fields.items():
        setattr(info, key, value)
    return info, data


def tarball(*entries: tuple[tarfile.TarInfo, bytes], top: bool = True) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if top:
            tar.addfile(entry(f"{TOP}/", type=tarfile.DIRTYPE, mode=0o755)[0])
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return gzip.compress(raw.getvalue())


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_top_folder_is_stripped_and_the_files_kept(tmp_path: Path) -> None:
    data = tarball(
        entry(f"{TOP}/README.md", b"# Room\n"),
        entry(f"{TOP}/src/", type=tarfile.DIRTYPE),
        entry(f"{TOP}/src/calc.py", b"x = 1\n"),
        entry(f"{TOP}/run.sh", b"#!/bin/sh\n", mode=0o755),
    )
    assert unpack(data, tmp_path, label="commit abc1234") == 3
    assert files_under(tmp_path) == {
        "README.md": b"# Room\n",
        "src/calc.py": b"x = 1\n",
        "run.sh": b"#!/bin/sh\n",
    }
    assert (tmp_path / "run.sh").stat().st_mode & 0o111
    assert not (tmp_path / "README.md").stat().st_mode & 0o111


def test_a_symbolic_link_is_left_out(tmp_path: Path) -> None:
    data = tarball(
        entry(f"{TOP}/escape", type=tarfile.SYMTYPE, linkname="/etc"),
        entry(f"{TOP}/a.txt", b"a"),
    )
    assert unpack(data, tmp_path, label="commit abc1234") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.parametrize(
    "bad",
    [
        entry("/etc/passwd", b"x"),
        entry(f"{TOP}/../outside.txt", b"x"),
        entry(f"{TOP}/hard", type=tarfile.LNKTYPE, linkname=f"{TOP}/a.txt"),
        entry(f"{TOP}/dev", type=tarfile.CHRTYPE, devmajor=1, devminor=3),
        entry(f"{TOP}/pipe", type=tarfile.FIFOTYPE),
        entry("another-top/a.txt", b"x"),
    ],
    ids=["absolute", "dot-dot", "hard-link", "device", "fifo", "second-folder"],
)
def test_an_entry_git_cannot_make_is_refused(
    tmp_path: Path, bad: tuple[tarfile.TarInfo, bytes]
) -> None:
    target = tmp_path / "room"
    target.mkdir()
    with pytest.raises(GitHubError):
        unpack(tarball(entry(f"{TOP}/a.txt", b"a"), bad), target, label="commit abc1234")
    assert not (tmp_path / "outside.txt").exists()


def test_more_files_than_the_cap_is_too_large(tmp_path: Path) -> None:
    many = [entry(f"{TOP}/f{i}.txt", b"x") for i in range(MAX_FILES + 1)]
    with pytest.raises(RoomTooLarge, match=f"more than {MAX_FILES} files at commit abc1234"):
        unpack(tarball(*many), tmp_path, label="commit abc1234")
    assert len(list(tmp_path.iterdir())) == MAX_FILES  # nothing past the cap is written
    exactly = tmp_path / "exactly"
    exactly.mkdir()
    assert unpack(tarball(*many[:MAX_FILES]), exactly, label="x") == MAX_FILES


def test_a_file_over_two_mb_is_too_large(tmp_path: Path) -> None:
    data = tarball(entry(f"{TOP}/big.bin", b"\0" * 2_000_001))
    with pytest.raises(RoomTooLarge, match=r"big\.bin is larger than 2 MB"):
        unpack(data, tmp_path, label="commit abc1234")


def test_more_than_twenty_mb_in_all_is_too_large(tmp_path: Path) -> None:
    chunks = [entry(f"{TOP}/part{i}.bin", bytes([i]) * 1_900_000) for i in range(11)]
    with pytest.raises(RoomTooLarge, match="more than 20 MB at commit abc1234"):
        unpack(tarball(*chunks), tmp_path, label="commit abc1234")


def test_a_gzip_bomb_is_too_large_before_it_is_inflated(tmp_path: Path) -> None:
    # One entry claiming to be small, followed by 100 MB of zeros: a few hundred kB of gzip.
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        tar.addfile(entry(f"{TOP}/a.txt", b"a")[0], io.BytesIO(b"a"))
    bomb = gzip.compress(raw.getvalue() + b"\0" * 100_000_000)
    assert len(bomb) < 1_000_000
    with pytest.raises(RoomTooLarge, match="more than 20 MB at commit abc1234"):
        unpack(bomb, tmp_path, label="commit abc1234")
    assert list(tmp_path.iterdir()) == []


def test_what_is_not_gzip_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GitHubError, match="not gzip"):
        unpack(b"<html>Not Found</html>", tmp_path, label="commit abc1234")
