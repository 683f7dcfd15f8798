"""The card shown when a bar is clicked: number, name, genus, type chips, base-stat bars."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gui.core.model.run_model import Span
from gui.core.workload.dataset import pokedex
from gui.qt.theme import TYPE_HEX, text_color_on

STAT_MAX = 255
STAT_NAMES = {
    "hp": "HP",
    "attack": "Attack",
    "defense": "Defense",
    "special-attack": "Sp. Atk",
    "special-defense": "Sp. Def",
    "speed": "Speed",
}


class StatBar(QWidget):
    def __init__(self, value: int) -> None:
        super().__init__()
        self.value = value
        self.setFixedHeight(12)
        self.setMinimumWidth(160)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        track = QColor(self.palette().text().color())
        track.setAlpha(30)
        painter.fillRect(self.rect(), track)
        hue = min(self.value, 150) / 150 * 120  # red (low) to green (high)
        width = self.width() * min(self.value, STAT_MAX) / STAT_MAX
        painter.fillRect(QRectF(0, 0, width, self.height()), QColor.fromHsvF(hue / 360, 0.75, 0.85))
        painter.end()


def type_chip(name: str) -> QLabel:
    color = QColor(TYPE_HEX.get(name, "#888888"))
    chip = QLabel(name.upper())
    chip.setObjectName(f"type-{name}")
    chip.setAlignment(Qt.AlignmentFlag.AlignCenter)
    chip.setStyleSheet(
        f"background: {color.name()}; color: {text_color_on(color).name()}; border-radius: 8px;"
        "padding: 2px 10px; font-weight: bold;"
    )
    return chip


class CardDialog(QDialog):
    """A small, non-modal window; Esc closes it."""

    def __init__(self, span: Span, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        card = span.card
        self.setWindowTitle(f"#{card.id} {card.name.title()}" if card else span.pokemon.title())
        layout = QVBoxLayout(self)
        if card is None:
            layout.addWidget(QLabel(f"<h2>{span.pokemon.title()}</h2>"))
            reason = span.error or span.status.value.replace("_", " ")
            layout.addWidget(QLabel(f"No data: this request ended {span.status.value.replace('_', ' ')}.\n{reason}"))
            return
        found = pokedex().find_pokemon(card.id)
        genus = pokedex().genus_of(found) if found and found["name"] == card.name else ""
        self.title = QLabel(f"<h2>#{card.id:03d} {card.name.replace('-', ' ').title()}</h2>")
        layout.addWidget(self.title)
        self.genus = QLabel(genus)
        layout.addWidget(self.genus)
        chips = QHBoxLayout()
        for name in card.types:
            chips.addWidget(type_chip(name))
        chips.addStretch(1)
        layout.addLayout(chips)
        if card.height is not None and card.weight is not None:
            layout.addWidget(QLabel(f"Height {card.height / 10:.1f} m · Weight {card.weight / 10:.1f} kg"))
        for stat, value in card.stats:
            row = QHBoxLayout()
            stat_name = QLabel(STAT_NAMES.get(stat, stat))
            stat_name.setFixedWidth(60)
            number = QLabel(str(value))
            number.setFixedWidth(30)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row.addWidget(stat_name)
            row.addWidget(number)
            row.addWidget(StatBar(value), 1)
            layout.addLayout(row)
        total = sum(value for _, value in card.stats)
        layout.addWidget(
            QLabel(f"Base stat total: {total}  ·  fetched in {(span.duration_s or 0) * 1000:.0f} ms on {span.lane}")
        )


class CardShelf:
    """The cards open at once (each bar clicked opens its own), kept until closed."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self.shown: list[CardDialog] = []

    def show(self, span: Span) -> None:
        card = CardDialog(span, self.parent)
        card.finished.connect(lambda _: self.shown.remove(card) if card in self.shown else None)
        self.shown.append(card)
        card.show()

    def close_all(self) -> None:
        for card in list(self.shown):
            card.close()
