"""Kept so older imports still work: the exports now live in ``gui.core.exports``, one per module."""

from gui.core.exports import ascii_timeline, chrome_trace, json_report, span_record

__all__ = ["ascii_timeline", "chrome_trace", "json_report", "span_record"]
