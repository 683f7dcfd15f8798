"""Window smoothness: timeline paint time per frame, and the event loop's lag during a run.

    python benchmarks/paint.py [--json]

1. Paint: a run of N requests (2,000 and 10,000) on 100 lanes is replayed frame by frame at
   60 fps into the real TimelineView (offscreen), as the window would see it live; each frame's
   refresh + paint is timed. Synthetic events (the engine is benchmarked in engine.py); the view
   code is the real one. Also timed: a full redraw (the view changed, e.g. zoom), which cannot
   reuse the cached image of ended bars.
2. Loop lag: the real window runs a 1,000-request asyncio run (concurrency 100, latency 100 ms)
   on the qasync loop it shares with painting; a probe coroutine asks to wake every 5 ms and
   records how late it wakes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import cast

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qasync
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from gui.core.engine import Run, RunState
from gui.core.lab import LiveRun
from gui.core.run_model import RunModel
from gui.core.settings import make_settings
from gui.core.trace import BatchSink, EndEvent, Outcome, Phase, PhaseEvent, PokemonCard, Status
from gui.qt.main_window import MainWindow
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from gui.server import NetworkConditions

FPS = 60
LANES = 100


def synthetic_events(count: int, lanes: int, latency_s: float = 0.1, seed: int = 1) -> list[PhaseEvent | EndEvent]:
    """A plausible run: ``lanes`` workers taking requests in turn, ~latency each, with jitter."""
    rng = random.Random(seed)
    free_at = [0.0] * lanes
    events: list[PhaseEvent | EndEvent] = []
    for request_id in range(count):
        lane = min(range(lanes), key=free_at.__getitem__)
        start = free_at[lane]
        connected = start + 0.0004
        sent = connected + 0.0002
        first = sent + latency_s * rng.uniform(0.8, 1.4)
        received = first + rng.uniform(0.0005, 0.01)
        end = received + 0.0003
        free_at[lane] = end
        events += [
            PhaseEvent(request_id, Phase.QUEUED, 0.0),
            PhaseEvent(request_id, Phase.STARTED, start, f"task {lane}"),
        ]
        events += [
            PhaseEvent(request_id, p, t)
            for p, t in (
                (Phase.CONNECTED, connected),
                (Phase.SENT, sent),
                (Phase.FIRST_BYTE, first),
                (Phase.RECEIVED, received),
                (Phase.PARSED, end),
            )
        ]
        events.append(EndEvent(request_id, end, Outcome(Status.OK, 200, bytes=3000), PokemonCard(1, "x", (), ())))
    return sorted(events, key=lambda e: e.t)


def replay_paint_ms(count: int) -> dict[str, float]:
    settings = make_settings(mode="asyncio", count=count, concurrency=LANES)
    run = Run(settings, "http://127.0.0.1:9/api/v2")  # never executed: the events are replayed
    live = LiveRun(run, BatchSink(), RunModel(run.jobs), None)
    run.state = RunState.RUNNING
    view = TimelineView(TimeWindow())
    view.resize(1100, 700)
    view.set_run(live)
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    events = synthetic_events(count, LANES)
    end_t = events[-1].t
    frame_ms: list[float] = []
    index = 0
    frame = 0
    while index < len(events):
        now = frame / FPS
        batch = []
        while index < len(events) and events[index].t <= now:
            batch.append(events[index])
            index += 1
        live.model.apply(batch)
        run.t0 = time.perf_counter() - now
        started = time.perf_counter()
        view.refresh()
        view.render(image)
        frame_ms.append((time.perf_counter() - started) * 1000)
        frame += 1
    run.state, run.wall_s = RunState.FINISHED, end_t
    full_ms = []
    for step in range(20):  # each a new view: nothing cached
        view.time_window.set_range(0.0, end_t * (1 + step / 100))
        started = time.perf_counter()
        view.render(image)
        full_ms.append((time.perf_counter() - started) * 1000)
    return {
        "frames": len(frame_ms),
        "paint_ms_p50": round(statistics.median(frame_ms), 3),
        "paint_ms_p95": round(sorted(frame_ms)[int(len(frame_ms) * 0.95)], 3),
        "full_redraw_ms_p50": round(statistics.median(full_ms), 3),
        "full_redraw_ms_p95": round(sorted(full_ms)[int(len(full_ms) * 0.95)], 3),
    }


async def loop_lag_during_runs(requests: int, runs: int) -> dict[str, float]:
    """Pool the probe's samples over several runs: one run gives ~150, too few for a steady p99."""
    lags: list[float] = []
    walls = []
    for _ in range(runs):
        wall, samples = await loop_lag_during_run(requests)
        walls.append(wall)
        lags += samples
    lags.sort()
    return {
        "requests": requests,
        "runs": runs,
        "wall_s": round(statistics.median(walls), 3),
        "samples": len(lags),
        "loop_lag_ms_p50": round(lags[len(lags) // 2], 2),
        "loop_lag_ms_p99": round(lags[int(len(lags) * 0.99)], 2),
        "loop_lag_ms_max": round(lags[-1], 2),
    }


async def loop_lag_during_run(requests: int) -> tuple[float, list[float]]:

    window = MainWindow(NetworkConditions(latency_ms=100))
    window.settings_panel.count.setValue(requests)
    window.settings_panel.workers.setValue(100)
    window.settings_panel.latency.setValue(100)
    window.settings_panel.jitter.setValue(0)
    window.resize(1360, 820)
    window.show()
    window.start_server()
    await window.server_ready.wait()
    lags: list[float] = []
    finished: asyncio.Future[LiveRun] = asyncio.get_running_loop().create_future()

    def on_finished(live: LiveRun) -> None:
        if not finished.done():
            finished.set_result(live)

    window.run_finished.connect(on_finished)
    window.start_mode("asyncio")

    async def probe() -> None:
        while not finished.done():
            asked = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append((time.perf_counter() - asked - 0.005) * 1000)

    await asyncio.gather(probe(), finished)
    live: LiveRun = finished.result()
    wall = live.run.wall_s
    window.close()
    await window.closed
    return wall, lags


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--counts", default="2000,10000")
    parser.add_argument("--lag-runs", type=int, default=5, help="runs pooled for the loop-lag figures")
    args = parser.parse_args()
    app = cast(QApplication, QApplication.instance() or QApplication([]))
    app.setQuitOnLastWindowClosed(False)  # as the app does: one window closing must not end the loop
    paint = {count: replay_paint_ms(int(count)) for count in args.counts.split(",")}
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        lag = loop.run_until_complete(loop_lag_during_runs(1000, args.lag_runs))
    result = {"spans": paint, "loop_lag": lag, "loop_lag_ms_p99": lag["loop_lag_ms_p99"]}
    if args.json:
        print(json.dumps(result))
    else:
        for count, figures in paint.items():
            print(
                f"{count:>6} spans: paint p50 {figures['paint_ms_p50']:.2f} ms, p95 {figures['paint_ms_p95']:.2f} ms "
                f"over {figures['frames']} frames; full redraw p50 {figures['full_redraw_ms_p50']:.1f} ms"
            )
        print(
            f"loop lag during {lag['runs']} asyncio runs of {lag['requests']} requests: "
            f"p50 {lag['loop_lag_ms_p50']} ms, p99 {lag['loop_lag_ms_p99']} ms, max {lag['loop_lag_ms_max']} ms "
            f"({lag['samples']} samples; a run took {lag['wall_s']} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
