"""Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies), mapped onto
the request phases in the spirit of a browser's network waterfall, in light and dark variants.

tests/qt/test_colour_pairs.py holds every pair of colours that can be on one screen apart, in normal
vision and under simulated protanopia, deuteranopia and tritanopia: change a colour, run it."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gui.core.model.segments import Segment

_SEGMENT_HEX: dict[Segment, str] = {
    Segment.QUEUED: "#9fb3c8",  # light blue-grey, translucent: nothing happens yet
    Segment.CONNECTING: "#e69f00",  # orange
    Segment.SENDING: "#f0e442",  # yellow
    Segment.WAITING: "#009e73",  # bluish green
    Segment.DOWNLOADING: "#0072b2",  # blue
    Segment.PARSING: "#cc79a7",  # reddish purple
    Segment.FAILED: "#d55e00",  # vermillion, hatched
    Segment.CANCELLED: "#8c8c8c",  # grey, hatched
    Segment.RETRYING: "#f5b08a",  # pale vermillion, hatched: failure that was recovered from
    Segment.COMPUTING: "#882255",  # wine (Tol muted): the CPU is busy with our own code
    # Pale = waiting of the same kind. The GIL's wait is paler and greyer than parsing's pink, and
    # the core's a deeper lavender than the sky-blue "now" line, which a deuteranope saw as one colour.
    Segment.GIL_WAIT: "#d5b2c4",  # pale wine: the same work, waiting its turn for the GIL
    Segment.CORE_WAIT: "#8a75f0",  # lavender: ready, but the cores were busy with someone else
    Segment.READY_WAIT: "#c8bfa8",  # warm grey: ready, not running; this system cannot say why
    Segment.BLOCKED: "#332288",  # indigo (Tol muted): a blocking call holds the thread
    Segment.IN_THREAD: "#66ccee",  # cyan (Tol bright): the same call, waited for in a thread
    # The shared-memory lessons. Tol's palettes have too few colours left beside the network's, so
    # these are picked by the test: none near a network phase, hazards far from all of them.
    Segment.LOCK_WAIT: "#adebbd",  # pale green: standing still, waiting for the lock the dark green holds
    Segment.LOCK_HELD: "#117733",  # dark green (Tol muted): working, and keeping everyone else out
    Segment.DEADLOCKED: "#bb00ff",  # vivid purple, hatched: a wait that could never end
    Segment.UPDATING: "#6600cc",  # violet: from a read of shared memory to its write
    Segment.LOST_UPDATE: "#991111",  # dark red, hatched: that write was overwritten (darker than failed's vermillion)
    Segment.AWAITING: "#aa4499",  # purple (Tol muted): a reader of a shared future, until it is resolved
    Segment.STARTING: "#858547",  # olive, greyed: a worker process's interpreter starting, no request yet
}

DEADLOCK_HEX = _SEGMENT_HEX[Segment.DEADLOCKED]  # the arrows of a deadlock's cycle, in its bars' colour
LOST_HEX = _SEGMENT_HEX[Segment.LOST_UPDATE]  # the markers over lost writes, in their pieces' colour
LINK_HEX = "#7f7f7f"  # a request's link to the request whose answer led to it
BARRIER_HEX = "#332288"  # a stage's end: nothing of the next stage starts before it

NOW_LINE_HEX = "#4da6ff"  # sky blue: distinct from every phase colour (the test holds it to that too)
LIMIT_LINE_HEX = "#d55e00"

TYPE_HEX: dict[str, str] = {
    "normal": "#9fa19f",
    "fire": "#e62829",
    "water": "#2980ef",
    "electric": "#fac000",
    "grass": "#3fa129",
    "ice": "#3dcef3",
    "fighting": "#ff8000",
    "poison": "#9141cb",
    "ground": "#915121",
    "flying": "#81b9ef",
    "psychic": "#ef4179",
    "bug": "#91a119",
    "rock": "#afa981",
    "ghost": "#704170",
    "dragon": "#5060e1",
    "dark": "#624d4e",
    "steel": "#60a1b8",
    "fairy": "#ef70ef",
    "stellar": "#40b5a5",
    "unknown": "#68a090",
}


# Presenter mode on a projector: the pale colours wash out, so they get a stronger shade of the
# same hue where the test allows one (stronger still fell onto a neighbour, e.g. the GIL's wait onto
# parsing's pink), and the queue is opaque: translucent, it sank into a black background.
_HIGH_CONTRAST_HEX: dict[Segment, str] = {
    Segment.QUEUED: "#c9d4e8",
    Segment.CORE_WAIT: "#7c69d8",
    Segment.READY_WAIT: "#beb5a0",
    Segment.IN_THREAD: "#61c2e2",
    Segment.LOCK_WAIT: "#9cd3aa",
}
_style = {"high_contrast": False}  # module state: every painter asks segment_color, none keeps a copy


def set_high_contrast(on: bool) -> None:
    """Presenter mode's colours on (or off again) for every bar drawn from now on."""
    _style["high_contrast"] = on


def high_contrast() -> bool:
    return _style["high_contrast"]


def segment_color(segment: Segment, dark: bool) -> QColor:
    if _style["high_contrast"]:
        return QColor(_HIGH_CONTRAST_HEX.get(segment, _SEGMENT_HEX[segment]))  # opaque: no washed-out queue
    color = QColor(_SEGMENT_HEX[segment])
    if segment is Segment.QUEUED:
        color.setAlpha(110 if dark else 150)
    return color


def sliver_color(dark: bool) -> QColor:
    """The ticks of a worker really running: near-black under a bar, near-white on a dark theme."""
    return QColor("#f2f2f2" if dark else "#111111")


def text_color_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    luminance = 0.299 * background.red() + 0.587 * background.green() + 0.114 * background.blue()
    return QColor("#111111") if luminance > 150 else QColor("#ffffff")


def apply_theme(app: QApplication, theme: str) -> None:
    """ "system" keeps the platform's palette (and follows its light/dark switch); "light" and
    "dark" force one on Fusion, e.g. for a projector in a bright room."""
    if theme == "system":
        return
    app.setStyle("Fusion")
    palette = QPalette()
    if theme == "dark":
        colors = {
            QPalette.ColorRole.Window: "#1f2226",
            QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#16181b",
            QPalette.ColorRole.AlternateBase: "#23262a",
            QPalette.ColorRole.Text: "#e6e6e6",
            QPalette.ColorRole.Button: "#2a2e33",
            QPalette.ColorRole.ButtonText: "#e6e6e6",
            QPalette.ColorRole.Highlight: "#3d7fd6",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2a2e33",
            QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8a8f96",
        }
        for role, hex_color in colors.items():
            palette.setColor(role, QColor(hex_color))
        # Without these a disabled button (Stop between runs) reads exactly like an enabled one.
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7078"))
    app.setPalette(palette)


def high_contrast_palette(dark: bool) -> QPalette:
    """Presenter mode: pure black on white (or white on black), every role, for a projector at the
    back of a room; the highlight keeps a colour-blind-safe blue."""
    ink, paper, panel = ("#ffffff", "#000000", "#141414") if dark else ("#000000", "#ffffff", "#ececec")
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: paper,
        QPalette.ColorRole.WindowText: ink,
        QPalette.ColorRole.Base: paper,
        QPalette.ColorRole.AlternateBase: panel,
        QPalette.ColorRole.Text: ink,
        QPalette.ColorRole.Button: panel,
        QPalette.ColorRole.ButtonText: ink,
        QPalette.ColorRole.Highlight: "#56b4e9" if dark else "#0072b2",
        QPalette.ColorRole.HighlightedText: "#000000" if dark else "#ffffff",
        QPalette.ColorRole.ToolTipBase: paper,
        QPalette.ColorRole.ToolTipText: ink,
        QPalette.ColorRole.PlaceholderText: "#c8c8c8" if dark else "#3c3c3c",
    }
    for role, hex_color in colors.items():
        palette.setColor(role, QColor(hex_color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def blend(base: QColor, over: QColor, amount: float) -> QColor:
    """``over`` laid on ``base`` at ``amount`` opacity, as an opaque colour."""
    channels = zip((base.red(), base.green(), base.blue()), (over.red(), over.green(), over.blue()), strict=True)
    red, green, blue = (round(a + (b - a) * amount) for a, b in channels)
    return QColor(red, green, blue)
