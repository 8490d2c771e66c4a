import codecs

import pytest

from autograder.errors import InputError
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
