import contextlib
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor

import pytest

from analysis.interrupts import ignore_interrupts, raise_if_interrupted, remembering_interrupts


def _sigint_disposition() -> str:
    return {signal.SIG_IGN: "ignored", signal.SIG_DFL: "default"}.get(
        signal.getsignal(signal.SIGINT), "handled"
    )


def test_the_commands_process_pools_ignore_ctrl_c_and_the_command_does_not(ctrl_c_raises):
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=ignore_interrupts) as pool:
        assert pool.submit(_sigint_disposition).result() == "ignored"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_ctrl_c_that_other_code_swallowed_is_still_raised_before_publishing(ctrl_c_raises):
    with remembering_interrupts():
        raise_if_interrupted()  # nothing yet
        with contextlib.suppress(KeyboardInterrupt):  # as a library's catch-all import does
            os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            raise_if_interrupted()
    raise_if_interrupted()  # forgotten once the command has ended
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_command_started_with_ctrl_c_ignored_keeps_ignoring_it():
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with remembering_interrupts():
            os.kill(os.getpid(), signal.SIGINT)
            raise_if_interrupted()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
