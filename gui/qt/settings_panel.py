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

from gui.core.settings import MAX_CONCURRENCY, MAX_REQUESTS, REAL_POKEAPI_URL, RunSettings, SettingsError, make_settings
from gui.server.conditions import JITTER_KINDS

SOURCES = ("Local server", "Real PokéAPI", "Custom URL")
AFTER_FETCH_CHOICES = (
    ("nothing", ""),
    ("compute", "compute"),
    ("blocking call", "block"),
    ("call in a thread", "await-in-thread"),
)


def _spin(low: int, high: int, value: int, suffix: str = "", special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setAccelerated(True)
    if special:
        box.setSpecialValueText(special)
    return box


def _double(low: float, high: float, value: float, step: float, suffix: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    return box


def _form_box(title: str, rows: dict[str, QWidget]) -> QGroupBox:
    box = QGroupBox(title)
    form = QFormLayout(box)
    for label, widget in rows.items():
        form.addRow(label, widget)
    return box


class SettingsPanel(QWidget):
    network_changed = Signal()  # a local-server network value changed (the window applies it live)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = _spin(1, MAX_REQUESTS, 151)
        self.count.setToolTip("How many Pokémon to fetch (the first N, by Pokédex number)")
        self.workers = _spin(1, MAX_CONCURRENCY, 10)
        self.workers.setToolTip("Threads or processes in the pool, or coroutines allowed in flight at once")
        self.timeout = _double(0.1, 600, 10, 0.5, " s")
        self.retries = _spin(0, 10, 0)
        self.latency = _spin(0, 10_000, 150, " ms")
        self.jitter = _spin(0, 10_000, 30, " ms")
        self.jitter_kind = QComboBox()
        self.jitter_kind.addItems(list(JITTER_KINDS))
        self.jitter_kind.setCurrentText("uniform")
        self.bandwidth = _spin(0, 1_000_000, 0, " KB/s", special="unlimited")
        self.error_rate = _double(0, 100, 0, 1, " %")
        self.server_max = _spin(0, 10_000, 0, special="unlimited")
        self.server_max.setToolTip("How many requests the server serves at once; the rest wait in its queue")
        self.after_fetch = QComboBox()
        for label, kind in AFTER_FETCH_CHOICES:
            self.after_fetch.addItem(label, kind)
        self.after_fetch.setToolTip(
            "What each job does with its answer before it ends: pure-Python work (holds the GIL), a blocking "
            "call (time.sleep), or the same call awaited in a thread. The lessons use this."
        )
        self.step_ms = _spin(1, 10_000, 20, " ms")
        self.step_ms.setToolTip("How long that step takes: CPU work on one core, or a blocking call")
        self.watch_loop = QCheckBox("Watch loop lag")
        self.watch_loop.setToolTip("A heartbeat on the loop measures how late it answers (a strip under the timeline)")
        self.trace_slivers = QCheckBox("Mark real runs")
        self.trace_slivers.setToolTip("Ticks on each lane: a coroutine's steps, or a thread's CPU clock")
        self.source = QComboBox()
        self.source.addItems(list(SOURCES))
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://127.0.0.1:8000/api/v2")
        self.url.setEnabled(False)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #d55e00;")
        self.problem.hide()

        run_box = _form_box(
            "Run", {"Pokémon": self.count, "Workers / limit": self.workers, "Timeout": self.timeout,
                    "Retries": self.retries, "After each fetch": self.after_fetch, "Step takes": self.step_ms,
                    "": self.watch_loop, " ": self.trace_slivers},
        )  # fmt: skip
        network_box = _form_box(
            "Local server's network", {"Latency": self.latency, "Jitter": self.jitter, "Jitter shape": self.jitter_kind,
                                       "Bandwidth": self.bandwidth, "Error rate": self.error_rate,
                                       "Server serves": self.server_max},
        )  # fmt: skip
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
        for box in (self.latency, self.jitter, self.bandwidth, self.error_rate, self.server_max):
            box.valueChanged.connect(self.network_changed)
        self.jitter_kind.currentIndexChanged.connect(self.network_changed)
        self.url.textChanged.connect(lambda _: self.problem.hide())

    def _on_source_changed(self, index: int) -> None:
        self.url.setEnabled(SOURCES[index] == "Custom URL")
        self.network_box.setEnabled(SOURCES[index] == "Local server")
        if SOURCES[index] == "Real PokéAPI" and self.workers.value() > 4:
            self.workers.setValue(4)  # a polite default for a free public service
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
            settings = make_settings(
                mode=mode,
                count=self.count.value(),
                concurrency=self.workers.value(),
                timeout_s=self.timeout.value(),
                retries=self.retries.value(),
                base_url=self.base_url(),
                after_fetch=self.after_fetch.currentData(),
                step_ms=self.step_ms.value(),
                watch_loop=self.watch_loop.isChecked(),
                trace_slivers=self.trace_slivers.isChecked(),
            )
        except SettingsError as problem:
            self.problem.setText(str(problem))
            self.problem.show()
            return None
        self.problem.hide()
        return settings

    def conditions(self) -> dict[str, Any]:
        """The local server's network conditions, as names the server understands."""
        return {
            "latency_ms": self.latency.value(),
            "jitter_ms": self.jitter.value(),
            "jitter": self.jitter_kind.currentText(),
            "bandwidth_kbps": self.bandwidth.value(),
            "error_rate": self.error_rate.value() / 100.0,
            "max_concurrent": self.server_max.value(),
        }

    def load(self, settings: RunSettings, conditions: dict[str, Any]) -> None:
        """Put a lesson's settings and network into the widgets ("Try it yourself")."""
        self.count.setValue(settings.count)
        self.workers.setValue(settings.concurrency)
        self.after_fetch.setCurrentIndex(max(self.after_fetch.findData(settings.after_fetch), 0))
        if settings.step_ms:
            self.step_ms.setValue(int(settings.step_ms))
        self.watch_loop.setChecked(settings.watch_loop)
        self.trace_slivers.setChecked(settings.trace_slivers)
        self.source.setCurrentText("Local server")
        self.latency.setValue(int(conditions.get("latency_ms", self.latency.value())))
        self.jitter.setValue(int(conditions.get("jitter_ms", self.jitter.value())))
        self.error_rate.setValue(float(conditions.get("error_rate", 0.0)) * 100)
        self.bandwidth.setValue(int(conditions.get("bandwidth_kbps", 0)))
        self.server_max.setValue(int(conditions.get("max_concurrent", 0)))
