"""What a run is asked to do, before anything is fetched.

- ``settings``: ``RunSettings``, every lever of one run, with their checks; ``setting_table`` lays
  them out once for the command line, the panel and the server's network conditions.
- ``dataset``: the bundled Pokédex the requests ask for.
- ``jobs``: the list of requests a run makes, each with the step that follows its fetch.
- ``after_fetch``: the kinds of step after a fetch (compute, block, await in a thread, a lesson's
  program) and their work; ``after_fetch_step`` runs one and records when and how it ran.
- ``programs``: the lessons' programs (a shared Pokédex, two locks, a caught list), each a
  ``LessonProgram`` that a job runs as its step; ``traced_lock``, a lock that records who waited.

It imports only ``trace`` and ``watches``: a workload does not know which client or mode runs it.
"""
