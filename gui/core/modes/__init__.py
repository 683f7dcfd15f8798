"""The ways to fetch, each read like the textbook version of its technique.

- ``sequential``, ``threads``, ``coroutines``, ``processes``: one after another, a thread pool,
  asyncio tasks, a process pool.
- ``loops_in_processes``: one event loop in each worker process.
- ``evolutions``: programs that follow links (species, then evolution chain) for the futures and
  pipeline lessons.
- ``catalogue``: every mode declared once (name, title, key, code, runner); ``mode_context`` is
  what a mode is handed to run with.

The clients they call (``gui.core.clients``) hold the instrumentation.
"""
