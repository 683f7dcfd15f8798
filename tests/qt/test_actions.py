"""The actions table makes the window's toolbar, menus and keys, and the README's key tables."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.qt.actions import ACTIONS, MENU_TITLES, readme_rows
from gui.qt.main_window import MainWindow
from tests.qt.conftest import LoopRunner

README = Path(__file__).resolve().parents[2] / "README.md"
NOT_WINDOW_KEYS = ("`Del` (History dock)", "wheel / drag / double-click", "drag on the time axis")  # not actions


def key_tables(text: str) -> list[list[str]]:
    """The README's tables headed ``| key | does |``, as their rows."""
    tables = []
    for block in re.findall(r"\| key \| does \|\n\|---\|---\|\n((?:\|.*\|\n)+)", text):
        tables.append(block.splitlines())
    return tables


def test_the_readme_key_tables_are_the_actions_table() -> None:
    using, replay = key_tables(README.read_text(encoding="utf-8"))
    for rows, generated in ((using, readme_rows("using")), (replay, readme_rows("replay"))):
        assert rows[: len(generated)] == generated  # word for word, in the table's order
        assert all(row.split(" | ")[0].lstrip("| ") in NOT_WINDOW_KEYS for row in rows[len(generated) :]), rows


def test_every_action_of_the_table_has_its_keys_menu_and_toolbar_button(loop: LoopRunner) -> None:
    window = MainWindow()
    menus = {menu.title(): menu for menu in window.menuBar().findChildren(QMenu) if menu.title()}
    toolbar = window.toolbar.actions()
    for spec in ACTIONS:
        action = window.commands[spec.name]
        assert action.text() == spec.text
        assert [key.toString() for key in action.shortcuts()] == [QKeySequence(k).toString() for k in spec.keys]
        if spec.menu:
            assert action in menus[MENU_TITLES[spec.menu]].actions(), spec.name
        assert (action in toolbar) is bool(spec.toolbar), spec.name
    made = set(window.commands.values())
    with_keys = [a for a in window.findChildren(QAction) if a.shortcuts()]
    assert [a.text() for a in with_keys if a not in made] == []  # no key is made anywhere else
    window.deleteLater()


def test_a_key_of_the_table_runs_its_command(loop: LoopRunner) -> None:
    window = MainWindow()
    assert not window.timeline.per_request
    window.commands["per_request"].trigger()
    assert window.timeline.per_request and window.per_request_action.isChecked()
    window.deleteLater()
