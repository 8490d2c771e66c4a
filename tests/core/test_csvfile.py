"""The one CSV writer: formula-safe text, numbers as numbers, BOM per file, atomic, CRLF."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from autograder.core.csvfile import cell, csv_text, neutralise, write_csv


@pytest.mark.parametrize("value, text", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=x", "'\t=x"),
    ("\rx", "'\rx"), ("  =HYPERLINK(\"http://x\",\"y\")", "'  =HYPERLINK(\"http://x\",\"y\")"),
    ("Nguyễn", "Nguyễn"), ("21020001", "21020001"), ("", ""), ("a-b", "a-b"),
    (-3.25, "-3.25"), (-1.5, "-1.5"), (12, "12"), (np.int64(7), "7"), (np.float64(83.33333), "83.33"),
    (float("nan"), ""), (None, ""), (True, "true"), (np.bool_(False), "false"),
    (dt.date(2026, 9, 13), "2026-09-13"),
])
def test_cell(value, text):
    assert cell(value) == text


def test_neutralise_keeps_plain_text():
    assert neutralise("21020001") == "21020001" and neutralise("Trần Thị Bình") == "Trần Thị Bình"


def test_csv_quotes_commas_and_uses_crlf():
    assert csv_text([["a,b", 1.5, -2]], header=["x", "y", "z"]) == 'x,y,z\r\n"a,b",1.5,-2\r\n'


def test_bom_is_the_callers_choice_and_the_write_is_atomic(tmp_path):
    excel = write_csv(tmp_path / "a.csv", [["Nguyễn Văn An", -1.5]], header=["name", "score"], bom=True)
    lms = write_csv(tmp_path / "b.csv", [["Nguyễn Văn An", -1.5]], header=["name", "score"], bom=False)
    assert excel.read_bytes() == "\ufeffname,score\r\nNguyễn Văn An,-1.5\r\n".encode()
    assert lms.read_bytes() == "name,score\r\nNguyễn Văn An,-1.5\r\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]
    with pytest.raises(TypeError):
        write_csv(tmp_path / "c.csv", [], header=["x"])           # bom= must be decided per file
