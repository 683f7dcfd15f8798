"""A comparison: the same workload in several modes, one run after another, on one time axis.

Runs never overlap: two at once would steal each other's cores and the server's queue, and the
comparison would measure the fight instead of the modes. Between runs the local server's seeded
dice start over, so every mode meets the same delays and the same errors.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from gui.core.modes.catalogue import MODE_NAMES
from gui.core.workload.settings import RunSettings, Selection, SettingsError


def parse_modes(text: str | Sequence[str]) -> list[str]:
    """``"sequential,threads"`` -> ``["sequential", "threads"]``, in the order given.

    Unknown or repeated names become one readable error.
    """
    names = [n.strip().lower() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    unknown = [n for n in names if n not in MODE_NAMES]
    if unknown:
        raise SettingsError(f"unknown mode {', '.join(map(repr, unknown))}: choose from {', '.join(MODE_NAMES)}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SettingsError(f"each mode once in a comparison, but {', '.join(repeated)} came twice")
    if not names:
        raise SettingsError(f"name at least one mode to compare: {', '.join(MODE_NAMES)}")
    return names


def same_workload(base: RunSettings, modes: Sequence[str]) -> list[RunSettings]:
    """One settings per mode, all fetching the same Pokémon with the same limits.

    A random selection without a seed gets one seed for all of them here; otherwise each run
    would draw its own Pokémon and the comparison would compare different work.
    """
    if base.selection is Selection.RANDOM and base.seed is None:
        base = replace(base, seed=random.randrange(1 << 31))
    return [replace(base, mode=mode) for mode in modes]
