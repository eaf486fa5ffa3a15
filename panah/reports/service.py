"""Read-only queries behind exports and (later) dashboards. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.orm import Case, Client
from panah.core.errors import Forbidden
from panah.geo.orm import County
from panah.reports.deidentified import CaseFacts, Export, deidentify
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.crypto import current_keyring
from panah.security.policy import Actor
from panah.security.roles import ROLE_SCOPE, Scope


def export_cases(session: Session, *, actor: Actor | None, province: str | None, k: int,
                 now: datetime) -> Export:
    """De-identified cases of ``province`` (or the nation), audited as an export.

    ``actor`` None means the command line, run by an operator on the server.
    """
    if actor is not None and ROLE_SCOPE[actor.role] is not Scope.nation:
        if province not in (None, actor.province_code):
            raise Forbidden("You can export only your own province.",
                            "فقط دادهٔ استان خودتان را می‌توانید برون‌بری کنید.")
        province = actor.province_code
    query = (select(Case.id, Case.province_code, County.name_en, Case.category, Case.opened_at,
                    Client.birth_year, Client.gender, Case.status)
             .join(Client, Client.id == Case.client_id)
             .outerjoin(County, County.id == Case.county_id))
    if province:
        query = query.where(Case.province_code == province)
    facts = [CaseFacts(*row) for row in session.execute(query)]
    key = current_keyring().hash_key or b""
    export = deidentify(facts, key=key, k=k)
    audit(session, actor, AuditAction.export, "cases", province or "nation", now=now,
          reason=f"deidentified k={k} rows={len(export.rows)}")
    return export
