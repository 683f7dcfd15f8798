"""Fixtures shared by every test tier: the real local server, over loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Before anything can create a QApplication: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gui.server import LocalServer, NetworkConditions


@pytest.fixture(scope="session")
def shared_server() -> Iterator[LocalServer]:
    """One local server for the session; tests change its conditions through `server`."""
    with LocalServer(NetworkConditions()) as running:
        yield running


@pytest.fixture
def server(shared_server: LocalServer) -> Iterator[LocalServer]:
    """The shared server, with its conditions put back to "perfect network" after the test."""
    yield shared_server
    shared_server.set_conditions(**NetworkConditions().to_dict())
