"""Every command of the window, declared once: its words, keys, menu, toolbar button and tip.

The window makes its toolbar, menus and shortcuts from this table, and the README's key tables
are made from it too (``readme_rows``; ``tests/qt/test_actions.py`` compares the README with it),
as the settings panel and the command line are made from the settings table. A new command is one
``ActionSpec`` here and its slot in the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton, QWidget

from gui.core.lessons.catalogue import LESSONS
from gui.core.modes.catalogue import MODE_NAMES, MODES

MENUS = ("File", "Run", "Lessons", "Replay", "View")  # in the menu bar's order
MENU_TITLES = {"File": "&File", "Run": "&Run", "Lessons": "&Lessons", "Replay": "Re&play", "View": "&View"}
SHOWN_KEYS = {"Right": "→", "Left": "←", "Escape": "Esc"}  # how the README writes a key


@dataclass(frozen=True)
class ActionSpec:
    name: str  # how the window names it: "stop", "mode:threads", "lesson:gil"
    text: str  # the menu's words
    keys: tuple[str, ...] = ()  # its shortcuts, the first one shown in the menu
    menu: str = ""  # one of MENUS; "" = a window-wide key only
    toolbar: int = 0  # the toolbar's group it sits in (1, 2, 3: separators between); 0 = not on it
    tip: str = ""  # the toolbar button's tooltip
    checkable: bool = False
    does: str = ""  # what the README's key table says it does
    row: str = ""  # actions with the same row share one line of the README's table ("modes")
    table: str = "using"  # which README key table: "using" (the window), "replay"


def _mode_actions() -> list[ActionSpec]:
    titles = ", ".join(MODES[name].title for name in MODE_NAMES)
    return [
        ActionSpec(
            f"mode:{spec.name}",
            f"{spec.key}  {spec.title}",
            (spec.key,),
            "Run",
            toolbar=1,
            tip=f"{spec.summary} (key {spec.key})",
            checkable=True,
            row="modes",
            does=f"run {titles} (a run still going is cancelled first, and the timeline says so)",
        )  # fmt: skip
        for spec in (MODES[name] for name in MODE_NAMES)  # the lessons' own programs get no button
    ]


def _lesson_actions() -> list[ActionSpec]:
    return [
        ActionSpec(
            f"lesson:{spec.id}",
            f"{number}. {spec.title}",
            (f"Ctrl+{number % 10}",) if number <= 10 else (),
            "Lessons",
            row="lessons",
            does="open a lesson (Lessons menu): its story and its Run button",
        )  # fmt: skip
        for number, spec in enumerate(LESSONS.values(), start=1)  # Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth
    ]


ACTIONS: tuple[ActionSpec, ...] = (
    *_mode_actions(),
    ActionSpec("compare", "C  Compare", ("C",), "Run", toolbar=2,
               tip="Run the same Pokémon in each ticked mode, one after another (C)",
               does="Compare: the same Pokémon in each mode ticked under the arrow beside the button, one run "
               "after another, stacked on one time axis"),
    ActionSpec("stop", "Stop", ("Esc",), "Run", toolbar=3, tip="Cancel the run (Esc)",
               does="stop: queued requests never start, coroutines are cancelled, threads finish their current "
               "request, processes are terminated"),
    ActionSpec("fit", "Fit", ("F",), "View", toolbar=3, tip="Show the whole run and follow it (F)",
               does="fit the whole run and follow it again"),
    ActionSpec("per_request", "One row per request", ("L",), "View", toolbar=3, checkable=True,
               tip="One row per request instead of per worker (L)",
               does="one row per request (a waterfall) instead of one row per worker"),
    *_lesson_actions(),
    ActionSpec("run_lesson", "Run the open lesson", ("R",), "Lessons",
               does="run the open lesson (or **Run the lesson** in its dock)"),
    ActionSpec("quit", "Quit", ("Ctrl+Q",), "File",
               does="quit (also mid-run: workers, the HTTP session and the server are stopped first; Ctrl+C or "
               "SIGTERM in the terminal does the same)"),
    ActionSpec("play", "Play / pause the replay", ("Space",), "Replay", table="replay",
               does="play / pause (the first press replays the runs on screen from their start)"),
    ActionSpec("next_event", "Next event", ("Right",), "Replay", table="replay", row="events",
               does="pause and jump to the next / previous moment a request changed"),
    ActionSpec("previous_event", "Previous event", ("Left",), "Replay", table="replay", row="events"),
    ActionSpec("faster", "Faster", ("+", "="), "Replay", table="replay", row="speed",
               does="faster / slower: 0.05×, 0.1×, 0.25×, 0.5×, 0.75×, 1×, 1.5×, 2×"),
    ActionSpec("slower", "Slower", ("-",), "Replay", table="replay", row="speed"),
    ActionSpec("presenter", "Presenter mode", ("F11",), "View", checkable=True, table="replay",
               does="presenter mode on / off (`Esc` also leaves it when nothing is running)"),
    ActionSpec("unfold", "Show the side panels", (), "View"),
)  # fmt: skip


def lesson_keys() -> str:
    """The Lessons menu's keys in a few words, for hints: "Ctrl+1 … Ctrl+0"."""
    keys = [spec.keys[0] for spec in ACTIONS if spec.row == "lessons" and spec.keys]
    return f"{keys[0]} … {keys[-1]}" if len(keys) > 1 else "".join(keys)


def make_actions(parent: QWidget, slots: Mapping[str, Callable[[], object]]) -> dict[str, QAction]:
    """One QAction per row of the table, with its keys, tip and slot; every key works anywhere in the
    window, menus and toolbar shown or not (a text field still gets its own keys)."""
    made: dict[str, QAction] = {}
    for spec in ACTIONS:
        action = QAction(spec.text, parent)
        action.setShortcuts([QKeySequence(key) for key in spec.keys])
        if spec.tip:
            action.setToolTip(spec.tip)
        action.setCheckable(spec.checkable)
        action.triggered.connect(lambda _=False, slot=slots[spec.name]: slot())
        parent.addAction(action)  # its keys work with the menu bar and toolbar hidden (presenter mode)
        made[spec.name] = action
    return made


def make_toolbar(window: QMainWindow, actions: Mapping[str, QAction], compare_menu: QMenu) -> QToolBar:
    """The toolbar: the table's buttons in their groups, Compare with its menu of modes beside it."""
    toolbar = QToolBar("Modes")
    toolbar.setObjectName("toolbar-modes")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    window.addToolBar(toolbar)
    group = 0
    for spec in (spec for spec in ACTIONS if spec.toolbar):
        if group and spec.toolbar != group:
            toolbar.addSeparator()
        group = spec.toolbar
        toolbar.addAction(actions[spec.name])
    button = toolbar.widgetForAction(actions["compare"])
    if isinstance(button, QToolButton):
        button.setMenu(compare_menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    for action in toolbar.actions():  # keys drive the buttons; no button keeps a focus frame
        widget = toolbar.widgetForAction(action)
        if widget is not None:
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return toolbar


class CompareMenu(QMenu):
    """The arrow beside Compare: a ticked choice per mode, all ticked at first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices: dict[str, QAction] = {}
        for spec in (MODES[name] for name in MODE_NAMES):
            choice = self.addAction(spec.title)
            choice.setCheckable(True)
            choice.setChecked(True)
            self.choices[spec.name] = choice

    def modes(self) -> list[str]:
        """The ticked modes, in the catalogue's order."""
        return [name for name in MODE_NAMES if self.choices[name].isChecked()]

    def choose(self, modes: Sequence[str]) -> None:
        for name, choice in self.choices.items():
            choice.setChecked(name in modes)


def fill_menu(menu: QMenu, name: str, actions: Mapping[str, QAction]) -> None:
    """The table's actions of menu ``name``, in the table's order; a separator where a group of
    lessons ends (the lessons, then running the open one)."""
    previous = ""
    for spec in (spec for spec in ACTIONS if spec.menu == name):
        if previous == "lessons" and spec.row != "lessons":
            menu.addSeparator()
        previous = spec.row
        menu.addAction(actions[spec.name])


def readme_rows(table: str) -> list[str]:
    """The README's key table ``table`` as the table says it: one line a row, in the table's order."""
    rows: list[str] = []
    for row_specs in _rows(spec for spec in ACTIONS if spec.table == table and spec.keys):
        keys = _keys_text(row_specs)
        does = next(spec.does for spec in row_specs if spec.does)
        rows.append(f"| {keys} | {does} |")
    return rows


def _rows(specs: Iterable[ActionSpec]) -> list[list[ActionSpec]]:
    grouped: list[list[ActionSpec]] = []
    for spec in specs:
        if grouped and spec.row and grouped[-1][0].row == spec.row:
            grouped[-1].append(spec)
        else:
            grouped.append([spec])
    return grouped


def _keys_text(specs: list[ActionSpec]) -> str:
    if specs[0].row == "lessons":
        first, last = specs[0].keys[0], specs[min(len(specs), 9) - 1].keys[0]
        tenth = f", `{specs[9].keys[0]}`" if len(specs) >= 10 else ""
        return f"`{first}` … `{last}`{tenth}"
    shown = [" ".join(f"`{SHOWN_KEYS.get(key, key)}`" for key in spec.keys[:1]) for spec in specs]
    return (" / " if specs[0].row in ("events", "speed") else " ").join(shown)
