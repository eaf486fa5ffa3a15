"""Consent records: read side (the case panel, the API list, the timeline)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.consent.model import ConsentMethod, ConsentPurpose
from panah.cases.consent.orm import ConsentRecord
from panah.cases.consent.schemas import ConsentPublic
from panah.cases.orm import Case, Client
from panah.cases.service import case_facts
from panah.cases.thread.items import TimelineItem, bilingual
from panah.core.clock import as_utc
from panah.geo.orm import Province
from panah.security.access import users_of
from panah.security.policy import Resource
from panah.triage.orm import Agency


def consent_public(session: Session, record: ConsentRecord, now: datetime) -> ConsentPublic:
    users = users_of(session, {u for u in (record.recorded_by, record.withdrawn_by) if u})
    return ConsentPublic(
        id=record.id, client_id=record.client_id, case_id=record.case_id,
        purpose=ConsentPurpose(record.purpose), recipient=record.recipient, scope=record.scope,
        method=ConsentMethod(record.method), given_at=as_utc(record.given_at),
        recorded_by=users[record.recorded_by].username if record.recorded_by in users else None,
        withdrawn_at=as_utc(record.withdrawn_at) if record.withdrawn_at else None,
        withdrawn_by=users[record.withdrawn_by].username if record.withdrawn_by in users
        else None,
        note=record.note, active=record.withdrawn_at is None)


def client_consents(session: Session, *, case_id: int, now: datetime) -> list[ConsentPublic]:
    """The consents of the case's client (from this case or an earlier one), newest first."""
    client_id = session.scalar(select(Case.client_id).where(Case.id == case_id))
    records = session.scalars(select(ConsentRecord).where(ConsentRecord.client_id == client_id)
                              .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id.desc()))
    return [consent_public(session, r, now) for r in records]


def recipient_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Provinces' and agencies' names by code, in both languages (``bilingual``)."""
    if not codes:
        return {}
    found = {p.code: bilingual(p.name_fa, p.name_en)
             for p in session.scalars(select(Province).where(Province.code.in_(codes)))}
    found |= {a.code: bilingual(a.name_fa, a.name_en)
              for a in session.scalars(select(Agency).where(Agency.code.in_(codes)))}
    return found


def consent_items(session: Session, *, case_id: int, now: datetime) -> list[TimelineItem]:
    """Consent given and withdrawn, as timeline items of the case."""
    items = []
    records = list(session.scalars(select(ConsentRecord).where(ConsentRecord.case_id == case_id)))
    users = users_of(session, {u for r in records for u in (r.recorded_by, r.withdrawn_by) if u})
    names = recipient_names(session, {r.recipient for r in records})
    for r in records:
        facts = (("consent.purpose", f"t:consent.purpose.{r.purpose}"),
                 ("consent.recipient", names.get(r.recipient, r.recipient)),
                 ("consent.scope", f"t:consent.scope.{r.scope}"),
                 ("consent.method", f"t:consent.method.{r.method}"))
        by = users.get(r.recorded_by) if r.recorded_by else None
        items.append(TimelineItem(at=as_utc(r.given_at), kind="consent",
                                  label_key="timeline.consent_given",
                                  actor=by.full_name if by else None, facts=facts))
        if r.withdrawn_at is not None:
            gone = users.get(r.withdrawn_by) if r.withdrawn_by else None
            items.append(TimelineItem(at=as_utc(r.withdrawn_at), kind="consent",
                                      label_key="timeline.consent_withdrawn",
                                      actor=gone.full_name if gone else None, facts=facts))
    return items


def consent_resource(session: Session, consent_id: int) -> Resource | None:
    """A consent record is reached as its case is: the case's team and supervisors."""
    record = session.get(ConsentRecord, consent_id)
    case = session.get(Case, record.case_id) if record is not None and record.case_id else None
    if record is None:
        return None
    if case is None:
        province = session.scalar(select(Client.province_code).where(
            Client.id == record.client_id))
        return Resource("consent", province_code=province, need_to_know=True)
    return replace(case_facts(session, case), kind="consent")
