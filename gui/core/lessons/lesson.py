"""What a lesson is: a short story, the variants it runs side by side, and the figure that proves it.

A lesson runs through the comparison machinery: its variants are runs of the same workload, one
after another, against the same network, on one time axis. Its figure is computed from those runs'
own measurements; nothing in it is set by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gui.core.settings import RunSettings, make_settings

if TYPE_CHECKING:  # a FinishedRun names its mode through the registry, which lists these lessons
    from gui.core.finished_run import FinishedRun

Figure = dict[str, Any]


@dataclass(frozen=True)
class Variant:
    name: str  # the name in ``--lesson ID --json`` (part of the interface: keep it)
    mode: str  # a mode of gui.core.registry.MODES
    settings: dict[str, Any] = field(default_factory=dict)  # on top of the lesson's preset
    caption: str = ""  # one line under its band's heading: what is different about this variant


@dataclass(frozen=True)
class LessonFigures:
    """The lesson's figure, and each variant's (in the variants' order)."""

    lesson: Figure
    variants: list[Figure]


@dataclass(frozen=True)
class LessonSpec:
    id: str  # "io-bound": what --lesson takes
    title: str
    narrative: str  # 4-8 sentences, in our own words
    preset: dict[str, Any]  # run settings every variant shares (count, concurrency, ...)
    conditions: dict[str, Any]  # what the local server plays for this lesson
    variants: tuple[Variant, ...]
    figures: Callable[[Sequence[FinishedRun]], LessonFigures]
    plot_key: str  # the per-variant figure value drawn as bars in the window
    plot_label: str  # what that value is, e.g. "speed-up over sequential"
    verdict: Callable[[LessonFigures], str]  # one sentence: what this run's figure shows

    def plans(self) -> list[RunSettings]:
        """One settings per variant, all with the same Pokémon and preset."""
        base = make_settings(**{"mode": self.variants[0].mode, **self.preset})
        return [make_settings(**{**_loose(base), **v.settings, "mode": v.mode}) for v in self.variants]


def _loose(settings: RunSettings) -> dict[str, Any]:
    values = dict(settings.__dict__)
    values.pop("notes", None)
    return values


def lesson_report(spec: LessonSpec, runs: Sequence[FinishedRun], reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """``--lesson ID --json``: every variant's settings, summary and figure, and the lesson's figure."""
    figures = spec.figures(runs)
    return {
        "lesson": spec.id,
        "title": spec.title,
        "variants": [
            {"name": v.name, "settings": report["settings"], "summary": report["summary"], "figure": figure}
            for v, report, figure in zip(spec.variants, reports, figures.variants, strict=True)
        ],
        "figure": figures.lesson,
        "verdict": spec.verdict(figures),
    }
