"""The `panah` command: help everywhere, migrations, demo logins, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from panah.cli import app

runner = CliRunner()


def _all_command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        paths.append(prefix)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*prefix, name])

    walk(get_command(app), [])
    return paths


@pytest.mark.parametrize("path", _all_command_paths(), ids=lambda p: " ".join(p) or "panah")
def test_every_command_has_help(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_expected_commands_exist() -> None:
    paths = {" ".join(p) for p in _all_command_paths()}
    assert {"serve", "db upgrade", "demo load", "geo import", "geo status", "geo locate"} <= paths


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PANAH_DATABASE_URL", url)
    monkeypatch.setenv("PANAH_ENVIRONMENT", "development")
    return url


def test_upgrade_then_demo_load_prints_one_login_per_role(fresh_db: str) -> None:
    from panah.security.roles import Role

    upgrade = runner.invoke(app, ["db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    result = runner.invoke(app, ["demo", "load", "--json"])
    assert result.exit_code == 0, result.output
    logins = json.loads(result.stdout)
    assert {entry["role"] for entry in logins} == {r.value for r in Role}
    assert all(entry["password"] == "panah-demo" for entry in logins)


def test_demo_load_is_refused_in_production(fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANAH_ENVIRONMENT", "production")
    monkeypatch.setenv("PANAH_SECRET_KEY", "k" * 40)
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 2
    assert "production" in result.output


def test_bad_configuration_is_reported_not_a_traceback(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANAH_PORT", "not-a-port")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "PANAH_PORT" in result.output.upper() or "port" in result.output
