"""collect_submissions: folders, zips (and their attacks), the exchange, rosters, duplicates, re-collecting."""
from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from autograder.core.errors import CollectError, InputError
from autograder.core.roster import read_roster
from autograder.pipeline.collect import collect_submissions

from .conftest import ASSIGNMENT

NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _zip(path: Path, members: list) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, *rest in members:
            info = zipfile.ZipInfo(name, date_time=rest[0] if rest else (2026, 1, 2, 3, 4, 5))
            info.compress_type = zipfile.ZIP_DEFLATED
            if len(rest) > 1:
                info.external_attr = rest[1] << 16
            zf.writestr(info, data)
    return path


def _stored(course, sid) -> Path:
    return course.submitted(sid, ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"


def _write(path: Path, data=NB, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def test_folder_with_names_subfolders_and_non_notebooks(course, tmp_path):
    src = tmp_path / "download"
    _write(src / "00012345.ipynb")
    _write(src / "moodle" / "Nguyen Van A_998" / "00054321_w03 final.ipynb")
    _write(src / "readme.pdf", b"%PDF")
    _write(src / ".ipynb_checkpoints" / "00012345-checkpoint.ipynb")
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    assert sorted(s for s, _, _ in report.accepted) == ["00012345", "00054321"]
    assert report.rejected == [("readme.pdf", "not a notebook (.ipynb)")]
    assert _stored(course, "00054321").read_bytes() == NB
    ts = (course.submitted("00012345", ASSIGNMENT) / "timestamp.txt").read_text()
    assert ts.endswith(" UTC")
    from nbgrader.utils import parse_utc
    assert parse_utc(ts).year >= 2024                            # nbgrader can read what we wrote
    assert not [p for p in (course.root / "submitted").rglob(".*")]  # no temp folders left


def test_duplicates_keep_newest_and_say_which(course, tmp_path):
    src = tmp_path / "d"
    _write(src / "111_first.ipynb", b'{"old": 1}', mtime=1_700_000_000)
    _write(src / "111_second.ipynb", b'{"new": 1}', mtime=1_700_000_500)
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    assert report.duplicates == [("111", "111_second.ipynb", ["111_first.ipynb"])]
    assert _stored(course, "111").read_bytes() == b'{"new": 1}'
    assert "kept the newest '111_second.ipynb'" in report.summary()


def test_recollect_replaces_only_with_newer(course, tmp_path):
    src = tmp_path / "d"
    _write(src / "111.ipynb", b'{"v": 1}', mtime=1_700_000_000)
    collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    _write(src / "111.ipynb", b'{"v": 0}', mtime=1_600_000_000)             # older: ignored
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    assert report.not_newer == ["111"] and report.accepted == []
    assert _stored(course, "111").read_bytes() == b'{"v": 1}'
    _write(src / "111.ipynb", b'{"v": 2}', mtime=1_800_000_000)             # newer: replaces
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    assert [s for s, _, _ in report.accepted] == ["111"]
    assert _stored(course, "111").read_bytes() == b'{"v": 2}'
    assert report.accepted[0][2] == datetime.fromtimestamp(1_800_000_000, tz=UTC)


def test_roster_with_bom_whitespace_and_leading_zeros(course, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes("\ufeffStudent_ID , name\r\n 00012345 ,A\r\n\r\nab_12,B\r\n".encode("utf-8"))
    assert read_roster(roster).ids == {"00012345", "ab_12"}
    src = tmp_path / "d"
    _write(src / "00012345_hw.ipynb")
    _write(src / "12345.ipynb")                                 # leading zeros lost: not the same student
    _write(src / "ab_12_late.ipynb")                            # id containing "_": longest rostered prefix
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src, roster=roster)
    assert sorted(s for s, _, _ in report.accepted) == ["00012345", "ab_12"]
    assert report.unknown_students == ["12345"]
    assert not course.submitted("12345", ASSIGNMENT).exists()


@pytest.mark.parametrize("content, message", [
    (b"name,email\nA,a@x\n", "missing column(s) 'student_id'"),
    (b"student_id\n001\n../1\n", "row 3"),
    (b"student_id\n001\n001\n", "appears twice"),
    (b"\xff\xfe\xfa", "cannot be read"),
    (b"", "the file is empty"),
    (b"student_id\nTotal: 0\n", "lists no students"),
])
def test_bad_roster_names_file_and_row(course, tmp_path, content, message):
    roster = tmp_path / "r.csv"
    roster.write_bytes(content)
    with pytest.raises(InputError) as e:
        collect_submissions(course=course, assignment=ASSIGNMENT, source=tmp_path, roster=roster)
    assert message in str(e.value) and str(roster) in str(e.value)


def test_unsafe_student_ids_are_rejected(course, tmp_path):
    src = tmp_path / "d"
    _write(src / "-rf.ipynb")
    _write(src / "a b.ipynb")
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    assert report.accepted == [] and len(report.rejected) == 2
    assert all("not a plain id" in reason for _, reason in report.rejected)


def test_zip_download(course, tmp_path):
    z = _zip(tmp_path / "lms.zip", [
        ("sub/001_a.ipynb", NB, (2026, 1, 1, 0, 0, 0)),
        ("sub/001_b.ipynb", b'{"b": 1}', (2026, 1, 2, 0, 0, 0)),
        ("002.ipynb", NB),
        ("__MACOSX/._002.ipynb", b"junk"),
        ("notes.txt", b"hi"),
    ])
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=z)
    assert sorted(s for s, _, _ in report.accepted) == ["001", "002"]
    assert _stored(course, "001").read_bytes() == b'{"b": 1}'
    assert report.duplicates == [("001", "sub/001_b.ipynb", ["sub/001_a.ipynb"])]
    assert report.rejected == [("notes.txt", "not a notebook (.ipynb)")]


def test_zip_slip_absolute_symlink_and_bomb_are_reported_never_extracted(course, tmp_path):
    z = _zip(tmp_path / "evil.zip", [
        ("../../escape_1.ipynb", NB),
        ("/tmp/abs_2.ipynb", NB),
        ("C:\\win_3.ipynb", NB),
        ("link_4.ipynb", b"/etc/passwd", (2026, 1, 1, 0, 0, 0), 0o120777),
        ("bomb_5.ipynb", b"\0" * (5 * 2**20)),
        ("ok_6.ipynb", NB),
    ])
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=z)
    reasons = dict(report.rejected)
    assert "'..'" in reasons["../../escape_1.ipynb"]
    assert "absolute path" in reasons["/tmp/abs_2.ipynb"]
    assert "absolute path" in reasons["C:\\win_3.ipynb"]
    assert "symbolic link" in reasons["link_4.ipynb"]
    assert "zip bomb" in reasons["bomb_5.ipynb"]
    assert [s for s, _, _ in report.accepted] == ["ok"]
    assert not (tmp_path / "escape_1.ipynb").exists() and not Path("/tmp/abs_2.ipynb").exists()
    files = {p.name for p in course.root.rglob("*") if p.is_file()}
    assert files == {f"{ASSIGNMENT}.ipynb", "timestamp.txt"}


def test_zip_member_too_large_and_too_many_members(course, tmp_path, monkeypatch):
    import autograder.pipeline.collect_sources as sources
    big = os.urandom(21 * 2**20)                                 # incompressible, above the 20 MB cap
    report = collect_submissions(course=course, assignment=ASSIGNMENT,
                                 source=_zip(tmp_path / "big.zip", [("007.ipynb", big)]))
    assert report.accepted == [] and "larger than 20.0 MB" in report.rejected[0][1]
    monkeypatch.setattr(sources, "MAX_MEMBERS", 3)
    many = _zip(tmp_path / "many.zip", [(f"{i}.ipynb", NB) for i in range(4)])
    with pytest.raises(CollectError, match="4 members, more than the 3"):
        collect_submissions(course=course, assignment=ASSIGNMENT, source=many)
    monkeypatch.setattr(sources, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(CollectError, match="zip bomb"):
        collect_submissions(course=course, assignment=ASSIGNMENT, source=_zip(tmp_path / "t.zip", [("1.ipynb", NB)]))


def test_not_a_zip_and_missing_source(course, tmp_path):
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"PK\x03\x04 nope")
    with pytest.raises(CollectError, match="not a readable zip"):
        collect_submissions(course=course, assignment=ASSIGNMENT, source=bad)
    with pytest.raises(CollectError, match="no such folder"):
        collect_submissions(course=course, assignment=ASSIGNMENT, source=tmp_path / "missing")


def test_folder_symlink_is_not_followed(course, tmp_path):
    src = tmp_path / "d"
    secret = _write(tmp_path / "secret.ipynb", b'{"secret": 1}')
    src.mkdir()
    (src / "005.ipynb").symlink_to(secret)
    report = collect_submissions(course=course, assignment=ASSIGNMENT, source=src)
    assert report.accepted == [] and "symbolic link" in report.rejected[0][1]


def test_exchange_inbound_takes_latest_per_student(course):
    inbound = course.exchange / "INT3121" / "inbound"
    for sid, ts, body in [("alice", "2026-03-01 10:00:00.000000 UTC", b'{"v": 1}'),
                          ("alice", "2026-03-02 09:00:00.000000 UTC", b'{"v": 2}'),
                          ("bob", "2026-03-01 08:00:00.000000 UTC", b'{"v": 3}')]:
        folder = inbound / f"{sid}+{ASSIGNMENT}+{ts}+abcd{len(body)}{ts[9]}"
        _write(folder / f"{ASSIGNMENT}.ipynb", body)
        (folder / "timestamp.txt").write_text(ts)
    _write(inbound / "carol+other_assignment+2026-03-01 08:00:00.000000 UTC" / "x.ipynb")
    report = collect_submissions(course=course, assignment=ASSIGNMENT)
    assert sorted(s for s, _, _ in report.accepted) == ["alice", "bob"]
    assert _stored(course, "alice").read_bytes() == b'{"v": 2}'
    assert report.duplicates[0][0] == "alice"
    assert (course.submitted("alice", ASSIGNMENT) / "timestamp.txt").read_text().startswith("2026-03-02 09:00:00")


def test_exchange_missing_inbound(course):
    with pytest.raises(CollectError, match="inbound folder does not exist"):
        collect_submissions(course=course, assignment=ASSIGNMENT)
