"""The bottom layer: what happened in a run, as events on one clock.

- ``events``: the event types a run records (a phase of a request, a step, a sliver, a lock...).
- ``recorder``: the one clock of a run (``time.perf_counter()`` from its start) and the sink every
  worker writes its events to, from any thread.
- ``overlap``, ``ready_wait``: two measures on those events' times (how much two sets of intervals
  overlap; how long a thread waited for a core or for the GIL).

Nothing here knows what work is run, how it is fetched, or how it is drawn.
"""
