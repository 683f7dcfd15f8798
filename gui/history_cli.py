"""The run history from the terminal: list the kept runs, and keep a ``--headless`` run."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from gui.core.history.store import (
    History,
    HistoryEntry,
    HistoryUnavailable,
    default_history_path,
    open_history,
    size_text,
)
from gui.core.results.finished_run import FinishedRun

# (heading, width, align) of each column of the table, in order.
_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("id", 5, ">"),
    ("when", 19, "<"),
    ("mode", 10, "<"),
    ("N", 6, ">"),
    ("at once", 7, ">"),
    ("conditions", 34, "<"),
    ("wall", 9, ">"),
    ("efficiency", 10, ">"),
    ("", 7, "<"),
)


def history_main(as_json: bool, path: Path | None = None) -> int:
    """Print the kept runs (a table, or JSON); a history that cannot be used is one line on stderr."""
    path = path if path is not None else default_history_path()
    try:
        entries, size = _read(path)
    except HistoryUnavailable as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if as_json:
        runs = [asdict(entry) for entry in entries]
        print(json.dumps({"path": str(path), "size_bytes": size, "runs": runs}))
    else:
        print(history_table(entries, path, size))
    return 0


def _read(path: Path) -> tuple[list[HistoryEntry], int]:
    if not path.exists():  # listing never creates the file
        return [], 0
    with History(path) as history:
        return history.list(), history.size_bytes()


def history_table(entries: list[HistoryEntry], path: Path, size_bytes: int) -> str:
    lines = [f"Run history: {path} ({size_text(size_bytes)}, {len(entries)} run{'s' * (len(entries) != 1)})", ""]
    if not entries:
        lines.append("No runs kept yet: every run that finishes or is stopped will appear here.")
        return "\n".join(lines)
    lines.append(_row([heading for heading, _, _ in _COLUMNS]))
    for entry in entries:
        lines.append(_row(_cells(entry)))
    return "\n".join(lines)


def _cells(entry: HistoryEntry) -> list[str]:
    return [
        str(entry.id),
        datetime.fromtimestamp(entry.started_at).strftime("%Y-%m-%d %H:%M:%S"),  # local time
        entry.mode,
        f"{entry.count:,}",
        str(entry.concurrency),
        entry.conditions,
        f"{entry.wall_s:.2f} s",
        f"{entry.efficiency:.0%}" if entry.efficiency is not None else "-",
        "stopped" if entry.stopped else "",
    ]


def _row(cells: list[str]) -> str:
    return "  ".join(f"{cell:{align}{width}}" for cell, (_, width, align) in zip(cells, _COLUMNS, strict=True)).rstrip()


def record_finished(run: FinishedRun, enabled: bool) -> str | None:
    """Keep a headless run unless history is off; a warning for the user when it could not be kept.

    A history that cannot be used never stops the command (it returns the sentence instead); only a
    bug raises.
    """
    if not enabled:
        return None
    try:
        history, problem = open_history()
        if history is None:
            return problem
        with history:
            history.add(run)
    except HistoryUnavailable as problem:  # e.g. another program held it too long while we wrote
        return str(problem)
    return None
