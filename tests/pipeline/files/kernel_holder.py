"""Starts one unsandboxed student kernel, prints its pid, then waits: the PDEATHSIG test SIGKILLs this process."""
import sys
import tempfile
import time

from autograder.core.manifest import Limits
from autograder.engine.kernel import SandboxedKernel, _kernel_pid

kernel = SandboxedKernel(workdir=tempfile.mkdtemp(), limits=Limits(), sandbox=sys.argv[1])
kernel.start()
print(_kernel_pid(kernel.km), flush=True)
time.sleep(600)
