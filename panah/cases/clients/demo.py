"""Demo clients (invented people): a profile with a Jalali birth date, a possible duplicate
of her spelled with the Arabic yeh (registered at a centre's desk, no case yet: her
province's supervisors reach it), and an Afghan client without a national code whose second
record was merged. No new case files: the demo's case lists stay as they were."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.clients.schemas import ClientUpdate
from panah.cases.clients.service import merge_clients, register_client, update_client
from panah.cases.orm import Case
from panah.security.orm import User
from panah.security.sessions import actor_of

SARA = ClientUpdate.model_validate({
    "name": "سارا محمدی", "birth_date": "۱۳۷۰/۰۶/۱۲", "gender": "female",
    "phones": ["09111234567"], "no_national_code_reason": "unknown_yet", "nationality": "IR",
    "languages": ["fa", "mzn"]})
SARA_TWIN = ClientUpdate.model_validate({
    "name": "سارا  محمدي", "birth_date": "1370/06/12", "gender": "female",
    "no_national_code_reason": "unknown_yet"})
GOLAFROUZ = {"birth_date": "1385/11/02", "gender": "female",
             "no_national_code_reason": "undocumented",
             "no_national_code_note": "مهاجر افغان، بدون کارت آمایش", "nationality": "AF",
             "languages": ["prs", "ps"], "phones": ["09123334455"]}


def load_demo(session: Session, *, now: datetime) -> None:
    users = {u.username: u for u in session.scalars(select(User))}
    worker, supervisor = actor_of(users["social_worker"]), actor_of(users["supervisor"])
    spouse = session.scalars(select(Case).where(Case.category == "spouse_abuse")
                             .order_by(Case.id)).first()
    if spouse is None:
        return
    update_client(session, actor=worker, client_id=spouse.client_id, data=SARA, now=now)
    register_client(session, actor=supervisor, province_code="IR-02", data=SARA_TWIN,
                    now=now - timedelta(hours=5))
    first = register_client(session, actor=supervisor, province_code="IR-02",
                            now=now - timedelta(hours=9), data=ClientUpdate.model_validate(
                                {"name": "گل‌افروز احمدزی", **GOLAFROUZ}))
    again = register_client(session, actor=supervisor, province_code="IR-02",
                            now=now - timedelta(hours=8), data=ClientUpdate.model_validate(
                                {"name": "گل افروز احمدزي", **GOLAFROUZ}))
    merge_clients(session, actor=supervisor, survivor_id=first.id, merged_id=again.id,
                  now=now - timedelta(hours=7),
                  reason="همان تلفن و همان نام؛ خودش تأیید کرد که یک نفر است.")
