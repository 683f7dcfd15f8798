"""Watching a finished run again: its recorded events in time order, and its model as it was at any
moment of the run.

A replay never re-runs a request. It is a view of what was recorded: the events come from the
run's record (``run_record.recorded_events``, the same events that rebuild a run kept in the
history), applied to a fresh ``RunModel`` up to the playback moment. So the bars grow exactly as
they were recorded, and a replay works for a run from the history with no server running at all.
The clock that moves the moment is in ``gui.core.session.playback_clock``; the window only drives it.
"""

from __future__ import annotations

import bisect

from gui.core.history.run_record import record_of, recorded_events
from gui.core.model.run_model import RunModel
from gui.core.modes.catalogue import at_once
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork, RunSummary, summarize
from gui.core.trace.events import LoopLagEvent, ObservedEvent, SliverEvent, Status
from gui.core.workload.jobs import Job
from gui.core.workload.settings import RunSettings

# Watch events say how the run went, not what a request did: a jump skips them (an asyncio run
# records thousands of slivers; jumping through those would never reach the next bar's change).
_NOT_A_JUMP = (SliverEvent, LoopLagEvent, ObservedEvent)


class ReplayRun:
    """One band of a replay: a finished run as it was ``position_s`` seconds into it.

    It is what the timeline shows (``gui.core.views.timeline_pieces.ShownRun``): running until the moment
    reaches its end, with the model and the numbers of that moment.
    """

    def __init__(self, recorded: FinishedRun) -> None:
        self.recorded = recorded
        self.events = recorded_events(record_of(recorded))
        self._times = [t for t, _ in self.events]
        spans = recorded.model.spans[: recorded.model.jobs]
        self.jobs = [Job(span.request_id, span.pokemon, span.url) for span in spans]
        self.event_times = sorted({t for t, event in self.events if not isinstance(event, _NOT_A_JUMP)})
        self.network = KnownNetwork.from_conditions(recorded.conditions) if recorded.conditions else None
        self.model = RunModel(self.jobs)
        self.applied = 0  # how many of ``events`` are in ``model``
        self.position_s = 0.0
        self._summary: tuple[float, RunSummary] | None = None

    @property
    def settings(self) -> RunSettings:
        return self.recorded.settings

    @property
    def duration_s(self) -> float:
        return self.recorded.wall_s

    @property
    def running(self) -> bool:
        return self.position_s < self.duration_s

    def elapsed_s(self) -> float:
        return min(self.position_s, self.duration_s)

    def summary_now(self) -> RunSummary:
        """The numbers at the playback moment; the recorded ones once it reached the end."""
        if not self.running:
            return self.recorded.summary
        if self._summary is None or self._summary[0] != self.position_s:
            summary = summarize(self.model, self.settings, max(self.position_s, 1e-9), self.network)
            self._summary = (self.position_s, summary)
        return self._summary[1]

    def seek(self, t: float) -> None:
        """Move to ``t`` seconds into the run: forward applies the events in between; back starts a
        fresh model (a model cannot forget an event), so views must not keep the old one."""
        t = min(max(t, 0.0), self.duration_s)
        target = bisect.bisect_right(self._times, t)
        if target < self.applied:
            self.model = RunModel(self.jobs)
            self.applied = 0
        if target > self.applied:
            self.model.apply(event for _, event in self.events[self.applied : target])
            self.applied = target
        self.position_s = t


def moment_text(band: ReplayRun, speed: float) -> str:
    """Where a replay is, in words: "Replay at 0.42 s of 1.20 s (0.25×): 37 of 151 requests done, …"."""
    model = band.model
    requests = [span for span in model.spans if span.is_request]
    waiting = sum(span.status is Status.QUEUED for span in requests)
    done = sum(span.ended for span in requests)
    head = f"Replay at {band.elapsed_s():.2f} s of {band.duration_s:.2f} s ({speed_text(speed)})"
    if not band.running:
        return f"{head}: the end, as recorded."
    return (
        f"{head}: {done:,} of {len(requests):,} requests done, {model.in_flight:,} in flight "
        f"(limit {at_once(band.settings):,}), {waiting:,} not started yet."
    )


def speed_text(speed: float) -> str:
    """ "0.25×", "1×", "0.05×"."""
    return f"{speed:g}×"


def parse_moment(text: str) -> tuple[float, bool]:
    """``--at`` as (value, is a fraction): "1.5" is 1.5 s into the run, "50%" is half of it.

    Raises ValueError with a sentence a user can act on.
    """
    raw = text.strip()
    fraction = raw.endswith("%")
    number = raw[:-1] if fraction else raw.removesuffix("s")
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"--at {text!r}: give seconds (1.5) or a percentage of the run (50%)") from None
    if not value >= 0 or value == float("inf") or (fraction and value > 100):
        raise ValueError(f"--at {text!r}: give a time from 0 to the run's end, or a percentage from 0% to 100%")
    return (value / 100, True) if fraction else (value, False)


def moment_in(text: str, duration_s: float) -> float:
    """``--at``'s moment in a replay ``duration_s`` long (a time past the end is the end)."""
    value, fraction = parse_moment(text)
    return min(value * duration_s if fraction else value, duration_s)
