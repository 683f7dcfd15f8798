"""``PUT /admin/conditions`` refuses what no condition can be, with a 400 and a readable sentence."""

from __future__ import annotations

import pytest

from gui.server import LocalServer, NetworkConditions
from tests.server.json_http import call


def put(server: LocalServer, raw_json: str) -> tuple[int, str, str]:
    status, content_type, body = call(f"{server.url}/admin/conditions", "PUT", raw_json.encode())
    return status, content_type, body.get("detail", "") if isinstance(body, dict) else ""


@pytest.mark.parametrize(
    ("raw_json", "words"),
    [
        ('{"seed": 1e999}', "seed must be a whole number, got inf"),
        ('{"retry_after_s": Infinity}', "Infinity is not a value a condition can take"),
        ('{"latency_ms": NaN}', "NaN is not a value a condition can take"),
        ('{"retry_after_s": 1e999}', "retry_after_s must be a whole number from 0 to 3600, got inf"),
        ('{"max_concurrent": 2.5}', "max_concurrent must be a whole number from 0 to 100000, got 2.5"),
        ('{"seed": ' + "9" * 5000 + "}", "a number of 5,000 digits is not a value a condition can take"),
        ('{"seed": "' + "9" * 5000 + '"}', "seed must be a whole number, got '999"),
        ('{"latency_ms": "fast"}', "latency_ms must be a number from 0 to 60000, got 'fast'"),
        ('{"error_rate": true}', "error_rate must be a number from 0 to 1, got True"),
        ('{"warp": 9}', "unknown condition(s): warp"),
        ("[1, 2]", "send a JSON object"),
        ("{", "send a JSON object"),
        ("[" * 100_000, "the JSON is nested too deeply"),
    ],
)
def test_a_bad_condition_is_a_400_with_a_readable_message(server: LocalServer, raw_json: str, words: str) -> None:
    status, content_type, detail = put(server, raw_json)
    assert (status, content_type) == (400, "application/json")
    assert words in detail and len(detail) < 200
    assert server.played_conditions() == NetworkConditions()  # nothing half-applied


def test_whole_numbers_written_as_floats_or_text_are_accepted(server: LocalServer) -> None:
    status, _, _ = put(server, '{"max_concurrent": 4.0, "seed": "7", "latency_ms": "15"}')
    assert status == 200
    played = server.played_conditions()
    assert (played.max_concurrent, played.seed, played.latency_ms) == (4, 7, 15.0)
    assert isinstance(played.max_concurrent, int)
