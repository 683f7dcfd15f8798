"""When to try a request again, and how long to wait first."""

from __future__ import annotations

from dataclasses import dataclass

from gui.core.trace import Status

RETRYABLE_HTTP = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 0
    backoff_s: float = 0.25

    def delay_s(self, attempt: int, status: Status, http_status: int | None, retry_after: str | None) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up.

        Retries what a retry can fix (timeouts, dropped connections, 429 and 5xx), never a 404.
        Exponential backoff, but never sooner than the server's ``Retry-After``.
        """
        if attempt >= self.retries:
            return None
        if status is Status.HTTP_ERROR and http_status not in RETRYABLE_HTTP:
            return None
        if status not in (Status.HTTP_ERROR, Status.TIMEOUT, Status.CONNECTION_ERROR):
            return None
        delay = self.backoff_s * 2.0**attempt
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        return min(delay, MAX_BACKOFF_S)
