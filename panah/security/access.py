"""Use cases around access: grants, break-glass, "who saw this", and the audit of reads.

Every function works inside the caller's unit of work and never commits. The decisions
themselves are :func:`panah.security.policy.decide`; this module gathers its facts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.core.errors import Forbidden, InvalidInput, NotFound
from panah.security.access_orm import AccessGrant, BreakGlass
from panah.security.audit import AuditAction
from panah.security.audit_orm import AuditEvent, append
from panah.security.orm import User
from panah.security.policy import Actor, Decision, Resource, Why, decide
from panah.security.roles import RESTRICTED_CATEGORIES, ROLE_SCOPE, Permission, Scope

BREAK_GLASS_MINUTES = 60
MIN_REASON_CHARS = 15


def with_grants(session: Session, actor: Actor) -> Actor:
    """``actor`` with the restricted categories they currently hold a grant for."""
    categories = session.scalars(
        select(AccessGrant.category).where(
            AccessGrant.user_id == actor.user_id, AccessGrant.revoked_at.is_(None)
        )
    ).all()
    return replace(actor, grants=frozenset(categories))


def has_open_break_glass(session: Session, actor: Actor, case_id: int, now: datetime) -> bool:
    opened = session.scalars(
        select(BreakGlass.expires_at).where(
            BreakGlass.user_id == actor.user_id, BreakGlass.case_id == case_id
        )
    ).all()
    return any(as_utc(expires) > now for expires in opened)


def audit(
    session: Session,
    actor: Actor | None,
    action: AuditAction,
    subject_type: str,
    subject_id: object,
    *,
    now: datetime,
    reason: str | None = None,
) -> None:
    append(session, now=now, actor=actor, action=action, subject_type=subject_type,
           subject_id=str(subject_id), reason=reason)


def deny(session: Session, *, actor: Actor, permission: Permission, decision: Decision,
         subject_type: str, subject_id: object, now: datetime) -> None:
    """A refused attempt on the audit chain, in the caller's unit of work."""
    audit(session, actor, AuditAction.denied, subject_type, subject_id, now=now,
          reason=f"{permission.value}:{decision.why}")


def open_break_glass(
    session: Session, *, actor: Actor, case_id: int, resource: Resource, reason: str,
    now: datetime,
) -> BreakGlass:
    """Open a case outside need-to-know for an hour, with a stated reason, reported upward."""
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_CHARS:
        raise InvalidInput(
            f"State why you must open this case now (at least {MIN_REASON_CHARS} characters).",
            f"بنویسید چرا باید همین حالا این پرونده را باز کنید (دست‌کم {MIN_REASON_CHARS} نویسه).",
            field="reason",
        )
    decision = decide(actor, Permission.view_case, resource, break_glass=True)
    if not decide(actor, Permission.break_glass) or not decision:
        raise _no_break_glass(decision)
    row = BreakGlass(
        case_id=case_id, user_id=actor.user_id, province_code=resource.province_code or "",
        reason=reason, opened_at=now, expires_at=now + timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    session.add(row)
    session.flush()
    audit(session, actor, AuditAction.break_glass, "case", case_id, now=now, reason=reason)
    return row


def _no_break_glass(decision: Decision) -> Forbidden:
    if decision.why is Why.out_of_scope:
        return Forbidden(
            "This case belongs to another area. Break-glass opens only the cases of your own "
            "area, and the case of a person you are talking to now; ask that area's "
            "supervisor for anything else.",
            "این پرونده از آنِ حوزهٔ دیگری است. دسترسی اضطراری فقط پرونده‌های حوزهٔ خود شما و "
            "پروندهٔ کسی را که همین حالا با او در تماس هستید باز می‌کند؛ برای بقیه از سرپرست "
            "همان حوزه بخواهید.",
            why=decision.why.value,
        )
    return Forbidden(
        "Your role cannot open case files it is not on, even in an emergency.",
        "نقش شما حتی در وضعیت اضطراری اجازهٔ باز کردن پرونده‌ای را که عضو آن نیستید ندارد.",
        why=decision.why.value,
    )


def break_glass_report(session: Session, actor: Actor) -> list[tuple[BreakGlass, User]]:
    """Break-glass openings a supervisor must review: their province, or every one."""
    query = select(BreakGlass, User).join(User, User.id == BreakGlass.user_id)
    if ROLE_SCOPE[actor.role] is not Scope.nation:
        query = query.where(BreakGlass.province_code == actor.province_code)
    return [(bg, user) for bg, user in session.execute(query.order_by(BreakGlass.id.desc()))]


def review_break_glass(session: Session, *, actor: Actor, break_glass_id: int,
                       now: datetime) -> BreakGlass:
    row = session.get(BreakGlass, break_glass_id)
    if row is None or not decide(
        actor, Permission.review_access, Resource("break_glass", province_code=row.province_code)
    ):
        raise NotFound("No such break-glass record in your area.",
                       "چنین سابقهٔ دسترسی اضطراری در حوزهٔ شما نیست.")
    if row.reviewed_at is None:
        row.reviewed_at, row.reviewed_by = now, actor.user_id
        audit(session, actor, AuditAction.review, "break_glass", row.id, now=now)
    return row


def grant_category(session: Session, *, actor: Actor, user_id: int, category: str,
                   now: datetime) -> AccessGrant:
    if category not in RESTRICTED_CATEGORIES:
        choices = ", ".join(sorted(RESTRICTED_CATEGORIES))
        raise InvalidInput(
            f"{category!r} is not a restricted category; choose one of {choices}.",
            f"{category!r} از دسته‌های محدود نیست؛ یکی از {choices} را برگزینید.",
            field="category",
        )
    user = session.get(User, user_id)
    if user is None or not decide(
        actor, Permission.manage_grants, Resource("user", province_code=user.province_code)
    ):
        raise NotFound("No such user in your area.", "چنین کاربری در حوزهٔ شما نیست.")
    existing = session.scalar(select(AccessGrant).where(
        AccessGrant.user_id == user_id, AccessGrant.category == category,
        AccessGrant.revoked_at.is_(None)))
    if existing is not None:
        return existing  # granting twice is the same grant: idempotent
    grant = AccessGrant(user_id=user_id, category=category, granted_by=actor.user_id,
                        granted_at=now)
    session.add(grant)
    session.flush()
    audit(session, actor, AuditAction.grant, "user", user_id, now=now, reason=category)
    return grant


def revoke_grant(session: Session, *, actor: Actor, grant_id: int, now: datetime) -> AccessGrant:
    grant = session.get(AccessGrant, grant_id)
    user = session.get(User, grant.user_id) if grant else None
    if grant is None or user is None or not decide(
        actor, Permission.manage_grants, Resource("user", province_code=user.province_code)
    ):
        raise NotFound("No such grant in your area.", "چنین مجوزی در حوزهٔ شما نیست.")
    if grant.revoked_at is None:
        grant.revoked_at = now
        audit(session, actor, AuditAction.revoke, "user", grant.user_id, now=now,
              reason=grant.category)
    return grant


@dataclass(frozen=True, slots=True)
class AccessEntry:
    seq: int
    at: datetime
    username: str | None
    role: str
    action: str
    reason: str | None


def access_log(session: Session, subject_type: str, subject_id: object) -> list[AccessEntry]:
    """Who saw or changed this record, oldest first: the "who saw this" view."""
    rows = session.execute(
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_type == subject_type,
               AuditEvent.subject_id == str(subject_id))
        .order_by(AuditEvent.seq)
    )
    return [AccessEntry(e.seq, as_utc(e.at), name, e.actor_role, e.action, e.reason)
            for e, name in rows]


def users_of(session: Session, ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}

