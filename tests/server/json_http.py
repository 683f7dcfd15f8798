"""Plain urllib calls to the local server: status, content type and parsed JSON body."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, NamedTuple


class Answer(NamedTuple):
    status: int
    content_type: str
    body: Any


def call(url: str, method: str = "GET", data: bytes | None = None) -> Answer:
    """One request; an HTTP error is an answer too (its body must still be JSON)."""
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(response.status, response.headers.get_content_type(), json.loads(response.read()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers.get_content_type(), json.loads(error.read()))
