import json

import pytest
import sqlalchemy as sa

from autograder.core.errors import ImportRejected, InputError
from autograder.core.roster import read_roster
from autograder.seminar.registration import KINDS, check_groups, closest_id, import_groups
from autograder.seminar.store import load_groups, open_db

from .conftest import run_cli

# every problem of registration_messy.csv (BOM, `;`, CRLF, trailing spaces, 1.6022402E7, 16022403.0,
# a blank row, Vietnamese group name), in report order
MESSY = [
    {"kind": "unknown_id", "student_id": "16922417", "groups": ["Bag of Tricks"], "suggestion": "16022417"},
    {"kind": "duplicate_member", "student_id": "16022404", "groups": ["CNN Tricks", "Bag of Tricks"],
     "suggestion": None},
    {"kind": "unassigned", "student_id": "16022407", "groups": [], "suggestion": None},
    {"kind": "unassigned", "student_id": "16022408", "groups": [], "suggestion": None},
    {"kind": "unassigned", "student_id": "16022411", "groups": [], "suggestion": None},
    {"kind": "unassigned", "student_id": "16022412", "groups": [], "suggestion": None},
    {"kind": "unassigned", "student_id": "16022417", "groups": [], "suggestion": None},
    {"kind": "group_size", "student_id": None, "groups": ["Nhóm Ảnh Đẹp"], "suggestion": None},
    {"kind": "duplicate_group", "student_id": None, "groups": ["Augmenters", "augmenters"], "suggestion": None},
    {"kind": "duplicate_dataset", "student_id": None, "groups": ["CNN Tricks", "Bag of Tricks"],
     "suggestion": None},
]


def test_clean_registration_has_no_problems(files):
    check = check_groups(registration=files / "registration_clean.csv", roster=files / "roster.csv")
    assert check.ok and check.to_dict() == {"problems": []}
    assert [len(g.members) for g in check.groups] == [4, 4, 4, 5]
    assert check.groups[0].member_names["16022401"] == "Nguyễn Văn An"


def test_messy_registration_exact_problems(files):
    got = check_groups(registration=files / "registration_messy.csv", roster=files / "roster.csv").to_dict()
    assert list(got) == ["problems"]
    assert all(list(p) == ["kind", "student_id", "groups", "suggestion", "detail"] for p in got["problems"])
    assert [{k: v for k, v in p.items() if k != "detail"} for p in got["problems"]] == MESSY
    assert {p["kind"] for p in got["problems"]} == set(KINDS)


@pytest.mark.parametrize("kind,needle", [
    ("unknown_id", "16922417 (group 'Bag of Tricks', row 3) is not on the roster; did you mean 16022417 "
                   "(Nguyễn Thị Ánh Tuyết)?"),
    ("duplicate_member", "16022404 (Phạm Minh Đức) is in 2 groups ('CNN Tricks', 'Bag of Tricks'), rows 2, 3"),
    ("unassigned", "16022417 (Nguyễn Thị Ánh Tuyết) is in no group; possibly the mistyped 16922417"),
    ("group_size", "group 'Nhóm Ảnh Đẹp' (row 4) has 2 member(s); allowed 3-5"),
    ("duplicate_group", "registered 2 times (rows 5, 7); row 7 is used"),
    ("duplicate_dataset", "dataset 'CIFAR-10' is taken by 2 groups"),
])
def test_each_kind_has_a_readable_detail(files, kind, needle):
    check = check_groups(registration=files / "registration_messy.csv", roster=files / "roster.csv")
    assert any(needle in p.detail for p in check.problems if p.kind == kind)


def test_spreadsheet_numbers_are_ids(files):
    check = check_groups(registration=files / "registration_messy.csv", roster=files / "roster.csv")
    assert check.groups[0].members == ("16022401", "16022402", "16022403", "16022404")


def test_leading_zeros_restored_from_roster_width(files):
    check = check_groups(registration=files / "registration_zeros.csv", roster=files / "roster_zeros.csv")
    assert check.ok, check.problems
    assert check.roster.width == 9 and "019020003" in check.roster.students      # the roster lost it too
    assert [g.members for g in check.groups] == [("019020001", "019020002", "019020003"),
                                                 ("019020004", "019020005", "019020006")]


def test_typo_suggestion_prefers_unassigned_and_limits_distance():
    roster = ["16022417", "16922416", "12345678"]
    assert closest_id("16922417", roster, prefer={"16022417"}) == "16022417"
    assert closest_id("99999999", roster) is None


def test_same_members_under_two_names_is_a_duplicate_group(tmp_path, files):
    reg = tmp_path / "r.csv"
    reg.write_text("group,member ids,dataset\nA,16022401 16022402 16022403,X\nB,16022403 16022402 16022401,Y\n",
                   encoding="utf-8")
    kinds = [(p.kind, p.groups) for p in check_groups(registration=reg, roster=files / "roster.csv").problems
             if p.kind != "unassigned"]
    assert kinds == [("duplicate_group", ["A", "B"])]


def test_twice_in_one_group_and_size_limits(tmp_path, files):
    reg = tmp_path / "r.csv"
    reg.write_text("group,member ids\nA,16022401 16022401 16022402 16022403\n", encoding="utf-8")
    check = check_groups(registration=reg, roster=files / "roster.csv", min_size=4, max_size=4)
    dup = [p for p in check.problems if p.kind == "duplicate_member"]
    assert dup[0].groups == ["A"] and "listed 2 times in group 'A'" in dup[0].detail
    assert [p.groups for p in check.problems if p.kind == "group_size"] == [["A"]]   # 3 distinct members


def test_row_without_group_name_is_an_input_error(tmp_path, files):
    reg = tmp_path / "r.csv"
    reg.write_text("group,member ids\n,16022401\n", encoding="utf-8")
    with pytest.raises(InputError, match="rows 2 have no group name"):
        check_groups(registration=reg, roster=files / "roster.csv")


def test_cli_check_json_exit_codes(files, capsys):
    assert run_cli(["groups", "check", str(files / "registration_messy.csv"), "--roster",
                    str(files / "roster.csv"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [p["kind"] for p in data["problems"]] == [p["kind"] for p in MESSY]
    assert run_cli(["groups", "check", str(files / "registration_clean.csv"), "--roster",
                    str(files / "roster.csv")]) == 0
    assert "OK: 4 groups, 17 students" in capsys.readouterr().out


def test_cli_check_missing_file_is_exit_2(files, capsys):
    assert run_cli(["groups", "check", str(files / "nope.csv"), "--roster", str(files / "roster.csv")]) == 2
    assert "nope.csv: file not found" in capsys.readouterr().out


def test_import_refused_stores_nothing(files, db_url):
    with pytest.raises(ImportRejected) as e:
        import_groups(db_url, registration=files / "registration_messy.csv", roster=files / "roster.csv",
                      assessment="midterm")
    assert "[unknown_id]" in str(e.value) and "[unassigned]" not in str(e.value)
    with open_db(db_url) as engine, engine.connect() as conn:
        assert load_groups(conn, assessment="midterm") == {}


def test_import_stores_groups_and_leaves_other_tables_alone(files, db_url):
    with sa.create_engine(db_url).begin() as conn:        # stands in for nbgrader's gradebook
        conn.execute(sa.text("CREATE TABLE student (id VARCHAR PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO student VALUES ('16022401')"))
    import_groups(db_url, registration=files / "registration_clean.csv", roster=files / "roster.csv",
                  assessment="midterm")
    engine = sa.create_engine(db_url)
    try:
        names = sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id FROM student")).scalars().all() == ["16022401"]
    finally:
        engine.dispose()
    assert [n for n in names if not n.startswith("seminar_")] == ["student"]
    with open_db(db_url) as engine, engine.connect() as conn:
        groups = load_groups(conn, assessment="midterm")
    assert list(groups) == ["Augmenters", "Bag of Tricks", "CNN Tricks", "ResNet Fans"]
    assert groups["CNN Tricks"].member_names["16022404"] == "Phạm Minh Đức"


def test_form_export_with_names_beside_ids_emails_and_names_alone(files):
    """A Google-Forms-like export: a long question as header, one member per line as 'ID - name', names in
    front of IDs in parentheses, an e-mail address, a name without ID and an ID with a letter typed for a 1."""
    check = check_groups(registration=files / "registration_form.csv", roster=files / "roster.csv")
    members = {g.name: g.members for g in check.groups}
    assert members["CNN Tricks"] == ("16022401", "16022402", "16022403", "16022404")
    assert members["Bag of Tricks"] == ("16022405", "16022406", "dang thu huong", "16022408", "1602240l")
    assert members["Augmenters"] == ("16022410", "16022411", "16022412", "Trịnh Thị Quỳnh")
    unknown = {p.student_id: (p.suggestion, p.detail) for p in check.problems if p.kind == "unknown_id"}
    assert set(unknown) == {"dang thu huong", "1602240l", "Trịnh Thị Quỳnh"}
    assert unknown["dang thu huong"][0] == "16022407"              # by name, ignoring case and accents
    assert "is not a student ID; did you mean 16022407 (Đặng Thu Hương)?" in unknown["dang thu huong"][1]
    assert unknown["Trịnh Thị Quỳnh"][0] == "16022413"
    assert unknown["1602240l"][0] in {"16022409", "16022407"}      # one edit away, still without a group
    assert "is not on the roster" in unknown["1602240l"][1]


def test_member_entry_naming_a_roster_e_mail_is_matched(tmp_path, files):
    reg = tmp_path / "reg.csv"
    reg.write_text("group,members\nA,\"16022401, 16022402, bui.khanh@example.edu\"\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,email\n16022401,An,\n16022402,Bình,\n16022408,Bùi Văn Khánh,"
                      "Bui.Khanh@example.edu\n", encoding="utf-8")
    [problem] = [p for p in check_groups(registration=reg, roster=roster).problems if p.kind == "unknown_id"]
    assert (problem.student_id, problem.suggestion) == ("bui.khanh@example.edu", "16022408")


def test_university_roster_export_with_title_rows_split_names_and_footer(files):
    """The shape of a university system export: title lines above the header, ';' separated, STT column,
    'Họ đệm' + 'Tên' in two columns, an ID damaged by a spreadsheet, a total and a date under the list."""
    ros = read_roster(files / "roster_university.csv")
    assert ros.students == {"16022401": "Nguyễn Văn An", "16022402": "Trần Thị Bình",
                            "16022403": "Lê Hoàng Cường", "16022407": "Đặng Thu Hương"}
    assert ros.width == 8


def test_roster_header_is_found_below_a_title_whatever_the_separator(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("Class list INT3121\n\nNo\tStudent ID\tFull name\n1\t16022401\tAn\n2\t16022402\tBình\n",
                    encoding="utf-8")
    assert read_roster(path).students == {"16022401": "An", "16022402": "Bình"}


def test_xlsx_registration_and_roster_with_ids_typed_as_numbers(tmp_path):
    from openpyxl import Workbook
    roster, reg = tmp_path / "roster.xlsx", tmp_path / "registration.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH LỚP INT3121"])
    ws.append([])
    ws.append(["STT", "Mã SV", "Họ đệm", "Tên"])
    for i, (family, given) in enumerate([("Nguyễn Văn", "An"), ("Trần Thị", "Bình"), ("Lê Hoàng", "Cường")], 1):
        ws.append([i, 16022400 + i, family, given])      # IDs stored as numbers, as spreadsheets do
    wb.save(roster)
    wb = Workbook()
    ws = wb.active
    ws.append(["Group name", "Member 1", "Member 2", "Member 3", "Dataset"])
    ws.append(["CNN Tricks", 16022401.0, 16022402, "16022403", "CIFAR-10"])
    wb.save(reg)
    check = check_groups(registration=reg, roster=roster)
    assert check.ok, check.problems
    assert check.groups[0].members == ("16022401", "16022402", "16022403")
    assert check.groups[0].member_names["16022403"] == "Lê Hoàng Cường"


def test_old_excel_and_damaged_xlsx_are_clear_input_errors(tmp_path, files):
    old = tmp_path / "roster.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    with pytest.raises(InputError, match=r"\.xls files are not read") as e:
        check_groups(registration=files / "registration_clean.csv", roster=old)
    assert "save it as .xlsx" in str(e.value)
    bad = tmp_path / "roster.xlsx"
    bad.write_text("student_id\n16022401\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        check_groups(registration=files / "registration_clean.csv", roster=bad)


def test_two_mistyped_ids_get_different_suggestions_when_equally_close(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\n16022401,An\n16022402,Bình\n16022407,Hương\n16022409,Lan\n",
                      encoding="utf-8")
    reg = tmp_path / "reg.csv"
    reg.write_text('group,members\nA,"16022401, 16022402, 1602240l, 1602240x"\n', encoding="utf-8")
    guesses = {p.student_id: p.suggestion for p in check_groups(registration=reg, roster=roster).problems
               if p.kind == "unknown_id"}
    assert set(guesses) == {"1602240l", "1602240x"}
    assert set(guesses.values()) == {"16022407", "16022409"}      # each unassigned student suggested once
