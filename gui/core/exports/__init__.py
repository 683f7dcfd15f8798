"""What a finished run can be written as: a JSON report, ASCII lanes, a Chrome trace, CSV and HAR.

Every file-writing function takes a sequence of ``FinishedRun`` (one run, or a comparison's runs
in order) and writes through ``write_atomically``: the target is the old file or the whole new
one, and a path a user cannot write becomes an ``ExportError`` with a one-sentence message.
"""

from gui.core.exports.ascii_lanes import ascii_timeline
from gui.core.exports.atomic import ExportError, write_atomically
from gui.core.exports.chrome_trace import chrome_trace, chrome_trace_of_runs, write_chrome_trace
from gui.core.exports.csv_spans import CSV_COLUMNS, spans_csv, write_csv
from gui.core.exports.har import har_log, write_har
from gui.core.exports.json_report import json_report, reports_json, settings_record, span_record, write_json_report

__all__ = [
    "CSV_COLUMNS",
    "ExportError",
    "ascii_timeline",
    "chrome_trace",
    "chrome_trace_of_runs",
    "har_log",
    "json_report",
    "settings_record",
    "reports_json",
    "settings_record",
    "span_record",
    "spans_csv",
    "write_atomically",
    "write_chrome_trace",
    "write_csv",
    "write_har",
    "write_json_report",
]
