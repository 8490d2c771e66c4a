"""nbgrader's own tools on the gradebook the drop-in wrote: formgrader's listing, generate_feedback, export."""
import csv

import pytest

pytestmark = pytest.mark.slow


def _api(root):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    cfg.CourseDirectory.root = str(root)
    return NbGraderAPI(CourseDirectory(config=cfg), config=cfg), cfg


def test_formgrader_feedback_and_export_work_on_our_gradebook(by_engine, tmp_path):
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    from autograder.pipeline.gradebook import quiet_sqlalchemy
    root = by_engine[0]
    with quiet_sqlalchemy():
        api, cfg = _api(root)
        listed = {s["student"]: s for s in api.get_submissions("ps1")}       # what formgrader lists
        assert listed["bitdiddle"]["autograded"] and listed["bitdiddle"]["score"] == 10
        assert listed["bitdiddle"]["needs_manual_grade"]                     # the written answers
        result = api.generate_feedback("ps1", "reads-source")
        assert result["success"], result.get("log")
        out = tmp_path / "grades.csv"
        cfg.ExportPlugin.to = str(out)
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            CsvExportPlugin(config=cfg).export(gb)
    page = (root / "feedback" / "reads-source" / "ps1" / "problem1.html").read_text(encoding="utf-8")
    assert "only the assignment&#39;s own files are visible" in page or "only the assignment's own files" in page
    rows = {r["student_id"]: r for r in csv.DictReader(out.read_text(encoding="utf-8").splitlines())}
    hacker = {k: float(rows["hacker"][k]) for k in ("raw_score", "late_submission_penalty", "score")}
    assert hacker == {"raw_score": 3, "late_submission_penalty": 3, "score": 0}
    assert set(rows) >= {"bitdiddle", "hacker", "cheat-transformer"}
