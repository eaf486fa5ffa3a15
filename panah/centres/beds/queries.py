"""The read side of the bed finder and requests (issue 17). A shelter is shown by its public
label, county and province only: its address and phone never leave ``shelters``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.cases.flags.model import iran_day
from panah.cases.orm import Case
from panah.cases.thread.items import TimelineItem
from panah.centres.beds import model
from panah.centres.beds.model import Party
from panah.centres.beds.schemas import (
    BedSearchResult,
    ChildBody,
    PartyPublic,
    ShelterMatch,
    ShelterRequestPublic,
)
from panah.centres.shelters.model import DeclineReason, RequestStatus
from panah.centres.shelters.orm import Shelter, ShelterRequest
from panah.centres.shelters.queries import free_beds
from panah.core.clock import as_utc
from panah.core.errors import Forbidden, NotFound
from panah.geo.orm import County, Province
from panah.intake.orm import Contact
from panah.security.orm import User
from panah.security.policy import Actor, Resource, decide, is_allowed
from panah.security.roles import Permission

# ---- where a request belongs, for the policy ---------------------------------------------


def shelter_request_resource(session: Session, request_id: int) -> Resource | None:
    """A request as its shelter's staff reach it: the shelter's province and centre."""
    row = session.execute(select(Shelter.province_code, Shelter.centre_id)
                          .join(ShelterRequest, ShelterRequest.shelter_id == Shelter.id)
                          .where(ShelterRequest.id == request_id)).first()
    return Resource("shelter_request", province_code=row[0], centre_id=row[1]) if row else None


def request_origin_resource(session: Session, request_id: int) -> Resource | None:
    """A request as those who asked reach it: the asker, and the supervisors of the
    province it came from (need-to-know, as a case is)."""
    row = session.execute(select(ShelterRequest.from_province, User.centre_id,
                                 ShelterRequest.requested_by)
                          .join(User, User.id == ShelterRequest.requested_by)
                          .where(ShelterRequest.id == request_id)).first()
    if row is None:
        return None
    return Resource("shelter_request", province_code=row[0], centre_id=row[1],
                    team=frozenset({row[2]}), need_to_know=True)


# ---- the search -------------------------------------------------------------------------


def search_order(session: Session, home: str) -> list[str]:
    """The client's province, then its neighbours by their capitals' distance."""
    capitals = {code: (lat, lon) for code, lat, lon in session.execute(
        select(Province.code, Province.capital_lat, Province.capital_lon))}
    return model.province_order(home, capitals)


def party_public(party: Party) -> PartyPublic:
    return PartyPublic(client_age=party.client_age, accessible=party.accessible,
                       children=[ChildBody(age=c.age, sex=c.sex) for c in party.children])  # type: ignore[arg-type]


def search(session: Session, *, home: str, party: Party) -> BedSearchResult:
    """Shelters in ``home`` then its neighbouring provinces with a room that takes the whole
    party now, each with the number of suitable free beds."""
    order = search_order(session, home)
    shelters = {s.id: s for s in session.scalars(select(Shelter).where(
        Shelter.active, Shelter.province_code.in_(order)))}
    places = {sid: s.province_code for sid, s in shelters.items()}
    found = model.match(free_beds(session, shelter_ids=list(shelters)), party, places, order)
    names = _names(session, [shelters[m.shelter_id] for m in found])
    return BedSearchResult(province_code=home, provinces=order, party=party_public(party),
                           matches=[ShelterMatch(
                               shelter_id=m.shelter_id, **names[m.shelter_id],
                               own_province=m.province_code == home,
                               suitable_beds=m.suitable_beds) for m in found])


def _names(session: Session, shelters: list[Shelter]) -> dict[int, dict[str, Any]]:
    provinces = {p.code: p for p in session.scalars(select(Province).where(
        Province.code.in_({s.province_code for s in shelters})))}
    counties = {c.id: c for c in session.scalars(select(County).where(
        County.id.in_({s.county_id for s in shelters if s.county_id})))}
    out = {}
    for s in shelters:
        county = counties.get(s.county_id) if s.county_id else None
        province = provinces[s.province_code]
        out[s.id] = {"label_fa": s.name_fa, "label_en": s.name_en,
                     "county_fa": county.name_fa if county else None,
                     "county_en": county.name_en if county else None,
                     "province_code": s.province_code, "province_fa": province.name_fa,
                     "province_en": province.name_en}
    return out


def case_home(session: Session, case_id: int) -> str:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"There is no case {case_id}.", f"پرونده‌ای با شمارهٔ {case_id} نیست.")
    return case.province_code


def contact_home(session: Session, *, actor: Actor, contact_id: int) -> str:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"There is no contact {contact_id}.", f"تماسی با شمارهٔ {contact_id} نیست.")
    home = contact.province_code or actor.province_code
    if home is None:
        raise NotFound("The contact has no province yet: place it on the map first.",
                       "استان تماس هنوز روشن نیست: نخست جای آن را روی نقشه تعیین کنید.")
    return home


# ---- requests ---------------------------------------------------------------------------


def public(session: Session, row: ShelterRequest) -> ShelterRequestPublic:
    shelter = session.get_one(Shelter, row.shelter_id)
    names = _names(session, [shelter])[shelter.id]
    users = {u.id: u for u in session.scalars(select(User).where(
        User.id.in_({row.requested_by, row.decided_by or row.requested_by})))}
    asker, decider = users.get(row.requested_by), users.get(row.decided_by or 0)
    return ShelterRequestPublic(
        id=row.id, shelter_id=row.shelter_id, shelter_fa=names["label_fa"],
        shelter_en=names["label_en"], county_fa=names["county_fa"],
        county_en=names["county_en"], province_code=shelter.province_code,
        case_id=row.case_id, contact_id=row.contact_id,
        party=party_public(model.party_from_json(row.people)), arrives_on=row.arrives_on,
        note=row.note, status=row.status, requested_at=as_utc(row.requested_at),
        requested_by=(asker.full_name or asker.username) if asker else None,
        decided_at=as_utc(row.decided_at) if row.decided_at else None,
        decided_by=(decider.full_name or decider.username) if decider else None,
        decline_reason=row.decline_reason, decline_note=row.decline_note, stay_id=row.stay_id)


def requests_for_shelter(session: Session, *, actor: Actor, shelter_id: int,
                         status: str | None = RequestStatus.pending.value,
                         ) -> list[ShelterRequestPublic]:
    """A shelter's requests (pending ones by default), for its manager and the province's
    supervisors; anyone else is refused."""
    shelter = session.get(Shelter, shelter_id)
    if shelter is None:
        raise NotFound(f"There is no shelter {shelter_id}.",
                       f"خانهٔ امنی با شمارهٔ {shelter_id} نیست.")
    where = Resource("shelter", province_code=shelter.province_code,
                     centre_id=shelter.centre_id)
    if not decide(actor, Permission.manage_shelters, where):
        raise Forbidden("A shelter's requests are answered by its manager and the province's "
                        "supervisors.",
                        "به درخواست‌های هر خانهٔ امن مدیر آن و سرپرستان استان پاسخ می‌دهند.",
                        shelter_id=shelter_id)
    query = select(ShelterRequest).where(ShelterRequest.shelter_id == shelter_id)
    if status:
        query = query.where(ShelterRequest.status == status)
    rows = session.scalars(query.order_by(ShelterRequest.arrives_on, ShelterRequest.id))
    return [public(session, r) for r in rows]


def requests_for_case(session: Session, *, case_id: int) -> list[ShelterRequestPublic]:
    """The case's requests, newest first (the caller reached the case)."""
    rows = session.scalars(select(ShelterRequest).where(ShelterRequest.case_id == case_id)
                           .order_by(ShelterRequest.requested_at.desc(),
                                     ShelterRequest.id.desc()))
    return [public(session, r) for r in rows]


def requests_for_contact(session: Session, *, contact_id: int) -> list[ShelterRequestPublic]:
    rows = session.scalars(select(ShelterRequest).where(
        ShelterRequest.contact_id == contact_id).order_by(ShelterRequest.id.desc()))
    return [public(session, r) for r in rows]


# ---- pages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FinderPanel:
    """The finder and the requests, on the case page or the contact screen."""

    action: str  # where the finder's form goes ("/cases/3/beds", "/line/contacts/5/beds")
    request_action: str
    today: date
    client_age: int | None
    children: str = ""
    accessible: bool = False
    result: BedSearchResult | None = None
    requests: list[ShelterRequestPublic] = field(default_factory=list)
    can_request: bool = False
    decline_reasons: tuple[str, ...] = tuple(r.value for r in DeclineReason)


def client_age(session: Session, case_id: int, today: date) -> int | None:
    """The case's client's age where known (birth date, else birth year)."""
    case = session.get(Case, case_id)
    client = case.client if case else None
    if client is None:
        return None
    if client.birth_date:
        try:
            return model.age_on(date.fromisoformat(client.birth_date), today)
        except ValueError:
            pass
    return today.year - client.birth_year if client.birth_year else None


def case_finder(session: Session, *, actor: Actor, case_id: int, now: datetime,
                party: Party | None = None) -> FinderPanel:
    today = iran_day(now)[0]
    age = party.client_age if party else client_age(session, case_id, today)
    return FinderPanel(
        action=f"/cases/{case_id}/beds", request_action=f"/cases/{case_id}/shelter-requests",
        today=today, client_age=age,
        children=", ".join(str(c.age) + (c.sex or "") for c in party.children) if party else "",
        accessible=party.accessible if party else False,
        result=search(session, home=case_home(session, case_id), party=party) if party else None,
        requests=requests_for_case(session, case_id=case_id),
        can_request=is_allowed(actor, Permission.find_bed))


def contact_finder(session: Session, *, actor: Actor, contact_id: int, now: datetime,
                   party: Party | None = None) -> FinderPanel:
    today = iran_day(now)[0]
    home = contact_home(session, actor=actor, contact_id=contact_id)
    return FinderPanel(
        action=f"/line/contacts/{contact_id}/beds",
        request_action=f"/line/contacts/{contact_id}/shelter-requests", today=today,
        client_age=party.client_age if party else None,
        children=", ".join(str(c.age) + (c.sex or "") for c in party.children) if party else "",
        accessible=party.accessible if party else False,
        result=search(session, home=home, party=party) if party else None,
        requests=requests_for_contact(session, contact_id=contact_id),
        can_request=is_allowed(actor, Permission.find_bed))


def case_panel(session: Session, *, actor: Actor, case_id: int, now: datetime) -> Any:
    """The bed finder and the case's requests on the case page (``cases/_shelter.html``);
    None: nothing to show (the actor may not look for beds and the case asked for none)."""
    panel = case_finder(session, actor=actor, case_id=case_id, now=now)
    if not panel.can_request and not panel.requests:
        return None
    return panel


def shelter_requests(session: Session, *, actor: Actor, shelter_id: int,
                     now: datetime) -> Any:
    """The requests waiting for a shelter's answer, for its board
    (``shelters/_requests.html``); None: the actor does not answer this shelter's
    requests."""
    try:
        return requests_for_shelter(session, actor=actor, shelter_id=shelter_id)
    except (Forbidden, NotFound):
        return None


_TIMELINE = {
    RequestStatus.accepted.value: "beds.timeline.accepted",
    RequestStatus.declined.value: "beds.timeline.declined",
    RequestStatus.withdrawn.value: "beds.timeline.withdrawn",
}


def timeline_items(session: Session, *, actor: Actor, case_id: int,
                   now: datetime) -> list[TimelineItem]:
    """Each request to a shelter: sent, then accepted / declined (with the reason) /
    withdrawn."""
    items: list[TimelineItem] = []
    for r in requests_for_case(session, case_id=case_id):
        where: tuple[tuple[str, str], ...] = (
            ("beds.shelter", f"l:{r.shelter_fa}|{r.shelter_en}"),)
        items.append(TimelineItem(at=r.requested_at, kind="shelter", actor=r.requested_by,
                                  label_key="beds.timeline.sent", facts=where))
        if r.decided_at is not None and r.status in _TIMELINE:
            facts = where
            if r.decline_reason:
                facts = (*where, ("beds.decline_reason", f"t:beds.reason.{r.decline_reason}"))
            items.append(TimelineItem(at=r.decided_at, kind="shelter", actor=r.decided_by,
                                      label_key=_TIMELINE[r.status], facts=facts,
                                      text=r.decline_note or ""))
    return items
