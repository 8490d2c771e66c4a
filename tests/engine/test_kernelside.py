"""The kernel-side modules as files: what they import, how they are installed, and the startup file."""
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.engine import kernelside
from autograder.engine.kernelcode import SHIM_MODULE, install_code, source, startup_file_text

FILES = sorted(Path(kernelside.__file__).parent.glob("*.py"))
ALLOWED = set(sys.stdlib_module_names) | {"numpy", "IPython", "keras", "sklearn"}


def test_every_kernel_module_is_sent():
    names = {p.stem for p in FILES} - {"__init__"}
    assert names == set(kernelside.KERNEL_MODULES) | {"startup"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_kernel_side_imports_only_stdlib_numpy_and_lazy_libraries(path):
    """The kernel may not have the autograder: no absolute import of it, heavy libraries only inside functions."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            continue
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) else []
        for name in names:
            top = name.split(".")[0]
            assert top in ALLOWED, f"{path.name} imports {name}"
    for node in tree.body:                          # module level: nothing heavier than numpy
        if isinstance(node, (ast.Import, ast.ImportFrom)) and not getattr(node, "level", 0):
            for name in [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]:
                assert name.split(".")[0] not in {"keras", "sklearn", "IPython", "tensorflow"}, name


def _run_isolated(code: str, tmp_path) -> str:
    """Run ``code`` in a fresh interpreter in which ``import autograder`` fails (as in a student's kernel)."""
    script = tmp_path / "kernel_side.py"
    script.write_text("import sys\nsys.modules['autograder'] = None\n" + code)
    out = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_install_code_builds_the_shim_package_without_the_autograder(tmp_path):
    code = install_code() + f"""
import json
shim = sys.modules[{SHIM_MODULE!r}]
assert shim.call is shim.shim.call and callable(shim.describe.describe)
h = shim.shim.Handles()
env = shim.shim.dispatch(h, "call", "add", '[{{"__tuple__": [1, 2]}}, {{}}]', False, 0, 10**6,
                         {{"add": lambda a, b: a + b, "gen": lambda: iter([])}}, None)
kept = shim.shim.dispatch(h, "call", "gen", '[{{"__tuple__": []}}, {{}}]', False, 0, 10**6,
                          {{"gen": lambda: iter([])}}, None)
before = set(globals())
exec(compile({install_code()!r}, "again", "exec"), globals())   # present already: nothing happens
print(json.dumps([env, kept, sorted(set(globals()) - before - {{"before"}})]))
"""
    env, kept, leaked = json.loads(_run_isolated(code, tmp_path))
    assert env == {"status": "ok", "value": "3"}
    assert json.loads(kept["value"])["__remote__"][1:] == ["iterator", {"class": "list_iterator",
                                                                         "module": "builtins"}]
    assert leaked == []


def test_install_code_leaves_no_names_in_the_users_namespace(tmp_path):
    code = "ns = {}\nexec(compile(" + repr(install_code()) + ", 'install', 'exec'), ns)\n" \
           "print(sorted(k for k in ns if k != '__builtins__'))\n"
    assert _run_isolated(code, tmp_path).strip() == "[]"


def test_startup_file_caps_output_and_makes_exit_harmless(tmp_path):
    code = """
class Stream:
    def __init__(self):
        self.parts = []
    def write(self, text):
        self.parts.append(text)
        return len(text)

class Shell:
    ask_exit = None

out, err = Stream(), Stream()
real, sys.stdout, sys.stderr = sys.stdout, out, err
import IPython
shell = Shell()
IPython.get_ipython = lambda: shell
ns = {}
exec(compile(TEXT, "00-autograder-startup.py", "exec"), ns)
for _ in range(10):
    print("x" * 30)
shell.ask_exit()
sys.stdout = sys.stderr = real
print(repr("".join(out.parts)))
print(repr("".join(err.parts)))
print(sorted(k for k in ns if k != "__builtins__"))
""".replace("TEXT", repr(startup_file_text(100)))
    lines = _run_isolated(code, tmp_path).splitlines()
    written = eval(lines[0])
    assert written.startswith("x" * 30 + "\n") and "output limit reached" in written
    assert written.count("x") == 100 - 3                    # 100 characters in all, 3 of them newlines
    assert "exit()/quit() ignored" in eval(lines[1])
    assert lines[2] == "[]"


def test_sources_are_the_files_text():
    for name in kernelside.KERNEL_MODULES + ("startup",):
        assert source(name) == (Path(kernelside.__file__).parent / f"{name}.py").read_text()
        compile(source(name), name, "exec")
