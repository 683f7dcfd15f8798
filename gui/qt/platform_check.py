"""Say in one line what a Linux machine lacks to open a window, before Qt aborts with a page of
plugin errors (on a fresh Debian 12, libxcb-icccm4 and libxcb-keysyms1 are typically missing)."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Mapping

# Libraries Qt's xcb platform plugin loads, and the Debian/Ubuntu packages that provide them.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "wayland")


def _loadable(library: str) -> bool:
    try:
        ctypes.CDLL(library)
    except OSError:
        return False
    return True


def missing_xcb_packages() -> list[str]:
    return [package for library, package in XCB_LIBRARIES.items() if not _loadable(library)]


def platform_problem(env: Mapping[str, str] = os.environ) -> str | None:
    """A one-line explanation of why no window can open here, or None if it can."""
    if not sys.platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen.startswith(HEADLESS_PLATFORMS) or (not chosen and env.get("WAYLAND_DISPLAY")):
        return None
    if not env.get("DISPLAY"):
        return (
            "error: no display to open a window on (DISPLAY is not set). "
            "Use --headless for a text run or --screenshot out.png for a picture."
        )
    missing = missing_xcb_packages()
    if missing:
        return (
            "error: Qt cannot open a window: system libraries are missing. "
            f"Install them with: sudo apt-get install {' '.join(missing)}"
        )
    return None
