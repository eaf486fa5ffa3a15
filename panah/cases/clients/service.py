"""Clients' use cases: the profile, its update, possible duplicates, merge and its undo.

Each runs inside the caller's unit of work and never commits. Access to the client named
in the path is decided before these run (``panah.web.access``: a client is reached through
its cases); the other client of a merge is checked here with the same loader.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from panah.cases.clients import model
from panah.cases.clients.index import facts_of, index_client, phones_of
from panah.cases.clients.orm import ClientMerge, ClientNameToken, ClientPhone
from panah.cases.clients.schemas import (
    ClientProfile,
    ClientUpdate,
    DuplicatePublic,
    MergePublic,
)
from panah.cases.orm import Case, CaseTeamMember, Client
from panah.cases.service import national_code_hash, normalise_phone, phone_hash
from panah.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from panah.security.access import audit, with_grants
from panah.security.audit import AuditAction
from panah.security.policy import Actor, Resource, decide
from panah.security.roles import RESTRICTED_CATEGORIES, Permission


def _client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None or client.erased_at is not None:
        raise NotFound(f"There is no client {client_id}.", f"مددجویی با شمارهٔ {client_id} نیست.")
    return client


def _reached_case_ids(session: Session, client_id: int) -> list[int]:
    """The cases through which a client is reached: its own, and those a still-active merge
    moved away from it (its old teams may still open the merged record)."""
    own = list(session.scalars(select(Case.id).where(Case.client_id == client_id)))
    moved = [i for m in session.scalars(select(ClientMerge).where(
        ClientMerge.merged_id == client_id, ClientMerge.undone_at.is_(None))) for i in m.case_ids]
    return sorted({*own, *moved})


def client_resource(session: Session, client_id: int) -> Resource | None:
    """The client as the policy sees it: need-to-know, its cases' teams together, its
    province (whose supervisors pass); restricted if every case of it is restricted."""
    client = session.get(Client, client_id)
    if client is None or client.erased_at is not None:
        return None
    case_ids = _reached_case_ids(session, client_id)
    team = frozenset(session.scalars(select(CaseTeamMember.user_id).where(
        CaseTeamMember.case_id.in_(case_ids))))
    categories = list(session.scalars(select(Case.restricted_category).where(
        Case.id.in_(case_ids))))
    restricted = (categories[0] if categories and all(c in RESTRICTED_CATEGORIES
                                                      for c in categories) else None)
    return Resource("client", province_code=client.province_code, team=team,
                    restricted_category=restricted, need_to_know=True)


def may_reach(session: Session, actor: Actor, permission: Permission, client_id: int) -> bool:
    resource = client_resource(session, client_id)
    return resource is not None and bool(decide(actor, permission, resource))


def merge_resource(session: Session, merge_id: int) -> Resource | None:
    """A merge as the policy sees it: as its surviving client (which holds the moved cases)."""
    merge = session.get(ClientMerge, merge_id)
    return client_resource(session, merge.survivor_id) if merge is not None else None


# ---- the profile -------------------------------------------------------------------------


def profile_of(client: Client, case_ids: list[int]) -> ClientProfile:
    born = date.fromisoformat(client.birth_date) if client.birth_date else None
    return ClientProfile(
        id=client.id, name=client.name, national_code=client.national_code,
        no_national_code_reason=client.no_national_code_reason,
        no_national_code_note=client.no_national_code_note, birth_date=born,
        birth_date_jalali=model.jalali_text(born) if born else None,
        birth_year=client.birth_year, gender=client.gender, phones=phones_of(client),
        disability=client.disability, nationality=client.nationality,
        languages=[c for c in (client.languages or "").split(",") if c],
        province_code=client.province_code, merged_into_id=client.merged_into_id,
        case_ids=case_ids)


def read_client(session: Session, *, actor: Actor, client_id: int, now: datetime,
                ) -> ClientProfile:
    """The client's identity, decrypted (the read is audited)."""
    client = _client(session, client_id)
    audit(session, actor, AuditAction.read, "client", client_id, now=now, reason="profile")
    own = list(session.scalars(select(Case.id).where(Case.client_id == client_id)))
    return profile_of(client, sorted(own))


def update_client(session: Session, *, actor: Actor, client_id: int, data: ClientUpdate,
                  now: datetime) -> ClientProfile:
    """Replace the client's identity with ``data`` (checked first: nothing half-saved)."""
    client = _client(session, client_id)
    code = model.check_national_code(data.national_code, data.no_national_code_reason)
    born = (model.parse_jalali_date(data.birth_date, today=now.date())
            if data.birth_date and data.birth_date.strip() else None)
    phones = list(dict.fromkeys(normalise_phone(p) for p in data.phones if p.strip()))
    nationality = model.check_nationality(data.nationality)
    languages = model.check_languages(data.languages)
    client.name = data.name.strip()
    client.national_code = code
    client.national_code_hash = national_code_hash(code) if code else None
    client.no_national_code_reason = None if code else data.no_national_code_reason
    client.no_national_code_note = (None if code else (data.no_national_code_note or "").strip()
                                    or None)
    client.birth_date = born.isoformat() if born else None
    client.birth_year = born.year if born else client.birth_year
    client.gender = data.gender
    client.phone = phones[0] if phones else None
    client.phone_hash = phone_hash(phones[0]) if phones else None
    client.phones = json.dumps(phones) if phones else None
    client.disability = data.disability.value if data.disability else None
    client.nationality = nationality
    client.languages = ",".join(languages) or None
    index_client(session, client)
    audit(session, actor, AuditAction.update, "client", client_id, now=now, reason="profile")
    return read_client(session, actor=actor, client_id=client_id, now=now)


def register_client(session: Session, *, actor: Actor, province_code: str, data: ClientUpdate,
                    now: datetime) -> ClientProfile:
    """A client known before any case of theirs (a walk-in at a centre's desk)."""
    client = Client(name=data.name.strip(), province_code=province_code, created_at=now)
    session.add(client)
    session.flush()
    audit(session, actor, AuditAction.create, "client", client.id, now=now)
    return update_client(session, actor=actor, client_id=client.id, data=data, now=now)


# ---- duplicates -------------------------------------------------------------------------


def _candidates(session: Session, facts: model.ClientFacts) -> list[Client]:
    """Clients sharing at least one hashed fact with ``facts`` (index lookups only)."""
    conditions: list[ColumnElement[bool]] = [
        Client.id.in_(select(ClientNameToken.client_id).where(
            ClientNameToken.token_hash.in_(facts.token_hashes))),
        Client.id.in_(select(ClientPhone.client_id).where(
            ClientPhone.phone_hash.in_(facts.phone_hashes))),
    ]
    if facts.national_code_hash:
        conditions.append(Client.national_code_hash == facts.national_code_hash)
    if facts.name_key_hash:
        conditions.append(Client.name_key_hash == facts.name_key_hash)
    return list(session.scalars(select(Client).where(
        or_(*conditions), Client.id != facts.client_id, Client.merged_into_id.is_(None),
        Client.erased_at.is_(None)).order_by(Client.id)))


def duplicate_matches(session: Session, client_id: int) -> list[model.Match]:
    """Possible duplicates of the client, surest first (nothing decrypted, nothing audited)."""
    client = _client(session, client_id)
    if client.merged_into_id is not None:
        return []
    facts = facts_of(session, client)
    return model.duplicate_matches(facts, [facts_of(session, c)
                                           for c in _candidates(session, facts)])


def duplicates(session: Session, *, actor: Actor, client_id: int, now: datetime,
               ) -> list[DuplicatePublic]:
    """Possible duplicates; the identity of those ``actor`` may reach (each read audited),
    only the level of the others."""
    actor = with_grants(session, actor)
    found = []
    for match in duplicate_matches(session, client_id):
        row = DuplicatePublic(client_id=match.client_id, level=match.level,
                              reasons=list(match.reasons), visible=False)
        if may_reach(session, actor, Permission.view_case, match.client_id):
            other = _client(session, match.client_id)
            audit(session, actor, AuditAction.read, "client", other.id, now=now,
                  reason="duplicate")
            row = row.model_copy(update={
                "visible": True, "name": other.name, "birth_year": other.birth_year,
                "province_code": other.province_code,
                "case_count": len(session.scalars(select(Case.id).where(
                    Case.client_id == other.id)).all())})
        found.append(row)
    return found


# ---- merges -----------------------------------------------------------------------------


def merge_public(merge: ClientMerge) -> MergePublic:
    return MergePublic(id=merge.id, survivor_id=merge.survivor_id, merged_id=merge.merged_id,
                       reason=merge.reason, by=merge.by, at=merge.at,
                       moved_case_ids=merge.case_ids, undone_at=merge.undone_at,
                       undone_by=merge.undone_by, undo_reason=merge.undo_reason)


def merge_clients(session: Session, *, actor: Actor, survivor_id: int, merged_id: int,
                  reason: str, now: datetime) -> MergePublic:
    """Merge ``merged_id`` into ``survivor_id``: its cases move to the survivor, it keeps
    its own record (marked merged), and the merge can be undone exactly."""
    survivor = _client(session, survivor_id)
    merged = session.get(Client, merged_id)
    if merged is None or merged.erased_at is not None:
        raise InvalidInput(f"There is no client {merged_id} to merge; choose one from the "
                           "possible duplicates.",
                           f"مددجویی با شمارهٔ {merged_id} برای ادغام نیست؛ از فهرست تکراری‌های "
                           "احتمالی برگزینید.", field="other_client_id")
    model.check_merge(survivor_id=survivor_id, merged_id=merged_id,
                      survivor_merged_into=survivor.merged_into_id,
                      merged_merged_into=merged.merged_into_id, reason=reason)
    if not may_reach(session, with_grants(session, actor), Permission.create_case, merged_id):
        raise Forbidden("You may merge only clients you can reach: the other client's cases "
                        "are not yours. Ask a supervisor of its province.",
                        "فقط مددجویانی را می‌توانید ادغام کنید که به آن‌ها دسترسی دارید: "
                        "پرونده‌های مددجوی دیگر از آنِ شما نیست. از سرپرست استان آن بخواهید.",
                        client_id=merged_id)
    cases = list(session.scalars(select(Case).where(Case.client_id == merged_id)
                                 .order_by(Case.id)))
    for case in cases:
        case.client_id = survivor_id
    merged.merged_into_id = survivor_id
    merge = ClientMerge(survivor_id=survivor_id, merged_id=merged_id, reason=reason.strip(),
                        by=actor.user_id, at=now,
                        moved_case_ids=",".join(str(c.id) for c in cases))
    session.add(merge)
    session.flush()
    for subject in (survivor_id, merged_id):
        audit(session, actor, AuditAction.update, "client", subject, now=now,
              reason=f"merge:{merge.id}")
    return merge_public(merge)


def undo_merge(session: Session, *, actor: Actor, merge_id: int, reason: str,
               now: datetime) -> MergePublic:
    """Undo a merge exactly: the cases it moved go back and the merged client is itself again."""
    merge = session.get(ClientMerge, merge_id)
    if merge is None:
        raise NotFound(f"There is no client merge {merge_id}.", f"ادغامی با شمارهٔ {merge_id} نیست.")
    if merge.undone_at is not None:
        raise Conflict("This merge was already undone.", "این ادغام پیش‌تر برگردانده شده است.")
    survivor = _client(session, merge.survivor_id)
    if survivor.merged_into_id is not None:
        raise Conflict("The surviving client was merged again since; undo that later merge "
                       "first.", "مددجوی باقی‌مانده پس از آن دوباره ادغام شده است؛ نخست آن "
                       "ادغام را برگردانید.")
    if len(reason.strip()) < 10:
        raise InvalidInput("Say why the merge was wrong (at least 10 characters).",
                           "بنویسید چرا ادغام نادرست بود (دست‌کم ۱۰ نویسه).", field="reason")
    for case in session.scalars(select(Case).where(Case.id.in_(merge.case_ids))):
        case.client_id = merge.merged_id
    merged = session.get(Client, merge.merged_id)
    assert merged is not None  # noqa: S101 - a foreign key holds it
    merged.merged_into_id = None
    merge.undone_at, merge.undone_by = now, actor.user_id
    merge.undo_reason = reason.strip()
    session.flush()
    for subject in (merge.survivor_id, merge.merged_id):
        audit(session, actor, AuditAction.update, "client", subject, now=now,
              reason=f"unmerge:{merge.id}")
    return merge_public(merge)


def merges_of(session: Session, client_id: int) -> list[ClientMerge]:
    """Merges the client took part in, newest first."""
    return list(session.scalars(select(ClientMerge).where(or_(
        ClientMerge.survivor_id == client_id, ClientMerge.merged_id == client_id))
        .order_by(ClientMerge.id.desc())))


def survivor_of(session: Session, merge_id: int) -> int:
    merge = session.get(ClientMerge, merge_id)
    if merge is None:
        raise NotFound(f"There is no client merge {merge_id}.", f"ادغامی با شمارهٔ {merge_id} نیست.")
    return merge.survivor_id
