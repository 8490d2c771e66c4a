import codecs
from pathlib import Path

import pytest

from autograder.core import tables
from autograder.core.errors import InputError

FILES = Path(__file__).resolve().parents[1] / "seminar" / "files"     # the exports the seminar reads


@pytest.fixture()
def files() -> Path:
    return FILES


@pytest.mark.parametrize("text,want", [("7", 7.0), ("7.5", 7.5), ("7,5", 7.5), (" 8 ", 8.0), ("", None)])
def test_parse_number_accepts_decimal_comma(text, want):
    assert tables.parse_number(text) == want


def test_header_with_a_note_in_parentheses_is_recognised(tmp_path):
    path = tmp_path / "form.csv"
    path.write_text("Group name (as on the slides),Member IDs [comma separated]\nA,1\n", encoding="utf-8")
    t = tables.read_table(path, aliases=ALIASES, required=("group", "members"))
    assert t.rows[0].values == {"group": "A", "members": "1"}


ALIASES = {"group": ("tên nhóm", "group name"), "members": ("member ids",)}


def test_bom_semicolon_crlf_trailing_spaces(files):
    t = tables.read_table(files / "registration_messy.csv", aliases=ALIASES, required=("group",))
    assert t.delimiter == ";"
    assert t.columns[:1] == ("group",)
    first = t.rows[0]
    assert first.number == 2 and first.get("group") == "CNN Tricks"
    assert first.get("members") == "16022401, 1.6022402E7, 16022403.0, 16022404"
    assert [r.number for r in t.rows] == [2, 3, 4, 5, 7]          # the blank row 6 is skipped
    assert t.rows[2].get("group") == "Nhóm Ảnh Đẹp"


def test_tab_separated(files):
    t = tables.read_table(files / "roster_zeros.csv", aliases={"student_id": ("mssv",), "name": ("họ và tên",)})
    assert t.delimiter == "\t" and t.rows[2].values == {"student_id": "19020003", "name": "Lê Cường"}


def test_utf16_export(tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes(codecs.BOM_UTF16_LE + "group\tmember ids\nNhóm 1\t1 2 3\n".encode("utf-16-le"))
    t = tables.read_table(p, aliases=ALIASES)
    assert t.rows[0].values == {"group": "Nhóm 1", "members": "1 2 3"}


def test_not_utf8_says_how_to_fix(tmp_path):
    p = tmp_path / "latin.csv"
    p.write_bytes("group\nNh\xf3m 1\n".encode("latin-1"))
    with pytest.raises(InputError, match="CSV UTF-8"):
        tables.read_table(p, aliases=ALIASES)


def test_missing_column_names_file_and_headers(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("team,people\nA,1\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        tables.read_table(p, aliases={"members": ("member ids",)}, required=("members",))
    msg = str(e.value)
    assert "x.csv:row 1" in msg and "'members'" in msg and "'team'" in msg
