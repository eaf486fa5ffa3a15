"""Settings read PANAH_* variables and refuse bad values loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from panah.config import Settings

PRODUCTION_KEYS = {
    "encryption_keys": "k1:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=",
    "hash_key": "SEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISEg=",
    "audit_keys": "a1:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
}


def test_defaults_need_nothing_but_python(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PANAH_DATABASE_URL", "PANAH_PORT", "PANAH_ENVIRONMENT", "PANAH_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "sqlite:///./var/panah.db"
    assert settings.port == 8123
    assert settings.is_sqlite
    assert len(settings.secret_key) >= 32  # a throw-away key in development


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANAH_DATABASE_URL", "postgresql://postgres@127.0.0.1/panah")
    monkeypatch.setenv("PANAH_PORT", "9000")
    monkeypatch.setenv("PANAH_TRUSTED_HOSTS", "panah.example, 127.0.0.1")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1/panah"
    assert settings.port == 9000
    assert settings.trusted_hosts == ["panah.example", "127.0.0.1"]


def test_production_refuses_a_missing_or_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="PANAH_SECRET_KEY"):
        Settings(environment="production", secret_key="changeme", _env_file=None)  # type: ignore[arg-type, call-arg]
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(environment="production", secret_key="short-but-not-placeholder", _env_file=None)  # type: ignore[arg-type, call-arg]


def test_secret_is_read_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s" * 48 + "\n")
    settings = Settings(
        environment="production", secret_key_file=secret, _env_file=None, **PRODUCTION_KEYS
    )  # type: ignore[arg-type, call-arg]
    assert settings.secret_key == "s" * 48


def test_production_refuses_to_start_without_encryption_keys() -> None:
    with pytest.raises(ValidationError, match="PANAH_ENCRYPTION_KEYS"):
        Settings(environment="production", secret_key="s" * 48, _env_file=None)  # type: ignore[arg-type, call-arg]


def test_production_refuses_to_start_without_audit_keys() -> None:
    keys = {k: v for k, v in PRODUCTION_KEYS.items() if k != "audit_keys"}
    with pytest.raises(ValidationError, match="PANAH_AUDIT_KEYS"):
        Settings(environment="production", secret_key="s" * 48, _env_file=None, **keys)  # type: ignore[arg-type, call-arg]


def test_keys_are_read_from_files(tmp_path: Path) -> None:
    (tmp_path / "ring").write_text(PRODUCTION_KEYS["encryption_keys"] + "\n")
    (tmp_path / "hash").write_text(PRODUCTION_KEYS["hash_key"] + "\n")
    (tmp_path / "audit").write_text(PRODUCTION_KEYS["audit_keys"] + "\n")
    settings = Settings(  # type: ignore[call-arg]
        environment="production",  # type: ignore[arg-type]
        secret_key="s" * 48,
        encryption_keys_file=tmp_path / "ring",
        hash_key_file=tmp_path / "hash",
        audit_keys_file=tmp_path / "audit",
        _env_file=None,
    )
    assert settings.encryption_keys == PRODUCTION_KEYS["encryption_keys"]
    assert settings.hash_key == PRODUCTION_KEYS["hash_key"]
    assert settings.audit_keys == PRODUCTION_KEYS["audit_keys"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("database_url", "mysql://x"), ("port", 0), ("default_language", "de"), ("session_hours", 0)],
)
def test_bad_values_fail_loudly(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value}, _env_file=None)  # type: ignore[arg-type]


def test_the_mqtt_broker_url_with_its_password_is_read_from_a_file(tmp_path: Path) -> None:
    url_file = tmp_path / "mqtt-url"
    url_file.write_text("mqtts://panah:s3cret@broker.example:8883\n", encoding="utf-8")
    settings = Settings(mqtt_url_file=url_file, _env_file=None)  # type: ignore[call-arg]
    assert settings.mqtt_url == "mqtts://panah:s3cret@broker.example:8883"
    assert "s3cret" not in repr(settings)


def test_a_tile_server_is_a_url_template_or_nothing() -> None:
    """PANAH_TILE_URL: streets under the maps from the deployment's own tile server."""
    assert Settings(tile_url="").tile_url == ""  # type: ignore[call-arg]
    good = "https://tiles.example.ir/{z}/{x}/{y}.png"
    assert Settings(tile_url=f" {good} ").tile_url == good  # type: ignore[call-arg]
    for bad in ("tiles.example.ir/{z}/{x}/{y}.png", "https://tiles.example.ir/tile.png",
                "ftp://tiles.example.ir/{z}/{x}/{y}.png"):
        with pytest.raises(ValidationError, match="PANAH_TILE_URL"):
            Settings(tile_url=bad)  # type: ignore[call-arg]
