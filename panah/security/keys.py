"""Where the field-encryption key ring comes from: configuration, or a development file.

Production must configure ``PANAH_ENCRYPTION_KEYS`` and ``PANAH_HASH_KEY`` (the settings
refuse to start otherwise). A development or demo install with neither gets keys generated
once into ``PANAH_DEV_KEYS_PATH`` (mode 0600) so its encrypted demo data stays readable
across restarts; that file is a development convenience, never a production key store.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from panah.config import Settings
from panah.security.crypto import KeyRing, configure_keyring, generate_key


def keyring_from_settings(settings: Settings) -> KeyRing:
    if settings.encryption_keys:
        return KeyRing.parse(settings.encryption_keys, hash_key=settings.hash_key or None)
    spec, hash_key = _development_keys(settings.dev_keys_path)
    return KeyRing.parse(spec, hash_key=hash_key)


def install_keyring(settings: Settings) -> KeyRing:
    """Build the ring from ``settings`` and make every encrypted column use it."""
    ring = keyring_from_settings(settings)
    configure_keyring(ring)
    return ring


def _development_keys(path: Path) -> tuple[str, str]:
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return str(stored["encryption_keys"]), str(stored["hash_key"])
    stored = {"encryption_keys": f"dev1:{generate_key()}", "hash_key": generate_key()}
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(stored, handle)
    return stored["encryption_keys"], stored["hash_key"]
