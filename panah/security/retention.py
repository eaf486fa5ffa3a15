"""Retention: personal data is kept only as long as it is needed, then erased.

Pure rule (:func:`erasure_cutoff`) and the use case (:func:`apply_retention`). Once every
case of a client has been closed for the retention period, the client loses their identity
(name, phones, national code, birth date, the notes about them, the languages they speak,
every blind index of their phones and name words, the reasons written on their merges, and
the same for any client merged into them) and the cases lose their notes; the case rows
(category, dates, place) and the client's birth year, gender, nationality and disability
stay for statistics, and the audit chain is never touched (it holds ids, roles and reasons,
not personal data). Expired sessions and old login failures are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, func, or_, select
from sqlalchemy.orm import Session

from panah.cases.clients.orm import ClientMerge, ClientNameToken, ClientPhone
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
    # A client with a case still open, or closed within the period, keeps their identity.
    kept = select(Case.client_id).where(or_(Case.closed_at.is_(None), Case.closed_at >= cutoff))
    due = session.scalars(select(Case).join(Client, Client.id == Case.client_id).where(
        Case.closed_at.is_not(None), Case.closed_at < cutoff, Client.erased_at.is_(None),
        Case.client_id.not_in(kept)).order_by(Case.id)).all()
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
    merged = session.scalars(select(Client).where(Client.merged_into_id == case.client_id))
    for client in [case.client, *merged]:
        _erase_client(session, client, now)
    session.execute(delete(CaseNote).where(CaseNote.case_id == case.id))
    audit(session, None, AuditAction.erase, "case", case.id, now=now, reason="retention")


def _erase_client(session: Session, client: Client, now: datetime) -> None:
    client.name, client.phone, client.phones, client.national_code = ERASED, None, None, None
    client.phone_hash = client.national_code_hash = client.name_key_hash = None
    client.birth_date = client.no_national_code_note = client.languages = None
    client.erased_at = client.erased_at or now
    session.execute(delete(ClientPhone).where(ClientPhone.client_id == client.id))
    session.execute(delete(ClientNameToken).where(ClientNameToken.client_id == client.id))
    for merge in session.scalars(select(ClientMerge).where(or_(
            ClientMerge.survivor_id == client.id, ClientMerge.merged_id == client.id))):
        merge.reason = ERASED
        merge.undo_reason = ERASED if merge.undo_reason is not None else None


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
