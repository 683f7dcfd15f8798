"""The model a run's views read: the requests and their phases, folded from the events as they come.

- ``run_model``: ``RunModel``, one row per request, filled from the recorder's events in batches.
- ``segments``: a request's life cut into the coloured spans a bar is drawn from (queued,
  connecting, waiting for the first byte, reading, the step after...).

It knows the jobs (``workload``) and the events (``trace``), not the clients that made them.
"""
