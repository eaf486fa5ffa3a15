"""Fixtures shared by the API tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import login

HTML = {"Accept": "text/html"}
People = Callable[[str], TestClient]


@pytest.fixture
def people(app: FastAPI) -> Iterator[People]:
    """``people("social_worker")``: a signed-in client per demo user, with its CSRF header."""
    clients: dict[str, TestClient] = {}

    def person(username: str) -> TestClient:
        if username not in clients:
            client = TestClient(app, follow_redirects=False)
            login(client, username)
            page = client.get("/", headers=HTML).text
            client.headers["X-CSRF-Token"] = page.split('name="csrf-token" content="')[1].split(
                '"')[0]
            clients[username] = client
        return clients[username]

    yield person
    for client in clients.values():
        client.close()
