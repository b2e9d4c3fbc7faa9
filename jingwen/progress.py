"""Progress of a long run in the terminal: documents done, rate, time left.

Writes one self-overwriting line per stage to stderr when stderr is a
terminal, and nothing otherwise (logs, CI, pipes stay clean).
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """``stage(name, total)``, then ``advance(n)`` as documents are done, then ``end()``."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None, every: float = 0.2):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.every = every
        self.name, self.total, self.done, self.started, self.shown = "", 0, 0, 0.0, 0.0

    def stage(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0
        self.started = self.shown = time.monotonic()
        self._show(force=True)

    def advance(self, n: int) -> None:
        self.done += n
        self._show(force=self.done >= self.total)

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def line(self) -> str:
        """The status line: stage, documents done of total, rate, time left."""
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        left = (self.total - self.done) / rate if rate else None
        eta = "done" if self.done >= self.total else (f"ETA {_clock(left)}" if left is not None else "ETA …")
        share = 100 * self.done / self.total if self.total else 100.0
        return (f"  {self.name:<9} {self.done:>9,}/{self.total:,} documents {share:5.1f}%  "
                f"{rate:7,.0f} docs/s  {eta} ({_clock(elapsed)})")

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.shown < self.every):
            return
        self.shown = now
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()
