"""Ctrl-C: handled once, by the command, and never lost.

- The build's worker processes and the gate's second process are started with SIGINT
  ignored (a disposition a child keeps through exec, so it holds from the child's first
  instruction), and they keep ignoring it. On Ctrl-C the command itself stops them and exits
  with its one-line message; without this, every child would print a KeyboardInterrupt
  traceback from wherever the signal found it (importing modules as it starts, or waiting
  for work).
- The command remembers a Ctrl-C as well as raising KeyboardInterrupt, because code it
  calls may swallow the exception (a library whose import catches everything); publishing
  asks :func:`raise_if_interrupted` first, so an interrupted build never publishes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def children_ignore_interrupts() -> Iterator[None]:
    """Child processes started inside the block ignore SIGINT; this process does not.

    Meanwhile SIGINT is ignored here too, and blocked in this thread: a Ctrl-C that reaches
    this thread in the block stays pending and arrives, as KeyboardInterrupt, when it ends
    (Linux keeps a blocked signal pending even while it is ignored), and one already pending
    arrives before anything starts. A Ctrl-C the system hands to another thread of the
    process in those few milliseconds is dropped; the next one stops the command. Outside
    the main thread, or without POSIX signal masks, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    handler = signal.getsignal(signal.SIGINT)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    if signal.SIGINT in signal.sigpending():
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # the waiting Ctrl-C, now
        yield
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_interrupted = False  # a Ctrl-C arrived inside `remembering_interrupts`


@contextmanager
def remembering_interrupts() -> Iterator[None]:
    """Inside the block a Ctrl-C raises KeyboardInterrupt as usual and is also remembered for
    :func:`raise_if_interrupted` (outside the main thread: nothing changes)."""
    global _interrupted
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

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
    """Ignore SIGINT in this process (a pool's initializer, for children started elsewhere)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
