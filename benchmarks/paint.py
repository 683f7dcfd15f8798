"""Window smoothness: timeline paint time per frame, zoom redraws, the event loop's lag, and a big run.

    python benchmarks/paint.py [--json] [--lag-runs 5]

Each part runs in a child process of its own (so each peak memory figure is that part's alone):

1. Paint: a run of N requests (2,000 and 10,000) on 100 lanes is replayed frame by frame at
   60 fps into the real TimelineView (offscreen), as the window would see it live; each frame's
   refresh + paint is timed. Synthetic events (the engine is benchmarked in engine.py); the view
   code is the real one. Also timed: a full redraw (zoom or pan changed the view), which cannot
   reuse the cached image of ended bars.
2. Loop lag: the real window runs 1,000-request asyncio runs (concurrency 100, latency 100 ms,
   no jitter: the burstiest case) on the qasync loop it shares with painting; a probe coroutine
   asks to wake every 5 ms and records how late it wakes. Samples while the run runs are the
   figure; those after its last request (the window files the run: history, explain, stats) are
   reported apart.
3. Big run: 10,000 requests at concurrency 500 in the window, 3 runs pooled: that they complete,
   the loop's lag, how far apart the window's frames came (16.7 ms at 60 Hz), the timeline's
   paint time (sampled: the view rendered to an image every 100 ms) and the process's peak
   resident memory (``VmHWM``; the local server is a process of its own).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple, cast

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from scale import peak_rss_mb

from gui.core.model.run_model import RunModel
from gui.core.run.engine import Run, RunState
from gui.core.session.lab import LiveRun
from gui.core.trace.events import BatchSink, EndEvent, Outcome, Phase, PhaseEvent, PokemonCard, Status
from gui.core.workload.settings import make_settings
from gui.qt.event_loop import BatchingEventLoop
from gui.qt.main_window import MainWindow
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from gui.server import NetworkConditions

FPS = 60
LANES = 100
GOALS = {
    "paint_ms_p95_at_2000": 4.0,
    "full_redraw_ms_p50_at_10000": 16.0,
    "loop_lag_ms_p99": 16.0,
    "big_paint_ms_p95": 8.0,
    "big_loop_lag_ms_p99": 50.0,
    "big_peak_rss_mb": 300.0,
}


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


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples) or [float("nan")]
    return {
        "p50": round(ordered[len(ordered) // 2], 2),
        "p99": round(ordered[int(len(ordered) * 0.99)], 2),
        "max": round(ordered[-1], 2),
    }


async def loop_lag_during_runs(requests: int, runs: int, concurrency: int = 100) -> dict[str, Any]:
    """Pool the probe's samples over several runs: one run gives ~150, too few for a steady p99."""
    during: list[float] = []
    after: list[float] = []
    walls, per_run_p99 = [], []
    for _ in range(runs):
        run = await loop_lag_during_run(requests, concurrency)
        walls.append(run.wall_s)
        during += run.during
        after += run.after
        per_run_p99.append(percentiles(run.during)["p99"])
    figures = percentiles(during)
    return {
        "requests": requests,
        "concurrency": concurrency,
        "runs": runs,
        "wall_s": round(statistics.median(walls), 3),
        "samples": len(during),
        "loop_lag_ms_p50": figures["p50"],
        "loop_lag_ms_p99": figures["p99"],
        "loop_lag_ms_max": figures["max"],
        "single_run_p99_range_ms": [min(per_run_p99), max(per_run_p99)],
        "after_last_request_max_ms": percentiles(after)["max"],
    }


class WindowRun(NamedTuple):
    wall_s: float
    during: list[float]  # the probe's lags (ms) while the run ran
    after: list[float]  # ... after its last request (the window files the run)
    paints: list[float]  # sampled timeline renders (ms), if asked
    frame_gaps: list[float]  # ms between the window's frames while the run ran (16.7 at 60 Hz)


async def loop_lag_during_run(requests: int, concurrency: int, sample_paint: bool = False) -> WindowRun:
    """One run in the real window, probed."""
    window = MainWindow(NetworkConditions(latency_ms=100))
    window.settings_panel.count.setValue(requests)
    window.settings_panel.workers.setValue(concurrency)
    window.settings_panel.latency.setValue(100)
    window.settings_panel.jitter.setValue(0)
    window.resize(1360, 820)
    window.show()
    window.start_server()
    await window.server_ready.wait()
    samples: list[tuple[float, float]] = []
    paints: list[float] = []
    finished: asyncio.Future[LiveRun] = asyncio.get_running_loop().create_future()

    def on_finished(live: LiveRun) -> None:
        if not finished.done():
            finished.set_result(live)

    window.run_finished.connect(on_finished)
    frames: list[float] = []
    window.runs.timer.timeout.connect(lambda: frames.append(time.perf_counter()))
    window.runs.start_mode("asyncio")

    async def probe() -> None:
        while not finished.done():
            asked = time.perf_counter()
            await asyncio.sleep(0.005)
            woke = time.perf_counter()
            samples.append((woke, (woke - asked - 0.005) * 1000))

    async def paint_sampler() -> None:
        image = QImage(window.timeline.size(), QImage.Format.Format_ARGB32_Premultiplied)
        while not finished.done():
            await asyncio.sleep(0.1)
            started = time.perf_counter()
            window.timeline.render(image)
            paints.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(probe(), finished, *([paint_sampler()] if sample_paint else []))
    live: LiveRun = finished.result()
    assert live.run.t0 is not None
    last = live.run.t0 + live.run.wall_s
    ok = live.model.done == requests and all(s.status is Status.OK for s in live.model.spans)
    assert ok, f"only {live.model.done} of {requests} requests ended, or some failed"
    window.close()
    await window.closed
    during = [lag for woke, lag in samples if woke <= last]
    after = [lag for woke, lag in samples if woke > last]
    shown = [t for t in frames if t <= last]
    gaps = [(b - a) * 1000 for a, b in zip(shown, shown[1:], strict=False)]
    return WindowRun(live.run.wall_s, during, after, paints, gaps)


async def big_run(requests: int, concurrency: int, runs: int) -> dict[str, Any]:
    """Several big runs pooled, as the 1,000-request figure is: one run gives ~250 lag samples,
    so its p99 is its third-worst moment, and the worst is always its first wave (500 connections
    opened at once)."""
    walls: list[float] = []
    during: list[float] = []
    paints: list[float] = []
    gaps: list[float] = []
    per_run_p99: list[float] = []
    for _ in range(runs):
        run = await loop_lag_during_run(requests, concurrency, sample_paint=True)
        walls.append(run.wall_s)
        during += run.during
        paints += run.paints
        gaps += run.frame_gaps
        per_run_p99.append(percentiles(run.during)["p99"])
    lag = percentiles(during)
    frame_gap = percentiles(gaps)
    paint = sorted(paints) or [float("nan")]
    return {
        "requests": requests,
        "concurrency": concurrency,
        "runs": runs,
        "completed": True,
        "wall_s": round(statistics.median(walls), 3),
        "samples": len(during),
        "loop_lag_ms_p99": lag["p99"],
        "single_run_p99_range_ms": [min(per_run_p99), max(per_run_p99)],
        "loop_lag_ms_max": lag["max"],
        "frame_gap_ms_p99": frame_gap["p99"],
        "frame_gap_ms_max": frame_gap["max"],
        "paint_samples": len(paints),
        "paint_ms_p50": round(paint[len(paint) // 2], 2),
        "paint_ms_p95": round(paint[int(len(paint) * 0.95)], 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def run_part(part: str, args: argparse.Namespace) -> dict[str, Any]:
    """One part, in this process."""
    app = cast(QApplication, QApplication.instance() or QApplication([]))
    app.setQuitOnLastWindowClosed(False)  # as the app does: one window closing must not end the loop
    if part == "replay":
        return {count: replay_paint_ms(int(count)) for count in args.counts.split(",")}
    loop = BatchingEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        if part == "lag":
            work = loop_lag_during_runs(1000, args.lag_runs)
        else:
            work = big_run(args.big_n, args.big_concurrency, args.big_runs)
        figures: dict[str, Any] = loop.run_until_complete(work)
        return figures


def in_child(part: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, "--counts", args.counts, "--lag-runs", str(args.lag_runs)]
    command += ["--big-n", str(args.big_n), "--big-concurrency", str(args.big_concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{part} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--counts", default="2000,10000")
    parser.add_argument("--lag-runs", type=int, default=5, help="runs pooled for the loop-lag figures")
    parser.add_argument("--big-n", type=int, default=10_000)
    parser.add_argument("--big-concurrency", type=int, default=500)
    parser.add_argument("--big-runs", type=int, default=3, help="big runs pooled for their figures")
    parser.add_argument("--part", choices=("replay", "lag", "big"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(json.dumps(run_part(args.part, args)))
        return 0
    paint = in_child("replay", args)
    lag = in_child("lag", args)
    big = in_child("big", args)
    figures = {
        "paint_ms_p95_at_2000": paint.get("2000", {}).get("paint_ms_p95"),
        "full_redraw_ms_p50_at_10000": paint.get("10000", {}).get("full_redraw_ms_p50"),
        "loop_lag_ms_p99": lag["loop_lag_ms_p99"],
        "big_paint_ms_p95": big["paint_ms_p95"],
        "big_loop_lag_ms_p99": big["loop_lag_ms_p99"],
        "big_peak_rss_mb": big["peak_rss_mb"],
    }
    result = {"spans": paint, "loop_lag": lag, "big_run": big, "figures": figures, "goals": GOALS}
    if args.json:
        print(json.dumps(result))
        return 0
    for count, f in paint.items():
        print(
            f"{int(count):>6} spans: paint p50 {f['paint_ms_p50']:.2f} ms, p95 {f['paint_ms_p95']:.2f} ms "
            f"over {f['frames']} frames; full redraw p50 {f['full_redraw_ms_p50']:.1f} ms, "
            f"p95 {f['full_redraw_ms_p95']:.1f} ms"
        )
    print(
        f"loop lag during {lag['runs']} asyncio runs of {lag['requests']} requests: p50 {lag['loop_lag_ms_p50']} ms, "
        f"p99 {lag['loop_lag_ms_p99']} ms (single runs {lag['single_run_p99_range_ms']}), max {lag['loop_lag_ms_max']} "
        f"ms ({lag['samples']} samples); after the last request (filing the run): max "
        f"{lag['after_last_request_max_ms']} ms"
    )
    print(
        f"{big['requests']:,} requests at {big['concurrency']} in the window ({big['runs']} runs): done in "
        f"{big['wall_s']} s; loop lag p99 {big['loop_lag_ms_p99']} ms (single runs {big['single_run_p99_range_ms']}, "
        f"max {big['loop_lag_ms_max']} ms, {big['samples']} samples); frames {big['frame_gap_ms_p99']} ms apart at "
        f"p99 (max {big['frame_gap_ms_max']} ms); paint p95 {big['paint_ms_p95']} ms "
        f"({big['paint_samples']} samples); peak RSS {big['peak_rss_mb']} MB"
    )
    for name, goal in GOALS.items():
        value = figures[name]
        verdict = "met" if value is not None and value <= goal else "NOT met"
        print(f"  {name:<30} {value!s:>8}  goal <= {goal}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
