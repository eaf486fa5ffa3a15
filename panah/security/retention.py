"""Retention: personal data is kept only as long as it is needed, then erased.

Pure rule (:func:`erasure_cutoff`) and the use case (:func:`apply_retention`). Closed cases
past the retention period lose their client's identity and their notes; the case row
itself (category, dates, place) stays for statistics, and the audit chain is never touched
(it holds ids, roles and reasons, not personal data). Expired sessions and old login
failures are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from panah.cases.orm import Case, CaseNote, Client
from panah.core.db import Base
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.orm import WebSession

ERASED = "[erased]"


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    closed_case_years: int = 10
    login_failure_days: int = 90


@dataclass(frozen=True, slots=True)
class RetentionReport:
    cases_erased: list[int]
    notes_deleted: int
    sessions_deleted: int
    login_failures_deleted: int
    dry_run: bool


def erasure_cutoff(now: datetime, years: int) -> datetime:
    """Cases closed before this moment are due for erasure (365-day years; leap days
    only ever keep data a day longer)."""
    return now - timedelta(days=365 * years)


def apply_retention(session: Session, *, policy: RetentionPolicy, now: datetime,
                    dry_run: bool) -> RetentionReport:
    cutoff = erasure_cutoff(now, policy.closed_case_years)
    due = session.scalars(select(Case).join(Client, Client.id == Case.client_id).where(
        Case.closed_at.is_not(None), Case.closed_at < cutoff, Client.erased_at.is_(None))
    ).all()
    notes = sum(len(case.notes) for case in due)
    sessions = session.scalars(select(WebSession.token_hash).where(
        WebSession.expires_at < now)).all()
    failures = _old_login_failures(session, now - timedelta(days=policy.login_failure_days))
    if not dry_run:
        for case in due:
            _erase(session, case, now)
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        _delete_login_failures(session, now - timedelta(days=policy.login_failure_days))
    return RetentionReport([c.id for c in due], notes, len(sessions), failures, dry_run)


def _erase(session: Session, case: Case, now: datetime) -> None:
    client = case.client
    client.name, client.phone, client.national_code = ERASED, None, None
    client.phone_hash = client.national_code_hash = None
    client.erased_at = now
    session.execute(delete(CaseNote).where(CaseNote.case_id == case.id))
    audit(session, None, AuditAction.erase, "case", case.id, now=now, reason="retention")


def _login_failure_table() -> Table | None:
    return Base.metadata.tables.get("login_failure")


def _old_login_failures(session: Session, before: datetime) -> int:
    table = _login_failure_table()
    if table is None:
        return 0
    count = select(func.count()).select_from(table).where(table.c.at < before)
    return int(session.execute(count).scalar_one())


def _delete_login_failures(session: Session, before: datetime) -> None:
    table = _login_failure_table()
    if table is not None:
        session.execute(delete(table).where(table.c.at < before))
