"""Ctrl-C: handled once, by the command, and never lost.

- The build's worker processes and the gate's second process ignore SIGINT once started:
  on Ctrl-C the command itself stops them and exits with its one-line message, instead of
  every child printing a KeyboardInterrupt traceback from wherever it waited. (A child still
  starting, in its first fraction of a second, may print one; the command stops all the
  same.)
- The command remembers a Ctrl-C as well as raising KeyboardInterrupt, because code it
  calls may swallow the exception (a library whose import catches everything); publishing
  asks :func:`raise_if_interrupted` first, so an interrupted build never publishes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_interrupted = False  # a Ctrl-C arrived inside `remembering_interrupts`


@contextmanager
def remembering_interrupts() -> Iterator[None]:
    """Inside the block a Ctrl-C raises KeyboardInterrupt as usual and is also remembered for
    :func:`raise_if_interrupted`. Nothing changes outside the main thread, or where SIGINT is
    not Python's usual handler (a command started with it ignored, as in the background,
    keeps ignoring it)."""
    global _interrupted
    previous = signal.getsignal(signal.SIGINT)
    if (
        threading.current_thread() is not threading.main_thread()
        or previous is not signal.default_int_handler
    ):
        yield
        return

    def remember(signum, frame):
        global _interrupted
        _interrupted = True
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _interrupted = False


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt if a Ctrl-C arrived, even if the first one was swallowed."""
    if _interrupted:
        raise KeyboardInterrupt


def ignore_interrupts() -> None:
    """Ignore SIGINT in this process (the initializer of the command's process pools)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
