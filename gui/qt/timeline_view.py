"""The timeline: one band per run on a shared time axis, one row per worker (or per request), one
bar per request coloured by phase.

A single run is one band; a comparison stacks its runs, every band's zero at the left edge, the
finished ones staying in view while the next grows live. The widget only lays out and paints:
pieces come from ``gui.core.views.timeline_pieces``, positions from ``timeline_geometry``, the cached
layer of ended bars from ``bar_layer`` and the grid, axis and headings from ``timeline_decor``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gui.core.model.run_model import RunModel, Span
from gui.core.modes.catalogue import keys_hint
from gui.core.session.replay import ReplayRun
from gui.core.trace.events import WorkerStartEvent
from gui.core.views.timeline_pieces import (
    LanePiece,
    RunningPieces,
    ShownRun,
    band_titles,
    flatten,
    row_labels,
    sorted_lanes,
    span_at_time,
    startup_pieces,
    startup_tooltip,
    tooltip_text,
)
from gui.qt import timeline_decor as decor
from gui.qt import timeline_marks as marks
from gui.qt.bar_layer import (
    B_T0,
    B_T1,
    P_T0,
    P_T1,
    BarLayer,
    BarPainter,
    SliversByEnd,
    bar_columns,
    close_open_ends,
    piece_columns,
)
from gui.qt.theme import is_dark
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_geometry import AXIS_H, BAND_TITLE_H, GUTTER_W, TimelineGeometry

CLICK_SLOP_PX = 4
WHEEL_ZOOM_PER_NOTCH = 1.25
HOVER_SLOP_PX = 3
WIDEST_ROW_LABEL = "worker_10"  # the gutter's width is fixed: its labels' type must fit it


class TimelineView(QWidget):
    """Draws the bands of one or several runs; emits ``span_clicked`` with the Span clicked, and
    ``scrubbed`` with the time under the mouse while it is pressed or dragged on the time axis."""

    span_clicked = Signal(object)
    scrubbed = Signal(float)

    def __init__(self, window: TimeWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time_window = window
        self.runs: list[ShownRun] = []
        self.per_request = False
        self.now = 0.0  # the latest moment any band has reached
        self.banner = ""  # a one-line message over the timeline (e.g. "threads run cancelled")
        self.band_names: list[str] = []  # a lesson's variant names, put before each band's title
        self.draw_direct = False  # paint every bar as shapes, skipping the cached image (SVG export)
        self.fixed_end_s: float | None = None  # a replay: the axis shows the whole recording, bars grow in it
        self.placeholder = (
            f"Click a mode (or press {keys_hint()}) to fetch Pokémon.\nEvery request becomes a bar here, live."
        )
        self._lanes: list[list[str]] = []  # per band: its lanes, sorted by name (the per-worker rows)
        self._row_of_lane: list[dict[str, int]] = []
        self._models: list[int] = []  # id of each band's model: a replay scrubbed back makes a new one
        self._restyle()
        self._press: QPoint | None = None
        self._scrubbing = False
        self._press_t0 = 0.0
        self._dragged = False
        self.setMouseTracking(True)
        self.setMinimumSize(420, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.time_window.changed.connect(self.update)

    def _restyle(self) -> None:
        """Row labels a point smaller than the widget's font, and no bar drawn in the old style."""
        label_font = QFont(self.font())
        label_font.setPointSizeF(max(self.font().pointSizeF() - 1, 7))
        label_font = decor.font_fitting(label_font, 10_000, WIDEST_ROW_LABEL, GUTTER_W - 14)
        self._label_font = label_font
        self._decor_font = decor.font_fitting(self.font(), min(AXIS_H, BAND_TITLE_H) - 2)  # axis and band headings
        self._bars = BarPainter(label_font)
        self._layer = BarLayer(self._bars)
        # band -> (the model, rows per request?, its running requests' pieces kept from frame to frame)
        self._running_pieces: dict[int, tuple[RunModel, bool, RunningPieces]] = {}
        self._slivers: dict[int, SliversByEnd] = {}  # band -> its run's slivers in order of their ends

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        kinds = (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in kinds:  # presenter mode: larger type, high-contrast colours
            self._restyle()
            self.update()

    def _forget_replaced_models(self) -> None:
        """A band whose model was replaced (a replay moved back in time) is drawn again from scratch:
        the cached image and its counts of drawn bars belong to the old model."""
        models = [id(run.model) for run in self.runs]
        if models != self._models:
            if len(models) == len(self._models):
                self._layer.forget()
            self._models = models

    # --- what to show ---------------------------------------------------------------------

    def set_runs(self, runs: Sequence[ShownRun]) -> None:
        """Show these runs, one band each, from the top; the view fits them and follows."""
        self.runs = list(runs)
        self._lanes, self._row_of_lane = [[] for _ in self.runs], [{} for _ in self.runs]
        self._layer.forget()
        self._running_pieces.clear()  # nothing of the runs shown before is kept alive
        self._slivers.clear()
        self._models = [id(run.model) for run in self.runs]
        self.fixed_end_s = None
        self.now = 0.0
        self.time_window.reset()
        self._update_rows()
        self.update()

    def set_run(self, run: ShownRun | None) -> None:
        self.set_runs([run] if run is not None else [])

    def add_run(self, run: ShownRun) -> None:
        """A comparison's next run: a new band under the others, which stay as they are."""
        self.runs.append(run)
        self._lanes.append([])
        self._row_of_lane.append({})
        self._models.append(id(run.model))
        self.update()

    def set_per_request(self, per_request: bool) -> None:
        if per_request != self.per_request:
            self.per_request = per_request
            self._layer.forget()
            self.update()

    def refresh(self) -> None:
        """Called once per frame after the models took their events."""
        self.now = max((run.elapsed_s() for run in self.runs), default=0.0)
        self._forget_replaced_models()
        self._update_rows()
        if self.fixed_end_s is not None:
            if self.time_window.following:
                self.time_window.fit(self.fixed_end_s)
        elif any(run.running for run in self.runs) or not self.time_window.following:
            self.time_window.follow(self.now)
        else:
            self.time_window.fit(self.now)
        self.update()

    def fit(self) -> None:
        end = max((run.elapsed_s() for run in self.runs), default=0.0)
        self.time_window.fit(self.fixed_end_s if self.fixed_end_s is not None else end)

    def _update_rows(self) -> None:
        for index, run in enumerate(self.runs):
            # A replay keeps the rows of the whole recording: scrubbing never reshuffles them.
            model = run.recorded.model if isinstance(run, ReplayRun) else run.model
            if len(model.lanes) != len(self._lanes[index]):
                lanes = sorted_lanes(model)
                if lanes[: len(self._lanes[index])] != self._lanes[index]:
                    # A new lane sorted in before others (e.g. "pid 200" after "pid 310"): flattened
                    # bars carry their row, so they are flattened again in the new order.
                    self._layer.forget()
                self._lanes[index] = lanes
                self._row_of_lane[index] = {lane: row for row, lane in enumerate(lanes)}

    # --- geometry -------------------------------------------------------------------------

    def band_rows(self) -> list[int]:
        if self.per_request:
            return [run.model.total for run in self.runs]
        return [max(len(lanes), 1) for lanes in self._lanes]

    def geometry_now(self) -> TimelineGeometry:
        return TimelineGeometry(self.width(), self.height(), self.time_window, self.band_rows(), len(self.runs) > 1)

    @property
    def row_count(self) -> int:
        return sum(self.band_rows()) if self.runs else 0

    def x_of(self, t: float) -> float:
        return self.geometry_now().x_of(t)

    def plot_rect(self) -> QRect:
        return self.geometry_now().plot

    def row_finder(self, band: int) -> Callable[[Span], int]:
        if self.per_request:
            if self.runs[band].model.jobs == self.runs[band].model.total:
                return lambda span: span.request_id  # nothing found mid-run: rows in request order
            row_of = self.runs[band].model.row_of_request()
            return lambda span: row_of[span.request_id]
        rows = self._row_of_lane[band]
        return lambda span: rows.get(span.lane, -1) if span.lane is not None else -1

    def point_of(self, band: int, span: Span, t: float) -> QPoint:
        """The pixel at time ``t`` in the middle of ``span``'s row (tests and tooltips use it)."""
        geo = self.geometry_now()
        y = geo.row_top(band, self.row_finder(band)(span)) + geo.lane_h / 2
        return QPoint(int(geo.x_of(t)), int(y))

    def hit(self, pos: QPoint | QPointF) -> tuple[int, Span] | None:
        """(band, request) drawn under ``pos``, if any."""
        geo = self.geometry_now()
        if not geo.plot.contains(QPoint(int(pos.x()), int(pos.y()))):
            return None
        place = geo.hit(pos.y())
        if place is None:
            return None
        band, row = place
        run = self.runs[band]
        t = geo.t_of(pos.x())
        tolerance = HOVER_SLOP_PX * self.time_window.span_s / geo.plot.width()
        span = span_at_time(run.model, row, self._lanes[band], self.per_request, t, tolerance, run.elapsed_s())
        return (band, span) if span is not None else None

    def span_at(self, pos: QPoint | QPointF) -> Span | None:
        found = self.hit(pos)
        return found[1] if found is not None else None

    def lane_pieces(self, band: int) -> list[LanePiece]:
        """What ``band`` draws on its lanes besides requests: its worker processes starting."""
        if self.per_request:
            return []  # one row per request: no lane to draw a start-up on
        return startup_pieces(self.runs[band].model, self._row_of_lane[band])

    def startup_at(self, pos: QPoint | QPointF) -> WorkerStartEvent | None:
        """The worker start-up drawn under ``pos``, if any."""
        geo = self.geometry_now()
        place = geo.hit(pos.y()) if geo.plot.contains(QPoint(int(pos.x()), int(pos.y()))) else None
        if place is None:
            return None
        band, row = place
        t = geo.t_of(pos.x())
        return next((p.start for p in self.lane_pieces(band) if p.row == row and p.t0 <= t <= p.t1), None)

    # --- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        dark = is_dark(palette)
        geo = self.geometry_now()
        self._forget_replaced_models()
        painter.fillRect(self.rect(), palette.base())
        if not self.runs:
            decor.paint_placeholder(painter, geo, palette, self.placeholder)
        else:
            decor.paint_grid(painter, geo, palette)
            if self.draw_direct:
                self._paint_ended_directly(painter, geo, dark)
            else:
                self._update_layer(geo, dark)
                if self._layer.image is not None:
                    painter.drawImage(QPointF(0, 0), self._layer.image)
            marks.paint_worker_starts(painter, geo, [self.lane_pieces(band) for band in range(len(self.runs))], dark)
            for band, run in enumerate(self.runs):
                if run.running:
                    self._paint_running(painter, geo, band, run, dark)
                    decor.paint_now_line(painter, geo, band, run.elapsed_s())
            if not self.per_request:  # ticks on lanes: rows per worker only
                marks.paint_slivers(painter, geo, self.runs, self._slivers, self._row_of_lane, dark)
            marks.paint_deadlocks(painter, geo, self.runs, self.row_finder)
            if self.per_request:  # rows per worker: the links would cross every lane; hovering names the initiator
                marks.paint_links(painter, geo, self.runs, self.row_finder)
            marks.paint_barriers(painter, geo, self.runs, dark)
            marks.paint_lost_updates(painter, geo, self.runs, self.row_finder)
            if len(self.runs) > 1:
                painter.setFont(self._decor_font)
                decor.paint_band_titles(painter, geo, palette, band_titles(self.runs, self.band_names))
        painter.setFont(self._decor_font)
        decor.paint_axis(painter, geo, palette, self.width(), "requests" if self.per_request else "workers")
        if self.banner:
            decor.paint_banner(painter, geo, self.banner)
        painter.end()

    def _update_layer(self, geo: TimelineGeometry, dark: bool) -> None:
        ratio = self.devicePixelRatioF()
        window = self.time_window
        key = (self.size(), ratio, window.t0, window.t1, self.per_request, tuple(self.band_rows()), dark)
        finders = [self.row_finder(band) for band in range(len(self.runs))]
        self._layer.update(
            geo, self.runs, finders, key, QSize(self.width(), self.height()), ratio, self.palette(), dark,
            lambda painter: self._paint_gutter(painter, geo), notches=not self.per_request,
        )  # fmt: skip

    def _paint_ended_directly(self, painter: QPainter, geo: TimelineGeometry, dark: bool) -> None:
        self._paint_gutter(painter, geo)
        painter.save()
        painter.setClipRect(geo.plot)
        for band, run in enumerate(self.runs):
            spans = [run.model.spans[i] for i in run.model.ended_order]
            pieces, bars = flatten(spans, self.row_finder(band), 0.0, self.per_request)
            self._bars.paint(painter, geo, band, pieces, bars, dark, not self.per_request, self.palette().base())
        painter.restore()

    def _paint_gutter(self, painter: QPainter, geo: TimelineGeometry) -> None:
        labels = row_labels(self.runs, self._lanes, self.per_request)
        decor.paint_row_labels(painter, geo, self.palette(), self._label_font, labels)

    def _paint_running(self, painter: QPainter, geo: TimelineGeometry, band: int, run: ShownRun, dark: bool) -> None:
        model = run.model
        painter.save()
        painter.setClipRect(geo.plot)
        spans = [model.spans[i] for i in model.running]
        kept = self._running_pieces.get(band)
        if kept is None or kept[0] is not model or kept[1] != self.per_request:  # another run, or another layout
            kept = self._running_pieces[band] = (model, self.per_request, RunningPieces())
        now = run.elapsed_s()
        pieces, bars = kept[2].flatten(spans, self.row_finder(band), now, self.per_request)
        piece_cols, bar_cols = piece_columns(pieces), bar_columns(bars)
        close_open_ends(piece_cols, P_T0, P_T1, now)
        close_open_ends(bar_cols, B_T0, B_T1, now)
        base = self.palette().base()
        self._bars.paint_columns(painter, geo, band, piece_cols, bar_cols, bars, dark, not self.per_request, base)
        if self.per_request:
            marks.paint_waiting_rows(painter, geo, band, run, self.row_finder(band), dark)
        painter.restore()

    # --- interaction ------------------------------------------------------------------------

    def tooltip_for(self, band: int, span: Span) -> str:
        spans = self.runs[band].model.spans
        return tooltip_text(span, len(spans), lambda request_id: spans[request_id].lane)

    def on_time_axis(self, pos: QPoint | QPointF) -> bool:
        """Over the axis strip at the top, right of the gutter: where a drag scrubs a replay."""
        return pos.y() < AXIS_H and pos.x() >= self.plot_rect().left() and bool(self.runs)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._press_t0 = self.time_window.t0
            self._dragged = False
            self._scrubbing = self.on_time_axis(event.position())
            if self._scrubbing:
                self.scrubbed.emit(max(self.geometry_now().t_of(event.position().x()), 0.0))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._scrubbing and event.buttons() & Qt.MouseButton.LeftButton:
            self.scrubbed.emit(max(self.geometry_now().t_of(pos.x()), 0.0))
            return
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            dx = pos.x() - self._press.x()
            if abs(dx) > CLICK_SLOP_PX or self._dragged:
                self._dragged = True
                dt = -dx / self.plot_rect().width() * self.time_window.span_s
                self.time_window.pan(self._press_t0 + dt - self.time_window.t0)
            return
        found = self.hit(pos)
        start = self.startup_at(pos) if found is None else None
        if found is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_for(*found), self)
        elif start is not None:
            QToolTip.showText(event.globalPosition().toPoint(), startup_tooltip(start), self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._scrubbing:
            self._scrubbing = False
            self._press = None
            return
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None and not self._dragged:
            span = self.span_at(event.position())
            if span is not None:
                self.span_clicked.emit(span)
        self._press = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches:
            self.time_window.zoom(WHEEL_ZOOM_PER_NOTCH**notches, self.geometry_now().t_of(event.position().x()))
