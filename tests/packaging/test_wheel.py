"""The student's wheel (`make wheel`): it carries the package and nothing of the course's sources, and its base
install is enough for `autograder check` in a fresh virtualenv (no nbgrader, SQLAlchemy, pandas, matplotlib
or openpyxl)."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTRUCTOR_ONLY = ("nbgrader", "sqlalchemy", "pandas", "matplotlib", "openpyxl")

pytestmark = pytest.mark.slow


def _run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=900, **kw)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)])
    assert done.returncode == 0, done.stderr[-3000:]
    (path,) = out.glob("*.whl")
    return path


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_wheel_holds_the_package_and_no_course_source(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        contents = {_digest(zf.read(n)) for n in names if not n.endswith("/")}
    top = {n.split("/", 1)[0] for n in names}
    assert top <= {"autograder"} | {t for t in top if t.endswith(".dist-info")}, top
    assert "autograder/testing/grading.ini" in names        # pytest stops with a usage error without it
    assert "autograder/check.py" in names and "autograder/engine/kernel.py" in names
    assert not [n for n in names if n.endswith(".ipynb")]
    secret_files = [p for p in (ROOT / "reference_solutions").rglob("*.py")]
    for folder in (ROOT / "assignments").iterdir():
        secret_files += [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size > 64
                         and "public" not in p.relative_to(folder).parts]
    assert secret_files, "the repository's assignments were not found"
    leaked = [str(p.relative_to(ROOT)) for p in secret_files if _digest(p.read_bytes()) in contents]
    assert not leaked, f"the wheel carries course sources: {leaked}"
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(wheel) as zf:
        requires = [line for line in zf.read(meta).decode().splitlines()
                    if line.startswith("Requires-Dist:") and "extra ==" not in line]
    base = " ".join(requires).lower()
    assert not [pkg for pkg in INSTRUCTOR_ONLY if pkg in base], requires


def _released_folder(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "w00_demo"
    (folder / "public_tests").mkdir(parents=True)
    (folder / "public_tests" / "test_double.py").write_text(
        "import pytest\n\n\n"
        "@pytest.mark.task('double', points=10)\n"
        "def test_double(student):\n"
        "    assert student.double(21) == 42, 'double(21) should be 42'\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / "w00_demo.ipynb"))
    return folder / "w00_demo.ipynb"


@pytest.mark.heavy
def test_check_runs_in_a_fresh_virtualenv_with_only_the_base_install(wheel, tmp_path):
    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)])
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    installed = _run([str(py), "-m", "pip", "install", "-q", str(wheel)], env=env)
    assert installed.returncode == 0, installed.stderr[-3000:]
    probe = _run([str(py), "-c", "import importlib.util, json, sys; "
                  f"print(json.dumps([m for m in {list(INSTRUCTOR_ONLY)!r} if importlib.util.find_spec(m)]))"],
                 env=env, cwd=tmp_path)
    assert probe.returncode == 0 and json.loads(probe.stdout) == [], probe.stdout + probe.stderr

    good = _released_folder(tmp_path / "good", "def double(x):\n    return 2 * x\n")
    done = _run([str(venv / "bin" / "autograder"), "check", str(good)], env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[PASS] double" in done.stdout

    wrong = _released_folder(tmp_path / "wrong", "def double(x):\n    return x + 1\n")
    done = _run([str(venv / "bin" / "autograder"), "check", str(wrong)], env=env, cwd=tmp_path)
    assert done.returncode != 0 and "[FAIL] double" in done.stdout, done.stdout + done.stderr
