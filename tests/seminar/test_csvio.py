import codecs

import pytest

from autograder.core.errors import InputError
from autograder.seminar import csvio


@pytest.mark.parametrize("raw,width,want", [
    ("16022417", None, "16022417"),
    (" 16022417 ", None, "16022417"),
    ("1.6022417E7", None, "16022417"),
    ("1.6022417e+07", None, "16022417"),
    ("16022417.0", None, "16022417"),
    ("'016022417", None, "016022417"),
    ("19020001", 9, "019020001"),
    ("1.9020001E7", 9, "019020001"),
    ("019020001", 9, "019020001"),
    ("16022417", 8, "16022417"),
    ("SV-01", 8, "SV-01"),
])
def test_clean_id(raw, width, want):
    assert csvio.clean_id(raw, width=width) == want


def test_id_width_is_the_usual_length():
    assert csvio.id_width(["019020001", "019020002", "19020003"]) == 9
    assert csvio.id_width(["abc"]) is None


@pytest.mark.parametrize("text,want", [("7", 7.0), ("7.5", 7.5), ("7,5", 7.5), (" 8 ", 8.0), ("", None)])
def test_parse_number_accepts_decimal_comma(text, want):
    assert csvio.parse_number(text) == want


def test_split_ids():
    assert csvio.split_ids("16022401, 16022402;16022403 /16022404\n16022405") == [
        "16022401", "16022402", "16022403", "16022404", "16022405"]


@pytest.mark.parametrize("cell,want", [
    ("16022401 - Nguyễn Văn An; 16022402 – Trần Thị Bình", ["16022401", "16022402"]),
    ("Nguyễn Văn An (16022401), Bình [16022402]", ["16022401", "16022402"]),
    ("16022401@vnu.edu.vn | 1.6022402E+07", ["16022401", "1.6022402E+07"]),
    ("16022405 16022406\r\n16022407.", ["16022405", "16022406", "16022407"]),
    ("'016022401, 16022402.0", ["'016022401", "16022402.0"]),
    ("Đặng Thu Hương, an@gmail.com, 1602240l", ["Đặng Thu Hương", "an@gmail.com", "1602240l"]),
    (" - ;  ; ", []),
])
def test_split_ids_keeps_ids_drops_names_beside_them_and_returns_lone_names_whole(cell, want):
    assert csvio.split_ids(cell) == want


def test_name_key_ignores_case_accents_and_spacing():
    assert csvio.name_key("  Đặng  Thu HƯƠNG ") == csvio.name_key("dang thu huong") == "dang thu huong"
    assert csvio.name_key("Lê") != csvio.name_key("Lý")


def test_header_with_a_note_in_parentheses_is_recognised(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("Group name (as on the slides),Member IDs [comma separated]\nA,1\n", encoding="utf-8")
    t = csvio.read_table(path, aliases=ALIASES, required=("group", "members"))
    assert t.rows[0].values == {"group": "A", "members": "1"}


ALIASES = {"group": ("tên nhóm", "group name"), "members": ("member ids",)}


def test_bom_semicolon_crlf_trailing_spaces(files):
    t = csvio.read_table(files / "registration_messy.csv", aliases=ALIASES, required=("group",))
    assert t.delimiter == ";"
    assert t.columns[:1] == ("group",)
    first = t.rows[0]
    assert first.number == 2 and first.get("group") == "CNN Tricks"
    assert first.get("members") == "16022401, 1.6022402E7, 16022403.0, 16022404"
    assert [r.number for r in t.rows] == [2, 3, 4, 5, 7]          # the blank row 6 is skipped
    assert t.rows[2].get("group") == "Nhóm Ảnh Đẹp"


def test_tab_separated(files):
    t = csvio.read_table(files / "roster_zeros.csv", aliases={"student_id": ("mssv",), "name": ("họ và tên",)})
    assert t.delimiter == "\t" and t.rows[2].values == {"student_id": "19020003", "name": "Lê Cường"}


def test_utf16_export(tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes(codecs.BOM_UTF16_LE + "group\tmember ids\nNhóm 1\t1 2 3\n".encode("utf-16-le"))
    t = csvio.read_table(p, aliases=ALIASES)
    assert t.rows[0].values == {"group": "Nhóm 1", "members": "1 2 3"}


def test_not_utf8_says_how_to_fix(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("group\nNh\xf3m 1\n".encode("latin-1"))
    with pytest.raises(InputError, match="CSV UTF-8"):
        csvio.read_table(p, aliases=ALIASES)


def test_missing_column_names_file_and_headers(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("team,people\nA,1\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        csvio.read_table(p, aliases={"members": ("member ids",)}, required=("members",))
    msg = str(e.value)
    assert "x.csv:row 1" in msg and "'members'" in msg and "'team'" in msg
