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


@pytest.fixture(scope="session", autouse=True)
def private_history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Runs made by tests (and the subprocesses they start) never touch the user's own history."""
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    old = os.environ.get("POKE_LAB_HISTORY")
    os.environ["POKE_LAB_HISTORY"] = str(path)
    yield
    if old is None:
        os.environ.pop("POKE_LAB_HISTORY", None)
    else:
        os.environ["POKE_LAB_HISTORY"] = old
