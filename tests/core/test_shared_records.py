"""The model's reading of shared-memory records: which writes were lost, and the wait-for cycle."""

from __future__ import annotations

from gui.core.model.run_model import RunModel
from gui.core.trace.events import BatchSink, ObservedEvent, UpdateEvent
from gui.core.trace.recorder import Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.traced_lock import LockBook


def model_of(updates: list[tuple[int, float, int, float, int]]) -> RunModel:
    """(request, read at, value read, written at, value written) of one key, "water"."""
    model = RunModel([Job(i, f"p{i}", "") for i in range(4)])
    model.apply(UpdateEvent(r, "water", tr, read, tw, written, 1) for r, tr, read, tw, written in updates)
    return model


def lost(model: RunModel) -> set[int]:
    return {span.request_id for span in model.spans if span.lost}


def test_an_update_overwritten_by_a_stale_write_is_lost_and_the_count_agrees() -> None:
    # 0 and 1 both read 0; 0 writes 1, then 1 writes 1 over it: 0's update is lost.
    model = model_of([(0, 0.0, 0, 0.2, 1), (1, 0.1, 0, 0.3, 1)])
    assert lost(model) == {0}


def test_an_update_whose_value_survives_through_a_later_reader_is_kept() -> None:
    # 0 writes 1; 2 reads that 1 and writes 2; 1 had read 0 long before and writes 1 between them.
    # 1's write is overwritten by 2, whose read saw 0's value: 1 is lost, 0 is not.
    model = model_of([(0, 0.0, 0, 0.1, 1), (1, 0.05, 0, 0.3, 1), (2, 0.2, 1, 0.4, 2)])
    assert lost(model) == {1}
    assert 3 - len(lost(model)) == 2  # updates made minus lost = the final value


def test_sequential_updates_lose_nothing() -> None:
    model = model_of([(i, i * 0.1, i, i * 0.1 + 0.05, i + 1) for i in range(4)])
    assert lost(model) == set()


def test_the_book_finds_a_cycle_of_waits_and_nothing_in_a_chain() -> None:
    book = LockBook()
    book.takes(1, "Pokédex")
    book.takes(2, "PC box")
    book.waits(3, "Pokédex", 0.1)  # 3 → 1: a chain, 1 is not waiting
    assert book.cycle() is None
    book.waits(1, "PC box", 0.2)  # 1 → 2
    assert book.cycle() is None
    assert book.waits(2, "Pokédex", 0.3) == 1  # 2 → 1: the cycle closes
    found = book.cycle()
    assert found is not None
    requests, locks, formed = found
    assert set(requests) == {1, 2} and formed == 0.3
    assert dict(zip(requests, locks, strict=True)) == {1: "PC box", 2: "Pokédex"}


def test_observed_values_are_kept_by_name() -> None:
    model = RunModel([])
    sink = BatchSink()
    Recorder(sink, 0.0).emit(ObservedEvent(1.0, "caught", 0))
    model.apply(sink.drain())
    assert model.observed == {"caught": 0}
