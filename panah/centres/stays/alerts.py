"""The stays' alerts (issue 17): once a minute, a stay near its last day or past it raises
an alert, once per kind and last day (an extension moves the day, and the alerts come again
for the new one). Shown on the shelter's board, the stay's page and the case's panel."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.centres.shelters.model import StayStatus
from panah.centres.shelters.orm import Shelter, ShelterStay
from panah.centres.stays import model
from panah.centres.stays.orm import ShelterAlertRound, ShelterStayAlert
from panah.centres.stays.service import policy_of
from panah.core import rounds

ROUND_EVERY = timedelta(minutes=1)


def claim_round(session: Session, *, now: datetime) -> bool:
    """Take this minute's round of the alerts (see :mod:`panah.core.rounds`)."""
    return rounds.claim_round(session, ShelterAlertRound, now=now, every=ROUND_EVERY)


def raise_alerts(session: Session, *, now: datetime) -> int:
    """Raise the alerts that hold now and were not raised for the stay's current last day;
    returns how many were raised."""
    today = model.iran_day(now)
    rows = session.execute(select(ShelterStay, Shelter.province_code)
                           .join(Shelter, Shelter.id == ShelterStay.shelter_id)
                           .where(ShelterStay.status == StayStatus.checked_in.value,
                                  ShelterStay.ends_on.is_not(None))).all()
    if not rows:
        return 0
    raised = {(a.stay_id, a.kind, a.for_day) for a in session.scalars(
        select(ShelterStayAlert).where(ShelterStayAlert.stay_id.in_([s.id for s, _ in rows])))}
    policies: dict[str, model.StayPolicy] = {}
    made = 0
    for stay, province in rows:
        policy = policies.setdefault(province, policy_of(session, province))
        end = model.current_end(stay.ends_on or today, stay.extended_until)
        for kind in sorted(model.alerts_due(end, today, policy.alert_days_before)):
            if (stay.id, kind.value, end) not in raised:
                session.add(ShelterStayAlert(stay_id=stay.id, kind=kind.value, for_day=end,
                                             raised_at=now))
                made += 1
    session.flush()
    return made
