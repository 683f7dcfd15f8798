"""The History dock: every run kept, newest first; select runs to see them on one axis, delete some.

It reads and writes through the Qt-free ``gui.core.history.store.History``. A history that cannot be
used shows its one message here and the rest of the app goes on without it.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QItemSelectionModel, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.core.history.store import History, HistoryEntry, HistoryUnavailable, size_text
from gui.core.modes.catalogue import MODES
from gui.core.results.finished_run import FinishedRun

COLUMNS = ("When", "Mode", "Requests", "At once", "Network", "Wall", "Efficiency")


class HistoryPanel(QWidget):
    show_runs = Signal(object)  # list[FinishedRun] the user selected, oldest first

    def __init__(self, history: History | None, problem: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.entries: list[HistoryEntry] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip("Select one run, or several (Ctrl/Shift-click), and press Show (or Enter)")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.show_button = QPushButton("Show selected")
        self.delete_button = QPushButton("Delete selected")
        self.show_button.clicked.connect(self.show_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.itemDoubleClicked.connect(lambda _item: self.show_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self.table, self.show_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        if history is None:
            self._turn_off(problem or "History is off for this session (--no-history).")
        else:
            self.reload()

    def _turn_off(self, message: str) -> None:
        self.history = None
        self.entries = []
        self.table.setRowCount(0)
        self.table.setEnabled(False)
        self.info.setText(message)
        self._update_buttons()

    def reload(self) -> None:
        """Fill the list again; the runs that were selected stay selected (by id, not by row)."""
        if self.history is None:
            return
        chosen = set(self.selected_ids())
        try:
            self.entries = self.history.list()
            size = self.history.size_bytes()
        except HistoryUnavailable as problem:
            self._turn_off(str(problem))
            return
        blocker = QSignalBlocker(self.table)  # refilling is not the user choosing runs
        self.table.clearSelection()
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            for column, text in enumerate(self._cells(entry)):
                item = QTableWidgetItem(text)
                if column in (2, 3, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row, entry in enumerate(self.entries):
            if entry.id in chosen:
                self.table.selectionModel().select(self.table.model().index(row, 0), flags)
        blocker.unblock()
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.info.setText(
            f"{len(self.entries)} runs kept (at most {self.history.cap}, oldest dropped) · {size_text(size)} "
            f"· {self.history.path}"
        )
        self._update_buttons()

    @staticmethod
    def _cells(entry: HistoryEntry) -> list[str]:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.started_at))
        mode = MODES[entry.mode].title if entry.mode in MODES else entry.mode
        efficiency = f"{entry.efficiency:.0%}" if entry.efficiency is not None else "–"
        wall = f"{entry.wall_s:.2f} s" + (" (stopped)" if entry.stopped else "")
        return [when, mode, f"{entry.count:,}", str(entry.concurrency), entry.conditions, wall, efficiency]

    def record(self, run: FinishedRun) -> None:
        """Keep a run that just ended and show it at the top; a failing file turns history off."""
        if self.history is None:
            return
        try:
            self.history.add(run)
        except HistoryUnavailable as problem:
            self._turn_off(str(problem))
            return
        self.reload()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        return [self.entries[row].id for row in rows]  # oldest first: the list is newest first

    def show_selected(self) -> None:
        if self.history is None or not self.selected_ids():
            return
        runs: list[FinishedRun] = []
        for run_id in self.selected_ids():
            try:
                runs.append(self.history.load(run_id))
            except (KeyError, ValueError) as problem:
                self.info.setText(str(problem))
                return
            except HistoryUnavailable as problem:
                self._turn_off(str(problem))
                return
        self.show_runs.emit(runs)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if self.history is None or not ids:
            return
        try:
            self.history.delete(ids)
        except HistoryUnavailable as problem:
            self._turn_off(str(problem))
            return
        self.reload()

    def _update_buttons(self) -> None:
        chosen = self.history is not None and bool(self.table.selectionModel().selectedRows())
        self.show_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
