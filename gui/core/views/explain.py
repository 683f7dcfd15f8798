"""A finished run in plain words, with its own numbers, and the code that ran it.

The explain panel shows both: what a student should take from *this* run (how long it could
have taken at best, how long it took, what got in the way), and the textbook function of its
mode with the line where a worker waits. Every remark is drawn from the run's numbers; when a
number is unknown (another server's latency), the text says so instead of guessing.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gui
from gui.core.model.run_model import RunModel
from gui.core.model.segments import SEGMENT_LABELS, Segment
from gui.core.modes.catalogue import ModeSpec, at_once, mode_spec
from gui.core.results.comparison_table import ms_text, percent_text, seconds_text
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import Phase, Status
from gui.core.workload.after_fetch import AfterFetch, awaited_call, blocking_call, simulate_matchups
from gui.core.workload.programs.table import PROGRAMS
from gui.core.workload.settings import RunSettings

_MOSTLY_WAITING = 0.8  # a thread that waited this share of the run did little else


# --- the code ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeBlock:
    """One textbook function as the code panel shows it: its real source, where it lives, where it waits."""

    qualname: str  # "fetch_with_thread_pool"
    file: str  # "gui/core/modes/threads.py": relative to the repository, with forward slashes
    first_line: int  # the file's line number of the block's first line (1-based, as editors count)
    source: str  # inspect.getsource of the function itself, never a copy
    wait_lines: tuple[int, ...]  # 0-based indices of the block's lines that contain the mode's ``waits_at``

    @property
    def lines(self) -> list[str]:
        return self.source.splitlines()


def code_of(spec: ModeSpec) -> list[CodeBlock]:
    """The textbook functions of a mode, read from their modules as they are now."""
    return [_code_block(function, spec.waits_at) for function in spec.textbook]


# The step a job takes after its fetch, and the text of the line that holds the thread or the GIL.
_STEP_CODE: dict[AfterFetch, tuple[Callable[..., Any], str]] = {
    AfterFetch.COMPUTE: (simulate_matchups, "the GIL is held"),
    AfterFetch.BLOCK: (blocking_call, "time.sleep(seconds)"),
    AfterFetch.AWAIT_IN_THREAD: (awaited_call, "await asyncio.to_thread"),
}


def code_of_run(settings: RunSettings) -> list[CodeBlock]:
    """The mode's code, and the step each job took after its fetch when it took one (the lessons')."""
    blocks = code_of(mode_spec(settings.mode))
    step = AfterFetch(settings.after_fetch)
    if step in _STEP_CODE:
        function, marker = _STEP_CODE[step]
        blocks.append(_code_block(function, marker))
    elif step in PROGRAMS:
        program = PROGRAMS[step]
        blocks += [_code_block(function, program.marker) for function in program.textbook]
    return blocks


def _code_block(function: Callable[..., Any], waits_at: str | tuple[str, ...]) -> CodeBlock:
    marks = (waits_at,) if isinstance(waits_at, str) else waits_at
    lines, first_line = inspect.getsourcelines(function)
    return CodeBlock(
        qualname=function.__qualname__,
        file=_repo_relative(inspect.getsourcefile(function) or inspect.getfile(function)),
        first_line=first_line,
        source="".join(lines),
        wait_lines=tuple(i for i, line in enumerate(lines) if any(mark in line for mark in marks)),
    )


def _repo_relative(path: str) -> str:
    """The path from the folder that holds the ``gui`` package: the repository in a checkout."""
    root = Path(gui.__file__).resolve().parent.parent
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).name


def code_caption(blocks: Sequence[CodeBlock]) -> str:
    """ "gui/core/modes/threads.py, line 19: fetch_with_thread_pool, waits at line 31".

    Several blocks of one file share its name: "…, line 31: fetch_with_process_pool; line 127: fetch_in_worker".
    """
    parts: list[str] = []
    previous_file = None
    for block in blocks:
        where = f"line {block.first_line}: {block.qualname}"
        if block.wait_lines:
            where += f", waits at line {', '.join(str(block.first_line + i) for i in block.wait_lines)}"
        parts.append(where if block.file == previous_file else f"{block.file}, {where}")
        previous_file = block.file
    return "; ".join(parts)


# --- the words ---------------------------------------------------------------------------------


def explain(run: FinishedRun) -> str:
    """A few short paragraphs for a student, separated by blank lines; plain text, no markup.

    The numbers first, then the mode's lesson, then one paragraph per remark the run calls for.
    """
    return "\n\n".join([_headline(run), _lesson(run), *_remarks(run)])


def network_wait_s(model: RunModel) -> float:
    """Seconds all requests together spent waiting for an answer (request sent to first byte).

    A retried request counts its last try only: the model keeps the phases of that one.
    """
    total = 0.0
    for span in model.spans:
        sent, first_byte = span.t.get(Phase.SENT), span.t.get(Phase.FIRST_BYTE)
        if sent is not None and first_byte is not None:
            total += max(first_byte - sent, 0.0)
    return total


def first_start_s(model: RunModel) -> float | None:
    """When the first request got a worker, in seconds since the run started."""
    starts = [start for span in model.spans if (start := span.start) is not None]
    return min(starts, default=None)


def _headline(run: FinishedRun) -> str:
    """Who fetched, the best time the network allowed, the time it took."""
    s, m, c = run.settings, run.summary, run.conditions
    finished = m.requests - m.cancelled
    took = f"this run took {seconds_text(m.wall_s)}"
    latency_ms = _number(c, "latency_ms")
    who = _who(s) + (f", {ms_text(latency_ms)} each" if c is not None and latency_ms else "")
    if finished == 0:
        return f"{who}: no request finished, so there is no ideal time to compare with; {took}."
    if m.ideal_s is None:
        if c is None:
            return (
                f"{who}, against {_where(s)}: {took}. The ideal is unknown: the lab knows the network's "
                "delays only on its own local server."
            )
        return f"{who}: {took}. The ideal is unknown for this run."
    if m.ideal_s <= 0:
        return (
            f"{who}: the local server added no delay, so there was no network wait to hide; {took}, "
            "all of it the client's and the server's own work."
        )
    what = f"{finished:,} requests" if not m.cancelled else f"the {finished:,} requests it finished"
    waves = f" ({_waves(run, finished)})" if c is not None else ""
    efficiency = f", an efficiency of {percent_text(m.efficiency)}" if m.efficiency is not None else ""
    return f"{who}: at best {what} take {seconds_text(m.ideal_s)}{waves}; {took}{efficiency}."


def _waves(run: FinishedRun, finished: int) -> str:
    """ "16 waves of 150 ms", as the ideal bound counts them (see ``gui.core.results.stats.ideal_lower_bound_s``)."""
    s, m, c = run.settings, run.summary, run.conditions
    assert m.ideal_s is not None and c is not None
    at_once = _at_once(s, c)
    depth = 1 + max((span.depth for span in run.model.spans if span.is_request), default=0)  # chains: one wave a link
    waves = max(math.ceil(finished / at_once), depth)
    each = ms_text(m.ideal_s / waves * 1000)
    text = f"{waves:,} waits of {each}, one after another" if at_once == 1 else f"{waves:,} waves of {each}"
    bandwidth = _number(c, "bandwidth_kbps")
    if bandwidth:
        text += f": {ms_text(_number(c, 'latency_ms'))} latency plus the download at {bandwidth:g} KB/s"
    return text


def _lesson(run: FinishedRun) -> str:
    """The mode's own lesson, then how much of the run its workers spent waiting."""
    s, m = run.settings, run.summary
    spec = mode_spec(s.mode)
    sentences = [spec.why]
    wait_s = network_wait_s(run.model)
    if wait_s <= 0 or m.wall_s <= 0:
        return " ".join(sentences)
    if spec.one_at_a_time:
        share = wait_s / m.wall_s
        rest = (
            "the run's time is little more than those waits added up"
            if share >= _MOSTLY_WAITING
            else "the rest went to connecting, reading and parsing, one request at a time"
        )
        sentences.append(
            f"Its one thread spent {seconds_text(wait_s)} of the {seconds_text(m.wall_s)} "
            f"({percent_text(share)}) waiting for answers: {rest}."
        )
    else:
        lanes = max(len(run.model.lanes), 1)
        share = wait_s / (m.wall_s * lanes)
        who = f"Each of the {_count(lanes, *_nouns(s))}" if lanes > 1 else f"The {_count(lanes, *_nouns(s))}"
        sentences.append(
            f"{who} spent {percent_text(share)} of the run waiting for answers, on average; "
            f"{m.effective_concurrency:.1f} requests were in flight on average, at most {m.peak_in_flight:,} at once."
        )
    return " ".join(sentences)


def _remarks(run: FinishedRun) -> list[str]:
    """What else the numbers show: each remark only when its number is there."""
    remarks = [
        _error_remark(run),
        _stopped_remark(run),
        _server_limit_remark(run),
        _peak_remark(run),
        _startup_remark(run),
        _failure_remark(run),
        _jitter_remark(run),
    ]
    return [remark for remark in remarks if remark]


def _error_remark(run: FinishedRun) -> str:
    return f"The run ended with an error: {run.error}." if run.error else ""


def _stopped_remark(run: FinishedRun) -> str:
    m = run.summary
    if not m.cancelled:
        return ""
    finished = m.requests - m.cancelled
    if finished == 0:
        return f"Stopped before any of the {m.requests:,} requests finished."
    never_started = sum(s.status is Status.CANCELLED and s.start is None for s in run.model.spans)
    if never_started == m.cancelled:
        how = " before they started"
    elif never_started == 0:
        how = " on their way"
    else:
        how = f", {never_started:,} of them before they started"
    return (
        f"Stopped after {finished:,} of {m.requests:,}: the other {m.cancelled:,} were cancelled{how}; "
        f"the ideal counts only the {finished:,} that finished."
    )


def _server_limit_remark(run: FinishedRun) -> str:
    s, c = run.settings, run.conditions
    server_max = int(_number(c, "max_concurrent"))
    if not server_max or server_max >= at_once(s):
        return ""
    return (
        f"The server answers only {server_max:,} requests at once, fewer than the {at_once(s):,} this run "
        f"could send: the others waited in the server's line, so the ideal counts waves of {server_max:,}."
    )


def _peak_remark(run: FinishedRun) -> str:
    s, m = run.settings, run.summary
    allowed = min(at_once(s), m.requests)
    if at_once(s) == 1 or m.cancelled or m.peak_in_flight >= allowed:
        return ""
    return f"At most {m.peak_in_flight:,} requests were in flight at once, fewer than the {allowed:,} allowed."


def _startup_remark(run: FinishedRun) -> str:
    """How long the worker processes took to start, from the run's own start-ups where it has them
    (a warm pool's later runs have none: they paid nothing)."""
    starts = run.model.worker_starts
    if not starts and not mode_spec(run.settings.mode).slow_to_start:
        return ""
    first = first_start_s(run.model)
    if first is None:
        return ""
    left = f"The first request left {seconds_text(first)} after the start"
    if not starts:  # recorded before start-ups were: the first request's start is all there is
        workers = _count(at_once(run.settings), *_nouns(run.settings))
        return f"{left}: the time to start the {workers}, each a whole Python interpreter. The ideal does not count it."
    took = sorted(start.t_ready - start.t0 for start in starts)
    fastest, slowest = seconds_text(took[0]), seconds_text(took[-1])
    how_long = fastest if fastest == slowest else f"between {fastest} and {slowest}"
    return (
        f"{left}: the {_count(len(starts), 'worker process', 'worker processes')} took {how_long} to start, "
        "each a whole Python interpreter to spawn and fill with imports before it could fetch (drawn as "
        f'"{SEGMENT_LABELS[Segment.STARTING]}" on its lane). The ideal bound does not count it.'
    )


def _failure_remark(run: FinishedRun) -> str:
    s, m = run.settings, run.summary
    sentences = []
    if m.failed:
        kinds = ", ".join(kind if n == 1 else f"{kind} ×{n:,}" for kind, n in sorted(m.errors.items()))
        sentences.append(f"{m.failed:,} of the {m.requests:,} requests failed ({kinds}).")
        if not s.retries:
            sentences.append("With retries at 0, a failed request is not tried again.")
    if m.retries:
        tries = _count(m.retries, "retry", "retries")
        sentences.append(
            f"{tries[0].upper()}{tries[1:]}: each sent a failed request again after a back-off, "
            "time the ideal does not count."
        )
    return " ".join(sentences)


def _jitter_remark(run: FinishedRun) -> str:
    c, m = run.conditions, run.summary
    kind = c.get("jitter") if c is not None else None
    jitter_ms = _number(c, "jitter_ms")
    if kind not in ("uniform", "long-tail") or not jitter_ms or m.p50_ms is None or m.p95_ms is None:
        return ""
    latency = ms_text(_number(c, "latency_ms"))
    spread = f"±{ms_text(jitter_ms)}" if kind == "uniform" else f"a long tail, {ms_text(jitter_ms)} extra on average"
    text = (
        f"Latency varied ({spread}): half the requests took {ms_text(m.p50_ms)} or less, the slowest "
        f"{percent_text(0.05)} {ms_text(m.p95_ms)} or more, while the ideal assumes exactly {latency} each."
    )
    if m.efficiency is not None and m.efficiency > 1:
        text += f" Some answers came sooner than {latency}: that is how this run beat the ideal."
    return text


# --- small words ---------------------------------------------------------------------------------


def _who(s: RunSettings) -> str:
    spec = mode_spec(s.mode)
    if spec.one_at_a_time:
        return "One request at a time"
    who = _count(at_once(s), *_nouns(s))
    return f"{who[0].upper()}{who[1:]}" + (" on one thread" if spec.on_callers_loop else "")


def _nouns(s: RunSettings) -> tuple[str, str]:
    return mode_spec(s.mode).worker


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n:,} {singular if n == 1 else plural}"


def _at_once(s: RunSettings, conditions: dict[str, Any]) -> int:
    server_max = int(_number(conditions, "max_concurrent"))
    return min(at_once(s), server_max) if server_max else at_once(s)


def _number(conditions: dict[str, Any] | None, name: str) -> float:
    """A numeric network condition; 0 (the conditions' "off") when unknown."""
    if conditions is None:
        return 0.0
    value = conditions.get(name, 0)
    return float(value) if isinstance(value, (int, float)) else 0.0


def _where(s: RunSettings) -> str:
    if s.is_real_pokeapi:
        return "the real PokéAPI"
    return urlparse(s.base_url).hostname or s.base_url or "another server"
