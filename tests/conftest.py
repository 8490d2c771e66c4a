"""Suite-wide: how `make test` spreads the tests over its processes (pytest-xdist, `--dist loadgroup`).

Each test file runs whole on one process, so a module-scoped fixture (a graded batch, a cluster) is built once.
Folders whose session-scoped fixtures are shared by several files (the nbgrader course graded by nbgrader and by
this engine, the reports' example course) run whole on one process too, for the same reason."""
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SHARED_SESSION_FIXTURES = ("nbgrader_course", "reports")


def _group(path: Path) -> str:
    rel = path.resolve().relative_to(HERE)
    return rel.parts[0] if rel.parts[0] in SHARED_SESSION_FIXTURES else rel.as_posix()


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):     # a plain run (no dev extra): nothing to spread
        return
    for item in items:
        if not any(m.name == "xdist_group" for m in item.iter_markers()):
            item.add_marker(pytest.mark.xdist_group(_group(Path(item.path))))
