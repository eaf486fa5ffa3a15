"""The key ring comes from configuration, or from a development file made once."""

from __future__ import annotations

import stat
from pathlib import Path

from panah.config import Settings
from panah.security.crypto import decrypt, encrypt
from panah.security.keys import keyring_from_settings


def _dev_settings(path: Path) -> Settings:
    return Settings(dev_keys_path=path, _env_file=None)  # type: ignore[call-arg]


def test_development_keys_are_made_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "keys.json"
    first = keyring_from_settings(_dev_settings(path))
    token = encrypt(first, "مریم احمدی", context="client.name")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = keyring_from_settings(_dev_settings(path))  # a restart reads the same keys
    assert decrypt(second, token, context="client.name") == "مریم احمدی"


def test_configured_keys_win_over_the_development_file(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        encryption_keys="k9:MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE=",
        hash_key="SEhISEhISEhISEhISEhISEhISEhISEhISEhISEhISEg=",
        dev_keys_path=tmp_path / "never.json",
        _env_file=None,
    )
    ring = keyring_from_settings(settings)
    assert ring.current_id == "k9"
    assert not (tmp_path / "never.json").exists()
