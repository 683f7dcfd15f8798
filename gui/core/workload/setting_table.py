"""Every setting a user can change, declared once: its type, range, widget, flag and storage key.

The settings panel builds its widgets from this table, the window saves and restores them by it,
the command line makes its options from it and reads them back by it, and command-line values
reach the panel through it. Every bound is here and only here: ``RunSettings`` and the server's
``NetworkConditions`` check their values against these rows, the panel's boxes stop at them, and
the window's check of command-line values reads them. A new setting (a lesson's, say) is one
``Setting`` here, plus its field in ``RunSettings`` or ``NetworkConditions``.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import Any

MAX_REQUESTS = 100_000  # a run: headless, 100,000 requests at 1,000 at once take ~450 MB (benchmarks/scale.py)
WINDOW_MAX_REQUESTS = 10_000  # what the window runs (its history may still open a bigger headless run)
MAX_CONCURRENCY = 1_024  # the sweep lesson doubles coroutines up to 1024
MAX_RETRIES = 10
DEFAULT_MAX_BODY_KB = 8_192  # PokéAPI's largest answers are well under a megabyte
MAX_BODY_KB_LIMIT = 1_048_576  # a cap above 1 GB per response would not protect anything
MAX_LATENCY_MS = 60_000  # the server never waits longer than a minute before answering


class SettingsError(ValueError):
    """A setting a user chose is out of range; the message says which and what is allowed."""


@dataclass(frozen=True)
class Setting:
    field: str  # the field of RunSettings, or of NetworkConditions when ``network``
    label: str  # what the panel calls it ("" with a check box: the box says it)
    kind: type  # int, float, str or bool: the field's type, and the option's
    default: Any  # where the panel starts, and the option's default unless ``cli_default`` says otherwise
    low: float = 0.0
    high: float = 0.0
    network: bool = False  # a condition the local server plays, not a setting of the run
    key: str = ""  # the panel's widget (an attribute of SettingsPanel) and its storage key; "" = no widget
    flags: tuple[str, ...] = ()  # its command-line option(s); () = none
    help: str = ""  # --help, and the widget's tooltip
    suffix: str = ""  # the unit after the panel's number
    decimals: int = 0  # 0: a whole-number box
    step: float = 1.0
    special: str = ""  # the panel's words for the lowest value ("unlimited")
    percent: bool = False  # a fraction, shown as a percentage in the panel
    choices: tuple[str, ...] = ()  # a str setting's values
    choice_labels: tuple[str, ...] = ()  # the panel's words for them (default: the values)
    cli_default: Any = None  # the option's default when it differs from the panel's (None: ``default``)
    panel_high: float = 0.0  # the panel's (and the window's) highest value, when below ``high``
    panel_low: float | None = None  # the panel's (and the window's) lowest value, when above ``low``
    what: str = ""  # what an error calls it ("number of requests"); "" = its field's name
    unit: str = ""  # the unit an error gives its range in ("seconds")

    @property
    def window_high(self) -> float:
        return self.panel_high or self.high

    @property
    def window_low(self) -> float:
        return self.low if self.panel_low is None else self.panel_low

    @property
    def whole(self) -> bool:
        return self.kind is int

    def within(self, value: object) -> bool:
        """A number of the setting's kind, finite, from ``low`` to ``high`` (a bool is no number)."""
        kinds = (int,) if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            return False
        return math.isfinite(value) and self.low <= value <= self.high

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not one this numeric setting takes, in the words of a settings error."""
        if self.within(value):
            return None
        number = "a whole number" if self.whole else "a number"
        unit = f" {self.unit}" if self.unit else ""
        span = f"from {self.low:,.15g} to {self.high:,.15g}{unit}"
        return f"{self.what or self.field} must be {number} {span}, got {value!r}"

    @property
    def long_flag(self) -> str:
        """The option as ``--help`` and error messages name it (``--timeout-s``)."""
        return next(flag for flag in self.flags if flag.startswith("--"))

    @property
    def dest(self) -> str:
        """The option's name in argparse's namespace (``--timeout-s`` -> ``timeout_s``)."""
        return self.long_flag[2:].replace("-", "_")

    def shown(self, value: Any) -> Any:
        """A value as the panel shows it."""
        return value * 100 if self.percent else value

    def value(self, shown: Any) -> Any:
        """What the panel shows, as the setting's value."""
        return self.kind(shown / 100 if self.percent else shown)


AFTER_FETCH_KINDS = ("", "compute", "block", "await-in-thread")  # the lessons' programs are not offered here

SETTINGS: tuple[Setting, ...] = (
    # --- the run ----------------------------------------------------------------------------------
    Setting("count", "Pokémon", int, 151, 1, MAX_REQUESTS, key="count", flags=("-n", "--count"),
            help=f"How many Pokémon to fetch (the first N, by Pokédex number), 1-{WINDOW_MAX_REQUESTS:,} in the "
            f"window, 1-{MAX_REQUESTS:,} with --headless", panel_high=WINDOW_MAX_REQUESTS, what="number of requests"),
    Setting("concurrency", "Workers / limit", int, 10, 1, MAX_CONCURRENCY, key="workers", flags=("--concurrency", "-c"),
            help=f"Threads or processes in the pool, or coroutines allowed in flight at once, 1-{MAX_CONCURRENCY:,}",
            what="workers / concurrency"),
    Setting("timeout_s", "Timeout", float, 10.0, 0.1, 600, key="timeout", flags=("--timeout-s",), suffix=" s",
            decimals=2, step=0.5, help="Each request's deadline, from its start to its last byte", what="timeout",
            unit="seconds"),
    Setting("retries", "Retries", int, 0, 0, MAX_RETRIES, key="retries", flags=("--retries",),
            help="Retries per request (exponential backoff, never sooner than Retry-After)"),
    Setting("backoff_s", "", float, 0.25, 0, 60, help="The first retry's wait, doubling after (or Retry-After)",
            what="backoff", unit="seconds"),
    Setting("after_fetch", "After each fetch", str, "", key="after_fetch", flags=("--after-fetch",),
            choices=AFTER_FETCH_KINDS, choice_labels=("nothing", "compute", "blocking call", "call in a thread"),
            help="What each job does with its answer before it ends: pure-Python work (holds the GIL), a "
            "blocking call (time.sleep), or the same call awaited in a thread. The lessons use this."),
    Setting("step_ms", "Step takes", float, 20, 0, 10_000, key="step_ms", flags=("--step-ms",), suffix=" ms",
            help="How long that step takes: CPU work on one core, or a blocking call", cli_default=0.0, panel_low=1,
            what="a step's time", unit="ms"),
    Setting("watch_loop", "Watch loop lag", bool, False, key="watch_loop", flags=("--watch-loop",),
            help="A heartbeat on the loop measures how late it answers (a strip under the timeline)"),
    Setting("trace_slivers", "Mark real runs", bool, False, key="trace_slivers", flags=("--trace-slivers",),
            help="Ticks on each lane: each turn a coroutine had on the loop, or a thread's CPU clock"),
    Setting("max_body_kb", "", int, DEFAULT_MAX_BODY_KB, 1, MAX_BODY_KB_LIMIT, flags=("--max-body-kb",),
            help=f"Cap on each answer's body, decompressed (default {DEFAULT_MAX_BODY_KB:,} KB); bigger is "
            "'too large'", what="the largest answer", unit="KB"),
    # --- the local server's network ---------------------------------------------------------------
    Setting("latency_ms", "Latency", float, 150, 0, MAX_LATENCY_MS, network=True, key="latency",
            flags=("--latency-ms",), suffix=" ms", help="Delay before each response", panel_high=10_000),
    Setting("jitter_ms", "Jitter", float, 30, 0, MAX_LATENCY_MS, network=True, key="jitter", flags=("--jitter-ms",),
            suffix=" ms", help="Spread of the delay", cli_default=0.0, panel_high=10_000),
    Setting("jitter", "Jitter shape", str, "uniform", network=True, key="jitter_kind", flags=("--jitter",),
            choices=("none", "uniform", "long-tail"), help="Jitter shape (on the command line: uniform when "
            "--jitter-ms is set)", cli_default=""),
    Setting("bandwidth_kbps", "Bandwidth", float, 0, 0, 10_000_000, network=True, key="bandwidth",
            flags=("--bandwidth-kbps",), suffix=" KB/s", special="unlimited", help="KB/s per response; 0 = unlimited",
            panel_high=1_000_000),
    Setting("error_rate", "Error rate", float, 0.0, 0, 1, network=True, key="error_rate", flags=("--error-rate",),
            suffix=" %", decimals=2, percent=True, help="Share of requests answered 500, 503 or 429"),
    Setting("max_concurrent", "Server serves", int, 0, 0, 100_000, network=True, key="server_max",
            flags=("--server-max",), special="unlimited",
            help="How many requests the server serves at once; the rest wait in its queue (0 = unlimited)",
            panel_high=10_000),
    Setting("drop_rate", "", float, 0.0, 0, 1, network=True, flags=("--drop-rate",),
            help="Share of bodies cut halfway"),
    Setting("padding_kb", "", float, 0.0, 0, 10_000, network=True, flags=("--padding-kb",),
            help="Filler added to each JSON body, to weigh like real PokéAPI answers"),
    Setting("retry_after_s", "", int, 1, 0, 3600, network=True, help="The Retry-After header sent with a 429"),
)  # fmt: skip

RUN_SETTINGS = tuple(s for s in SETTINGS if not s.network)
NETWORK_SETTINGS = tuple(s for s in SETTINGS if s.network)
IN_PANEL = tuple(s for s in SETTINGS if s.key)
BOUNDED = tuple(s for s in SETTINGS if s.kind in (int, float))  # the settings with a range


def add_options(group: argparse._ArgumentGroup, settings: tuple[Setting, ...], **defaults: Any) -> None:
    """An option for each setting that has flags; ``defaults`` (by field) override the table's."""
    for s in settings:
        if not s.flags:
            continue
        default = defaults.get(s.field, s.default if s.cli_default is None else s.cli_default)
        if s.kind is bool:
            group.add_argument(*s.flags, action="store_true", help=s.help)
        elif s.choices:
            choices = [c for c in s.choices if c] if s.kind is str else None
            group.add_argument(*s.flags, choices=choices, default=default, help=s.help)
        else:
            group.add_argument(*s.flags, type=s.kind, default=default, help=f"{s.help} (default {default:g})")


def values_from(args: argparse.Namespace, settings: tuple[Setting, ...]) -> dict[str, Any]:
    """The fields of ``settings`` as the command line gave them (an option left out: its default)."""
    return {s.field: getattr(args, s.dest) for s in settings if s.flags}


def check_for_window(args: argparse.Namespace, given: set[str]) -> None:
    """The numbers given on the command line (``given``: their dests) within what the window's panel
    takes, or a ``SettingsError`` naming the first that is not; the panel would clamp it silently."""
    for s in IN_PANEL:
        if not s.flags or s.dest not in given or s.kind not in (int, float):
            continue
        value = getattr(args, s.dest)
        if not s.window_low <= value <= s.window_high:
            headless = f" (--headless takes up to {s.high:,.15g})" if s.panel_high else ""
            raise SettingsError(
                f"{s.long_flag} must be from {s.window_low:,.15g} to {s.window_high:,.15g} in the window{headless}, "
                f"got {value:g}"
            )
