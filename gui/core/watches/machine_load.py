"""How much of the machine a run had: the CPU time others took while it ran.

On a 2-core machine a second program busy on one core halves what processes can show and pales
every computing bar, so a lesson that ran beside one must say so instead of claiming its point.
Linux's ``/proc/stat`` gives the whole machine's busy time; the run's own share is the CPU time of
this process and every process below it (its worker processes, the local server), read from
``/proc/PID/stat``. What is left of the machine's busy time went to others. The hypervisor's
"steal" time (a virtual machine's core given to another guest) counts as others' too.

Each process's reading is its own time plus that of its children it has reaped, so a worker that
starts and ends within the run is counted through its parent: the sum over the process tree at the
end minus the sum at the start is what the tree spent, whichever of its processes came and went.
Where ``/proc`` is missing (macOS, Windows) nothing is measured and nothing is claimed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROC = Path("/proc")
# Others taking this share of all cores' time can change a CPU lesson's result on a small machine
# (on 2 cores: 30 % of one core), so from here on a lesson says the machine was busy.
BUSY_SHARE = 0.15
# /proc counts in ticks of 10 ms: over less than this much core time a share is mostly rounding.
MIN_CORE_S = 0.25
_TICKS_PER_S = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0


@dataclass(frozen=True)
class MachineLoad:
    """The machine over one run (or several added up): its cores, and what went to others."""

    cores: int
    wall_s: float
    machine_busy_s: float  # every core's busy time, added up (2 cores fully busy for 1 s: 2.0)
    ours_s: float  # this process and every process below it
    # True where /proc was read; False: nothing known, and others_cpu_share is None
    measured: bool = True

    @property
    def others_s(self) -> float:
        return max(self.machine_busy_s - self.ours_s, 0.0)

    @property
    def others_cpu_share(self) -> float | None:
        """The share of all cores' time (0-1) that went to processes outside this run."""
        if not self.measured or self.wall_s * self.cores < MIN_CORE_S:
            return None
        return min(self.others_s / (self.wall_s * self.cores), 1.0)

    @property
    def busy(self) -> bool:
        share = self.others_cpu_share
        return share is not None and share >= BUSY_SHARE

    def __add__(self, other: MachineLoad) -> MachineLoad:
        return MachineLoad(
            max(self.cores, other.cores),
            self.wall_s + other.wall_s,
            self.machine_busy_s + other.machine_busy_s,
            self.ours_s + other.ours_s,
            self.measured and other.measured,
        )

    def as_json(self) -> dict[str, Any]:
        share = self.others_cpu_share
        return {"cores": self.cores, "others_cpu_share": None if share is None else round(share, 3), "busy": self.busy}

    def sentence(self) -> str:
        """For a lesson page: how quiet the machine was, in a learner's words."""
        share = self.others_cpu_share
        if share is None:
            if self.measured:
                return "The run was too short to tell how busy the machine was."
            return "This system does not say how busy the machine was."
        core_s = self.others_s / self.wall_s if self.wall_s > 0 else 0.0
        quiet = "busy" if self.busy else "quiet"
        return (
            f"The machine was {quiet}: other programs took {share:.0%} of its {self.cores} cores' time "
            f"(about {core_s:.2f} of a core) while this ran."
        )


def total(loads: Iterable[MachineLoad | None]) -> MachineLoad | None:
    """Several runs' loads as one (a lesson's variants); None if any run was not measured."""
    summed: MachineLoad | None = None
    for load in loads:
        if load is None:
            return None
        summed = load if summed is None else summed + load
    return summed


@dataclass(frozen=True)
class _Reading:
    t: float
    machine_busy_s: float
    ours_s: float


class MachineMeter:
    """Read at a run's start and at its end; ``load()`` is what happened between."""

    def __init__(self, root_pid: int | None = None) -> None:
        self.root_pid = root_pid if root_pid is not None else os.getpid()
        self.cores = os.cpu_count() or 1
        self._start: _Reading | None = None

    def start(self) -> None:
        self._start = _read(self.root_pid)

    def load(self) -> MachineLoad | None:
        """None where /proc cannot be read (or ``start`` was not called)."""
        if self._start is None:
            return None
        end = _read(self.root_pid)
        if end is None:
            return None
        return MachineLoad(
            self.cores,
            end.t - self._start.t,
            end.machine_busy_s - self._start.machine_busy_s,
            end.ours_s - self._start.ours_s,
        )


def _read(root_pid: int) -> _Reading | None:
    try:
        machine = _machine_busy_s()
        ours = _tree_cpu_s(root_pid)
    except OSError:
        return None
    return _Reading(time.perf_counter(), machine, ours)


def _machine_busy_s() -> float:
    """user + nice + system + irq + softirq + steal, over every core, since boot."""
    with open(PROC / "stat", encoding="ascii") as stat:
        fields = stat.readline().split()
    if not fields or fields[0] != "cpu":
        raise OSError("/proc/stat has no cpu line")
    ticks = [int(x) for x in fields[1:]]
    busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + (ticks[7] if len(ticks) > 7 else 0)
    return busy / _TICKS_PER_S


def _tree_cpu_s(root_pid: int) -> float:
    """The CPU time of ``root_pid`` and every process below it, each with its reaped children's."""
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
        except OSError:  # it ended while we looked
            continue
        rest = text[text.rfind(")") + 2 :].split()  # the name in parentheses may hold spaces
        pid = int(entry.name)
        parents[pid] = int(rest[1])
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name
        spent[pid] = sum(int(x) for x in rest[11:15]) / _TICKS_PER_S
    if root_pid not in spent:
        raise OSError(f"no process {root_pid}")
    return sum(spent[pid] for pid in spent if _descends(pid, root_pid, parents))


def _descends(pid: int, root: int, parents: dict[int, int]) -> bool:
    seen = 0
    while pid != root:
        pid = parents.get(pid, 0)
        seen += 1
        if pid <= 1 or seen > 64:
            return False
    return True
