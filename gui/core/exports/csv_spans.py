"""Every request as a row of a CSV table, for a spreadsheet or pandas.

One table holds one run or a comparison's runs: the ``run`` (1, 2, ... in the order given) and
``mode`` columns are always there, so a file has the same columns whatever made it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from gui.core.exports.atomic import StrPath, write_atomically
from gui.core.model.run_model import Span
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import PHASE_ORDER

# Phase columns hold seconds since their run started (to the microsecond); empty when the request never got there.
CSV_COLUMNS: tuple[str, ...] = (
    "run",
    "mode",
    "request_id",
    "pokemon",
    "lane",
    "status",
    "http_status",
    "retries",
    "bytes",
    "error",
    *(f"{phase.value}_s" for phase in PHASE_ORDER),
)


def spans_csv(runs: Sequence[FinishedRun]) -> str:
    """The table as text (RFC 4180: comma-separated, CRLF line ends, a header row first)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for index, run in enumerate(runs, start=1):
        writer.writerows(_row(index, run.settings.mode, span) for span in run.model.spans)
    return text.getvalue()


def write_csv(path: StrPath, runs: Sequence[FinishedRun]) -> None:
    """Write ``spans_csv(runs)`` to ``path`` whole, or raise ``ExportError``."""
    write_atomically(path, spans_csv(runs))


def _row(run: int, mode: str, span: Span) -> list[object]:
    phases = [f"{span.t[phase]:.6f}" if phase in span.t else "" for phase in PHASE_ORDER]  # never 1e-05
    return [
        run,
        mode,
        span.request_id,
        span.pokemon,
        span.lane or "",
        span.status.value,
        span.http_status if span.http_status is not None else "",
        span.retries,
        span.bytes,
        span.error or "",
        *phases,
    ]
