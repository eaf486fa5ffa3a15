"""API keys for partner agencies (police 110, emergency 115, welfare offices).

A key reads ``pnh_<prefix>_<secret>``: the prefix finds the row, the secret proves the
holder. Only a hash of the secret is stored, and the whole key is shown once, when it is
created. A key acts as its partner-agency account, within the key's province, or the
whole nation for a key with no province. Revoking is immediate: the next request is 401.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import InvalidInput, NotAuthenticated, NotFound
from panah.geo.orm import Province
from panah.security.audit import AuditAction
from panah.security.audit_orm import append
from panah.security.orm import ApiKey, User
from panah.security.policy import Actor
from panah.security.roles import KEY_ROLES, Role
from panah.security.schemas import LABEL_MAX, ApiKeyCreated, ApiKeyPublic

SCHEME = "pnh"
PREFIX_BYTES = 6  # 12 hex characters: only for finding the row, not a secret
SECRET_BYTES = 32
# Writing last_used_at on every request would take SQLite's write lock each time.
LAST_USED_RESOLUTION = timedelta(minutes=1)
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_KEY = re.compile(r"^pnh_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class KeyParts:
    prefix: str
    secret: str

    @property
    def text(self) -> str:
        return f"{SCHEME}_{self.prefix}_{self.secret}"


def new_key_parts() -> KeyParts:
    return KeyParts(
        prefix=secrets.token_hex(PREFIX_BYTES), secret=secrets.token_urlsafe(SECRET_BYTES)
    )


def parse_key(text: str) -> KeyParts:
    found = _KEY.match(text.strip())
    if found is None:
        raise _invalid_key()
    return KeyParts(prefix=found.group(1), secret=found.group(2))


def secret_hash(secret: str) -> str:
    # SHA-256, not argon2: the secret is 32 random bytes, beyond any guessing, so a slow
    # hash would only slow every API request down without making the key any safer.
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _invalid_key() -> NotAuthenticated:
    return NotAuthenticated(
        "This API key is not valid. Send the whole key, as 'Authorization: Bearer pnh_…' "
        "or 'X-API-Key: pnh_…', or ask Panah's administrators for a new one.",
        "این کلید API معتبر نیست. کل کلید را به شکل 'Authorization: Bearer pnh_…' یا "
        "'X-API-Key: pnh_…' بفرستید، یا از مدیران پناه کلید تازه بخواهید.",
    )


def resolve_key(conn: Connection, *, text: str, now: datetime) -> tuple[Actor, int]:
    """The actor a presented key stands for, and the key's id; 401 for a malformed,
    unknown or revoked key or a disabled account.

    One SELECT on a plain connection (every webhook request pays for it); the key's
    ``last_used_at`` is written at most once a minute. The caller commits.
    """
    parts = parse_key(text)
    row = conn.execute(
        select(ApiKey.id, ApiKey.secret_hash, ApiKey.revoked_at, ApiKey.last_used_at,
               ApiKey.province_code, User.id.label("user_id"), User.username, User.role,
               User.is_active)
        .join(User, User.id == ApiKey.user_id).where(ApiKey.prefix == parts.prefix)
    ).first()
    if row is None or not hmac.compare_digest(row.secret_hash, secret_hash(parts.secret)):
        raise _invalid_key()
    if row.revoked_at is not None:
        raise NotAuthenticated(
            "This API key was revoked. Ask Panah's administrators for a new one.",
            "این کلید API باطل شده است. از مدیران پناه کلید تازه بخواهید.",
        )
    if not row.is_active or row.role not in KEY_ROLES:
        raise NotAuthenticated(
            "The agency account of this API key is disabled. Ask Panah's administrators.",
            "حساب سازمانِ این کلید API غیرفعال است. از مدیران پناه بپرسید.",
        )
    if row.last_used_at is None or now - as_utc(row.last_used_at) >= LAST_USED_RESOLUTION:
        conn.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=now))
    actor = Actor(
        user_id=row.user_id,
        username=row.username,
        role=Role(row.role),
        province_code=row.province_code,
        national=row.province_code is None,
    )
    return actor, row.id


KEY_HINT_TTL = timedelta(minutes=1)


class KeyHints:
    """Keys this process has verified lately: presented text → (actor, key id).

    Only a hint, for the webhooks that take every call: they skip the key's own
    transaction, and the intake writer checks the key again (revoked? account disabled?)
    in the transaction that stores the event, so revoking still takes effect at once.
    Only a digest of the key text is held. Thread-safe enough: a lost race costs a lookup.
    """

    def __init__(self, ttl: timedelta = KEY_HINT_TTL) -> None:
        self.ttl = ttl
        self._hints: dict[str, tuple[Actor, int, datetime]] = {}

    def get(self, text: str, now: datetime) -> tuple[Actor, int] | None:
        hint = self._hints.get(_digest(text))
        if hint is None or now >= hint[2]:
            return None
        return hint[0], hint[1]

    def put(self, text: str, actor: Actor, key_id: int, now: datetime) -> None:
        if len(self._hints) > 1000:  # a few agencies' keys; never let it grow unbounded
            self._hints.clear()
        self._hints[_digest(text)] = (actor, key_id, now + self.ttl)

    def drop(self, text: str) -> None:
        self._hints.pop(_digest(text), None)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def still_valid(conn: Connection, key_ids: set[int]) -> set[int]:
    """Of these keys, the ones not revoked whose account is still an active agency account."""
    if not key_ids:
        return set()
    return set(conn.scalars(_STILL_VALID, {"ids": list(key_ids)}))


# Built once: the intake writer asks it for every batch.
_STILL_VALID = select(ApiKey.id).join(User, User.id == ApiKey.user_id).where(
    ApiKey.id.in_(bindparam("ids", expanding=True)), ApiKey.revoked_at.is_(None),
    User.is_active, User.role.in_([role.value for role in KEY_ROLES]))


def no_longer_valid() -> NotAuthenticated:
    return NotAuthenticated(
        "This API key was revoked, or its agency account disabled. Ask Panah's "
        "administrators for a new one.",
        "این کلید API باطل یا حساب سازمانِ آن غیرفعال شده است. از مدیران پناه کلید تازه "
        "بخواهید.",
    )


def create_key(
    session: Session,
    *,
    actor: Actor,
    username: str,
    label: str,
    province_code: str | None,
    now: datetime,
) -> tuple[ApiKey, str]:
    """Store a new key for a partner-agency account; return it with its text (shown once)."""
    label = " ".join(label.split())
    if not label or len(label) > LABEL_MAX:
        raise InvalidInput(
            f"Give the key a label of 1 to {LABEL_MAX} characters, e.g. 'Police 110 Sari'.",
            f"برای کلید برچسبی ۱ تا {_fa(LABEL_MAX)} نویسه بنویسید، مثلاً «پلیس ۱۱۰ ساری».",
        )
    partner = session.scalar(select(User).where(User.username == username.strip().lower()))
    if partner is None or partner.role not in KEY_ROLES or not partner.is_active:
        raise InvalidInput(
            f"{username!r} is not an active partner-agency or integration account. Keys are "
            "only for those.",
            f"{username!r} حساب فعالِ سازمان همکار یا یکپارچه‌سازی نیست. کلید فقط برای این "
            "حساب‌هاست.",
            username=username,
        )
    province_code = (province_code or "").strip() or None
    if province_code is not None and session.get(Province, province_code) is None:
        raise InvalidInput(
            f"Unknown province {province_code!r}. Use a code such as IR-02, or none for "
            "a national key.",
            f"استان ناشناخته {province_code!r}. کدی مانند IR-02 بدهید، یا برای کلید سراسری هیچ.",
            province_code=province_code,
        )
    parts = new_key_parts()
    key = ApiKey(
        user_id=partner.id, label=label, province_code=province_code, prefix=parts.prefix,
        secret_hash=secret_hash(parts.secret), created_at=now, created_by=actor.user_id,
    )
    session.add(key)
    session.flush()
    scope = province_code or "national"
    append(
        session, now=now, actor=actor, action=AuditAction.api_key_created,
        subject_type="api_key", subject_id=str(key.id),
        reason=f"{label} for {partner.username} ({scope})",
    )
    return key, parts.text


def issue_key(
    session: Session,
    *,
    actor: Actor,
    username: str,
    label: str,
    province_code: str | None,
    now: datetime,
) -> ApiKeyCreated:
    """As :func:`create_key`, as the API and the page show it: the key with its text."""
    key, text = create_key(session, actor=actor, username=username, label=label,
                           province_code=province_code, now=now)
    public = ApiKeyPublic.build(key, session.get_one(User, key.user_id))
    return ApiKeyCreated(**public.model_dump(), key=text)


def revoke_key(session: Session, *, actor: Actor, key_id: int, now: datetime) -> ApiKeyPublic:
    """Revoke a key at once; revoking a revoked key changes nothing."""
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(
            f"There is no API key {key_id}. Reload the list of keys.",
            f"کلید API شمارهٔ {_fa(key_id)} وجود ندارد. فهرست کلیدها را دوباره بارگذاری کنید.",
            key_id=key_id,
        )
    if key.revoked_at is None:
        key.revoked_at = now
        append(
            session, now=now, actor=actor, action=AuditAction.api_key_revoked,
            subject_type="api_key", subject_id=str(key.id), reason=key.label,
        )
    return ApiKeyPublic.build(key, session.get_one(User, key.user_id))


def list_keys(session: Session) -> list[ApiKeyPublic]:
    """Every key with its agency account, the newest first (never a key's text)."""
    rows = session.execute(
        select(ApiKey, User).join(User, User.id == ApiKey.user_id).order_by(ApiKey.id.desc())
    )
    return [ApiKeyPublic.build(key, user) for key, user in rows]


def _fa(number: int) -> str:
    return str(number).translate(_PERSIAN_DIGITS)
