"""What the timeline draws around its bars: grid, time axis, band headings, row labels, the now
line and the banner. Each is a plain function of a painter and the layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPen, QPolygonF

from gui.core.model.segments import Segment
from gui.qt.theme import BARRIER_HEX, DEADLOCK_HEX, LINK_HEX, LOST_HEX, NOW_LINE_HEX, blend, segment_color
from gui.qt.time_window import tick_step
from gui.qt.timeline_geometry import AXIS_H, BAND_TITLE_H, GUTTER_W, TimelineGeometry

LABEL_MIN_LANE_H = 11.0
ARROW_BOW_PX = 26.0
LINK_DOTS_MIN_LANE_H = 4.0


def ticks(geo: TimelineGeometry) -> list[float]:
    """Times of the labelled ticks in view, on a 1-2-5 step."""
    window = geo.window
    step = tick_step(window.span_s, geo.plot.width())
    t = (window.t0 // step) * step
    out = []
    while t <= window.t1 + 1e-9:
        out.append(t)
        t += step
    return out


def paint_grid(painter: QPainter, geo: TimelineGeometry, palette: QPalette) -> None:
    plot = geo.plot
    grid = QColor(palette.text().color())
    grid.setAlpha(28)
    # Drawn over the base colour, so the same shade opaque: Qt's raster engine blends a translucent
    # 1 px column pixel by pixel (~1 ms for a dozen lines, a third of a frame), an opaque one at once.
    painter.setPen(QPen(blend(palette.base().color(), grid, grid.alphaF()), 1))
    for t in ticks(geo):
        x = geo.x_of(t)
        if x >= plot.left():
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
    if geo.lane_h < 8:
        return
    stripe = QColor(grid)
    stripe.setAlpha(10)
    for box in geo.bands:
        for row in range(0, box.rows, 2):
            painter.fillRect(QRectF(plot.left(), box.top + row * geo.lane_h, plot.width(), geo.lane_h), stripe)


def paint_axis(painter: QPainter, geo: TimelineGeometry, palette: QPalette, width: int, caption: str) -> None:
    plot = geo.plot
    painter.fillRect(QRect(0, 0, width, AXIS_H), palette.window())
    painter.setPen(palette.text().color())
    step = tick_step(geo.window.span_s, plot.width())
    decimals = max(0, -int(f"{step:e}".split("e")[1]))
    for t in ticks(geo):
        x = geo.x_of(t)
        if plot.left() - 1 <= x <= plot.right() + 1:
            painter.drawLine(QPointF(x, AXIS_H - 6), QPointF(x, AXIS_H - 1))
            label_x = min(x - 40, width - 82)  # the last label stays whole at the right edge
            painter.drawText(QRectF(label_x, 2, 80, AXIS_H - 8), Qt.AlignmentFlag.AlignCenter, f"{t:.{decimals}f} s")
    painter.drawLine(plot.left(), AXIS_H - 1, plot.right(), AXIS_H - 1)
    painter.drawText(QRect(6, 2, GUTTER_W - 8, AXIS_H - 4), Qt.AlignmentFlag.AlignVCenter, caption)


def paint_band_titles(painter: QPainter, geo: TimelineGeometry, palette: QPalette, titles: Sequence[str]) -> None:
    """Each band's heading: a rule across the whole width and the run's mode and numbers."""
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    rule = QColor(palette.text().color())
    rule.setAlpha(60)
    for box, title in zip(geo.bands, titles, strict=True):
        y = box.title_top
        painter.fillRect(QRectF(0, y, geo.plot.right() + 1, BAND_TITLE_H - 2), palette.alternateBase())
        painter.setPen(QPen(rule, 1))
        painter.drawLine(QPointF(0, y), QPointF(geo.plot.right(), y))
        painter.setPen(palette.text().color())
        painter.drawText(QRectF(6, y, geo.plot.right() - 6, BAND_TITLE_H - 2), Qt.AlignmentFlag.AlignVCenter, title)


def paint_row_labels(
    painter: QPainter, geo: TimelineGeometry, palette: QPalette, font: QFont, labels: Sequence[Sequence[str]]
) -> None:
    """The gutter: each row's name (worker or Pokémon), or a count when rows are too thin to read."""
    painter.setPen(palette.text().color())
    painter.setFont(font)
    for box, names in zip(geo.bands, labels, strict=True):
        painter.fillRect(QRectF(0, box.top, GUTTER_W - 2, box.rows * geo.lane_h), palette.window())
        if geo.lane_h < LABEL_MIN_LANE_H:
            text = f"{len(names):,} rows"
            painter.drawText(QRectF(4, box.top, GUTTER_W - 8, 20), Qt.AlignmentFlag.AlignLeft, text)
            continue
        for row, label in enumerate(names):
            rect = QRectF(4, box.top + row * geo.lane_h, GUTTER_W - 10, geo.lane_h)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, label)


def paint_now_line(painter: QPainter, geo: TimelineGeometry, band: int, now: float) -> None:
    """The live edge of a running band, across that band's rows only."""
    box = geo.bands[band]
    x = geo.x_of(now)
    painter.setPen(QPen(QColor(NOW_LINE_HEX), 2))
    painter.drawLine(QPointF(x, box.top), QPointF(x, box.top + max(box.rows, 1) * geo.lane_h))


def paint_banner(painter: QPainter, geo: TimelineGeometry, text: str) -> None:
    metrics = painter.fontMetrics()
    plot = geo.plot
    box = QRectF(plot.left() + 8, plot.top() + 8, metrics.horizontalAdvance(text) + 24, metrics.height() + 12)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(30, 30, 30, 215))
    painter.drawRoundedRect(box, 6, 6)
    painter.setPen(QColor("white"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def paint_placeholder(painter: QPainter, geo: TimelineGeometry, palette: QPalette, text: str) -> None:
    painter.setPen(palette.placeholderText().color())
    painter.drawText(geo.plot, Qt.AlignmentFlag.AlignCenter, text)


class WaitArrow(NamedTuple):
    """One edge of a deadlock's cycle: the waiter's bar, the bar of the one holding the lock it wants."""

    waiter: QPointF
    holder: QPointF
    lock: str


def paint_wait_arrows(painter: QPainter, arrows: Sequence[WaitArrow], left: float) -> None:
    """A deadlock's cycle as arrows between rows, each bowed to its own side, so two workers that
    wait for each other draw a closed loop; each waiter's row says which lock it waits for."""
    color = QColor(DEADLOCK_HEX)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for arrow in arrows:
        start, end = arrow.waiter, arrow.holder
        bow = ARROW_BOW_PX if end.y() >= start.y() else -ARROW_BOW_PX
        control = QPointF(start.x() + bow, (start.y() + end.y()) / 2)
        path = QPainterPath(start)
        path.quadTo(control, end)
        painter.setPen(QPen(color, 2.2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        direction = end - control  # the curve arrives along this line
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        ux, uy = direction.x() / length, direction.y() / length
        head = QPolygonF(
            [
                end,
                QPointF(end.x() - 9 * ux + 4.5 * uy, end.y() - 9 * uy - 4.5 * ux),
                QPointF(end.x() - 9 * ux - 4.5 * uy, end.y() - 9 * uy + 4.5 * ux),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(head)
        painter.setPen(color)
        text = f"waits for {arrow.lock}"
        text_w = painter.fontMetrics().horizontalAdvance(text)
        x = start.x() + ARROW_BOW_PX + 4 if start.x() - ARROW_BOW_PX - 4 - text_w < left else start.x() - 4 - text_w
        painter.drawText(QPointF(x, start.y() + painter.fontMetrics().ascent() / 2 - 1), text)
    painter.restore()


def paint_lost_marks(painter: QPainter, tops: Sequence[QPointF], lane_h: float) -> None:
    """A red triangle pointing down at each lost write, at the top of its row."""
    if not tops:
        return
    size = max(min(lane_h * 0.45, 9.0), 4.0)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("white"), 1))
    painter.setBrush(QColor(LOST_HEX))
    for top in tops:
        x, y = top.x(), top.y() + 1
        painter.drawPolygon(QPolygonF([QPointF(x - size / 2, y), QPointF(x + size / 2, y), QPointF(x, y + size)]))


def paint_links(
    painter: QPainter,
    links: Sequence[tuple[float, float, float]],
    resolved: Sequence[tuple[float, float, float]],
    lane_h: float,
) -> None:
    """Initiator links as a waterfall draws them: from the row of the request whose answer named a
    link, straight down (or up) to the new request's row, at the moment it was made. A future's
    readers get a dashed line from the request that resolved it, at the moment it did."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    thin = lane_h < LINK_DOTS_MIN_LANE_H  # hundreds of rows a few pixels high: faint lines, no dots
    link = QColor(LINK_HEX)
    link.setAlpha(90 if thin else 200)
    painter.setPen(QPen(link, 1))
    for x, y0, y1 in links:
        painter.drawLine(QPointF(x, y0), QPointF(x, y1))
    if not thin:
        dot = min(lane_h * 0.3, 3.0)
        painter.setBrush(link)
        for x, _, y1 in links:
            painter.drawEllipse(QPointF(x, y1), dot, dot)
    color = segment_color(Segment.AWAITING, False)
    dashed = QPen(color, 1.2, Qt.PenStyle.DashLine)
    painter.setPen(dashed)
    for x, y0, y1 in resolved:
        painter.drawLine(QPointF(x, y0), QPointF(x, y1))


def paint_barrier(painter: QPainter, geo: TimelineGeometry, band: int, t: float, label: str, dark: bool) -> None:
    """A vertical line across one band where a stage ended, labelled at its top."""
    box = geo.bands[band]
    x = geo.x_of(t)
    color = QColor(BARRIER_HEX)
    if dark:
        color = color.lighter(230)
    painter.setPen(QPen(color, 2, Qt.PenStyle.DashLine))
    bottom = box.top + max(box.rows, 1) * geo.lane_h
    painter.drawLine(QPointF(x, box.top), QPointF(x, bottom))
    metrics = painter.fontMetrics()
    painter.setPen(color)
    painter.drawText(QPointF(x + 4, box.top + metrics.ascent() + 2), f"barrier: {label}")


def font_fitting(base: QFont, height_px: int, text: str = "", width_px: int = 0) -> QFont:
    """``base``, made smaller until a line is at most ``height_px`` tall (and ``text`` at most
    ``width_px`` wide): presenter mode's large type must still fit the axis, headings and gutter."""
    font = QFont(base)
    while font.pointSizeF() > 7:
        metrics = QFontMetrics(font)
        if metrics.height() <= height_px and (not text or metrics.horizontalAdvance(text) <= width_px):
            break
        font.setPointSizeF(font.pointSizeF() - 0.5)
    return font
