"""When to try a request again, and how long to wait first."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass

from gui.core.trace.events import Status

RETRYABLE_HTTP = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_S = 30.0  # a run never sleeps longer than this before a retry


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 0
    backoff_s: float = 0.25

    def delay_s(self, attempt: int, status: Status, http_status: int | None, retry_after: str | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up.

        Retries what a retry can fix (timeouts, dropped connections, 429 and 5xx), never a 404.
        Exponential backoff (at most ``MAX_BACKOFF_S``), and never sooner than the server's
        ``Retry-After``: a server that asks for a longer wait than that is not retried at all, so the
        request ends with the answer it gave.
        """
        if attempt >= self.retries:
            return None
        if status is Status.HTTP_ERROR and http_status not in RETRYABLE_HTTP:
            return None
        if status not in (Status.HTTP_ERROR, Status.TIMEOUT, Status.CONNECTION_ERROR):
            return None
        delay = min(self.backoff_s * 2.0**attempt, MAX_BACKOFF_S)
        asked = retry_after_s(retry_after)
        if asked is not None:
            if asked > MAX_BACKOFF_S:
                return None
            delay = max(delay, asked)
        return delay


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds: a number of seconds, or an HTTP date (RFC 9110); None if absent or
    unreadable. A date in the past means "now"."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT; a naive one is read as such
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)
