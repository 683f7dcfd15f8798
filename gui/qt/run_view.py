"""What the window draws of the runs on screen: the timeline, the in-flight and loop-lag strips,
the live stats and the legend, refreshed through one path, in live runs and in replay alike.

Nothing refreshes these views by hand. The run view subscribes to the two sources of change: the
Lab, which tells it once a frame after the current run's new events are in its model
(``Lab.frame_callbacks``), and the replay, which tells it when one began (``began``: its bands go on
screen) and where the playback moved (``moved``). Each notification is one refresh of every view; the live stats,
which sort every duration, follow every ``STATS_EVERY_FRAMES``-th one, and every one that ends
a run or a pause.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject

from gui.core.modes.catalogue import MODES
from gui.core.results.finished_run import FinishedRun
from gui.core.session.lab import Lab, LiveRun
from gui.core.session.playback_clock import Replay
from gui.core.session.replay import ReplayRun, moment_text
from gui.core.views.timeline_pieces import ShownRun
from gui.qt.explain_panel import ExplainPanel
from gui.qt.flight_strip import FlightStrip
from gui.qt.loop_lag_strip import LoopLagStrip
from gui.qt.replay_controller import ReplayController
from gui.qt.stats_panel import StatsPanel
from gui.qt.timeline_view import TimelineView

STATS_EVERY_FRAMES = 6  # the summary sorts every duration: ~10 times a second is plenty


class RunView(QObject):
    def __init__(
        self,
        lab: Lab,
        replay: ReplayController,
        timeline: TimelineView,
        strip: FlightStrip,
        lag_strip: LoopLagStrip,
        stats: StatsPanel,
        explain: ExplainPanel,
        band_names: Callable[[], list[str]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.lab, self.replay = lab, replay
        self.timeline, self.strip, self.lag_strip, self.stats, self.explain = timeline, strip, lag_strip, stats, explain
        self.band_names = band_names  # a lesson's variant names ("blocking", "fixed"), or none
        self.refreshes = 0  # every refresh of the views, live or replayed (a test counts them)
        lab.frame_callbacks.append(self._on_live_frame)
        replay.began.connect(self._on_replay_began)
        replay.moved.connect(self._on_replay_moved)
        replay.changed.connect(self._on_replay_changed)

    def refresh(self) -> None:
        """The one refresh of every view that follows a run."""
        self.timeline.refresh()
        self.strip.refresh()
        self.lag_strip.refresh()
        self.refreshes += 1

    def show_bands(self, runs: Sequence[ShownRun], title: str) -> None:
        """Put ``runs`` on the timeline; the strip follows the last one, named ``title`` when there are several."""
        self.timeline.set_runs(runs)
        self.strip.set_run(runs[-1] if runs else None, title)
        self.stats.show_step_legend(run.settings for run in runs)
        self.show_loop_lag()

    def finished_on_screen(self) -> list[FinishedRun]:
        """The bands on screen that are over, as FinishedRuns, top to bottom."""
        runs: list[FinishedRun] = []
        for run in self.timeline.runs:
            if isinstance(run, FinishedRun):
                runs.append(run)
            elif isinstance(run, ReplayRun):
                runs.append(run.recorded)  # exports and explanations take what was recorded
            elif isinstance(run, LiveRun) and not run.running:
                runs.append(run.finished_run())
        return runs

    def show_loop_lag(self) -> None:
        """The loop-lag strip under the timeline, for the runs on screen that watched their loop."""
        runs = self.timeline.runs
        names = [MODES[run.settings.mode].title for run in runs]
        variants = self.band_names()
        if variants and len(runs) <= len(variants):
            names = variants[: len(runs)]  # "blocking", "fixed"
        watched = [(run, name) for run, name in zip(runs, names, strict=True) if run.settings.watch_loop]
        self.lag_strip.set_runs([run for run, _ in watched], [name for _, name in watched])
        self.lag_strip.setVisible(bool(watched))

    def _on_live_frame(self, live: LiveRun) -> None:
        """The Lab applied a frame's events to the current run (its last ones too, once it ended)."""
        self.refresh()
        if live in self.timeline.runs and (self.refreshes % STATS_EVERY_FRAMES == 0 or not live.running):
            self.stats.show_run(live)

    def _on_replay_began(self, replay: Replay) -> None:
        """The runs on screen become replays of what they recorded (drawn at the first move)."""
        self.timeline.set_runs(replay.bands)
        self.timeline.fixed_end_s = replay.duration_s
        self.timeline.fit()
        self.strip.set_run(replay.bands[-1], self.strip.title)
        self.show_loop_lag()

    def _on_replay_moved(self, position: float) -> None:
        """The playback clock moved: every view follows it, the stats and the explanation less often."""
        self.refresh()
        if self.replay.playing and self.refreshes % STATS_EVERY_FRAMES:
            return
        band = self.strip.live
        if isinstance(band, ReplayRun):
            self.stats.show_run(band)
        self._show_moment()

    def _show_moment(self) -> None:
        explained = self._explained_band()
        if explained is not None:
            self.explain.show_moment(moment_text(explained, self.replay.speed))

    def _explained_band(self) -> ReplayRun | None:
        """The band whose run the explain panel explains (the last band if it explains none of them)."""
        bands = self.replay.bands
        shown = self.explain.run
        for band in bands:
            if band.recorded is shown or (shown is not None and band.recorded.settings == shown.settings):
                return band
        return bands[-1] if bands else None

    def _on_replay_changed(self) -> None:
        """Begun, ended, played, paused or a new speed: the moment's words change, not the bars
        (a pause or an end also moves the clock, and that refreshes them)."""
        if not self.replay.active:
            self.explain.show_moment(None)
        elif not self.replay.playing:
            self._show_moment()
