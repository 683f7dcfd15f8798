"""Every bound of the settings table, tried just inside and just outside on every interface.

The table (``gui.core.workload.setting_table``) is the one place a range is written. For each of
its numeric rows this reads ``low`` and ``high`` and tries the value at each bound (taken) and the
nearest value beyond it (refused): by ``RunSettings`` or ``NetworkConditions`` themselves, by the
command line (headless and, where the panel stops sooner, the window's check), and by the local
server's admin endpoint. The panel's boxes are tried in ``tests/qt/test_panel_bounds.py``.
"""

from __future__ import annotations

import json
import math
import re

import pytest

from gui.cli import build_parser, explicit_options
from gui.core.workload.setting_table import BOUNDED, Setting, SettingsError, check_for_window
from gui.core.workload.settings import make_settings
from gui.headless import settings_from_args
from gui.server import LocalServer, NetworkConditions
from gui.server.cli import conditions_from_args
from tests.server.json_http import call

RUN_ROWS = [s for s in BOUNDED if not s.network]
NETWORK_ROWS = [s for s in BOUNDED if s.network]


def beyond(setting: Setting, bound: float, way: int) -> int | float:
    """The nearest value of the setting's kind past ``bound`` (``way`` +1: above, -1: below)."""
    if setting.whole:
        return int(bound) + way
    return math.nextafter(bound, way * math.inf)


def span(low: float, high: float, grouping: str = ",") -> str:
    """A range as the errors write it: "from 1 to 100,000" (the server's words group no digits)."""
    return f"from {low:{grouping}.15g} to {high:{grouping}.15g}"


def flag(setting: Setting, value: float) -> list[str]:
    return [f"{setting.long_flag}={value!r}"]  # "=": a negative value is not taken for an option


def test_the_table_bounds_every_number_a_user_can_set() -> None:
    bounded = {s.field for s in BOUNDED}
    assert {"count", "concurrency", "timeout_s", "retries", "backoff_s", "step_ms", "max_body_kb"} <= bounded
    assert {"latency_ms", "jitter_ms", "bandwidth_kbps", "error_rate", "max_concurrent", "padding_kb"} <= bounded
    for s in BOUNDED:
        assert s.low < s.high and s.low <= s.window_low <= s.window_high <= s.high, s.field
        assert s.within(s.default) or (s.cli_default is not None and s.within(s.cli_default)), s.field


@pytest.mark.parametrize("setting", RUN_ROWS, ids=lambda s: s.field)
def test_run_settings_take_each_bound_and_refuse_the_value_past_it(setting: Setting) -> None:
    for bound in (setting.low, setting.high):
        make_settings(**{setting.field: setting.kind(bound)})
    for bound, way in ((setting.low, -1), (setting.high, +1)):
        with pytest.raises(SettingsError) as refused:
            make_settings(**{setting.field: beyond(setting, bound, way)})
        assert span(setting.low, setting.high) in str(refused.value)


@pytest.mark.parametrize("setting", NETWORK_ROWS, ids=lambda s: s.field)
def test_conditions_take_each_bound_and_refuse_the_value_past_it(setting: Setting) -> None:
    for bound in (setting.low, setting.high):
        NetworkConditions().updated({setting.field: setting.kind(bound)})
    for bound, way in ((setting.low, -1), (setting.high, +1)):
        words = (
            f"{setting.field} must be {'a whole number' if setting.whole else 'a number'} from {setting.low:.15g} to "
        )
        with pytest.raises(ValueError, match=re.escape(f"{words}{setting.high:.15g}")):
            NetworkConditions().updated({setting.field: beyond(setting, bound, way)})


@pytest.mark.parametrize("setting", [s for s in BOUNDED if s.flags], ids=lambda s: s.field)
def test_the_command_line_refuses_the_value_past_each_bound(setting: Setting) -> None:
    parser = build_parser()
    read = conditions_from_args if setting.network else settings_from_args
    for bound in (setting.low, setting.high):
        read(parser.parse_args(["--headless", *flag(setting, bound)]))
    for bound, way in ((setting.low, -1), (setting.high, +1)):
        grouping = "" if setting.network else ","  # the server's words have no thousands separator
        with pytest.raises(
            ValueError, match=re.escape(f"from {setting.low:{grouping}.15g} to {setting.high:{grouping}.15g}")
        ):
            read(parser.parse_args(["--headless", *flag(setting, beyond(setting, bound, way))]))


@pytest.mark.parametrize("setting", [s for s in BOUNDED if s.flags and s.key], ids=lambda s: s.field)
def test_the_window_refuses_a_command_line_value_its_panel_would_clamp(setting: Setting) -> None:
    parser = build_parser()
    for bound in (setting.window_low, setting.window_high):
        args = parser.parse_args(flag(setting, bound))
        check_for_window(args, explicit_options(args) | {setting.dest})
    for bound, way in ((setting.window_low, -1), (setting.window_high, +1)):
        args = parser.parse_args(flag(setting, beyond(setting, bound, way)))
        words = (
            f"{setting.long_flag} must be from {setting.window_low:,.15g} to {setting.window_high:,.15g} in the window"
        )
        with pytest.raises(SettingsError, match=re.escape(words)):
            check_for_window(args, explicit_options(args) | {setting.dest})


@pytest.mark.parametrize("setting", NETWORK_ROWS, ids=lambda s: s.field)
def test_the_admin_endpoint_refuses_the_value_past_each_bound(server: LocalServer, setting: Setting) -> None:
    url = f"{server.url}/admin/conditions"
    for bound, way in ((setting.low, -1), (setting.high, +1)):
        status, _, body = call(url, "PUT", json.dumps({setting.field: beyond(setting, bound, way)}).encode())
        assert status == 400, (setting.field, bound)
        assert f"{setting.field} must be" in body["detail"], body
        assert span(setting.low, setting.high, "") in body["detail"], body
        assert server.played_conditions() == NetworkConditions()  # nothing half-applied
    status, _, body = call(url, "PUT", json.dumps({setting.field: setting.kind(setting.high)}).encode())
    assert status == 200 and body[setting.field] == setting.high
