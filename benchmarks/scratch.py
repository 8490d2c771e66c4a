"""The scratch folder of one benchmark run, shared by the benchmarks that grade a batch."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def scratch_folder(prefix: str, result, *, keep: bool = False, say=print):
    """A fresh folder for the run; at the end, whatever happened, the load average goes to `result.load_after`
    (printed beside the timings) and the folder is kept and named (`keep`) or removed."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield base
    finally:
        result.load_after = os.getloadavg()
        if keep:
            say(f"kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
