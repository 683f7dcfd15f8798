"""HTTP clients that report request phases: httpx for threads/processes, aiohttp for coroutines.

The instrumentation lives here so that the modes can read like the textbook version of each
technique: ``client.fetch(job)`` is all a mode sees. Beside the two clients: ``retry`` (the retry
policy and its back-off), ``pokemon_json`` (a body read into a card), ``follow`` (a chain of
requests, one answer leading to the next), ``deadlines`` and ``body_cap`` (the limits a fetch keeps).
"""
