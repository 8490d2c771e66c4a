"""Where submissions come from: the nbgrader exchange inbound, a folder, or an LMS bulk-download zip.

Each reader yields `Candidate`s (student id guess, display name, timestamp, a way to read the bytes) and
`(name, reason)` rejections; nothing is extracted or written here. The zip reader never calls `extract*`:
members are read into memory under caps, so a hostile archive cannot write outside the course dir.

Zip rules (each breach rejects the member, with the reason; an archive breaching the totals is refused whole):
absolute paths, `..` components, drive letters and symlink members are unsafe; a member larger than
`max_member_bytes`, or compressed more than MAX_RATIO:1 (bomb), is refused; more than MAX_MEMBERS members or
more than MAX_TOTAL_BYTES uncompressed in all raises `CollectError`.
"""
from __future__ import annotations

import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

from autograder.core.errors import CollectError

MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 4 * 2**30
MAX_RATIO = 200
SKIPPED_PARTS = ("__MACOSX", ".ipynb_checkpoints")


@dataclass
class Candidate:
    name: str                         # where it came from, for reports (member name, relative path)
    stem: str                         # file name without .ipynb (the student id is read from it)
    timestamp: datetime               # UTC, aware
    read: Callable[[], bytes]
    student_id: str | None = None     # known from the source (exchange); else parsed from `stem`


Found = Iterator["Candidate | tuple[str, str]"]


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def read_timestamp(path: Path) -> datetime | None:
    """An nbgrader `timestamp.txt`, as aware UTC; None when missing or unreadable."""
    try:
        return _utc(parse_utc(path.read_text(encoding="utf-8").strip()))
    except (OSError, ValueError, OverflowError, TypeError):
        return None


def _skipped(parts) -> bool:
    return any(p in SKIPPED_PARTS or p.startswith(".") for p in parts)


def _capped_reader(path: Path, cap: int) -> Callable[[], bytes]:
    def read() -> bytes:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
        if len(data) > cap:
            raise CollectError(f"grew past {cap / 2**20:.1f} MB while being read", file=str(path))
        return data
    return read


def from_folder(folder: Path, *, max_member_bytes: int) -> Found:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if _skipped(rel.parts):
            continue
        if path.is_symlink():
            yield (rel.as_posix(), "is a symbolic link; not followed")
        elif not path.is_file():
            continue
        elif path.suffix.lower() != ".ipynb":
            yield (rel.as_posix(), "not a notebook (.ipynb)")
        elif path.stat().st_size > max_member_bytes:
            yield (rel.as_posix(), f"larger than {max_member_bytes / 2**20:.1f} MB")
        else:
            ts = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            yield Candidate(name=rel.as_posix(), stem=path.stem, timestamp=ts,
                            read=_capped_reader(path, max_member_bytes))


def _unsafe_member(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "absolute path in the archive"
    if ".." in name.replace("\\", "/").split("/"):
        return "path with '..' (would escape the folder)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link in the archive"
    if info.flag_bits & 0x1:
        return "encrypted member"
    return None


def from_zip(archive: Path, *, max_member_bytes: int) -> Found:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CollectError(f"not a readable zip archive ({e})", file=str(archive)) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise CollectError(f"{len(infos)} members, more than the {MAX_MEMBERS} accepted", file=str(archive),
                               hint="split the download")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise CollectError(f"would unpack to {total / 2**30:.1f} GB (zip bomb?)", file=str(archive))
        for info in infos:
            name = info.filename
            if info.is_dir():
                continue
            reason = _unsafe_member(info)
            pure = PurePosixPath(name.replace("\\", "/"))
            if reason is None and _skipped(pure.parts):
                continue
            if reason is None and pure.suffix.lower() != ".ipynb":
                reason = "not a notebook (.ipynb)"
            if reason is None and info.file_size > max_member_bytes:
                reason = f"larger than {max_member_bytes / 2**20:.1f} MB"
            if reason is None and info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                reason = f"compressed {info.file_size // max(info.compress_size, 1)}:1 (zip bomb?)"
            if reason:
                yield (name, reason)
                continue
            try:
                ts = _utc(datetime(*info.date_time))
            except ValueError:
                ts = datetime.fromtimestamp(0, tz=UTC)
            yield Candidate(name=name, stem=pure.stem, timestamp=ts,
                            read=_zip_reader(archive, name, max_member_bytes))


def _zip_reader(archive: Path, name: str, cap: int) -> Callable[[], bytes]:
    def read() -> bytes:
        # the header's size may lie: read at most cap + 1 bytes of the decompressed stream
        with zipfile.ZipFile(archive) as zf, zf.open(name) as f:
            data = f.read(cap + 1)
        if len(data) > cap:
            raise CollectError(f"{name} unpacks to more than {cap / 2**20:.1f} MB (zip bomb?)", file=str(archive))
        return data
    return read


def from_exchange(inbound: Path, assignment: str, notebook: str, *, max_member_bytes: int) -> Found:
    """nbgrader inbound: `STUDENT+ASSIGNMENT+TIMESTAMP[+RANDOM]/` folders (every submission, all kept)."""
    if not inbound.is_dir():
        raise CollectError("the exchange inbound folder does not exist", file=str(inbound),
                           hint="release the assignment first, or pass a folder/zip to collect from")
    for folder in sorted(inbound.iterdir()):
        parts = folder.name.split("+")
        if len(parts) < 3 or parts[1] != assignment:
            continue
        if folder.is_symlink() or not folder.is_dir():
            yield (folder.name, "not a submission folder")
            continue
        ts = read_timestamp(folder / "timestamp.txt")
        if ts is None:
            try:
                ts = _utc(parse_utc(parts[2]))
            except (ValueError, OverflowError, TypeError):
                yield (folder.name, "no readable timestamp")
                continue
        path = folder / notebook
        if not path.is_file() or path.is_symlink():
            notebooks = [p for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink()]
            if len(notebooks) != 1:
                yield (folder.name, f"no {notebook} in the submission")
                continue
            path = notebooks[0]
        if path.stat().st_size > max_member_bytes:
            yield (folder.name, f"larger than {max_member_bytes / 2**20:.1f} MB")
            continue
        yield Candidate(name=f"{folder.name}/{path.name}", stem=path.stem, timestamp=ts,
                        read=_capped_reader(path, max_member_bytes), student_id=parts[0])
