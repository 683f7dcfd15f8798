"""Lessons III: requests found mid-run, shared futures, and pipelines, against the real local server."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import pytest

from gui.core.clients.aio_client import AsyncPokemonClient
from gui.core.clients.follow import AsyncFetcher
from gui.core.clients.pokemon_json import Link, Resource
from gui.core.clients.retry import RetryPolicy
from gui.core.lessons.lesson import measure_run
from gui.core.model.run_model import RunModel
from gui.core.modes.coroutines import traced_session
from gui.core.run.engine import Run
from gui.core.trace.events import BatchSink, EndEvent, Phase, RequestEvent, Status
from gui.core.trace.recorder import Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.settings import make_settings
from gui.server import LocalServer, NetworkConditions
from tests.core.helpers import run_lesson_on


def run_mode(server: LocalServer, mode: str, count: int = 30, **conditions: object) -> RunModel:
    server.set_conditions(**NetworkConditions().updated({"latency_ms": 20, **conditions}).to_dict())
    server.reset_dice()
    settings = make_settings(mode=mode, count=count, concurrency=8)
    return asyncio.run(measure_run(settings, server.base_url, None)).run.model


@pytest.mark.parametrize("mode", ["chains-shared", "chains-shared-threads"])
def test_a_shared_chain_is_fetched_once_and_every_other_reader_awaits_its_future(
    server: LocalServer, mode: str
) -> None:
    model = run_mode(server, mode)
    sent = [s for s in model.spans if s.is_request]
    assert len(sent) == len({s.url for s in sent}), "a chain was fetched twice"
    awaits = [s for s in model.spans if not s.is_request]
    assert awaits, "no Pokémon shared a chain in the first 30?"
    for wait in awaits:
        resolver = model.spans[wait.awaits]  # type: ignore[index]
        assert resolver.url == wait.url and resolver.is_request
        assert wait.status is Status.OK and resolver.status is Status.OK
        assert wait.end is not None and resolver.end is not None and wait.end >= resolver.end
    assert all(s.status is Status.OK for s in model.spans)


@pytest.mark.parametrize("mode", ["chains", "chains-threads"])
def test_followed_naively_shared_chains_are_fetched_again(server: LocalServer, mode: str) -> None:
    model = run_mode(server, mode)
    sent = [s for s in model.spans if s.is_request]
    assert len(sent) == 3 * 30 > len({s.url for s in sent})
    assert not [s for s in model.spans if not s.is_request]


@pytest.mark.parametrize("mode", ["chains-shared", "chains-shared-threads"])
def test_a_failed_shared_request_fails_every_reader_with_its_one_error(server: LocalServer, mode: str) -> None:
    model = run_mode(server, mode, count=60, error_rate=0.35, seed=6)
    readers = defaultdict(list)
    for span in model.spans:
        if span.awaits is not None:
            readers[span.awaits].append(span)
    failed_with_readers = [r for r in readers if model.spans[r].status.is_failure]
    assert failed_with_readers, "no shared chain request failed while others waited (change the seed)"
    for resolver_id in failed_with_readers:
        resolver = model.spans[resolver_id]
        for reader in readers[resolver_id]:
            assert reader.status is resolver.status and reader.error == resolver.error
    assert model.done == model.total  # and everything else ended, each once


def test_cancelling_one_reader_leaves_the_future_and_the_other_readers_alone(server: LocalServer) -> None:
    async def scenario() -> tuple[list[Any], RunModel]:
        sink = BatchSink()
        recorder = Recorder(sink, 0.0, requests=1)  # request 0: the species that named the chain
        async with traced_session(4, 5.0, recorder) as session:
            fetch = AsyncFetcher(AsyncPokemonClient(session, recorder, RetryPolicy(0, 0.1)), recorder, 4)
            link = Link({"url": f"{server.base_url}/evolution-chain/1/"})
            link.found_in = 0
            future: asyncio.Future[Resource] = asyncio.get_running_loop().create_future()
            resolver = asyncio.ensure_future(fetch(link, resolves=future))  # the promise side: a real request
            readers = [asyncio.ensure_future(fetch.wait(future, link)) for _ in range(3)]
            await asyncio.sleep(0)  # every reader is waiting now
            readers[1].cancel()
            future.set_result(await resolver)
            results = await asyncio.gather(*readers, return_exceptions=True)
        model = RunModel([Job(0, "species", "")])
        model.apply(sink.drain())
        return results, model

    results, model = asyncio.run(scenario())
    assert isinstance(results[0], Resource) and results[0] is results[2] and results[0]["id"] == 1
    assert isinstance(results[1], asyncio.CancelledError)
    chain, *awaits = model.spans[1:]
    assert chain.is_request and chain.status is Status.OK
    assert [s.status for s in awaits] == [Status.OK, Status.CANCELLED, Status.OK]
    assert all(s.initiator == 0 and s.awaits == chain.request_id for s in awaits)


def test_a_request_found_mid_run_gets_its_bar_at_once_linked_to_the_request_that_found_it(
    server: LocalServer,
) -> None:
    server.set_conditions(**NetworkConditions().updated({"latency_ms": 20}).to_dict())
    sink = BatchSink()
    run = Run(make_settings(mode="chains", count=20, concurrency=5), server.base_url, sink)
    asyncio.run(run.execute())
    events = sink.drain()  # in the order they were emitted
    model = RunModel(run.jobs)
    model.apply(events)
    made = [i for i, e in enumerate(events) if isinstance(e, RequestEvent)]
    last_job_end = max(i for i, e in enumerate(events) if isinstance(e, EndEvent) and e.request_id < 20)
    assert made and made[0] < last_job_end, "no bar appeared while the run's first requests were still going"
    assert len(model.spans) == 60
    for span in model.spans[20:]:
        initiator = model.spans[span.initiator]  # type: ignore[index]
        assert initiator.depth == span.depth - 1
        assert initiator.t[Phase.RECEIVED] <= span.t[Phase.QUEUED] <= span.t[Phase.STARTED]
    rows = model.rows()
    for job in range(20):  # one row per request: each Pokémon, then its species, then its chain
        at = rows.index(job)
        assert [model.spans[r].depth for r in rows[at : at + 3]] == [0, 1, 2]
        assert model.spans[rows[at + 2]].initiator == rows[at + 1]


def test_stage_by_stage_starts_no_request_of_a_stage_before_its_barrier(server: LocalServer) -> None:
    model = run_mode(server, "chains-staged", jitter_ms=10, jitter="long-tail")
    first, second = model.barriers
    for span in model.spans:
        start = span.t[Phase.STARTED]
        if span.depth == 0:
            assert span.end is not None and span.end <= first.t
        elif span.depth == 1:
            assert first.t <= start and span.end is not None and span.end <= second.t
        else:
            assert second.t <= start


def test_the_pipeline_lesson_beats_its_stages_on_a_long_tail(server: LocalServer) -> None:
    runs, figures = run_lesson_on(server, "pipeline")
    assert figures.lesson["pipelined_over_staged"] <= 0.85, figures
    staged, pipelined = runs
    assert len(staged.model.barriers) == 2 and not pipelined.model.barriers
    assert staged.summary.requests == pipelined.summary.requests == 3 * staged.settings.count


def test_a_run_of_chains_comes_back_from_the_history_with_its_links_awaits_and_barriers(server: LocalServer) -> None:
    import json

    from gui.core.history.run_record import record_of, run_from_record

    for mode in ("chains-shared", "chains-staged"):
        server.reset_dice()
        run = asyncio.run(measure_run(make_settings(mode=mode, count=20, concurrency=5), server.base_url, None)).run
        rebuilt = run_from_record(json.loads(json.dumps(record_of(run))))
        assert record_of(rebuilt) == record_of(run)
        assert rebuilt.model.rows() == run.model.rows() and rebuilt.model.jobs == 20
        assert [(s.initiator, s.awaits, s.depth) for s in rebuilt.model.spans] == [
            (s.initiator, s.awaits, s.depth) for s in run.model.spans
        ]
        assert [b.label for b in rebuilt.model.barriers] == [b.label for b in run.model.barriers]
        assert [b.t for b in rebuilt.model.barriers] == pytest.approx([b.t for b in run.model.barriers], abs=1e-6)
