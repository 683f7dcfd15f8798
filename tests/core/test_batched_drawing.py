"""The timeline's batched drawing (numpy columns, touching pieces merged, one C array per colour)
paints exactly the pixels that one rectangle per piece paints, hatching, notches and culling alike.

It needs Qt (offscreen) for its painter, like the window tier, but checks the drawing code only.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable

import pytest

QtGui = pytest.importorskip("PySide6.QtGui")

from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter  # noqa: E402

from gui.core.model.segments import Segment  # noqa: E402
from gui.core.views.timeline_pieces import FlatBar, FlatPiece  # noqa: E402
from gui.qt.bar_layer import HATCHED, MIN_PIECE_PX, BarPainter, bar_height  # noqa: E402
from gui.qt.theme import segment_color  # noqa: E402
from gui.qt.time_window import TimeWindow  # noqa: E402
from gui.qt.timeline_geometry import TimelineGeometry  # noqa: E402

pytestmark = pytest.mark.timeout(60)


def one_rect_per_piece(painter: QPainter, geo: TimelineGeometry, pieces: list[FlatPiece], bars: list[FlatBar]) -> None:
    """The plain way: a QRect per piece, a drawRects per colour, a notch per bar."""
    bar_h = bar_height(geo.lane_h)
    top = geo.bands[0].top + (geo.lane_h - bar_h) / 2
    left, right = geo.plot.left(), geo.plot.right()
    scale = geo.plot.width() / geo.window.span_s
    h = max(int(bar_h), 1)
    rects: dict[Segment, list[QRect]] = defaultdict(list)
    for _, row, segment, a, b, sole in pieces:
        x0, x1 = left + (a - geo.window.t0) * scale, left + (b - geo.window.t0) * scale
        if x1 < left or x0 > right or (x1 - x0 < MIN_PIECE_PX and not sole):
            continue
        rects[segment].append(QRect(int(x0), int(top + row * geo.lane_h), max(int(x1) - int(x0), 1), h))
    painter.setPen(Qt.PenStyle.NoPen)
    for segment, batch in rects.items():
        painter.setBrush(segment_color(segment, False))
        painter.drawRects(batch)
        if segment in HATCHED:
            painter.setBrush(QBrush(QColor(0, 0, 0, 90), Qt.BrushStyle.BDiagPattern))
            painter.drawRects(batch)
    gaps = []
    for _, row, a, b, _, _ in bars:
        x0, x1 = int(left + (a - geo.window.t0) * scale), int(left + (b - geo.window.t0) * scale)
        if x1 - x0 >= 4 and x1 >= left and x0 <= right:
            gaps.append(QRect(x0, int(top + row * geo.lane_h), 1, h))
    painter.setBrush(QColor("white"))
    painter.drawRects(gaps)


def random_run(rng: random.Random, requests: int, rows: int) -> tuple[list[FlatPiece], list[FlatBar]]:
    pieces, bars = [], []
    free = [0.0] * rows
    kinds = [Segment.CONNECTING, Segment.SENDING, Segment.WAITING, Segment.DOWNLOADING, Segment.PARSING]
    for request in range(requests):
        row = rng.randrange(rows)
        t = free[row]
        parts = []
        for kind in kinds:
            length = rng.choice((0.0002, 0.001, 0.01, 0.1)) * rng.uniform(0.5, 1.5)
            parts.append((kind if rng.random() > 0.1 else Segment.FAILED, t, t + length))
            t += length
        free[row] = t + rng.choice((0.0, 0.0, 0.002))
        pieces += [FlatPiece(request, row, k, a, b, len(parts) == 1) for k, a, b in parts]
        bars.append(FlatBar(request, row, parts[0][1], parts[-1][2], f"p{request}", Segment.WAITING))
    return pieces, bars


def painted(draw: Callable[[QPainter], None], geo: TimelineGeometry) -> bytes:
    image = QImage(900, 500, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setClipRect(geo.plot)
    draw(painter)
    painter.end()
    return bytes(image.constBits())


@pytest.mark.parametrize(("seed", "zoom"), [(1, (0.0, 1.0)), (2, (0.3, 0.35)), (3, (0.5, 2.0)), (4, (-0.1, 0.2))])
def test_batched_drawing_paints_the_same_pixels_as_one_rect_per_piece(
    qapp: object, seed: int, zoom: tuple[float, float]
) -> None:
    rng = random.Random(seed)
    pieces, bars = random_run(rng, 1500, 40)  # rows too thin for labels: the plain way draws none
    end = max(p.t1 for p in pieces)
    window = TimeWindow()
    window.set_range(end * zoom[0], end * zoom[1])
    geo = TimelineGeometry(900, 500, window, [40], False)
    painter = BarPainter(QFont())
    base = QBrush(QColor("white"))
    batched = painted(lambda p: painter.paint(p, geo, 0, pieces, bars, False, True, base), geo)
    plain = painted(lambda p: one_rect_per_piece(p, geo, pieces, bars), geo)
    assert batched == plain
