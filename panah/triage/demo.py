"""Demo partner staff and follow-ups for Mazandaran and Gilan.

The demo's partner agencies and services (**demo data, not a real directory**: the
national short numbers 110, 115 and 1480 are the real ones, every other number, address
and opening time is invented, and every name carries "(نمایشی)" / "(demo)") are
spreadsheets in :mod:`panah.demo_data`, imported by :mod:`panah.demo` through the bulk
import. Here, what the import does not cover: the Mazandaran police agencies' machine
account (``partner_agency``) and the partner staff who sign in to the referral inbox
(``police_110``, ``ems_115``) linked to their agencies; and two demo follow-up calls (one
in Mazandaran, one overdue in Gilan) on the demo contacts, so the follow-up list and its
escalation have something to show. Loading twice changes nothing: links are found by
agency and user, follow-ups by their contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.intake.model import RiskLevel
from panah.intake.orm import Contact
from panah.security.orm import User
from panah.triage.directory.model import AgencyDomain
from panah.triage.followups.model import CSSRS, LETHALITY
from panah.triage.followups.service import schedule_follow_ups
from panah.triage.orm import Agency, AgencyStaff, FollowUp

MAZANDARAN, GILAN = "IR-02", "IR-01"
PARTNER_USER = "partner_agency"  # the demo partner account: Mazandaran police 110
# Partner staff who sign in to the inbox (demo users): the Mazandaran police 110 desk serves
# every police office of the province; the EMS 115 dispatcher, the province's EMS.
STAFF: dict[str, tuple[str, ...]] = {"police_110": ("police-110-ir02",),
                                     "ems_115": ("ems-115-ir02",)}


def _link_partner_account(session: Session) -> int:
    """The demo partner account is the machine account of every Mazandaran police agency."""
    partner = session.scalar(select(User.id).where(User.username == PARTNER_USER))
    if partner is None:
        return 0
    linked = 0
    for agency in session.scalars(select(Agency).where(
            Agency.domain == AgencyDomain.police.value, Agency.province_code == MAZANDARAN)):
        if agency.user_id != partner:
            agency.user_id = partner
            linked += 1
    return linked


def _link_staff(session: Session) -> int:
    """Link each demo staff user to the agencies whose codes start with theirs (the police
    desk to the province's police command and every county's); once each."""
    linked = 0
    for username, prefixes in STAFF.items():
        user_id = session.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            continue
        mine = set(session.scalars(select(AgencyStaff.agency_id)
                                   .where(AgencyStaff.user_id == user_id)))
        for agency in session.scalars(select(Agency).order_by(Agency.code)):
            if agency.code.startswith(prefixes) and agency.id not in mine:
                session.add(AgencyStaff(agency_id=agency.id, user_id=user_id))
                linked += 1
    return linked


# (demo contact's external id, screens, hours before the demo's now that it closed)
DEMO_FOLLOW_UPS: tuple[tuple[str, Sequence[tuple[str, RiskLevel]], int], ...] = (
    ("demo-call-1", ((LETHALITY, RiskLevel.high),), 2),  # Chalus: due in 22 hours
    ("demo-call-2", ((CSSRS, RiskLevel.medium),), 25),  # Gilan: one overdue, one in 47 h
)


def _load_follow_ups(session: Session, *, now: datetime) -> int:
    made = 0
    for external_id, screens, hours_ago in DEMO_FOLLOW_UPS:
        contact = session.scalar(select(Contact).where(Contact.external_id == external_id))
        if contact is None or session.scalar(
                select(FollowUp.id).where(FollowUp.contact_id == contact.id).limit(1)):
            continue
        made += len(schedule_follow_ups(session, contact=contact, screens=screens,
                                        closed_at=now - timedelta(hours=hours_ago), actor=None))
    return made


def load_triage_demo(session: Session, *, now: datetime) -> int:
    """Link the demo partner accounts and staff to the demo agencies and add the demo
    follow-ups; returns the rows written. Needs the demo directory, users and contacts."""
    written = _link_partner_account(session)
    session.flush()
    written += _link_staff(session)
    return written + _load_follow_ups(session, now=now)
