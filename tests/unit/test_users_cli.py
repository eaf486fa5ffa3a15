"""``panah users``: the first administrator of an empty production database, refusals of
weak passwords, listing, disabling and one-time links."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from typer.testing import CliRunner

from panah.cli import app
from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

runner = CliRunner()
SOUND = "violet tractor harbour pencil"
AUDIT_KEYS = "a1:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="


@pytest.fixture
def production_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty, migrated production database: no demo, no user."""
    monkeypatch.setenv("PANAH_DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("PANAH_ENVIRONMENT", "production")
    monkeypatch.setenv("PANAH_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("PANAH_ENCRYPTION_KEYS", TEST_ENCRYPTION_KEYS)
    monkeypatch.setenv("PANAH_HASH_KEY", TEST_HASH_KEY)
    monkeypatch.setenv("PANAH_AUDIT_KEYS", AUDIT_KEYS)
    upgrade = runner.invoke(app, ["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    return tmp_path


def _password_file(folder: Path, password: str) -> str:
    path = folder / "password.txt"
    path.write_text(password + "\n", encoding="utf-8")
    return str(path)


def _users() -> list[dict[str, object]]:
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    return json.loads(listed.stdout)  # type: ignore[no-any-return]


def test_the_first_admin_is_made_in_production_with_the_enrolment_printed(
        production_db: Path) -> None:
    result = runner.invoke(app, ["users", "create", "--username", "it.officer", "--role", "admin",
                                 "--password-file", _password_file(production_db, SOUND)])
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/Panah:it.officer?secret=" in result.output
    secret = result.output.split("secret=")[1].split("&")[0]
    assert pyotp.TOTP(secret).now()  # a real base32 secret an app can read
    assert _users() == [{"username": "it.officer", "full_name": "it.officer", "role": "admin",
                         "province_code": None, "active": True}]


def test_a_provincial_admin_from_the_command_line(production_db: Path) -> None:
    result = runner.invoke(app, ["users", "create", "--username", "mzn.it", "--role", "admin",
                                 "--province", "IR-02", "--full-name", "رضا مدیر",
                                 "--password-file", _password_file(production_db, SOUND)])
    assert result.exit_code == 0, result.output
    assert _users()[0]["province_code"] == "IR-02"


@pytest.mark.parametrize(("password", "reason"), [
    ("short1!", "shorter than 12"),
    ("password1234", "common password"),
    ("it.officer2026", "username"),
])
def test_a_weak_password_is_refused_with_its_reason(production_db: Path, password: str,
                                                    reason: str) -> None:
    result = runner.invoke(app, ["users", "create", "--username", "it.officer", "--role", "admin",
                                 "--password-file", _password_file(production_db, password)])
    assert result.exit_code == 2
    assert reason in " ".join(result.output.split())
    assert _users() == []  # nothing half-made


def test_the_password_is_asked_twice_when_no_file_is_given(production_db: Path) -> None:
    result = runner.invoke(app, ["users", "create", "--username", "it.officer", "--role", "admin"],
                           input=f"{SOUND}\n{SOUND}\n")
    assert result.exit_code == 0, result.output
    assert len(_users()) == 1


def test_a_duplicate_username_is_refused(production_db: Path) -> None:
    file = _password_file(production_db, SOUND)
    runner.invoke(app, ["users", "create", "--username", "it.officer", "--role", "admin",
                        "--password-file", file])
    again = runner.invoke(app, ["users", "create", "--username", "it.officer", "--role",
                                "admin", "--password-file", file])
    assert again.exit_code == 2 and "taken" in again.output


def test_disable_and_link(production_db: Path) -> None:
    file = _password_file(production_db, SOUND)
    runner.invoke(app, ["users", "create", "--username", "it.officer", "--role", "admin",
                        "--password-file", file])
    link = runner.invoke(app, ["users", "link", "it.officer", "--purpose", "second-factor",
                               "--base-url", "https://panah.example.ir"])
    assert link.exit_code == 0, link.output
    assert "https://panah.example.ir/access/" in link.output
    disabled = runner.invoke(app, ["users", "disable", "it.officer"])
    assert disabled.exit_code == 0, disabled.output
    assert _users()[0]["active"] is False
    refused = runner.invoke(app, ["users", "link", "it.officer"])
    assert refused.exit_code == 2 and "disabled" in refused.output


def test_the_first_admin_signs_in_with_the_printed_second_factor(
        production_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The terminal's enrolment is the one the web's first sign-in asks a code for."""
    from fastapi.testclient import TestClient

    from panah.config import get_settings
    from panah.core.clock import FrozenClock
    from panah.main import create_app

    created = runner.invoke(app, ["users", "create", "--username", "it.officer", "--role",
                                  "admin", "--password-file", _password_file(production_db,
                                                                             SOUND)])
    secret = created.output.split("secret=")[1].split("&")[0]
    monkeypatch.setenv("PANAH_SECURE_COOKIES", "false")  # the test client speaks plain HTTP
    monkeypatch.setenv("PANAH_TIMERS", "false")
    now = datetime.now(UTC)
    application = create_app(get_settings(), clock=FrozenClock(now))
    with TestClient(application, follow_redirects=False) as client:
        first = client.post("/login", data={"username": "it.officer", "password": SOUND})
        assert first.headers["location"] == "/login/second-factor"
        page = client.get("/login/second-factor")
        assert secret in page.text.replace(" ", "")  # the same secret, to confirm
        code = pyotp.TOTP(secret).at(now)
        done = client.post("/login/second-factor", data={"code": code})
        assert done.status_code == 303, done.text
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    application.state.engine.dispose()
