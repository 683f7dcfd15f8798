"""The settings panel's boxes stop at the table's bounds, and what the panel hands on is within them.

The other interfaces (the settings themselves, the command line, the admin endpoint) are tried in
``tests/test_every_bound.py``; the panel cannot refuse a value, so the value just past a bound is
typed in and the box must hold the bound instead.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox
from pytestqt.qtbot import QtBot

from gui.core.workload.setting_table import BOUNDED, IN_PANEL, Setting
from gui.qt.settings_panel import SettingsPanel, read
from gui.server import NetworkConditions

IN_A_BOX = [s for s in BOUNDED if s in IN_PANEL]


@pytest.mark.parametrize("setting", IN_A_BOX, ids=lambda s: s.field)
def test_each_box_holds_its_bound_when_the_value_past_it_is_typed(qtbot: QtBot, setting: Setting) -> None:
    panel = SettingsPanel()
    qtbot.addWidget(panel)
    box = panel.editors[setting.field]
    assert isinstance(box, (QSpinBox, QDoubleSpinBox))
    tick = 10.0 ** -box.decimals() if isinstance(box, QDoubleSpinBox) else 1
    for bound, way in ((setting.window_low, -1), (setting.window_high, +1)):
        shown = setting.shown(bound)
        box.setValue(shown + way * tick)
        assert box.value() == pytest.approx(shown)
        value = read(box, setting)
        assert setting.within(value) and setting.window_low <= value <= setting.window_high
    run = panel.run_settings("threads")
    assert run is not None  # the panel's values at the bounds make a run
    NetworkConditions().updated(panel.conditions())  # and a network the server plays
