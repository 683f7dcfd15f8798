"""The machine's load: what other programs took while a run ran, told apart from the run's own."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from multiprocessing.synchronize import Event

import pytest

from gui.core.watches.machine_load import MachineLoad, MachineMeter, total

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/stat"), reason="needs Linux's /proc")


def spin(stop: Event, limit_s: float) -> None:
    """Keep a core busy until told to stop (and never longer than ``limit_s``)."""
    ends = time.monotonic() + limit_s
    while not stop.is_set() and time.monotonic() < ends:
        pass


def spin_for(seconds: float) -> None:
    ends = time.thread_time() + seconds
    while time.thread_time() < ends:
        pass


@pytest.fixture
def two_busy_loops() -> Iterator[None]:
    """Two processes that are not this run's (started by the test, but counted as another program's)."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    loops = [context.Process(target=spin, args=(stop, 30.0), daemon=True) for _ in range(2)]
    for loop in loops:
        loop.start()
    try:
        yield
    finally:
        stop.set()
        for loop in loops:
            loop.join(5)
            if loop.is_alive():
                loop.kill()


def test_a_child_that_computes_is_counted_as_the_runs_own_time() -> None:
    meter = MachineMeter()
    meter.start()
    child = multiprocessing.get_context("spawn").Process(target=spin_for, args=(0.5,))
    child.start()
    child.join()  # reaped: its time is now in our children's
    load = meter.load()
    assert load is not None
    assert load.ours_s >= 0.45, load


def test_two_busy_loops_of_another_program_make_the_machine_busy(two_busy_loops: None) -> None:
    """The busy loops are this test's children, so the "run" measured is another child of its own:
    to that run, the loops and the test itself are other programs."""
    context = multiprocessing.get_context("spawn")
    done = context.Event()
    run = context.Process(target=spin, args=(done, 30.0), daemon=True)
    run.start()
    try:
        meter = MachineMeter(root_pid=run.pid)
        meter.start()
        spin_for(0.6)  # long enough to read, in ticks of 10 ms
        load = meter.load()
    finally:
        done.set()
        run.join(5)
    assert load is not None and load.others_cpu_share is not None
    assert load.busy, load
    assert load.ours_s < load.machine_busy_s
    assert load.as_json()["busy"] is True and "busy" in load.sentence()


def test_loads_add_up_over_runs_and_an_unknown_one_makes_the_total_unknown() -> None:
    a = MachineLoad(cores=2, wall_s=1.0, machine_busy_s=1.5, ours_s=1.0)
    b = MachineLoad(cores=2, wall_s=1.0, machine_busy_s=0.5, ours_s=0.5)
    both = total([a, b])
    assert both is not None and both.wall_s == 2.0 and both.others_s == pytest.approx(0.5)
    assert both.others_cpu_share == pytest.approx(0.125)
    assert total([a, None]) is None


def test_a_reading_too_short_to_resolve_claims_no_share() -> None:
    short = MachineLoad(cores=2, wall_s=0.05, machine_busy_s=0.1, ours_s=0.0)
    assert short.others_cpu_share is None and not short.busy
    assert "too short" in short.sentence()
