"""Settings survive a restart; options given on the command line win over them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from gui.cli import build_parser, explicit_options
from gui.core.workload.setting_table import IN_PANEL
from gui.qt.app import apply_cli_settings
from gui.qt.main_window import MainWindow
from gui.qt.persistence import restore_window, save_window
from tests.qt.conftest import LoopRunner


@pytest.fixture
def store(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_settings_and_row_mode_come_back_after_a_restart(loop: LoopRunner, store: QSettings) -> None:
    first = MainWindow()
    first.settings_panel.enter(
        count=321, error_rate=12.5, jitter_kind="long-tail", source="Custom URL", url="http://127.0.0.1:9999/api/v2"
    )
    first.per_request_action.setChecked(True)
    first.compare_menu.choose(["threads", "asyncio"])
    first.docks["history"].hide()
    save_window(first, store)
    second = MainWindow()
    assert second.settings_panel.shown("count") == 151  # a new window starts from defaults...
    restore_window(second, store)  # ...until the saved session is put back
    panel = second.settings_panel
    shown = [panel.shown(key) for key in ("count", "error_rate", "jitter_kind", "source", "url")]
    assert shown == [321, 12.5, "long-tail", "Custom URL", "http://127.0.0.1:9999/api/v2"]
    assert second.per_request_action.isChecked() and second.timeline.per_request
    assert second.compare_menu.modes() == ["threads", "asyncio"]
    assert second.docks["history"].isHidden() and not second.docks["explain"].isHidden()
    for window in (first, second):
        window.deleteLater()


def test_command_line_options_override_only_what_they_name(loop: LoopRunner, store: QSettings) -> None:
    window = MainWindow()
    window.settings_panel.enter(count=500, latency=999)
    save_window(window, store)
    restore_window(window, store)
    args = build_parser().parse_args(["--latency-ms", "40"])
    apply_cli_settings(window, args, explicit=explicit_options(args))
    assert window.settings_panel.shown("latency") == 40
    assert window.settings_panel.shown("count") == 500  # not on the command line: the saved value stays
    window.deleteLater()


def test_every_setting_of_the_table_has_its_widget_and_reads_back_what_the_command_line_put(
    loop: LoopRunner,
) -> None:
    window = MainWindow()
    panel = window.settings_panel
    assert set(panel.editors) == {s.field for s in IN_PANEL}
    assert panel.workers is panel.editors["concurrency"] and panel.latency is panel.editors["latency_ms"]
    args = build_parser().parse_args(
        ["-n", "9", "--timeout-s", "2.5", "--error-rate", "0.25", "--after-fetch", "block"]
    )
    apply_cli_settings(window, args, explicit=explicit_options(args))
    settings = panel.run_settings("threads")
    assert settings is not None
    assert (settings.count, settings.timeout_s, settings.after_fetch) == (9, 2.5, "block")
    assert panel.conditions()["error_rate"] == 0.25 and panel.error_rate.value() == 25.0
    window.deleteLater()
