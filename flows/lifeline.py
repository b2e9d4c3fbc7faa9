"""Every process a run starts ends when the run's process ends, however it ends (``kill -9`` included).

Two means, for two kinds of children: a subprocess started from the main thread
asks Linux for a signal when its parent dies (:func:`die_with_parent`, as
``preexec_fn``); a worker process of a pool, whose starting thread may end before
the run does, watches its parent from a thread (:func:`watch_parent`).
"""
from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading

_PR_SET_PDEATHSIG = 1
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl  # loaded here: after fork only the call is safe
except (OSError, AttributeError):  # not Linux
    _prctl = None


def die_with_parent() -> None:
    """Between fork and exec: have the kernel send SIGTERM to this process when the thread that
    started it dies (use from a thread that lives as long as the run: the main thread)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def watch_parent() -> None:
    """In a worker process of :mod:`multiprocessing`: exit at once when the process that
    started it is gone (also when that happened while this one was still starting)."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])  # readable once the parent has died
        os._exit(1)

    threading.Thread(target=watch, name="jingwen-lifeline", daemon=True).start()
