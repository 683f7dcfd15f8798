"""The replay's transport bar under the timeline: play/pause, jump to the next event, speed, and where the playback is.

One slim row: it must not take space from the bars on a 1280 x 720 screen. Every button has its
key (Space, arrows, + and -), so the bar mostly shows; the slider also scrubs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolButton, QWidget

from gui.core.session.replay import speed_text
from gui.qt.replay_controller import ReplayController

SLIDER_STEPS = 1000
PLAY, PAUSE = "▶", "‖"
IDLE_TEXT = "Replay: Space plays · ← → jump · + − speed · drag the axis"  # whole on a 1280 projector


class TransportBar(QWidget):
    def __init__(self, controller: ReplayController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        # Text, not the style's icons: those stay dark on a dark palette; these take the text colour.
        # (No media symbols either: many fonts lack ⏮ ⏸ ⏭.)
        self.play_button = self._button(PLAY, "Play / pause the replay (Space)", lambda: self.play_requested())
        self.back_button = self._button("|◀", "Previous event (←)", lambda: self.jump_requested(False))
        self.next_button = self._button("▶|", "Next event (→)", lambda: self.jump_requested(True))
        self.slower_button = self._button("−", "Slower (-)", lambda: controller.change_speed(False))
        self.faster_button = self._button("+", "Faster (+)", lambda: controller.change_speed(True))
        self.speed = QLabel()
        self.speed.setToolTip("Playback speed: 0.05× to 2× the recorded time")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the window
        self.slider.setToolTip("Where the replay is; drag to scrub")
        self.slider.sliderMoved.connect(self._on_slider_moved)
        self.position = QLabel()
        self.position.setMinimumWidth(self.fontMetrics().horizontalAdvance("00.00 / 00.00 s") + 6)
        self.hint = QLabel(IDLE_TEXT)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # cut, never widen
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        for widget in (self.back_button, self.play_button, self.next_button, self.slower_button):
            layout.addWidget(widget)
        layout.addWidget(self.speed)
        layout.addWidget(self.faster_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.position)
        layout.addWidget(self.hint, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The window supplies what play and jump mean when no replay is on yet (it starts one first).
        self.play_requested: Callable[[], None] = controller.toggle
        self.jump_requested: Callable[[bool], None] = controller.jump
        self.refresh()
        controller.changed.connect(self.refresh)
        controller.moved.connect(self._on_moved)

    def _button(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        """Show the controller's state: idle (a hint), or a replay's speed, position and play button."""
        controller = self.controller
        active = controller.active
        self.play_button.setText(PAUSE if controller.playing else PLAY)
        self.speed.setText(speed_text(controller.speed))
        self.slider.setVisible(active)
        self.position.setVisible(active)
        self.hint.setVisible(not active)
        if controller.replay is not None:
            self._on_moved(controller.replay.position_s)

    def _on_moved(self, position: float) -> None:
        replay = self.controller.replay
        if replay is None:
            return
        duration = replay.duration_s
        self.position.setText(f"{position:.2f} / {duration:.2f} s")
        if not self.slider.isSliderDown():
            self.slider.blockSignals(True)  # showing the position never writes it back
            self.slider.setValue(round(position / duration * SLIDER_STEPS) if duration > 0 else 0)
            self.slider.blockSignals(False)

    def _on_slider_moved(self, value: int) -> None:
        replay = self.controller.replay
        if replay is not None:
            self.controller.seek(value / SLIDER_STEPS * replay.duration_s)
