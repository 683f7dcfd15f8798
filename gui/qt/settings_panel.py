"""The settings column: how many Pokémon, how many at once, the network, the data source.

Every value is bounded by its widget; the one free-text field (a custom URL) is checked by the
core's settings, and a problem is shown under it in words, never as a traceback.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.core.workload.setting_table import IN_PANEL, Setting
from gui.core.workload.settings import REAL_POKEAPI_URL, RunSettings, SettingsError, make_settings

SOURCES = ("Local server", "Real PokéAPI", "Custom URL")
Editor = QSpinBox | QDoubleSpinBox | QComboBox | QCheckBox


def editor_for(setting: Setting) -> Editor:
    """The widget a setting of the table gets: a number box, a list, or a check box, bounded by it."""
    if setting.kind is bool:
        check = QCheckBox(setting.label)
        check.setChecked(bool(setting.default))
        widget: Editor = check
    elif setting.choices:
        combo = QComboBox()
        for value, label in zip(setting.choices, setting.choice_labels or setting.choices, strict=True):
            combo.addItem(label, value)
        combo.setCurrentIndex(setting.choices.index(setting.default))
        widget = combo
    else:
        box: QSpinBox | QDoubleSpinBox = QDoubleSpinBox() if setting.decimals else QSpinBox()
        if isinstance(box, QDoubleSpinBox):
            box.setDecimals(setting.decimals)
            box.setRange(setting.shown(setting.window_low), setting.shown(setting.window_high))
            box.setSingleStep(setting.step)
            box.setValue(setting.shown(setting.default))
        else:
            box.setRange(int(setting.shown(setting.window_low)), int(setting.shown(setting.window_high)))
            box.setValue(int(setting.shown(setting.default)))
            box.setAccelerated(True)
        box.setSuffix(setting.suffix)
        if setting.special:
            box.setSpecialValueText(setting.special)
        widget = box
    widget.setToolTip(setting.help)
    return widget


def read(widget: Editor, setting: Setting) -> Any:
    """A widget's value, as the setting's value."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    return setting.value(widget.value())


def write(widget: Editor, setting: Setting, value: Any) -> None:
    """Show ``value`` (the setting's) in its widget; a value the widget cannot show leaves it alone."""
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        if index >= 0:
            widget.setCurrentIndex(index)
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(setting.shown(value)))
    else:
        widget.setValue(int(setting.shown(value)))


def _form_box(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    for label, widget in rows:
        form.addRow(label, widget)
    return box


class SettingsPanel(QWidget):
    network_changed = Signal()  # a local-server network value changed (the window applies it live)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, Editor] = {s.field: editor_for(s) for s in IN_PANEL}  # field -> its widget
        self._by_key = {s.key: self.editors[s.field] for s in IN_PANEL}
        self.source = QComboBox()
        self.source.addItems(list(SOURCES))
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://127.0.0.1:8000/api/v2")
        self.url.setEnabled(False)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d55e00;")
        self.problem.hide()

        def rows(network: bool) -> list[tuple[str, QWidget]]:
            return [
                ("" if s.kind is bool else s.label, self.editors[s.field]) for s in IN_PANEL if s.network is network
            ]

        run_box = _form_box("Run", rows(network=False))
        network_box = _form_box("Local server's network", rows(network=True))
        source_box = QGroupBox("Data source")
        source_layout = QVBoxLayout(source_box)
        source_layout.addWidget(self.source)
        source_layout.addWidget(self.url)
        source_layout.addWidget(self.problem)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(run_box)
        layout.addWidget(network_box)
        layout.addWidget(source_box)
        layout.addStretch(1)
        self.network_box = network_box
        self.source.currentIndexChanged.connect(self._on_source_changed)
        for setting in IN_PANEL:
            editor = self.editors[setting.field]
            if setting.network and isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self.network_changed)
            elif setting.network and isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                editor.valueChanged.connect(self.network_changed)
        self.url.textChanged.connect(lambda _: self.problem.hide())

    def __getattr__(self, key: str) -> Any:
        """``panel.workers``, ``panel.latency``: the widget of the setting with that key in the table."""
        editors = self.__dict__.get("_by_key", {})
        if key in editors:
            return editors[key]
        raise AttributeError(f"{type(self).__name__!r} has no attribute {key!r}")

    def enter(self, **values: Any) -> None:
        """Type values into the panel as a user would, by the table's keys and in the panel's units
        (``enter(count=12, latency=40)``; a choice by its words, ``source="Custom URL"``)."""
        for key, value in values.items():
            widget = getattr(self, key)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(str(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))
            else:
                widget.setValue(value)

    def shown(self, key: str) -> Any:
        """What the panel shows for ``key``, in its own units (a box's number, a choice's words)."""
        widget = getattr(self, key)
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        if isinstance(widget, QLineEdit):
            return widget.text()
        return widget.value()

    def _on_source_changed(self, index: int) -> None:
        self.url.setEnabled(SOURCES[index] == "Custom URL")
        self.network_box.setEnabled(SOURCES[index] == "Local server")
        workers = self.editors["concurrency"]
        if SOURCES[index] == "Real PokéAPI" and isinstance(workers, QSpinBox) and workers.value() > 4:
            workers.setValue(4)  # a polite default for a free public service
        self.problem.hide()

    @property
    def uses_local_server(self) -> bool:
        return self.source.currentText() == "Local server"

    def base_url(self) -> str:
        """The chosen source's URL ("" for the local server)."""
        text = self.source.currentText()
        if text == "Real PokéAPI":
            return REAL_POKEAPI_URL
        if text == "Custom URL":
            return self.url.text().strip().rstrip("/") or "(empty)"
        return ""

    def run_settings(self, mode: str) -> RunSettings | None:
        """The settings for a run, or None after showing what is wrong."""
        try:
            run = {s.field: read(self.editors[s.field], s) for s in IN_PANEL if not s.network}
            settings = make_settings(mode=mode, base_url=self.base_url(), **run)
        except SettingsError as problem:
            self.problem.setText(str(problem))
            self.problem.show()
            return None
        self.problem.hide()
        return settings

    def conditions(self) -> dict[str, Any]:
        """The local server's network conditions, as names the server understands."""
        return {s.field: read(self.editors[s.field], s) for s in IN_PANEL if s.network}

    def load(self, settings: RunSettings, conditions: dict[str, Any]) -> None:
        """Put a lesson's settings and network into the widgets ("Try it yourself")."""
        for setting in IN_PANEL:
            if setting.network:
                if setting.field in conditions:
                    write(self.editors[setting.field], setting, conditions[setting.field])
            elif setting.field != "step_ms" or settings.step_ms:  # no step: keep the panel's length
                write(self.editors[setting.field], setting, getattr(settings, setting.field))
        self.source.setCurrentText("Local server")
