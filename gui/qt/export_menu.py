"""File ▸ Export in the window: ask where, write what is on screen, and say how it went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from gui.core.results.finished_run import FinishedRun
from gui.qt.exporting import EXPORTS, ExportKind, export_runs
from gui.qt.messages import PROBLEM, Say
from gui.qt.timeline_view import TimelineView


class ExportMenu(QObject):
    """The Export submenu: one action per kind, enabled only when a finished run is on screen."""

    def __init__(
        self,
        window: QMainWindow,
        menu: QMenu,
        timeline: TimelineView,
        runs: Callable[[], Sequence[FinishedRun]],
        say: Say,
    ) -> None:
        super().__init__(window)
        self.window, self.timeline, self.runs, self.say = window, timeline, runs, say
        self.actions: dict[ExportKind, QAction] = {}
        for kind, (label, _suffix, _filter) in EXPORTS.items():
            action = menu.addAction(label)
            action.triggered.connect(lambda _=False, k=kind: self.ask(k))
            self.actions[kind] = action
        menu.aboutToShow.connect(self._update_actions)

    def _update_actions(self) -> None:
        ready = bool(self.runs())
        for action in self.actions.values():
            action.setEnabled(ready)

    def ask(self, kind: ExportKind) -> None:
        label, suffix, name_filter = EXPORTS[kind]
        runs = self.runs()
        if not runs:
            self.say("Nothing to export yet: finish a run first.", 0)
            return
        stem = "-vs-".join(run.settings.mode for run in runs)
        suggested = str(Path.home() / f"poke-lab-{stem}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self.window, label, suggested, name_filter)
        if path:
            self.export_to(kind, Path(path))

    def export_to(self, kind: ExportKind, path: Path) -> bool:
        """Write what is on screen as ``kind``; a problem becomes one message, never a traceback."""
        problem = export_runs(kind, path, self.runs(), self.timeline)
        if problem:
            buttons = QMessageBox.StandardButton.Ok
            box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", problem, buttons, self.window)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # not exec(): the event loop (and any run) goes on while it is shown
            self.say(f"Export failed: {problem}", 0, PROBLEM)
            return False
        self.say(f"Saved {path}", 5000)
        return True
