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

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import InvalidInput, NotAuthenticated, NotFound
from panah.geo.orm import Province
from panah.security.audit import AuditAction
from panah.security.audit_orm import append
from panah.security.orm import ApiKey, User
from panah.security.policy import Actor
from panah.security.roles import KEY_ROLES, Role

SCHEME = "pnh"
PREFIX_BYTES = 6  # 12 hex characters: only for finding the row, not a secret
SECRET_BYTES = 32
LABEL_MAX = 120
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


def resolve_key(session: Session, *, text: str, now: datetime) -> tuple[Actor, ApiKey]:
    """The actor a presented key stands for; 401 for a malformed, unknown or revoked key."""
    parts = parse_key(text)
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts.prefix))
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(parts.secret)):
        raise _invalid_key()
    if key.revoked_at is not None:
        raise NotAuthenticated(
            "This API key was revoked. Ask Panah's administrators for a new one.",
            "این کلید API باطل شده است. از مدیران پناه کلید تازه بخواهید.",
        )
    user = session.get(User, key.user_id)
    if user is None or not user.is_active or user.role not in KEY_ROLES:
        raise NotAuthenticated(
            "The agency account of this API key is disabled. Ask Panah's administrators.",
            "حساب سازمانِ این کلید API غیرفعال است. از مدیران پناه بپرسید.",
        )
    if key.last_used_at is None or now - as_utc(key.last_used_at) >= LAST_USED_RESOLUTION:
        key.last_used_at = now
    actor = Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        province_code=key.province_code,
        national=key.province_code is None,
    )
    return actor, key


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


def revoke_key(session: Session, *, actor: Actor, key_id: int, now: datetime) -> ApiKey:
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
    return key


def list_keys(session: Session) -> list[tuple[ApiKey, User]]:
    """Every key with its agency account, the newest first."""
    rows = session.execute(
        select(ApiKey, User).join(User, User.id == ApiKey.user_id).order_by(ApiKey.id.desc())
    )
    return [(key, user) for key, user in rows]


def partner_accounts(session: Session) -> list[User]:
    query = select(User).where(User.role.in_(KEY_ROLES), User.is_active)
    return list(session.scalars(query.order_by(User.username)))


def _fa(number: int) -> str:
    return str(number).translate(_PERSIAN_DIGITS)

