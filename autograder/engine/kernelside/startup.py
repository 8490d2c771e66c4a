"""The kernel's IPython startup file: runs before any student code (``autograder.engine.kernelcode`` writes it).

(1) Past a total of ``limit`` characters, writes to stdout/stderr are discarded inside the kernel, so an endless
    print loop cannot fill the kernel's memory with buffered output faster than the grader reads it. The cap is
    half the grader-side flood kill (``kernel.FLOOD_FACTOR``), which stays as the backstop for a student who undoes
    it (and only endangers their own kernel).
(2) ``exit()``/``quit()`` do not end the kernel: left in a notebook they would end it after that cell, and again
    after every re-run for the remaining tests (``sys.exit`` only raises SystemExit in IPython).
(3) On a GPU runner (``AUTOGRADER_GPU_MEMORY_MB`` set by ``sandbox.kernel_env``), the kernel's one visible GPU is
    capped at that many MiB the moment TensorFlow is first imported (a logical device with ``memory_limit``; memory
    growth is on through ``TF_FORCE_GPU_ALLOW_GROWTH``), so one kernel cannot take a shared card's memory.
(4) A lifeline: the grader passes the read end of a pipe (``AUTOGRADER_LIFELINE_FD``) whose write end only it holds;
    when the grader dies the pipe reads EOF and the kernel exits. PR_SET_PDEATHSIG and bwrap's --die-with-parent
    do the same, except while bwrap sets up its namespaces (the death signal is cleared when it changes credentials):
    a grader killed in that window would otherwise leave the kernel running.
Only the standard library (and IPython, which the kernel runs).
"""

import os
import sys

LIMIT_NOTE = "\n[autograder: output limit reached; further output is discarded]\n"
EXIT_NOTE = "[autograder: exit()/quit() ignored while grading]\n"


def cap_output(stream, limit):
    """Make ``stream.write`` keep the first ``limit`` characters in total and drop the rest (noted once)."""
    write, state = stream.write, {"n": 0, "told": False}

    def capped_write(text):
        n = len(text) if isinstance(text, str) else 0
        room = limit - state["n"]
        if n > room:
            if room > 0:
                write(text[:room])
            state["n"] = limit
            if not state["told"]:
                state["told"] = True
                write(LIMIT_NOTE)
            return n
        state["n"] += n
        return write(text)
    stream.write = capped_write


def keep_kernel():
    """Stands in for IPython's ``ask_exit``."""
    sys.stderr.write(EXIT_NOTE)


def cap_gpu_memory_on_import(megabytes):
    """After ``import tensorflow`` completes, give every visible GPU a logical device of ``megabytes`` MiB."""
    import importlib.abc
    import importlib.machinery

    def apply(module):
        try:
            config = module.config
            for gpu in config.list_physical_devices("GPU"):
                config.set_logical_device_configuration(
                    gpu, [config.LogicalDeviceConfiguration(memory_limit=int(megabytes))])
        except Exception:
            pass

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "tensorflow":
                return None
            sys.meta_path.remove(self)              # once; the real finders locate tensorflow
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            exec_module = spec.loader.exec_module

            def exec_and_cap(module):
                exec_module(module)
                apply(module)
            spec.loader.exec_module = exec_and_cap
            return spec

    sys.meta_path.insert(0, Finder())


def watch_lifeline(fd):
    """Exit the kernel at once when the grader's end of the lifeline pipe closes (the grader died)."""
    import threading

    def watch():
        try:
            while os.read(fd, 1):
                pass
        except OSError:
            return                  # the fd was closed or replaced in the kernel: PR_SET_PDEATHSIG remains
        os._exit(1)
    threading.Thread(target=watch, name="autograder-lifeline", daemon=True).start()


def install(limit, shell=None):
    lifeline = os.environ.pop("AUTOGRADER_LIFELINE_FD", "")
    if lifeline.isdigit():
        try:
            watch_lifeline(int(lifeline))
        except Exception:
            pass
    megabytes = os.environ.get("AUTOGRADER_GPU_MEMORY_MB", "")
    if megabytes.isdigit() and int(megabytes) > 0:
        try:
            cap_gpu_memory_on_import(int(megabytes))
        except Exception:
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            cap_output(stream, limit)
        except Exception:
            pass
    try:
        if shell is None:
            from IPython import get_ipython
            shell = get_ipython()
        shell.ask_exit = keep_kernel
    except Exception:
        pass
