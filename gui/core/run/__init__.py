"""One run, start to end: ``engine.Run`` makes the jobs, hands them to a mode, and sees every
request end exactly once; ``run_watches`` starts the watches its settings ask for and always stops
them; ``frozen_heap`` keeps the garbage collector out of the run's way while it runs.
"""
