"""Without a display or the xcb libraries, the app says in one line what to do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gui.qt.platform_check import missing_xcb_packages, platform_problem

ROOT = Path(__file__).resolve().parents[2]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's")


@linux_only
def test_no_display_is_one_clear_line() -> None:
    problem = platform_problem({})
    assert problem is not None and "DISPLAY is not set" in problem and "--headless" in problem


@linux_only
def test_missing_xcb_libraries_are_named_with_the_install_command() -> None:
    missing = missing_xcb_packages()
    problem = platform_problem({"DISPLAY": ":0"})
    if not missing:
        assert problem is None
    else:
        assert problem is not None and problem.startswith("error: Qt cannot open a window")
        assert f"sudo apt-get install {' '.join(missing)}" in problem


def test_offscreen_needs_nothing() -> None:
    assert platform_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


@linux_only
def test_main_py_without_a_display_exits_with_one_line_instead_of_a_qt_abort() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no display" in done.stderr
