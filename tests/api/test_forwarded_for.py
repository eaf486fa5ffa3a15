"""``X-Forwarded-For`` is believed only from the proxies named in PANAH_FORWARDED_ALLOW_IPS.

``panah serve`` is run with ``uvicorn.run`` caught, and the application is served the way
uvicorn would serve it with the options ``panah serve`` passed (its proxy-header
middleware included), to a client connecting from 127.0.0.1, where a local proxy would
sit. Without a configured proxy, a forged header changes nothing: thirty failed sign-ins
with thirty forged addresses are thirty failures from 127.0.0.1, and the next is told to
wait. With the proxy configured, the address it forwards is the one the throttle counts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from panah.cli import app as cli
from panah.security.throttle import LIMITS
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

Served = Callable[[str], TestClient]


@pytest.fixture
def served(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Served:
    """``served(allowed)``: a client of the app as ``panah serve`` would run it behind
    uvicorn, with PANAH_FORWARDED_ALLOW_IPS set to ``allowed``."""

    def serve(allowed: str) -> TestClient:
        captured: dict[str, Any] = {}
        monkeypatch.setattr(uvicorn, "run", lambda app, **options: captured.update(
            app=app, options=options))
        env = {"PANAH_DATABASE_URL": database_url, "PANAH_ENVIRONMENT": "test",
               "PANAH_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS, "PANAH_HASH_KEY": TEST_HASH_KEY,
               "PANAH_TIMERS": "false", "PANAH_FORWARDED_ALLOW_IPS": allowed}
        result = CliRunner().invoke(cli, ["serve"], env=env)
        assert result.exit_code == 0, result.output
        options = {k: v for k, v in captured["options"].items()
                   if k not in {"host", "port", "log_level"}}
        config = uvicorn.Config(captured["app"], log_config=None, **options)
        config.load()
        return TestClient(config.loaded_app, follow_redirects=False,
                          client=("127.0.0.1", 41000))

    return serve


def _sign_in(client: TestClient, forwarded_for: str) -> int:
    response = client.post("/login", data={"username": "nobody", "password": "wrong"},
                           headers={"X-Forwarded-For": forwarded_for, "Accept": "text/html"})
    return response.status_code


def test_a_forged_forwarded_for_does_not_change_the_address_the_sign_in_limit_counts(
    served: Served,
) -> None:
    client = served("")
    statuses = [_sign_in(client, f"203.0.113.{n}") for n in range(LIMITS.address_failures)]
    assert set(statuses) == {401}
    assert _sign_in(client, "198.51.100.77") == 429  # a fresh forged address: still 127.0.0.1


def test_behind_a_configured_proxy_the_forwarded_address_is_the_one_counted(
    served: Served,
) -> None:
    client = served("127.0.0.1")
    statuses = [_sign_in(client, "203.0.113.9") for _ in range(LIMITS.address_failures)]
    assert set(statuses) == {401}
    assert _sign_in(client, "203.0.113.9") == 429
    assert _sign_in(client, "203.0.113.10") == 401  # another caller behind the same proxy
