"""One time budget for a whole submission (``Limits.submission_timeout``): every cell, every test's calls and
every kernel restart draw on it, so a hostile notebook (one that hangs again after each restart, or sleeps just
under the per-call limit in every call) ends with a verdict in bounded time."""
from __future__ import annotations

import time


class Budget:
    """Seconds left of ``seconds`` since creation; ``hit`` records that something was cut short by it."""

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.started = time.monotonic()
        self.hit = False

    def left(self) -> float:
        return self.started + self.seconds - time.monotonic()

    def cap(self, timeout: float) -> float:
        """``timeout`` or what is left of the budget, whichever is smaller (never below 0)."""
        return max(0.0, min(timeout, self.left()))

    def caps(self, timeout: float) -> bool:
        """Whether the budget, not ``timeout``, is the nearer limit."""
        return self.left() < timeout
