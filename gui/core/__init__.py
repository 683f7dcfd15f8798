"""The Qt-free core. Nothing in this package may import PySide6 (a test enforces it).

Its packages are layers, each importing only those below it (import-linter's "layers" contract
in pyproject.toml fails on any import that points up, even one inside a function):

- ``session``   what a front end drives: the lab (runs, comparisons) and replays
- ``history``   runs kept across restarts
- ``lessons`` | ``exports`` | ``views``   independent of one another: what a run teaches, the
  files it is saved as, and the Qt-free halves of the window's views
- ``results``   a finished run, its statistics, runs side by side
- ``run``       one run start to end: the engine, its watches, the frozen heap
- ``modes``     the ways to fetch, and their catalogue
- ``clients`` | ``model``   the instrumented HTTP clients; the run model the views read
- ``workload``  what a run is asked to do: settings, dataset, jobs, steps, the lessons' programs
- ``watches``   timers of the loop, the threads and the machine's load
- ``trace``     the events of a run, on its one clock
"""
