"""Run settings: what to fetch, how, and with what limits. Bad values become readable errors.

The limits are the settings table's (``gui.core.workload.setting_table``): every numeric field is
checked against its row there, so a range is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlparse

from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.setting_table import DEFAULT_MAX_BODY_KB, RUN_SETTINGS, SettingsError

__all__ = ["REAL_POKEAPI_URL", "RunSettings", "Selection", "SettingsError", "make_settings", "url_problem"]

REAL_POKEAPI_URL = "https://pokeapi.co/api/v2"
POLITE_REAL_API_LIMIT = 10  # the real PokéAPI is a free service: never hammer it


class Selection(StrEnum):
    FIRST = "first"  # ids 1..N (wrapping after 1025)
    RANDOM = "random"  # N random Pokémon, reproducible with a seed
    NAMES = "names"  # exactly the names given


@dataclass(frozen=True)
class RunSettings:
    mode: str = "asyncio"  # a name in gui.core.modes.catalogue.MODES (the engine asks it; settings ask no catalogue)
    count: int = 151
    selection: Selection = Selection.FIRST
    names: tuple[str, ...] = ()
    seed: int | None = None
    concurrency: int = 10  # workers (threads, processes) or requests in flight (asyncio)
    timeout_s: float = 10.0
    retries: int = 0
    backoff_s: float = 0.25  # first retry waits this long, doubling after (or Retry-After)
    base_url: str = ""  # empty: the local server
    after_fetch: str = ""  # a step each job takes after its fetch (gui.core.workload.after_fetch.AfterFetch); "" none
    step_ms: float = 0.0  # how long that step takes: CPU work on one core, or a blocking call
    watch_loop: bool = False  # a heartbeat on the event loop measures how late it answers (gui.core.watches.loop_watch)
    trace_slivers: bool = False  # record when each worker really runs: coroutine steps, threads' own stamps or clocks
    max_body_kb: int = DEFAULT_MAX_BODY_KB  # a longer answer (once decoded) ends as "too large", unread
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise SettingsError("; ".join(problems))

    @property
    def is_real_pokeapi(self) -> bool:
        return urlparse(self.base_url).hostname == "pokeapi.co"


def make_settings(**values: object) -> RunSettings:
    """Build settings from loose values (CLI strings, widget values), converting and checking them.

    Also applies the polite limit: against the real PokéAPI, concurrency is capped and a note says so.
    """
    if "mode" in values:
        values["mode"] = str(values["mode"]).lower()
    if "selection" in values:
        values["selection"] = _enum(Selection, values["selection"], "selection")
    names = values.get("names")
    if isinstance(names, (list, tuple)):
        cleaned = tuple(str(n).strip().lower() for n in names if str(n).strip())
        values["names"] = cleaned
        if cleaned and "selection" not in values:
            values["selection"] = Selection.NAMES
        if cleaned and values.get("selection") is Selection.NAMES:
            values["count"] = len(cleaned)
    settings = RunSettings(**values)  # type: ignore[arg-type]
    if settings.is_real_pokeapi and settings.concurrency > POLITE_REAL_API_LIMIT:
        note = f"concurrency capped at {POLITE_REAL_API_LIMIT} to be polite to the real PokéAPI"
        settings = RunSettings(**{**settings.__dict__, "concurrency": POLITE_REAL_API_LIMIT, "notes": (note,)})
    return settings


def _enum(kind: type[StrEnum], value: object, name: str) -> StrEnum:
    try:
        return kind(str(value).lower())
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise SettingsError(f"{name} must be one of {allowed}, got {value!r}") from None


def _problems(s: RunSettings) -> list[str]:
    problems = []
    if not isinstance(s.mode, str) or not s.mode:  # which names are modes, the mode catalogue says
        problems.append(f"mode must be a mode's name, got {s.mode!r}")
    for row in RUN_SETTINGS:
        if row.kind in (int, float) and (problem := row.problem(getattr(s, row.field))) is not None:
            problems.append(problem)
    if s.after_fetch not in set(AfterFetch):
        kinds = ", ".join(k.value for k in AfterFetch if k.value)
        problems.append(f"the step after a fetch must be one of {kinds}, got {s.after_fetch!r}")
    for flag in ("watch_loop", "trace_slivers"):
        if not isinstance(getattr(s, flag), bool):
            problems.append(f"{flag} must be true or false, got {getattr(s, flag)!r}")
    if s.selection is Selection.NAMES and not s.names:
        problems.append("give at least one Pokémon name for a list selection")
    if s.base_url:
        problem = url_problem(s.base_url)
        if problem:
            problems.append(problem)
    return problems


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a PokéAPI base URL, or None if it can."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return f"the data source must be an http:// or https:// URL such as {REAL_POKEAPI_URL}, got {url!r}"
    if parsed.query or parsed.fragment:
        return f"the data source URL must not have a query or fragment, got {url!r}"
    return None
