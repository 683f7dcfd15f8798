"""Start the window on a qasync loop, and the ``--screenshot`` path that needs no display."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QToolButton

from gui.core.history.store import open_history
from gui.core.lessons.catalogue import LESSONS
from gui.core.modes.catalogue import at_once
from gui.core.results.comparison import parse_modes
from gui.core.session.lab import LiveRun
from gui.core.session.replay import moment_in
from gui.core.workload.setting_table import IN_PANEL, check_for_window
from gui.qt.event_loop import BatchingEventLoop
from gui.qt.main_window import MainWindow
from gui.qt.persistence import app_settings, restore_window, save_window
from gui.qt.platform_check import platform_problem
from gui.qt.settings_panel import write
from gui.qt.theme import apply_theme
from gui.server.cli import conditions_from_args

SIGNAL_CHECK_MS = 100
PICTURE_SCREEN = (1920, 1080)  # the screen a picture is taken on with no display: a projector's
LEFTOVER_TASKS_S = 0.5  # after the window closed, tasks still pending get this long to finish cancelled


def run_app(args: argparse.Namespace, explicit: set[str]) -> int:
    """Open the window and run until it is closed. Returns the process exit code.

    ``explicit``: the options given on the command line (``gui.cli.explicit_options``); they win
    over the settings saved from the last session, the others do not.
    """
    leave_on_signals_until_a_window()
    screen_file = None
    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    platform = os.environ.get("QT_QPA_PLATFORM")
    if args.screenshot and ((no_display and platform is None) or platform == "offscreen" or args.size):
        # A picture needs no screen: it is laid out on one of the asked size (a projector's, say).
        if platform not in (None, "offscreen"):
            print(f"error: --screenshot --size lays the window out offscreen, not on {platform}", file=sys.stderr)
            return 2
        screen_file = offscreen_screen_file(*(args.size or PICTURE_SCREEN))
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={screen_file}"
    problem = platform_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        conditions = conditions_from_args(args)
        compare = parse_modes(args.compare) if args.compare is not None else None
        check_for_window(args, explicit)
    except ValueError as error:  # SettingsError is a ValueError too
        print(f"error: {error}", file=sys.stderr)
        return 2

    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    if screen_file is not None:
        Path(screen_file).unlink(missing_ok=True)  # the platform read it as the application started
    app.setApplicationName("Poké Concurrency Lab")
    apply_theme(app, args.theme)
    app.setQuitOnLastWindowClosed(False)  # we quit ourselves, after the workers and server stop
    loop = BatchingEventLoop(app)
    asyncio.set_event_loop(loop)
    history, history_problem = (None, None) if args.no_history else open_history()
    if history_problem:
        print(f"note: {history_problem}", file=sys.stderr)
    window = MainWindow(conditions, history, history_problem)
    store = app_settings()
    if not args.screenshot:  # a screenshot shows exactly what its command line asks for
        restore_window(window, store)
    apply_cli_settings(window, args, explicit=explicit)
    close_on_signals(window)
    window.show()
    window.start_server()
    log_runs_to_terminal(window)
    if compare:
        window.compare_menu.choose(compare)
    if args.lesson:
        if args.lesson not in LESSONS:
            print(f"error: no lesson {args.lesson!r}; the lessons are {', '.join(LESSONS)}", file=sys.stderr)
            return 2
        window.lessons.open(args.lesson)
    if args.present:  # after the lesson's page opened: presenter mode starts on the run's page
        window.presenter.enter()
    if args.start and not args.screenshot:  # begins as soon as the local server is ready
        if args.lesson:
            window.lessons.start(args.lesson)
        elif compare:
            window.runs.start_comparison(compare)
        else:
            window.runs.start_mode(args.mode)
    exit_code = 0
    with loop:
        if args.screenshot:
            exit_code = loop.run_until_complete(
                take_screenshot(window, compare or [args.mode], args.screenshot, args.lesson, args.at)
            )
        else:
            loop.run_until_complete(window.closed)
            save_window(window, store)
        finish_leftover_tasks(loop)
    return exit_code


def offscreen_screen_file(width: int, height: int) -> str:
    """A screen for Qt's offscreen platform (its ``configfile`` option), as a temporary JSON file:
    without one it is 800 x 800, too small for a full-screen presenter picture."""
    screens = {"screens": [{"name": "picture", "x": 0, "y": 0, "width": width, "height": height}]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="poke-lab-screen-", delete=False) as file:
        json.dump(screens, file)
    return file.name


def finish_leftover_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is still pending and let it finish, so closing the loop destroys no pending task.

    Left alone, such a task (a run whose worker still sits in a blocking step) would print "Task was
    destroyed but it is pending!" as the loop closes.
    """
    leftover = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not leftover:
        return
    for task in leftover:
        task.cancel()
    loop.run_until_complete(asyncio.wait(leftover, timeout=LEFTOVER_TASKS_S))


def leave_on_signals_until_a_window() -> None:
    """Ctrl+C or SIGTERM while the app is still starting: leave at once, politely (no server runs yet).

    ``close_on_signals`` takes over as soon as there is a window to close.
    """

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGINT, leave)
    signal.signal(signal.SIGTERM, leave)


def close_on_signals(window: MainWindow) -> QTimer:
    """Ctrl+C or SIGTERM in the terminal closes the window the polite way (run, workers, server).

    Python only runs signal handlers when the interpreter gets control; while Qt waits for
    events it does not, so a light timer hands control back ten times a second. The handler only
    notes the wish: it may interrupt any line (of Qt, of the loop, of the close itself), so the
    closing is done by the timer, from the event loop, where closing is always safe.
    """
    asked: list[int] = []

    def request_close(signum: int, frame: object) -> None:
        asked.append(signum)

    def close_if_asked() -> None:
        if asked:
            window.close()

    signal.signal(signal.SIGINT, request_close)
    signal.signal(signal.SIGTERM, request_close)
    heartbeat = QTimer(window)
    heartbeat.timeout.connect(close_if_asked)
    heartbeat.start(SIGNAL_CHECK_MS)
    return heartbeat


def log_runs_to_terminal(window: MainWindow) -> None:
    """One line per run start and end on stdout: a record of the session for whoever launched it."""

    def started(live: LiveRun) -> None:
        s = live.settings
        print(f"{s.mode} run started: {s.count:,} Pokémon, {at_once(s)} at once", flush=True)

    def finished(live: LiveRun) -> None:
        summary = live.summary()
        print(f"{live.settings.mode} run ended in {summary.wall_s:.2f} s: {summary.ok} ok, "
              f"{summary.failed} failed, {summary.cancelled} cancelled", flush=True)  # fmt: skip

    window.run_started.connect(started)
    window.run_finished.connect(finished)


def apply_cli_settings(window: MainWindow, args: argparse.Namespace, explicit: set[str] | None = None) -> None:
    """Put command-line values into the settings widgets, so the window starts as asked.

    With ``explicit``, only the options named there are applied (the rest keep saved values).
    """
    panel = window.settings_panel
    for setting in IN_PANEL:
        if not setting.flags or (explicit is not None and setting.dest not in explicit):
            continue
        value = getattr(args, setting.dest, None)
        if value is not None and value != "":
            write(panel.editors[setting.field], setting, value)
    if args.base_url:
        panel.source.setCurrentText("Custom URL")
        panel.url.setText(args.base_url)
    if args.per_request:
        window.per_request_action.setChecked(True)
        window.timeline.set_per_request(True)


async def take_screenshot(
    window: MainWindow, modes: list[str], path: Path, lesson: str | None = None, at: str | None = None
) -> int:
    """Run ``modes`` (one, a comparison, or a lesson) to the end, then save a PNG of the whole window;
    with ``at``, as it was at that moment (``--at``: seconds, or a percentage), replayed."""
    finished: asyncio.Future[object] = asyncio.get_running_loop().create_future()

    def on_finished(result: object) -> None:
        if not finished.done():
            finished.set_result(result)

    if lesson:
        window.lesson_finished.connect(on_finished)
    else:
        (window.comparison_finished if len(modes) > 1 else window.run_finished).connect(on_finished)
    await window.server_ready.wait()
    if window.server_error:
        print(f"error: {window.server_error}", file=sys.stderr)
        await _close(window)
        return 1
    if lesson:
        window.lessons.start(lesson)
    elif len(modes) > 1:
        window.runs.start_comparison(modes)
    else:
        window.runs.start_mode(modes[0])
    if window.settings_panel.problem.isVisible():
        print(f"error: {window.settings_panel.problem.text()}", file=sys.stderr)
        await _close(window)
        return 2
    await finished
    if window.timeline.time_window.following:  # a lesson that zoomed to its telling moment keeps it
        window.timeline.fit()
    window.runs.on_frame()
    if at is not None and window.runs.start_replay():
        assert window.replay.replay is not None
        window.replay.seek(moment_in(at, window.replay.replay.duration_s))
    for button in window.toolbar.findChildren(QToolButton):  # offscreen, the cursor "hovers" at 0,0
        button.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, False)
    pixmap = window.grab()
    saved = pixmap.save(str(path))
    await _close(window)
    if not saved:
        print(f"error: could not write {path}", file=sys.stderr)
        return 1
    print(f"saved {path} ({pixmap.width()}x{pixmap.height()})")
    return 0


async def _close(window: MainWindow) -> None:
    window.close()
    await window.closed
