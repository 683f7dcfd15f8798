"""The network conditions, played on every ``/api/v2`` request by one aiohttp middleware.

:func:`network` plays them in the order a real, busy API would: wait in the server's queue, think
(latency), maybe fail, then send the body at the configured bandwidth (maybe cutting the
connection halfway).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from gui.server.conditions import NetworkConditions, RequestDice
from gui.server.state import API_PREFIX, STATE_KEY

CHUNK_BYTES = 4096

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def network(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    state = request.app[STATE_KEY]
    conditions = state.conditions  # one snapshot per request, even if changed meanwhile
    path = request.path.rstrip("/").lower()
    state.seen[path] += 1
    dice = conditions.dice(path, state.seen[path])
    async with state.queue.slot():
        started = time.perf_counter()
        if dice.delay_s:
            await asyncio.sleep(dice.delay_s)
        state.served += 1
        if dice.error_status is not None:
            state.errors_injected += 1
            return _injected_error(dice.error_status, conditions)
        response = await handler(request)
        if isinstance(response, web.Response) and response.body is not None:
            return await _deliver(request, response, conditions, dice, started)
        return response


def _injected_error(status: int, conditions: NetworkConditions) -> web.Response:
    reasons = {500: "Internal Server Error", 503: "Service Unavailable", 429: "Too Many Requests"}
    headers = {"Retry-After": str(conditions.retry_after_s)} if status == 429 else None
    body = {"detail": f"{reasons[status]} (injected by the local server's error rate)"}
    return web.json_response(body, status=status, headers=headers)


async def _deliver(
    request: web.Request,
    response: web.Response,
    conditions: NetworkConditions,
    dice: RequestDice,
    started: float,
) -> web.StreamResponse:
    """Send the body in chunks, paced to the bandwidth; cut it halfway if the dice say drop."""
    body = response.body
    assert isinstance(body, bytes)
    if not conditions.bandwidth_kbps and not dice.drop:
        return response
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.content_length = len(body)
    await stream.prepare(request)
    bytes_per_s = conditions.bandwidth_kbps * 1024
    cut_at = len(body) // 2 if dice.drop else len(body)
    body_started = time.perf_counter()
    for offset in range(0, cut_at, CHUNK_BYTES):
        chunk = body[offset : min(offset + CHUNK_BYTES, cut_at)]
        if bytes_per_s:  # a chunk leaves once the link would have carried its last byte
            due = body_started + (offset + len(chunk)) / bytes_per_s
            await asyncio.sleep(max(due - time.perf_counter(), 0.0))
        await stream.write(chunk)
    if dice.drop:
        request.app[STATE_KEY].dropped += 1
        if request.transport is not None:
            request.transport.abort()  # the client sees a connection reset mid-body
        return stream
    await stream.write_eof()
    return stream
