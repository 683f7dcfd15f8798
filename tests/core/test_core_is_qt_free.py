"""The core and the server never import Qt: they must run in worker processes and headless tools."""

import pkgutil
import subprocess
import sys

import gui.core

# Every module of the core, found rather than listed, so a new one cannot slip past.
CORE_MODULES = [
    *(m.name for m in pkgutil.walk_packages(gui.core.__path__, "gui.core.")),
    "gui.server.app",
    "gui.server.process",
    "gui.headless",
    "gui.history_cli",
]


def test_importing_the_core_loads_no_pyside6() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}: __import__(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync', 'gui.qt')))\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
