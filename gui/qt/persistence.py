"""Remember the settings and the window between sessions (nothing a user set is lost on close)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from gui.core.workload.setting_table import IN_PANEL
from gui.qt.actions import CompareMenu
from gui.qt.settings_panel import SettingsPanel
from gui.qt.timeline_view import TimelineView

ORGANIZATION = "poke-concurrency-lab"
APPLICATION = "Poké Concurrency Lab"
# Stored as "run/<key>": the table's keys (gui/core/workload/setting_table.py), then where the data comes from.
PANEL_FIELDS = (*(s.key for s in IN_PANEL), "source", "url")


class RememberedWindow(Protocol):
    """What is remembered of the window: its panel's values, its view choices, its geometry and docks."""

    settings_panel: SettingsPanel
    per_request_action: QAction
    timeline: TimelineView
    compare_menu: CompareMenu

    def saveGeometry(self) -> QByteArray: ...

    def saveState(self, version: int = ...) -> QByteArray: ...

    def restoreGeometry(self, geometry: QByteArray | bytes | bytearray | memoryview) -> bool: ...

    def restoreState(self, state: QByteArray | bytes | bytearray | memoryview, version: int = ...) -> bool: ...


def app_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def save_window(window: RememberedWindow, store: QSettings) -> None:
    panel = window.settings_panel
    for name in PANEL_FIELDS:
        store.setValue(f"run/{name}", panel.shown(name))  # a box's number, a choice's words, a text
    store.setValue("view/per_request", window.per_request_action.isChecked())
    store.setValue("view/compare_modes", ",".join(window.compare_menu.modes()))
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())  # docks: where they are, which are open
    store.sync()


def restore_window(window: RememberedWindow, store: QSettings) -> None:
    """Put saved values back; anything missing or unreadable keeps its default."""
    panel = window.settings_panel
    for name in PANEL_FIELDS:
        value = store.value(f"run/{name}")
        if value is None:
            continue
        widget = getattr(panel, name)
        try:
            if isinstance(widget, QSpinBox):
                widget.setValue(int(float(value)))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(float(value))
            elif isinstance(widget, QComboBox) and widget.findText(str(value)) >= 0:
                widget.setCurrentText(str(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(str(value).lower() == "true")
        except (TypeError, ValueError):
            continue  # a hand-edited or older settings file: keep the default
    if str(store.value("view/per_request", "false")).lower() == "true":
        window.per_request_action.setChecked(True)
        window.timeline.set_per_request(True)
    modes = store.value("view/compare_modes")
    if isinstance(modes, str) and modes:
        window.compare_menu.choose(modes.split(","))
    geometry = store.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    state = store.value("window/state")
    if isinstance(state, QByteArray):
        window.restoreState(state)
