"""One time grid for every export that draws intervals: whole microseconds since the run started.

Trace viewers turn a start and a duration into an end; if each is rounded on its own, a phase
that ends where the next begins can overlap it by one rounding step, and Perfetto then drops the
slice. Rounding the *boundaries* once and taking differences makes touching intervals share their
boundary exactly. Whole numbers also survive viewers that read JSON numbers as doubles and
truncate (Perfetto multiplies by 1000 and casts: 12345.7 us can become 12345699 ns).
"""

from __future__ import annotations

from collections.abc import Iterable


def microseconds(t_s: float) -> int:
    """Seconds since the run started -> whole microseconds on the grid."""
    return round(t_s * 1_000_000)


def never_decreasing(points_us: Iterable[int]) -> list[int]:
    """Boundaries of back-to-back intervals, each at least the one before.

    Events from different threads can be stamped a hair out of order (a back-off that wakes a
    nanosecond early); an interval of negative length would be a lie in every viewer.
    """
    result: list[int] = []
    for point in points_us:
        result.append(max(point, result[-1]) if result else point)
    return result
