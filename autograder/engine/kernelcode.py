"""The kernel-side modules (``autograder.engine.kernelside``) as source text, and the code that installs them.

Student kernels may not have the autograder installed, so its kernel-side code travels as the text of its
files: ``install_code()`` is prepended to the first proxied call in each kernel and builds the package
``SHIM_MODULE`` from ``KERNEL_MODULES`` (submodules in that order, relative imports between them), unless it is
there already; ``startup_file_text(limit)`` is the IPython startup file the kernel runs before student code.
"""
from __future__ import annotations

from functools import cache
from importlib import resources

from autograder.engine.kernelside import KERNEL_MODULES

SHIM_MODULE = "_autograder_shim"
_PACKAGE = "autograder.engine.kernelside"

# Runs in the kernel's user namespace: every name it makes there is removed again.
_INSTALL = """import sys as _ag_sys
if {name!r} not in _ag_sys.modules:
    def _ag_install(sources):
        import sys, types
        package = types.ModuleType({name!r})
        package.__path__ = []
        package.__package__ = {name!r}
        sys.modules[{name!r}] = package
        try:
            for sub, filename, text in sources:
                module = types.ModuleType({name!r} + "." + sub)
                module.__package__ = {name!r}
                module.__file__ = filename
                sys.modules[module.__name__] = module
                exec(compile(text, filename, "exec"), module.__dict__)
                setattr(package, sub, module)
            package.call = package.shim.call
        except BaseException:
            sys.modules.pop({name!r}, None)
            raise
    _ag_install({sources!r})
    del _ag_install
del _ag_sys
"""

_STARTUP = """def _autograder_startup(text, limit):
    import types
    module = types.ModuleType("_autograder_startup")
    exec(compile(text, {filename!r}, "exec"), module.__dict__)
    module.install(limit)


_autograder_startup({text!r}, {limit!r})
del _autograder_startup
"""


def source(module: str) -> str:
    """The text of ``kernelside/<module>.py``."""
    return resources.files(_PACKAGE).joinpath(f"{module}.py").read_text(encoding="utf-8")


def _filename(module: str) -> str:
    return f"autograder/engine/kernelside/{module}.py"


@cache
def install_code() -> str:
    """Python code that installs ``SHIM_MODULE`` in a kernel that lacks it (a no-op where it is present)."""
    sources = tuple((m, _filename(m), source(m)) for m in KERNEL_MODULES)
    return _INSTALL.format(name=SHIM_MODULE, sources=sources)


def startup_file_text(limit: int) -> str:
    """The kernel's IPython startup file: caps its output at ``limit`` characters, ignores exit()/quit()."""
    return _STARTUP.format(filename=_filename("startup"), text=source("startup"), limit=int(limit))
