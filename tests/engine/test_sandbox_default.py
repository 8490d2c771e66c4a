"""Secure by default: `make setup` installs bubblewrap where it can, `require` refuses to grade unsandboxed,
and grading without a sandbox is said plainly (what student code can then reach)."""
import os
import subprocess
from pathlib import Path

import pytest

from autograder.core.errors import SandboxError
from autograder.core.settings import SANDBOX_MODES, load_course_config
from autograder.engine import sandbox
from autograder.engine.sandbox import plan_sandbox, unsandboxed_warning

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox, "_bwrap_flavour", lambda: None)
    monkeypatch.setattr(sandbox, "_bwrap_path", lambda: None)


def test_require_refuses_without_bubblewrap_and_says_how_to_fix_it(no_bwrap):
    assert "require" in SANDBOX_MODES
    with pytest.raises(SandboxError) as err:
        plan_sandbox(sandbox="require")
    text = str(err.value)
    assert "refuses to grade without a sandbox" in text and "not installed" in text
    assert "apt-get install bubblewrap" in text


def test_require_uses_bubblewrap_when_usable(monkeypatch):
    monkeypatch.setattr(sandbox, "_bwrap_flavour", lambda: ("--unshare-net",))
    assert plan_sandbox(sandbox="require").mode == "bwrap"
    assert unsandboxed_warning(plan_sandbox(sandbox="require"), requested="require") is None


def test_the_unsandboxed_warning_says_why_and_what_student_code_can_reach(no_bwrap):
    auto = unsandboxed_warning(plan_sandbox(sandbox="auto"), requested="auto")
    assert auto.startswith("WARNING: grading WITHOUT a sandbox because bubblewrap is not installed")
    for reach in ("hidden tests", "reference solutions", "other students", "network"):
        assert reach in auto
    assert "sandbox: require" in auto and "apt-get install bubblewrap" in auto
    chosen = unsandboxed_warning(plan_sandbox(sandbox="none"), requested="none")
    assert "because sandbox: none was chosen" in chosen


def test_course_config_and_cli_accept_require(tmp_path):
    (tmp_path / "autograder.yaml").write_text("sandbox: require\n")
    assert load_course_config(tmp_path).sandbox == "require"
    from autograder.cli import build_parser
    args = build_parser().parse_args(["grade", "w03_training", "--sandbox", "require"])
    assert args.sandbox == "require"


def _fake_apt(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "apt.log"
    apt = tmp_path / "apt-get"
    apt.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n")
    apt.chmod(0o755)
    return apt, log


def _make_bubblewrap(tmp_path: Path, **overrides) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    args = [f"{k}={v}" for k, v in overrides.items()]
    out = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "bubblewrap", *args], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_setup_installs_bubblewrap_as_root_with_apt_get(tmp_path):
    apt, log = _fake_apt(tmp_path)
    out = _make_bubblewrap(tmp_path, BWRAP=tmp_path / "no-such-bwrap", APT_GET=apt, SETUP_UID=0)
    assert "installing bubblewrap" in out
    assert "install -y -q bubblewrap" in log.read_text()


def test_setup_prints_the_one_command_when_it_cannot_install(tmp_path):
    apt, log = _fake_apt(tmp_path)
    out = _make_bubblewrap(tmp_path, BWRAP=tmp_path / "no-such-bwrap", APT_GET=apt, SETUP_UID=1000)
    assert "WITHOUT a sandbox" in out and "Run: sudo apt-get install bubblewrap" in out
    assert not log.exists()                      # nothing was run for the user


def test_setup_is_quiet_when_bubblewrap_is_there(tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    apt, log = _fake_apt(tmp_path)
    out = _make_bubblewrap(tmp_path, BWRAP=fake, APT_GET=apt, SETUP_UID=0)
    assert out.startswith("bubblewrap: ") and not log.exists()


def test_the_setup_rule_runs_the_bubblewrap_rule():
    text = (ROOT / "Makefile").read_text()
    stamp_rule = text.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "bubblewrap" in stamp_rule
