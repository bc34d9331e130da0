import contextlib
import multiprocessing
import os
import signal
import threading

import pytest

from analysis.interrupts import (
    children_ignore_interrupts,
    raise_if_interrupted,
    remembering_interrupts,
)


def _sigint_disposition() -> str:
    return {signal.SIG_IGN: "ignored", signal.SIG_DFL: "default"}.get(
        signal.getsignal(signal.SIGINT), "handled"
    )


def test_children_started_in_the_block_ignore_ctrl_c_and_this_process_does_not():
    context = multiprocessing.get_context("spawn")
    with children_ignore_interrupts():
        pool = context.Pool(1)
    try:
        assert pool.apply(_sigint_disposition) == "ignored"
    finally:
        pool.close()
        pool.join()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_pressed_while_children_start_arrives_when_they_have_started():
    reached_the_end_of_the_block = False
    with pytest.raises(KeyboardInterrupt), children_ignore_interrupts():
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # to this thread
        reached_the_end_of_the_block = True
    assert reached_the_end_of_the_block


def test_a_ctrl_c_arriving_as_the_block_begins_arrives_before_anything_starts(monkeypatch):
    block = signal.pthread_sigmask

    def block_then_press_ctrl_c(how, mask):
        previous = block(how, mask)
        if how == signal.SIG_BLOCK:
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # waiting, blocked
        return previous

    monkeypatch.setattr(signal, "pthread_sigmask", block_then_press_ctrl_c)
    started = False
    with pytest.raises(KeyboardInterrupt), children_ignore_interrupts():
        started = True
    assert not started
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_that_other_code_swallowed_is_still_raised_before_publishing():
    with remembering_interrupts():
        raise_if_interrupted()  # nothing yet
        with contextlib.suppress(KeyboardInterrupt):  # as a library's catch-all import does
            os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
    raise_if_interrupted()  # forgotten once the command has ended
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
