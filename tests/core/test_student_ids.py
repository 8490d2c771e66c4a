import pytest

from autograder.core import student_ids
from autograder.core.roster import name_key


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
    assert student_ids.clean_id(raw, width=width) == want


def test_id_width_is_the_usual_length():
    assert student_ids.id_width(["019020001", "019020002", "19020003"]) == 9
    assert student_ids.id_width(["abc"]) is None


def test_split_ids():
    assert student_ids.split_ids("16022401, 16022402;16022403 /16022404\n16022405") == [
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
    assert student_ids.split_ids(cell) == want


def test_name_key_ignores_case_accents_and_spacing():
    assert name_key("  Đặng  Thu HƯƠNG ") == name_key("dang thu huong") == "dang thu huong"
    assert name_key("Lê") != name_key("Lý")


@pytest.mark.parametrize("text, safe", [("21020001", True), ("ab_12", True), ("s.1-x", True), ("-rf", False),
                                        (".hidden", False), ("a..b", False), ("a b", False), ("../etc", False),
                                        ("", False), ("x" * 65, False), (None, False)])
def test_is_safe_id(text, safe):
    assert student_ids.is_safe_id(text) is safe


@pytest.mark.parametrize("text, looks", [("16022401", True), ("ab_12", True), ("Tổng số: 4", False),
                                         ("Hà Nội", False), ("Total", False), ("", False)])
def test_looks_like_id_tells_ids_from_titles_and_footers(text, looks):
    assert student_ids.looks_like_id(text) is looks
