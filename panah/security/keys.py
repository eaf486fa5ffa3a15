"""Where the keys come from: configuration, or a development file.

Production must configure ``PANAH_ENCRYPTION_KEYS``, ``PANAH_HASH_KEY`` and
``PANAH_AUDIT_KEYS`` (the settings refuse to start otherwise). A development or demo
install without them gets keys generated once into ``PANAH_DEV_KEYS_PATH`` (mode 0600) so
its encrypted demo data stays readable and its audit chain verifiable across restarts;
that file is a development convenience, never a production key store. Tests without
audit keys get one per process, kept in memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

from panah.config import Environment, Settings
from panah.core.errors import InvalidInput
from panah.security.audit import SealKeys
from panah.security.audit_orm import configure_seal_keys
from panah.security.crypto import KeyRing, configure_keyring, generate_key


def keyring_from_settings(settings: Settings) -> KeyRing:
    if settings.encryption_keys:
        return KeyRing.parse(settings.encryption_keys, hash_key=settings.hash_key or None)
    path = settings.dev_keys_path
    spec = _development_entry(path, "encryption_keys", lambda: f"dev1:{generate_key()}")
    return KeyRing.parse(spec, hash_key=_development_entry(path, "hash_key", generate_key))


def parse_seal_keys(spec: str) -> SealKeys:
    """Audit seal keys from ``"a2:BASE64,a1:BASE64"`` (current first, 32 bytes each)."""
    try:
        ring = KeyRing.parse(spec)
    except InvalidInput as error:
        raise InvalidInput(f"PANAH_AUDIT_KEYS: {error.message_en}",
                           f"PANAH_AUDIT_KEYS: {error.message_fa}") from None
    return SealKeys(keys=dict(ring.keys), current_id=ring.current_id)


def seal_keys_from_settings(settings: Settings) -> SealKeys:
    if settings.audit_keys:
        return parse_seal_keys(settings.audit_keys)
    if settings.environment is Environment.test:
        return _process_seal_keys()
    return parse_seal_keys(_development_entry(settings.dev_keys_path, "audit_keys",
                                              lambda: f"dev1:{generate_key()}"))


def install_keyring(settings: Settings) -> KeyRing:
    """Build the ring from ``settings`` and make every encrypted column use it; install
    the audit seal keys too."""
    ring = keyring_from_settings(settings)
    configure_keyring(ring)
    configure_seal_keys(seal_keys_from_settings(settings))
    return ring


@cache
def _process_seal_keys() -> SealKeys:
    return parse_seal_keys(f"test:{generate_key()}")


def _development_entry(path: Path, name: str, make: Callable[[], str]) -> str:
    """The development key called ``name`` from ``path``, made and added the first time."""
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        if name in stored:
            return str(stored[name])
    stored[name] = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(stored, handle)
    os.replace(partial, path)
    return stored[name]
