"""HTTP clients that report request phases: httpx for threads/processes, aiohttp for coroutines.

The instrumentation lives here so that the modes can read like the textbook version of each
technique: ``client.fetch(job)`` is all a mode sees.
"""
