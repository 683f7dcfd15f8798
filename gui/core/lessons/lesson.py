"""What a lesson is: a short story, the variants it runs side by side, and the figure that proves it.

A lesson runs through the comparison machinery: its variants are runs of the same workload, one
after another, against the same network, on one time axis. Its figure is computed from those runs'
own measurements; nothing in it is set by hand.

A variant may instead be a *series* of runs (a sweep over the number of workers, say). Such a
lesson sets ``series_figures`` and runs through :func:`run_series`, which also measures what the
whole process spent on each run; its figure comes from every run of every variant.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gui.core.lessons.claims import Check, Claim, compose_verdict
from gui.core.modes.catalogue import at_once
from gui.core.results.finished_run import FinishedRun
from gui.core.run.engine import Run
from gui.core.run.series import one_after_another
from gui.core.watches.machine_load import MachineLoad, total
from gui.core.workload.settings import RunSettings, make_settings

Figure = dict[str, Any]


@dataclass(frozen=True)
class Variant:
    name: str  # the name in ``--lesson ID --json`` (part of the interface: keep it)
    mode: str  # a mode of gui.core.modes.catalogue.MODES
    settings: dict[str, Any] = field(default_factory=dict)  # on top of the lesson's preset
    caption: str = ""  # one line under its band's heading: what is different about this variant
    series: tuple[dict[str, Any], ...] = ()  # several runs, each with these settings on top (a sweep); () = one


@dataclass(frozen=True)
class LessonFigures:
    """The lesson's figure, and each variant's (in the variants' order)."""

    lesson: Figure
    variants: list[Figure]


@dataclass(frozen=True)
class ProcessUsage:
    """What this whole process has spent so far: CPU time and context switches, over all its threads.

    Read with ``getrusage(RUSAGE_SELF)``, which the kernel sums over every thread of the process,
    including threads that have already ended: a run's thread pool is gone by the time we read.
    (psutil's ``num_ctx_switches`` reads /proc/<pid>/status on Linux, which counts the main thread
    only: psutil issue #1467.) Where ``resource`` does not exist (Windows), CPU time comes from
    ``time.process_time()`` and context switches are not counted (None).
    """

    cpu_s: float  # user + system
    voluntary_switches: int | None  # a thread gave the CPU up: it blocked on a socket, a lock, a sleep
    involuntary_switches: int | None  # the kernel took the CPU away: the thread's time slice was over

    @classmethod
    def now(cls) -> ProcessUsage:
        try:
            import resource
        except ImportError:  # Windows
            return cls(time.process_time(), None, None)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return cls(usage.ru_utime + usage.ru_stime, usage.ru_nvcsw, usage.ru_nivcsw)

    def since(self, earlier: ProcessUsage) -> ProcessUsage:
        """What was spent between ``earlier`` and this reading."""
        return ProcessUsage(
            self.cpu_s - earlier.cpu_s,
            _minus(self.voluntary_switches, earlier.voluntary_switches),
            _minus(self.involuntary_switches, earlier.involuntary_switches),
        )

    @property
    def ctx_switches(self) -> int | None:
        """Voluntary and involuntary together."""
        if self.voluntary_switches is None or self.involuntary_switches is None:
            return None
        return self.voluntary_switches + self.involuntary_switches


def _minus(later: int | None, earlier: int | None) -> int | None:
    return None if later is None or earlier is None else later - earlier


@dataclass(frozen=True)
class MeasuredRun:
    """One run of a series, with what this whole process spent while it ran."""

    run: FinishedRun
    usage: ProcessUsage


@dataclass(frozen=True)
class SeriesProgress:
    """Where a lesson of series is: told just before each run (``measured`` None) and just after it."""

    variant: str
    settings: RunSettings
    number: int  # 1 for the lesson's first run, counting across all its variants
    total: int  # runs in the whole lesson
    measured: MeasuredRun | None = None


def _figured_from_series(runs: Sequence[FinishedRun]) -> LessonFigures:
    raise TypeError("this lesson's variants are series of runs: its figure comes from series_figures")


@dataclass(frozen=True)
class LessonSpec:
    id: str  # "io-bound": what --lesson takes
    title: str
    narrative: str  # 4-8 sentences, in our own words
    preset: dict[str, Any]  # run settings every variant shares (count, concurrency, ...)
    conditions: dict[str, Any]  # what the local server plays for this lesson
    variants: tuple[Variant, ...]
    # One run per variant: the figure from those runs, in the variants' order. (A lesson of series
    # leaves it out and gives ``series_figures``.)
    figures: Callable[[Sequence[FinishedRun]], LessonFigures] = field(default=_figured_from_series, kw_only=True)
    plot_key: str  # the per-variant figure value drawn as bars in the window
    plot_label: str  # what that value is, e.g. "speed-up over sequential"
    # The lesson's point as checks on the figure: the verdict is composed from them (gui.core.lessons.claims).
    checks: Callable[[LessonFigures], list[Check]] = field(kw_only=True)
    # Measured facts worth saying that are not part of the claim (a cost, say), written with their sign.
    facts: Callable[[LessonFigures], list[str]] = field(default=lambda figures: [], kw_only=True)
    # What ranks the lesson's runs in the Comparison dock ("fastest", speed-up), lower being better,
    # when it is not the wall time: the gil lesson's figure is the computing stretch, so is its dock.
    rank_by: Callable[[FinishedRun], float] | None = field(default=None, kw_only=True)
    rank_name: str = field(default="", kw_only=True)  # what rank_by measures: "computing"
    # Variants that are series of runs (``Variant.series``): the figure from every measured run.
    series_figures: Callable[[Sequence[Sequence[MeasuredRun]]], LessonFigures] | None = field(
        default=None, kw_only=True
    )
    plot_unit: str = field(default="×", kw_only=True)  # after each bar's number: "×", " ms"
    rows: str = field(default="workers", kw_only=True)  # the timeline's rows for it: "workers" or "requests"

    @property
    def is_series(self) -> bool:
        """Run it with :func:`run_series` and report it with :func:`series_report`."""
        return self.series_figures is not None

    def plans(self) -> list[RunSettings]:
        """One settings per variant, all with the same Pokémon and preset (a series: its last run's)."""
        return [runs[-1] for runs in self.series_plans()]

    def series_plans(self) -> list[list[RunSettings]]:
        """Each variant's runs in order: one, or one per step of its series."""
        base = make_settings(**{"mode": self.variants[0].mode, **self.preset})
        return [
            [make_settings(**{**_loose(base), **v.settings, **step, "mode": v.mode}) for step in v.series or ({},)]
            for v in self.variants
        ]

    def claim(self, figures: LessonFigures) -> Claim:
        """This run's checks, evaluated."""
        return Claim(tuple(self.checks(figures)))

    def verdict(self, figures: LessonFigures, machine: MachineLoad | None = None) -> str:
        """What this run showed, composed from its checks: never more than its numbers say."""
        return compose_verdict(self.claim(figures), machine, extra=self.facts(figures))

    def figures_of_series(self, series: Sequence[Sequence[MeasuredRun]]) -> LessonFigures:
        if self.series_figures is None:
            raise TypeError(f"lesson {self.id!r} has one run per variant: its figure comes from figures")
        return self.series_figures(series)


def network(latency_ms: float, jitter_ms: float = 0.0, jitter: str = "uniform", **more: Any) -> dict[str, Any]:
    """A lesson's ``conditions``: this latency and jitter, and nothing else in the way (no errors, no
    bandwidth limit, no server limit) unless ``more`` says so. Every condition a lesson depends on is
    named, so a window whose panel plays other values cannot change the lesson."""
    return {
        "latency_ms": latency_ms,
        "jitter_ms": jitter_ms,
        "jitter": jitter if jitter_ms else "none",
        "error_rate": 0,
        "drop_rate": 0,
        "bandwidth_kbps": 0,
        "max_concurrent": 0,
        "padding_kb": 0,
        **more,
    }


def _loose(settings: RunSettings) -> dict[str, Any]:
    values = dict(settings.__dict__)
    values.pop("notes", None)
    return values


def lesson_report(spec: LessonSpec, runs: Sequence[FinishedRun], reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``--lesson ID --json``: every variant's settings, summary and figure, and the lesson's figure."""
    return _report(spec, spec.figures(runs), reports, total(run.machine for run in runs))


def series_report(
    spec: LessonSpec, series: Sequence[Sequence[MeasuredRun]], reports: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The same report for a lesson of series: each variant's ``settings`` and ``summary`` are its
    series' last run's (``reports`` holds one per variant, of those runs); its ``figure`` covers the
    whole series."""
    machine = total(m.run.machine for runs in series for m in runs)
    return _report(spec, spec.figures_of_series(series), reports, machine)


def _report(
    spec: LessonSpec, figures: LessonFigures, reports: Sequence[dict[str, Any]], machine: MachineLoad | None
) -> dict[str, Any]:
    return {
        "lesson": spec.id,
        "title": spec.title,
        "variants": [
            {"name": v.name, "settings": report["settings"], "summary": report["summary"], "figure": figure}
            for v, report, figure in zip(spec.variants, reports, figures.variants, strict=True)
        ],
        "figure": figures.lesson,
        "claim": spec.claim(figures).as_json(),
        "machine": machine_json(machine),
        "verdict": spec.verdict(figures, machine),
    }


def machine_json(machine: MachineLoad | None) -> dict[str, Any]:
    """``"machine"`` of a lesson's report; where the load could not be read, its share is null."""
    if machine is None:
        return {"cores": os.cpu_count() or 1, "others_cpu_share": None, "busy": False}
    return machine.as_json()


# --- running a lesson of series ------------------------------------------------------------------


async def run_series(
    spec: LessonSpec,
    base_url: str,
    conditions: dict[str, Any] | None,
    on_progress: Callable[[SeriesProgress], None] | None = None,
) -> list[list[MeasuredRun]]:
    """Every run of every variant, one after another against ``base_url``, each one measured.

    ``conditions`` is what the local server plays (``NetworkConditions.to_dict()``; None for another
    server). Cancel the task to stop: the current run stops as any run does, and the cancellation
    goes on to the caller (whom ``on_progress`` has told of every run that finished).
    """
    plans = spec.series_plans()
    total = sum(len(runs) for runs in plans)
    labelled = [
        (variant.name, settings) for variant, runs in zip(spec.variants, plans, strict=True) for settings in runs
    ]
    steps = [SeriesProgress(name, settings, number, total) for number, (name, settings) in enumerate(labelled, start=1)]

    async def run_one(step: SeriesProgress) -> MeasuredRun:
        if on_progress is not None:
            on_progress(step)
        measured = await measure_run(step.settings, base_url, conditions)
        if on_progress is not None:
            on_progress(replace(step, measured=measured))
        return measured

    done = iter(await one_after_another(steps, run_one))
    return [[next(done) for _ in runs] for runs in plans]


async def measure_run(settings: RunSettings, base_url: str, conditions: dict[str, Any] | None) -> MeasuredRun:
    """One run, with the CPU time and context switches of this process from its start to its end.

    The whole process's: anything else it does meanwhile (a window repainting) is counted too.
    """
    run = Run(settings, base_url)  # its jobs made and its TLS context loaded before the meter starts
    gc.collect()  # the garbage of the run before (hundreds of threads' worth) is not this run's work
    before = ProcessUsage.now()
    await run.execute()
    usage = ProcessUsage.now().since(before)
    return MeasuredRun(FinishedRun.of(run, conditions), usage)


def progress_text(step: SeriesProgress) -> str:
    """For the terminal: before a run, which one it is; after it, its numbers (to finish the line)."""
    if step.measured is not None:
        return measured_text(step.measured)
    intro = f"{step.total} runs, one after another (Ctrl+C stops them):\n" if step.number == 1 else ""
    return f"{intro}[{step.number:>{len(str(step.total))}}/{step.total}] {run_label(step.variant, step.settings)}"


def series_text(spec: LessonSpec, series: Sequence[Sequence[MeasuredRun]]) -> str:
    """Every run of a lesson of series, a line each."""
    lines = []
    for variant, runs in zip(spec.variants, series, strict=True):
        lines += [run_label(variant.name, m.run.settings) + measured_text(m) for m in runs]
    return "\n".join(lines)


def run_label(variant: str, settings: RunSettings) -> str:
    return f"{variant:<9} {at_once(settings):>5} at once"


def measured_text(measured: MeasuredRun) -> str:
    usage = measured.usage
    switches = "context switches not counted here"
    if usage.ctx_switches is not None:
        switches = f"{usage.ctx_switches:>8,} context switches"
    return f"  {measured.run.wall_s:7.3f} s wall  {usage.cpu_s:6.3f} s CPU  {switches}"
