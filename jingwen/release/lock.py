"""The output folder's lock: one run writes a folder of releases at a time."""
from __future__ import annotations

import fcntl
import os
import pathlib
from contextlib import contextmanager


class OutputLocked(RuntimeError):
    """Another run holds the output folder's lock."""


@contextmanager
def output_lock(out_dir: pathlib.Path):
    """Hold ``out_dir/.jingwen.lock`` for the duration of a run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ".jingwen.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise OutputLocked(f"{out_dir} is being written by {holder}; wait for it to finish") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"jingwen run pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
