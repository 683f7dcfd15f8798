"""The run history: every run that finished or was stopped, kept in one SQLite file across restarts.

Each run is one row written in one transaction when it ends: the columns the list shows, and the
whole run (``run_record.record_of``) as a zlib-compressed JSON blob beside them. SQLite's WAL
journal makes that row appear whole or not at all, so a crash or ``kill -9`` mid-write leaves the
earlier runs as they were.

A file that cannot be used (damaged, not a database, locked, unreadable) raises one
``HistoryUnavailable`` whose message is a sentence for the user; ``open_history`` turns that into
"history off" and moves a damaged file aside rather than deleting it.

One connection per ``History``, used from the thread that opened it (the GUI thread, or the
headless command): sqlite3 raises if another thread tries, which only a bug can cause.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

import platformdirs

from gui.core.history.run_record import RecordError, record_of, run_from_record
from gui.core.modes.catalogue import at_once
from gui.core.results.finished_run import FinishedRun

APP_NAME = "poke-concurrency-lab"
FILE_NAME = "history.sqlite3"
HISTORY_ENV = "POKE_LAB_HISTORY"  # a file path that overrides the user's data folder
DEFAULT_CAP = 200  # runs kept; the oldest goes when one more is added
DEFAULT_TIMEOUT_S = 5.0  # how long to wait for another program's write before calling the file locked
SCHEMA_VERSION = 1
APPLICATION_ID = 0x504B4C42  # "PKLB" in the file header: this file is a run history

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so a deleted run's id stays dead
    started_at REAL NOT NULL,              -- time.time() when the run started
    mode TEXT NOT NULL,
    count INTEGER NOT NULL,                -- requests in the run
    concurrency INTEGER NOT NULL,          -- requests at once (1 for sequential)
    conditions TEXT NOT NULL,              -- e.g. '150 ms ±30 uniform, 3 % errors'
    wall_s REAL NOT NULL,
    efficiency REAL,                       -- NULL when the network was not known
    stopped INTEGER NOT NULL,              -- 1 if the run was stopped before every request ended
    record BLOB NOT NULL                   -- zlib(JSON of run_record.record_of)
)
"""
_ENTRY_COLUMNS = "id, mode, count, concurrency, conditions, wall_s, efficiency, started_at, stopped"


class Trouble(StrEnum):
    """Why the history file cannot be used."""

    CORRUPT = "corrupt"  # damaged, not a database, or not a history: moved aside by open_history
    LOCKED = "locked"  # another program holds a write lock: left alone
    UNREADABLE = "unreadable"  # permissions, a folder in the way, a full disk: left alone
    NEWER = "newer"  # written by a newer version of the app: left alone


class HistoryUnavailable(Exception):
    """The history file cannot be used; ``str()`` is one sentence for the user."""

    def __init__(self, path: Path, trouble: Trouble, detail: str = "") -> None:
        self.path = path
        self.trouble = trouble
        self.detail = detail
        super().__init__(_sentence(path, trouble, detail))


def _sentence(path: Path, trouble: Trouble, detail: str) -> str:
    because = f" ({detail})" if detail else ""
    what = {
        Trouble.CORRUPT: f"is damaged or is not a run history{because}",
        Trouble.LOCKED: "is locked by another program",
        Trouble.UNREADABLE: f"cannot be read or written{because}",
        Trouble.NEWER: "was written by a newer version of the app",
    }[trouble]
    return f"The run history at {path} {what}, so history is off for now."


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the history list."""

    id: int
    mode: str
    count: int  # requests in the run
    concurrency: int  # requests at once (the settings' workers: 1 for sequential)
    conditions: str  # what the server played, e.g. "150 ms ±30 uniform, 3 % errors"
    wall_s: float
    efficiency: float | None  # ideal / wall; None when the network was not known
    started_at: float  # time.time() when it started
    stopped: bool  # stopped (or cancelled) before every request ended


def default_history_path() -> Path:
    """``$POKE_LAB_HISTORY`` if set, else ``history.sqlite3`` in the user's data folder."""
    override = os.environ.get(HISTORY_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / FILE_NAME


def conditions_text(conditions: dict[str, Any] | None, base_url: str = "") -> str:
    """A short line for the list: "150 ms ±30 uniform, 3 % errors", or the host of a real server."""
    if conditions is None:
        return urlparse(base_url).hostname or base_url or "unknown server"
    c = conditions
    latency = f"{c.get('latency_ms', 0):g} ms"
    jitter_ms, jitter = c.get("jitter_ms", 0), c.get("jitter", "none")
    if jitter_ms and jitter == "uniform":
        latency += f" ±{jitter_ms:g} uniform"
    elif jitter_ms and jitter == "long-tail":
        latency += f" +{jitter_ms:g} long-tail"
    parts = [latency]
    if c.get("bandwidth_kbps"):
        parts.append(f"{c['bandwidth_kbps']:g} KB/s")
    if c.get("error_rate"):
        parts.append(f"{c['error_rate'] * 100:g} % errors")
    if c.get("drop_rate"):
        parts.append(f"{c['drop_rate'] * 100:g} % drops")
    if c.get("max_concurrent"):
        parts.append(f"server {c['max_concurrent']} at once")
    return ", ".join(parts)


class History:
    """The runs kept in one SQLite file; opening checks the file and raises ``HistoryUnavailable``."""

    def __init__(
        self, path: Path | None = None, *, cap: int = DEFAULT_CAP, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        if cap < 1:
            raise ValueError(f"the history must keep at least one run, got cap={cap}")
        self.path = path if path is not None else default_history_path()
        self.cap = cap
        self._db = _open_checked(self.path, timeout_s)

    def __enter__(self) -> History:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()  # the last connection to close checkpoints the WAL into the file

    def add(self, run: FinishedRun) -> int:
        """Keep ``run``; returns its id. The oldest runs beyond the cap go in the same transaction."""
        blob = zlib.compress(json.dumps(record_of(run), separators=(",", ":")).encode("utf-8"))
        settings, summary = run.settings, run.summary
        stopped = summary.cancelled > 0 or not run.model.finished
        row = (
            run.started_at,
            settings.mode,
            summary.requests,
            at_once(settings),
            conditions_text(run.conditions, settings.base_url),
            summary.wall_s,
            summary.efficiency,
            int(stopped),
            blob,
        )
        with self._write():
            cursor = self._db.execute(
                "INSERT INTO runs (started_at, mode, count, concurrency, conditions, wall_s, efficiency, stopped, "
                "record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            self._db.execute(
                "DELETE FROM runs WHERE id <= (SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?)", (self.cap,)
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def list(self) -> builtins.list[HistoryEntry]:
        """Every kept run, newest first."""
        with self._guard():
            rows = self._db.execute(f"SELECT {_ENTRY_COLUMNS} FROM runs ORDER BY id DESC").fetchall()
        return [
            HistoryEntry(run_id, mode, count, conc, cond, wall_s, eff, started_at, bool(stopped))
            for run_id, mode, count, conc, cond, wall_s, eff, started_at, stopped in rows
        ]

    def load(self, run_id: int) -> FinishedRun:
        """The kept run ``run_id``; KeyError if there is none, RecordError if it cannot be read back."""
        with self._guard():
            row = self._db.execute("SELECT record FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise KeyError(f"no run {run_id} in the history")
        try:
            record = json.loads(zlib.decompress(row[0]))
            return run_from_record(record)
        except (zlib.error, ValueError) as problem:  # RecordError and JSONDecodeError are ValueErrors
            raise RecordError(f"Run {run_id} in the history cannot be read back: {problem}") from None

    def delete(self, ids: Iterable[int]) -> int:
        """Forget these runs; returns how many there were."""
        with self._write():
            cursor = self._db.executemany("DELETE FROM runs WHERE id = ?", [(run_id,) for run_id in ids])
        return max(cursor.rowcount, 0)

    def size_bytes(self) -> int:
        """The file on disk with its write-ahead log."""
        files = (self.path, self.path.with_name(self.path.name + "-wal"))
        return sum(f.stat().st_size for f in files if f.exists())

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """A file that fails under a running app becomes HistoryUnavailable, as at opening."""
        try:
            yield
        except sqlite3.Error as error:
            raise HistoryUnavailable(self.path, _trouble_of(error), str(error)) from error

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: all of it is kept, or none of it."""
        with self._guard(), _transaction(self._db):
            yield


def open_history(
    path: Path | None = None, *, cap: int = DEFAULT_CAP, timeout_s: float = DEFAULT_TIMEOUT_S
) -> tuple[History | None, str | None]:
    """The history, or (None, why) when it cannot be used; a damaged file is moved aside, never deleted."""
    try:
        return History(path, cap=cap, timeout_s=timeout_s), None
    except HistoryUnavailable as problem:
        if problem.trouble is not Trouble.CORRUPT:
            return None, str(problem)
        try:
            aside = move_aside(problem.path)
        except OSError:
            return None, str(problem)
        because = f" ({problem.detail})" if problem.detail else ""
        return None, (
            f"The run history at {problem.path} was damaged or was not a run history{because}, so it was moved "
            f"aside to {aside.name} and history is off until the app starts again."
        )


def move_aside(path: Path) -> Path:
    """Rename ``path`` (and its -wal and -shm) to ``<name>.broken-<timestamp>``; returns the new path."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    suffix, n = f".broken-{stamp}", 1
    while path.with_name(path.name + suffix).exists():
        n += 1
        suffix = f".broken-{stamp}-{n}"
    # The log goes too: left behind, SQLite could replay it into the fresh file made next time.
    for extra in ("-wal", "-shm"):
        companion = path.with_name(path.name + extra)
        if companion.exists():
            companion.rename(companion.with_name(companion.name + suffix))
    aside = path.with_name(path.name + suffix)
    path.rename(aside)
    return aside


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")  # take the write lock now, not halfway through
    try:
        yield
        db.execute("COMMIT")  # inside the try: a failed commit (a full disk) is rolled back too
    except BaseException:
        if db.in_transaction:  # SQLite may already have rolled back (a full disk, an I/O error)
            db.execute("ROLLBACK")
        raise


def _open_checked(path: Path, timeout_s: float) -> sqlite3.Connection:
    """Connect, check the file is a history this version reads, and create the table if new."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HistoryUnavailable(path, Trouble.UNREADABLE, error.strerror or str(error)) from error
    try:
        db = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)  # we issue BEGIN / COMMIT
    except sqlite3.Error as error:
        raise HistoryUnavailable(path, _trouble_of(error), str(error)) from error
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")  # a committed run survives a power cut too
        with _transaction(db):
            _check_or_create_schema(db, path)
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
        if problems != ["ok"]:
            raise HistoryUnavailable(path, Trouble.CORRUPT, "; ".join(problems))
    except sqlite3.Error as error:
        db.close()
        raise HistoryUnavailable(path, _trouble_of(error), str(error)) from error
    except HistoryUnavailable:
        db.close()
        raise
    return db


def _check_or_create_schema(db: sqlite3.Connection, path: Path) -> None:
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if application_id == 0 and tables == 0:  # a new (or empty) file: make it ours
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    elif application_id != APPLICATION_ID:
        raise HistoryUnavailable(path, Trouble.CORRUPT, "it is some other SQLite database")
    elif version > SCHEMA_VERSION:
        raise HistoryUnavailable(path, Trouble.NEWER)
    db.execute(_SCHEMA)


def _trouble_of(error: sqlite3.Error) -> Trouble:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return Trouble.LOCKED
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return Trouble.CORRUPT
    return Trouble.UNREADABLE


def size_text(size_bytes: int) -> str:
    """ "64.4 KB": a file size for people."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.1f} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"
