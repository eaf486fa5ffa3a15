"""Field-level encryption at rest (AES-256-GCM) and keyed hashes for equality lookups.

Why at the field level: a stolen backup or a read-only SQL injection must not reveal who
called about an abused child or where a shelter is. Each value is sealed with the name of
its column as associated data, so a ciphertext copied into another column (say, from
``client.name`` into ``shelter.address``) does not decrypt there. Tokens carry the key id,
so old keys stay in the ring until :func:`rotate_column` has moved every row to the
current key.

Equality lookups (find a caller by phone number) cannot use the random-nonce ciphertext;
they use :func:`keyed_hash` with a separate hash key, so the hash column is useless to
anyone who has the database but not the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text, bindparam, select, type_coerce, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from panah.core.errors import InvalidInput, PanahError

TOKEN_VERSION = "v1"  # noqa: S105 - a format tag, not a secret
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # the 96-bit nonce GCM is designed for
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # no dots: the token uses them as separators


class DecryptionFailed(PanahError):
    """A token that was tampered with, truncated, or sealed for another column."""

    code = "decryption_failed"


class UnknownKey(DecryptionFailed):
    """A token sealed with a key that is no longer (or not yet) in the ring."""

    code = "unknown_key"


class KeyRingNotConfigured(PanahError):
    code = "keyring_not_configured"


def _bad_ring(what_en: str, what_fa: str, **details: object) -> InvalidInput:
    return InvalidInput(
        f"Encryption key ring: {what_en}. Expected 'k2:BASE64KEY,k1:BASE64KEY' "
        "(current key first, each key 32 random bytes in base64).",
        f"دسته‌کلید رمزنگاری: {what_fa}. قالب درست: 'k2:BASE64KEY,k1:BASE64KEY' "
        "(کلید فعلی اول، هر کلید ۳۲ بایت تصادفی به صورت base64).",
        **details,
    )


@dataclass(frozen=True)
class KeyRing:
    """Named 256-bit keys; new values are sealed with ``current_id``, old ones stay readable."""

    keys: Mapping[str, bytes] = field(repr=False)
    current_id: str
    hash_key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise _bad_ring("no keys were given", "هیچ کلیدی داده نشده است")
        for key_id, key in self.keys.items():
            _check_key(key_id, key)
        if self.current_id not in self.keys:
            raise _bad_ring(
                f"current key {self.current_id!r} is not in the ring",
                f"کلید فعلی {self.current_id!r} در دسته‌کلید نیست",
            )
        if self.hash_key is not None and self.hash_key in self.keys.values():
            raise _bad_ring(
                "the hash key must differ from every encryption key",
                "کلید درهم‌سازی باید با همهٔ کلیدهای رمزنگاری فرق داشته باشد",
            )
        if self.hash_key is not None and len(self.hash_key) < KEY_BYTES:
            raise _bad_ring(
                f"the hash key must be at least {KEY_BYTES} bytes",
                f"کلید درهم‌سازی باید دست‌کم {KEY_BYTES} بایت باشد",
            )

    @classmethod
    def parse(cls, spec: str, *, hash_key: str | None = None) -> KeyRing:
        """Build a ring from configuration text such as ``"k2:BASE64,k1:BASE64"``."""
        entries = [entry.strip() for entry in spec.split(",")] if spec.strip() else []
        keys: dict[str, bytes] = {}
        for position, entry in enumerate(entries, start=1):
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id.strip() or not encoded.strip():
                raise _bad_ring(
                    f"entry {position} is not 'id:base64key'",
                    f"مورد {position} به شکل 'id:base64key' نیست",
                )
            key_id = key_id.strip()
            if key_id in keys:
                raise _bad_ring(
                    f"key id {key_id!r} appears twice", f"شناسهٔ کلید {key_id!r} دو بار آمده است"
                )
            keys[key_id] = _decode_key(encoded.strip(), key_id)
        decoded_hash = _decode_key(hash_key.strip(), "hash") if hash_key else None
        current = next(iter(keys), "")
        return cls(keys=keys, current_id=current, hash_key=decoded_hash)


def _check_key(key_id: str, key: bytes) -> None:
    if not _KEY_ID.match(key_id):
        raise _bad_ring(
            f"key id {key_id!r} must be 1-32 letters, digits, '-' or '_'",
            f"شناسهٔ کلید {key_id!r} باید ۱ تا ۳۲ حرف لاتین، رقم، '-' یا '_' باشد",
        )
    if len(key) != KEY_BYTES:
        raise _bad_ring(
            f"key {key_id!r} is {len(key)} bytes, not {KEY_BYTES}",
            f"کلید {key_id!r} {len(key)} بایت است، نه {KEY_BYTES}",
        )


def _decode_key(encoded: str, key_id: str) -> bytes:
    try:
        # altchars lets both standard and URL-safe base64 through.
        return base64.b64decode(encoded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise _bad_ring(
            f"key {key_id!r} is not valid base64", f"کلید {key_id!r} base64 معتبر نیست"
        ) from None


def generate_key() -> str:
    """A new random key as base64 text, ready to put after ``id:`` in the configuration."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _aad(context: str) -> bytes:
    if not context:
        raise ValueError("context (the column name) must not be empty")
    return f"panah:{TOKEN_VERSION}:{context}".encode()


def encrypt(ring: KeyRing, plaintext: str, *, context: str) -> str:
    """Seal ``plaintext`` under the current key as ``v1.<key id>.<base64url(nonce+ct)>``."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(
        nonce, plaintext.encode("utf-8"), _aad(context)
    )
    body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")
    return f"{TOKEN_VERSION}.{ring.current_id}.{body}"


def decrypt(ring: KeyRing, token: str, *, context: str) -> str:
    """Open a token from :func:`encrypt`; any tampering or a wrong ``context`` raises."""
    key_id, raw = _split(token, context)
    key = ring.keys.get(key_id)
    if key is None:
        raise UnknownKey(
            f"Value in {context} is sealed with key {key_id!r}, which is not in the key ring. "
            "Add the old key back to the ring.",
            f"مقدار {context} با کلید {key_id!r} رمز شده که در دسته‌کلید نیست. "
            "کلید قدیمی را به دسته‌کلید برگردانید.",
            key_id=key_id,
        )
    try:
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(context))
    except InvalidTag:
        raise _tampered(context) from None
    return plain.decode("utf-8")


def _split(token: str, context: str) -> tuple[str, bytes]:
    version, _, rest = token.partition(".")
    key_id, _, body = rest.partition(".")
    if version != TOKEN_VERSION or not key_id or not body:
        raise _tampered(context)
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise _tampered(context) from None
    if len(raw) < NONCE_BYTES + 16:  # nonce + GCM tag at the least
        raise _tampered(context)
    return key_id, raw


def _tampered(context: str) -> DecryptionFailed:
    return DecryptionFailed(
        f"A value in {context} could not be decrypted: it was altered, truncated or copied "
        "from another column. Restore it from a backup and report a security incident.",
        f"مقداری در {context} رمزگشایی نشد: تغییر داده، بریده یا از ستون دیگری کپی شده است. "
        "آن را از پشتیبان بازگردانید و رخداد امنیتی گزارش کنید.",
        context=context,
    )


def key_id_of(token: str) -> str:
    """The key id a token was sealed with, without decrypting it."""
    return token.split(".", 2)[1] if token.count(".") >= 2 else ""


def rotate(ring: KeyRing, token: str, *, context: str) -> str:
    """Re-seal ``token`` under the current key; a token already there is returned as is."""
    if key_id_of(token) == ring.current_id:
        return token
    return encrypt(ring, decrypt(ring, token, context=context), context=context)


def keyed_hash(key: KeyRing | bytes, value: str, *, normalise: Callable[[str], str]) -> str:
    """HMAC-SHA256 of ``normalise(value)`` for lookups by equality (hex, 64 characters).

    The normaliser is required so every writer and reader agrees on one form (a phone
    number in E.164, a national id without dashes); otherwise lookups silently miss.
    """
    hash_key = key.hash_key if isinstance(key, KeyRing) else key
    if not hash_key:
        raise KeyRingNotConfigured(
            "No hash key is configured for lookups. Set the hash key next to the key ring.",
            "کلید درهم‌سازی برای جست‌وجو تنظیم نشده است. آن را کنار دسته‌کلید تنظیم کنید.",
        )
    return hmac.new(hash_key, normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()


class _Provider:
    """Where :class:`EncryptedText` finds the ring; the app sets it once at startup."""

    ring: KeyRing | None = None


def configure_keyring(ring: KeyRing | None) -> None:
    """Install the ring used by every :class:`EncryptedText` column (``None`` clears it)."""
    _Provider.ring = ring


def current_keyring() -> KeyRing:
    if _Provider.ring is None:
        raise KeyRingNotConfigured(
            "Encrypted columns were used before the key ring was configured. "
            "Call configure_keyring() when the application starts.",
            "ستون‌های رمزشده پیش از تنظیم دسته‌کلید به کار رفتند. "
            "هنگام آغاز برنامه configure_keyring() را فراخوانی کنید.",
        )
    return _Provider.ring


class EncryptedText(TypeDecorator[str]):
    """A text column stored as an AES-GCM token bound to ``context`` (e.g. ``"client.name"``).

    Values cannot be compared in SQL: every write uses a fresh nonce, so ``column == x``
    never matches. Store a :func:`keyed_hash` beside the column for lookups.
    """

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        _aad(context)  # fail at model definition, not at the first write
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return encrypt(current_keyring(), value, context=self.context)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return decrypt(current_keyring(), str(value), context=self.context)


def rotate_column(
    session: Session, model: type[Any], attribute: str, ring: KeyRing, *, batch_size: int = 500
) -> int:
    """Re-seal every value of ``model.attribute`` under the current key; return rows changed.

    Works on the raw tokens in primary-key order, a batch at a time, so memory stays flat
    and rows already on the current key are left alone. The caller owns the transaction.
    """
    table = model.__table__
    (pk,) = table.primary_key.columns  # one-column keys only, which is all Panah uses
    column = getattr(model, attribute).property.columns[0]
    if not isinstance(column.type, EncryptedText):
        raise TypeError(f"{model.__name__}.{attribute} is not an EncryptedText column")
    raw = type_coerce(column, Text)  # read and write tokens, bypassing the decorator
    rewrite = update(table).where(pk == bindparam("rotate_pk"))
    rewrite = rewrite.values({column.key: bindparam("rotate_token", type_=Text)})
    changed, last = 0, None
    while True:
        query = select(pk, raw).where(column.is_not(None)).order_by(pk).limit(batch_size)
        rows = session.execute(query if last is None else query.where(pk > last)).all()
        moved = [
            {"rotate_pk": row_pk, "rotate_token": rotate(ring, token, context=column.type.context)}
            for row_pk, token in rows
            if key_id_of(token) != ring.current_id
        ]
        if moved:
            session.execute(rewrite, moved)
            changed += len(moved)
        if len(rows) < batch_size:
            return changed
        last = rows[-1][0]
