"""A run drawn in plain text: one row per lane, so a terminal shows what the window would."""

from __future__ import annotations

from gui.core.model.run_model import RunModel
from gui.core.trace.events import Status

# Each column is a slice of the run's time; a request's columns carry its outcome's mark.
_MARKS = {Status.OK: "=", Status.CANCELLED: "-"}


def ascii_timeline(model: RunModel, wall_s: float, width: int = 60, max_lanes: int = 24) -> str:
    """Lanes of ``width`` columns over ``wall_s`` seconds, then an axis and a legend."""
    if not model.lanes or wall_s <= 0:
        return "(no request started)"
    label_width = min(max(len(lane) for lane in model.lanes), 20)  # "pid 10053 · task 12" whole
    rows = {lane: [" "] * width for lane in model.lanes}
    for span in model.spans:
        start, end = span.start, span.end
        if start is None or span.lane is None:
            continue
        first = min(int(start / wall_s * width), width - 1)
        last = min(int((end if end is not None else wall_s) / wall_s * width), width - 1)
        mark = _MARKS.get(span.status, "x")
        row = rows[span.lane]
        for column in range(first, last + 1):
            row[column] = mark
        row[first] = "|" if mark == "=" else mark
    lines = [f"{lane[:label_width]:>{label_width}} {''.join(rows[lane])}" for lane in model.lanes[:max_lanes]]
    if len(model.lanes) > max_lanes:
        lines.append(f"{'':>{label_width}} ... {len(model.lanes) - max_lanes} more lanes")
    axis = f"{'0s':<{width // 2}}{wall_s:>{width - width // 2}.2f}s"
    lines.append(f"{'':>{label_width}} {axis}")
    lines.append(f"{'':>{label_width}} | request starts   = running   x failed   - cancelled")
    return "\n".join(lines)
