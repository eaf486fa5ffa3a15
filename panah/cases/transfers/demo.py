"""Demo consent records and a transfer (invented): the Chalus traveller agreed to her case
going home to Tehran; the Babol child's family is moving to Rasht (a request waiting for
Gilan); the Gilan client agreed to a referral to the 1480 line."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.cases.consent.model import ConsentMethod, ConsentPurpose
from panah.cases.consent.orm import ConsentRecord
from panah.cases.consent.schemas import ConsentCreate
from panah.cases.consent.service import record_consent
from panah.cases.orm import Case
from panah.cases.transfers.schemas import TransferCreate
from panah.cases.transfers.service import request_transfer
from panah.security.orm import User
from panah.security.sessions import actor_of


def load_demo(session: Session, *, now: datetime) -> int:
    """Once; a second load changes nothing. Returns the consent records made."""
    if session.scalar(select(func.count()).select_from(ConsentRecord)):
        return 0
    users = {u.username: u for u in session.scalars(select(User))}
    cases = {c.category: c for c in session.scalars(select(Case))}
    made = 0
    spouse, child, gilan = (cases.get("spouse_abuse"), cases.get("child_abuse"),
                            cases.get("suicide_attempt"))
    if spouse is not None and "social_worker" in users:
        record_consent(session, actor=actor_of(users["social_worker"]), case_id=spouse.id,
                       now=now - timedelta(hours=2), data=ConsentCreate(
                           purpose=ConsentPurpose.share_information, recipient="IR-23",
                           scope="summary", method=ConsentMethod.verbal,
                           note="موافقت با گفت‌وگو با بهزیستی تهران پیش از بازگشت."))
        made += 1
    if child is not None and "social_worker" in users:
        worker = actor_of(users["social_worker"])
        record_consent(session, actor=worker, case_id=child.id, now=now - timedelta(hours=6),
                       data=ConsentCreate(purpose=ConsentPurpose.transfer, recipient="IR-01",
                                          scope="full_file", method=ConsentMethod.written))
        request_transfer(session, actor=worker, case_id=child.id, now=now - timedelta(hours=5),
                         data=TransferCreate(to_province="IR-01", reason=(
                             "خانواده پس از نوروز به رشت نقل مکان می‌کند؛ پیگیری آن‌جا.")))
        made += 1
    if gilan is not None and "counsellor_gilan" in users:
        record_consent(session, actor=actor_of(users["counsellor_gilan"]), case_id=gilan.id,
                       now=now - timedelta(hours=3), data=ConsentCreate(
                           purpose=ConsentPurpose.referral, recipient="line-1480",
                           scope="summary", method=ConsentMethod.verbal))
        made += 1
    return made
