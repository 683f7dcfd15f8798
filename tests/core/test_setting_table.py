"""The settings table: one declaration per setting, read by the command line, the panel and the store."""

from __future__ import annotations

from dataclasses import fields

import pytest

from gui.cli import build_parser, explicit_options
from gui.core.workload.setting_table import NETWORK_SETTINGS, RUN_SETTINGS, SETTINGS, check_for_window
from gui.core.workload.settings import RunSettings, SettingsError, make_settings
from gui.headless import settings_from_args
from gui.server import NetworkConditions
from gui.server.cli import conditions_from_args


def test_every_setting_names_a_real_field_and_its_defaults_are_valid() -> None:
    run_fields = {f.name for f in fields(RunSettings)}
    network_fields = {f.name for f in fields(NetworkConditions)}
    for s in RUN_SETTINGS:
        assert s.field in run_fields, s.field
    for s in NETWORK_SETTINGS:
        assert s.field in network_fields, s.field
    make_settings(**{s.field: s.default for s in RUN_SETTINGS})  # the panel's starting values are valid
    NetworkConditions().updated({s.field: s.default for s in NETWORK_SETTINGS})
    keys = [s.key for s in SETTINGS if s.key]
    assert len(keys) == len(set(keys)), "two settings share a widget and a storage key"


def test_a_setting_on_the_command_line_reaches_the_run_and_the_network() -> None:
    args = build_parser().parse_args(
        ["-n", "7", "-c", "3", "--after-fetch", "compute", "--step-ms", "5", "--watch-loop",
         "--latency-ms", "40", "--jitter-ms", "5", "--error-rate", "0.1", "--server-max", "4", "--max-body-kb", "64"]
    )  # fmt: skip
    settings = settings_from_args(args)
    assert (settings.count, settings.concurrency, settings.after_fetch, settings.step_ms) == (7, 3, "compute", 5.0)
    assert settings.watch_loop and not settings.trace_slivers and settings.max_body_kb == 64
    conditions = conditions_from_args(args)
    assert (conditions.latency_ms, conditions.jitter_ms, conditions.jitter) == (40.0, 5.0, "uniform")
    assert (conditions.error_rate, conditions.max_concurrent) == (0.1, 4)


def test_left_out_options_take_the_tables_defaults() -> None:
    args = build_parser().parse_args([])
    settings = settings_from_args(args)
    assert settings == make_settings(mode="asyncio", count=151, concurrency=10, seed=0)
    assert conditions_from_args(args).jitter == "none"


def test_the_window_takes_up_to_ten_thousand_requests_and_a_headless_run_ten_times_more() -> None:
    """The window draws every request live; the panel's box stops at 10,000 and a bigger --count
    for the window is an error that says where the bigger runs go, not a number silently clamped."""
    parser = build_parser()
    big = parser.parse_args(["--count", "20000"])
    with pytest.raises(SettingsError, match=r"--count must be from 1 to 10,000 in the window \(--headless takes up to"):
        check_for_window(big, explicit_options(big))
    with pytest.raises(SettingsError, match="--concurrency must be from 1 to 1,024 in the window, got 0"):
        zero = parser.parse_args(["-c", "0"])
        check_for_window(zero, explicit_options(zero))
    fine = parser.parse_args(["--count", "10000", "--step-ms", "5"])
    check_for_window(fine, explicit_options(fine))
    check_for_window(parser.parse_args([]), set())  # defaults (--step-ms 0 means "no step") are never checked
    headless = settings_from_args(parser.parse_args(["--headless", "--count", "100000", "-c", "1000"]))
    assert (headless.count, headless.concurrency) == (100_000, 1000)
    with pytest.raises(SettingsError, match="100,000"):
        settings_from_args(parser.parse_args(["--headless", "--count", "100001"]))
