import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from autograder.core.errors import ImportRejected
from autograder.seminar.registration import import_groups
from autograder.seminar.sheets import import_scores, read_sheet, write_sheets
from autograder.seminar.store import load_groups, load_ratings, open_db


@pytest.fixture
def grouped(db_url, files):
    import_groups(db_url, registration=files / "registration_clean.csv", roster=files / "roster.csv",
                  assessment="midterm")
    return db_url


def _groups(db_url, assessment="midterm"):
    with open_db(db_url) as engine, engine.connect() as conn:
        return load_groups(conn, assessment=assessment)


def _ratings(db_url, assessment="midterm"):
    with open_db(db_url) as engine, engine.connect() as conn:
        return load_ratings(conn, assessment=assessment)


def test_one_sheet_per_rater_csv_and_xlsx(grouped, midterm, tmp_path):
    paths = write_sheets(rubric=midterm, groups=list(_groups(grouped).values()), raters=["TA An", "Lecturer Diệp"],
                         out_dir=tmp_path, xlsx=True)
    assert [p.name for p in paths] == ["midterm_ta_an.csv", "midterm_ta_an.xlsx", "midterm_lecturer_diep.csv",
                                       "midterm_lecturer_diep.xlsx"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")                     # Excel-friendly BOM
    t = read_sheet(paths[0], rubric=midterm)
    assert t.columns == ("rater", "group", "dataset", "members", "comparison", "implementation", "analysis",
                         "presentation", "comment")
    assert [r.get("group") for r in t.rows] == ["Augmenters", "Bag of Tricks", "CNN Tricks", "ResNet Fans"]
    wb = load_workbook(paths[1])
    assert wb.sheetnames == ["scores", "rubric"] and wb["rubric"].max_row > 10
    wb.close()


def test_filled_xlsx_round_trip(grouped, midterm, tmp_path):
    path = write_sheets(rubric=midterm, groups=list(_groups(grouped).values()), raters=["TA Bình"],
                        out_dir=tmp_path, xlsx=True)[1]
    wb = load_workbook(path)
    ws = wb["scores"]
    for row, values in ((2, (9, 8.5, 8, 9)), (4, (7, 7, 7, 7))):      # Augmenters, CNN Tricks
        for col, v in zip("EFGH", values):
            ws[f"{col}{row}"] = v
    wb.save(path)
    wb.close()
    ratings = import_scores(grouped, rubric=midterm, paths=[path])
    assert [(r.group, r.rater, r.scores["implementation"]) for r in ratings] == [
        ("Augmenters", "TA Bình", 8.5), ("CNN Tricks", "TA Bình", 7.0)]


def test_import_csv_sheets(grouped, midterm, files):
    ratings = import_scores(grouped, rubric=midterm, paths=[files / "sheet_ta_an.csv", files / "sheet_lecturer.csv"])
    assert len(ratings) == 6                                   # ResNet Fans blank in both -> skipped
    lec = [r for r in _ratings(grouped) if r.rater == "Lecturer Diệp" and r.group == "CNN Tricks"][0]
    assert lec.scores == {"comparison": 7, "implementation": 7.5, "analysis": 9, "presentation": 8}
    assert lec.comment == "Phân tích tốt <b>bold</b> & rõ" and lec.source == "sheet_lecturer.csv:2"


def test_bad_row_rejects_everything_and_lists_rows(grouped, midterm, files):
    import_scores(grouped, rubric=midterm, paths=[files / "sheet_ta_an.csv"])
    before = _ratings(grouped)
    with pytest.raises(ImportRejected) as e:
        import_scores(grouped, rubric=midterm, paths=[files / "sheet_lecturer.csv", files / "sheet_bad.csv"])
    msg = str(e.value)
    assert "3 bad row(s) in the score sheets; nothing was imported" in msg
    assert "row 3 of sheet_bad.csv: column 'group': unknown group 'CNN Trick'; did you mean 'CNN Tricks'?" in msg
    assert "row 4 of sheet_bad.csv: column 'analysis': '11' is out of range 0-10" in msg
    assert "row 5 of sheet_bad.csv: column 'implementation': 'abc' is not a number" in msg
    assert [p[0] for p in e.value.problems] == ["3 of sheet_bad.csv", "4 of sheet_bad.csv", "5 of sheet_bad.csv"]
    assert _ratings(grouped) == before                         # the good lecturer sheet was not stored either


def test_reimport_replaces_the_raters_rows(grouped, midterm, files, tmp_path):
    import_scores(grouped, rubric=midterm, paths=[files / "sheet_ta_an.csv"])
    fixed = tmp_path / "ta_an_fixed.csv"
    fixed.write_text("rater,group,comparison,implementation,analysis,presentation\nTA An,CNN Tricks,5,,,\n",
                     encoding="utf-8")
    import_scores(grouped, rubric=midterm, paths=[fixed])
    cnn = [r for r in _ratings(grouped) if r.group == "CNN Tricks"]
    assert [(r.rater, r.scores) for r in cnn] == [("TA An", {"comparison": 5.0})]
    assert len(_ratings(grouped)) == 3


def test_same_group_twice_for_one_rater_is_rejected(grouped, midterm, tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("rater;group;comparison;implementation;analysis;presentation\n"
                 "TA An;CNN Tricks;5;5;5;5\nTA An;cnn tricks ;6;6;6;6\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=r"row 3 of s.csv: column 'group': 'TA An' already scored "
                                             r"'CNN Tricks' at row 2 of s.csv"):
        import_scores(grouped, rubric=midterm, paths=[p])


def test_missing_rater_and_bad_cap_value(db_url, files, final_rubric, tmp_path):
    import_groups(db_url, registration=files / "registration_clean.csv", roster=files / "roster.csv",
                  assessment="final_project")
    p = tmp_path / "s.csv"
    p.write_text("rater,group,dataset,methods,implementation,analysis,presentation,comparative_only\n"
                 ",CNN Tricks,5,5,5,5,5,yes\nTA An,Augmenters,5,5,5,5,5,maybe\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as e:
        import_scores(db_url, rubric=final_rubric, paths=[p])
    assert "row 2 of s.csv: column 'rater': empty" in str(e.value)
    assert "row 3 of s.csv: column 'comparative_only': 'maybe' is not yes/no" in str(e.value)
    p.write_text("rater,group,dataset,methods,implementation,analysis,presentation,comparative_only\n"
                 ",CNN Tricks,5,5,5,5,5,Có\n,Augmenters,5,5,5,5,5,\n", encoding="utf-8")
    ratings = import_scores(db_url, rubric=final_rubric, paths=[p], rater="TA An")   # --rater fills the blank
    assert [(r.rater, r.group, r.caps) for r in ratings] == [
        ("TA An", "CNN Tricks", {"comparative_only": True}), ("TA An", "Augmenters", {"comparative_only": False})]


def test_import_without_groups_says_what_to_do(db_url, midterm, files):
    with pytest.raises(ImportRejected, match="groups import"):
        import_scores(db_url, rubric=midterm, paths=[files / "sheet_ta_an.csv"])
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM seminar_scores")).scalar() == 0
    finally:
        engine.dispose()
