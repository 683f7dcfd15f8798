"""Finished runs side by side, one row each, in the order given; a click picks one to look at.

The rows and their text come from ``gui.core.results.comparison_table``; the table only shows them,
right-aligns the numbers and tints the fastest run's row.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QMouseEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableWidget, QTableWidgetItem, QWidget

from gui.core.model.segments import Segment
from gui.core.results.comparison_table import (
    COLUMNS,
    NUMERIC_COLUMNS,
    ComparisonRow,
    Measure,
    comparison_rows,
    row_cells,
    row_setup,
)
from gui.core.results.finished_run import FinishedRun
from gui.qt.theme import blend, is_dark, segment_color

FASTEST_TINT = {False: 0.16, True: 0.26}  # how much of the waiting green tints the fastest row
SPEEDUP_COLUMN = COLUMNS.index("Speed-up")
MODE_COLUMN = COLUMNS.index("Mode")
COLUMN_PAD_PX = 16


class CompareTable(QTableWidget):
    run_selected = Signal(int)  # the index, in the list given to show_runs, of the run clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.rows: list[ComparisonRow] = []
        self._filling = False
        self._row_at_press = -1
        self._content_width = 0  # the columns' natural widths together (the last one stretches beyond)
        for column in range(len(COLUMNS)):  # headers aligned like their cells
            side = Qt.AlignmentFlag.AlignRight if column in NUMERIC_COLUMNS else Qt.AlignmentFlag.AlignLeft
            header_item = QTableWidgetItem(COLUMNS[column])
            header_item.setTextAlignment(side | Qt.AlignmentFlag.AlignVCenter)
            self.setHorizontalHeaderItem(column, header_item)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(False)  # the speed-up stays beside the other numbers
        self.verticalHeader().hide()
        self._fit_columns()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        self.setSortingEnabled(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.currentCellChanged.connect(self._on_current_cell_changed)
        self.cellClicked.connect(self._on_cell_clicked)

    def show_runs(self, runs: Sequence[FinishedRun], measure: Measure | None = None, measure_name: str = "") -> None:
        """``measure`` ranks the runs (a lesson's figure, such as the computing stretch) instead of wall time."""
        self._filling = True  # rebuilding moves the current cell: that is not the user picking a run
        header = self.horizontalHeaderItem(SPEEDUP_COLUMN)
        if header is not None:
            header.setText(f"Speed-up ({measure_name})" if measure is not None and measure_name else "Speed-up")
        try:
            self.rows = comparison_rows(runs, measure)
            self.clearContents()
            self.setRowCount(len(self.rows))
            for r, row in enumerate(self.rows):
                for column, text in enumerate(row_cells(row)):
                    self.setItem(r, column, self._item(text, column, row))
            self.setCurrentCell(-1, -1)
            self._tint_fastest()
            self.resizeRowsToContents()
            self._fit_columns()
        finally:
            self._filling = False
        self.updateGeometry()

    def _item(self, text: str, column: int, row: ComparisonRow) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if column in NUMERIC_COLUMNS:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == MODE_COLUMN:
            item.setToolTip(row_setup(row) + (" — the fastest" if row.fastest else ""))
        if row.fastest and column in (MODE_COLUMN, SPEEDUP_COLUMN):
            font = QFont(self.font())
            font.setBold(True)
            item.setFont(font)
        return item

    def _fit_columns(self) -> None:
        """Each column as wide as its widest text, plus some air: tight columns read as one block of digits."""
        header = self.horizontalHeader()
        self._content_width = 0
        for column in range(self.columnCount()):
            width = max(self.sizeHintForColumn(column), header.sectionSizeHint(column)) + COLUMN_PAD_PX
            self.setColumnWidth(column, width)
            self._content_width += width

    def _tint_fastest(self) -> None:
        dark = is_dark(self.palette())
        tint = blend(
            self.palette().color(QPalette.ColorRole.Base), segment_color(Segment.WAITING, dark), FASTEST_TINT[dark]
        )
        for r, row in enumerate(self.rows):
            brush = QBrush(tint) if row.fastest else QBrush()
            for column in range(self.columnCount()):
                item = self.item(r, column)
                if item is not None:
                    item.setBackground(brush)

    def fastest_tint(self) -> QColor:
        """The fastest row's background (the tests read it)."""
        for r, row in enumerate(self.rows):
            item = self.item(r, 0)
            if row.fastest and item is not None:
                return item.background().color()
        return QColor()

    def sizeHint(self) -> QSize:
        """Just tall enough for its rows: the table sits under the timeline, not instead of it."""
        width = 2 * self.frameWidth() + self._content_width
        height = 2 * self.frameWidth() + self.horizontalHeader().sizeHint().height()
        height += sum(self.rowHeight(r) for r in range(self.rowCount())) or self.verticalHeader().defaultSectionSize()
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().sizeHint().height()
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._row_at_press = self.currentRow()
        super().mousePressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint_fastest()

    def _on_current_cell_changed(self, row: int, _column: int, previous_row: int, _previous_column: int) -> None:
        if not self._filling and row >= 0 and row != previous_row:
            self.run_selected.emit(row)

    def _on_cell_clicked(self, row: int, _column: int) -> None:
        if row == self._row_at_press:  # a click on the row already current: currentCellChanged stayed silent
            self.run_selected.emit(row)
