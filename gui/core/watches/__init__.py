"""Watches that time what the interpreter and the machine do while a run runs.

- ``loop_watch``: a heartbeat on an event loop; a late beat is the loop held by someone.
- ``coroutine_slivers``: when each coroutine ran on the loop (each of asyncio's task steps).
- ``thread_turns``: a computing thread times its own stretches, and the turns the threads took.
- ``thread_clocks``: a sampler of the CPU clocks of threads that only fetch.
- ``machine_load``: how much of the machine's cores other programs took meanwhile.

They sit just above ``trace``: they record events and know nothing of what work they time
(``ThreadTurns.run_in_chunks`` takes the work as a callable) nor of the run that starts them
(``gui.core.run.run_watches`` chooses which ones a run's settings ask for).
"""
