"""Retry-After: never sooner than asked, in seconds or as an HTTP date; too long a wait is no retry."""

from __future__ import annotations

import email.utils

import pytest

from gui.core.clients.retry import MAX_BACKOFF_S, RetryPolicy, retry_after_s
from gui.core.trace.events import Status

POLICY = RetryPolicy(retries=3, backoff_s=0.25)


def test_seconds_and_dates_both_read_as_seconds_from_now() -> None:
    now = 1_800_000_000.0
    assert retry_after_s("7") == 7.0
    assert retry_after_s(email.utils.formatdate(now + 12, usegmt=True), now=now) == pytest.approx(12.0)
    assert retry_after_s(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0  # already past
    assert retry_after_s("soon") is None and retry_after_s("") is None and retry_after_s(None) is None


def test_the_wait_is_the_backoff_or_the_servers_ask_whichever_is_longer() -> None:
    assert POLICY.delay_s(0, Status.HTTP_ERROR, 503, None) == 0.25
    assert POLICY.delay_s(1, Status.HTTP_ERROR, 429, "2") == 2.0
    assert POLICY.delay_s(2, Status.TIMEOUT, None, None) == 1.0


def test_a_server_asking_for_longer_than_the_cap_is_not_retried_sooner() -> None:
    assert POLICY.delay_s(0, Status.HTTP_ERROR, 429, str(int(MAX_BACKOFF_S) + 1)) is None
    assert POLICY.delay_s(0, Status.HTTP_ERROR, 429, str(int(MAX_BACKOFF_S))) == MAX_BACKOFF_S


def test_what_a_retry_cannot_fix_is_not_retried() -> None:
    assert POLICY.delay_s(0, Status.HTTP_ERROR, 404, None) is None
    assert POLICY.delay_s(0, Status.INVALID_RESPONSE, 200, None) is None
    assert POLICY.delay_s(3, Status.HTTP_ERROR, 503, None) is None  # out of retries
