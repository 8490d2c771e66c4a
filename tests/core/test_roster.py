"""The one roster reader: our CSV, the university's export (CSV and .xlsx), and the same file accepted by
`collect --roster`, `report` and `groups check`."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from autograder import cli
from autograder.core.errors import InputError
from autograder.core.roster import read_roster

UNIVERSITY = Path(__file__).resolve().parents[1] / "seminar" / "files" / "roster_university.csv"
IDS = ["16022401", "16022402", "16022403", "16022407"]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Đặng Thu Hương"]


def university_xlsx(path: Path) -> Path:
    """The same class list as a workbook, as the university's system saves it: IDs typed as numbers."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["TRƯỜNG ĐẠI HỌC CÔNG NGHỆ - ĐHQGHN"])
    ws.append(["DANH SÁCH SINH VIÊN LỚP HỌC PHẦN INT3121 1"])
    ws.append([])
    ws.append(["STT", "Mã SV", "Họ đệm", "Tên", "Ngày sinh"])
    for i, (sid, name) in enumerate(zip(IDS, NAMES), 1):
        family, given = name.rsplit(" ", 1)
        ws.append([i, int(sid), family, given, "01/02/1998"])
    ws.append([])
    ws.append(["Tổng số: 4 sinh viên"])
    wb.save(path)
    return path


@pytest.fixture(params=["csv", "xlsx"])
def university_roster(request, tmp_path) -> Path:
    if request.param == "csv":
        return shutil.copy(UNIVERSITY, tmp_path / "roster.csv")
    return university_xlsx(tmp_path / "roster.xlsx")


def test_university_export_is_read_whole(university_roster):
    roster = read_roster(university_roster)
    assert list(roster.students) == IDS and list(roster.students.values()) == NAMES
    assert all(s.status == "active" and s.row > 4 for s in roster.entries)
    assert roster.width == 8


def test_our_csv_keeps_extra_columns_and_status(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("student_id,name,email,section,status,canvas_id\n21020001,An,a@x,1,,77\n"
                    "21020002,Bình,b@x,1,Dropped,78\n", encoding="utf-8")
    roster = read_roster(path)
    assert [s.status for s in roster.entries] == ["active", "dropped"]
    assert roster.entries[0].extra == {"canvas id": "77"} and roster.find("b@x") == "21020002"


@pytest.mark.parametrize("text, needle", [
    ("student_id,name\n21020001,An\n21020001,Bình\n", "row 3: student ID 21020001 appears twice (also row 2)"),
    ("student_id,name\n21020001,An\n21/020002,Bình\n", "row 3: student ID '21/020002' is not a plain ID"),
    ("student_id,status\n21020001,gone\n", "row 2: status 'gone' is not one of active, dropped"),
    ("name\nAn\n", "missing column(s) 'student_id'"),
])
def test_bad_roster_names_file_row_and_fix(tmp_path, text, needle):
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_roster(path)
    assert str(e.value).startswith(f"{path}:") and needle in str(e.value)


def _course(tmp_path: Path, roster: Path) -> Path:
    src = tmp_path / "assignments" / "a1"
    src.mkdir(parents=True)
    (src / "manifest.yaml").write_text(yaml.safe_dump({"assignment": "a1", "notebook": "a1.ipynb",
                                                       "tasks": {"add": 100}}))
    course = tmp_path / "course"
    course.mkdir()
    (course / "autograder.yaml").write_text(yaml.safe_dump({"assignments": str(tmp_path / "assignments"),
                                                            "reference_solutions": str(tmp_path / "refs")}))
    (course / "policy.yaml").write_text(yaml.safe_dump({
        "course": "INT3121", "timezone": "Asia/Ho_Chi_Minh", "roster": str(roster),
        "assessments": {"a1": {"kind": "assignment", "title": "A1", "weight": 100, "due": "2026-09-13 23:59"}}}))
    return course


def test_one_university_roster_for_collect_report_and_groups_check(university_roster, tmp_path, capsys):
    course = _course(tmp_path, university_roster)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("16022401.ipynb", "16022402_late.ipynb", "99999999.ipynb"):
        (subs / name).write_text("{}", encoding="utf-8")

    assert cli.main(["--course", str(course), "collect", "a1", str(subs), "--roster", str(university_roster)]) == 0
    assert "unknown student '99999999'" in capsys.readouterr().out
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["16022401", "16022402"]

    assert cli.main(["--course", str(course), "report", "-o", str(tmp_path / "out"), "--no-plots",
                     "--as-of", "2026-10-01 08:00"]) == 0
    capsys.readouterr()
    pages = sorted(p.stem for p in (tmp_path / "out" / "students").iterdir())
    assert pages == IDS                                            # every rostered student, nobody else
    assert "Đặng Thu Hương" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")

    reg = tmp_path / "registration.csv"
    reg.write_text("Group name,Member IDs\nCNN Tricks,\"16022401, 1.6022402E7, 16022403, 16022407\"\n",
                   encoding="utf-8")
    assert cli.main(["groups", "check", str(reg), "--roster", str(university_roster), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"problems": []}
