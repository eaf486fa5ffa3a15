"""Every statistics figure against a hand-counted fixture, on SQLite and PostgreSQL.

The fixture sits on the night of Nowruz 1405: 2026-03-20 20:29 UTC is 23:59 on 29 Esfand
1404 in Iran, and 20:30 UTC is 00:00 on 1 Farvardin 1405. Mazandaran (IR-02) has contacts
either side of midnight; one of them overflows to a Gilan (IR-01) counsellor, another to
the national pool; a Gilan contact is answered by a Mazandaran counsellor. Each figure's
expected value is counted by hand in the comments beside the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from panah.cases.orm import Case, Client
from panah.centres.community.orm import (
    Attendance,
    BaseSession,
    Neighbourhood,
    Participant,
    Programme,
)
from panah.centres.orm import Centre
from panah.centres.shelters.orm import (
    Shelter,
    ShelterBed,
    ShelterRoom,
    ShelterStay,
    ShelterStayPerson,
)
from panah.core.db import make_engine, make_session_factory, unit_of_work
from panah.core.errors import Forbidden, InvalidInput
from panah.dispatch.orm import Incident, Unit, UnitStatusEvent
from panah.intake.orm import Callback, CallbackAttempt, Contact
from panah.reports.periods import Grain
from panah.reports.statistics.model import Dimension, StatsQuery, StatsTable
from panah.reports.statistics.queries import public_statistics, statistics
from panah.security.orm import User
from panah.security.policy import Actor
from panah.security.roles import Role
from panah.triage.orm import Agency, ContactCategory, ContactOutcome, DispatchRequest, Referral
from tests.storage.conftest import BACKENDS, PG_URL, reset_postgres

ESFAND_1 = date(2026, 2, 20)  # 1 Esfand 1404
ESFAND_29 = date(2026, 3, 20)
NOWRUZ = date(2026, 3, 21)  # 1 Farvardin 1405
FARVARDIN_31 = date(2026, 4, 20)
NOW = datetime(2026, 4, 25, 8, 0, tzinfo=UTC)  # 5 Ordibehesht 1405
AMOL, BABOL = "Q1282247", "Q1282212"  # counties of Mazandaran
MIDNIGHT = datetime(2026, 3, 20, 20, 30, tzinfo=UTC)  # 00:00 on 1 Farvardin, Iran time


def at(seconds: float = 0, **delta: float) -> datetime:
    """A moment relative to Nowruz midnight (Iran time)."""
    return MIDNIGHT + timedelta(seconds=seconds, **delta)


@dataclass
class World:
    factory: sessionmaker[Session]

    def table(self, query: StatsQuery, actor: Actor | None = None) -> StatsTable:
        with unit_of_work(self.factory) as session:
            return statistics(session, actor=actor, query=query, now=NOW)


def month_query(province: str | None = "IR-02", **kw: object) -> StatsQuery:
    return StatsQuery(province, ESFAND_1, FARVARDIN_31, Grain.month, **kw)  # type: ignore[arg-type]


def by_month(table: StatsTable, key: str) -> dict[str, object]:
    return {row.period.key: row.values[key] for row in table.rows}


def _user(session: Session, name: str, province: str | None, role: str = "counsellor") -> int:
    user = User(username=name, full_name=name, password_hash="-", role=role,
                province_code=province, created_at=at(days=-30))
    session.add(user)
    session.flush()
    return user.id


def _contact(session: Session, province: str | None, offered: datetime, *, caller: str,
             channel: str = "voice", county: str | None = None, risk: str = "medium",
             answered_after: float | None = None, by: int | None = None,
             wrap_after: float | None = None, closed_after: float | None = None,
             abandoned_after: float | None = None) -> int:
    def later(seconds: float | None) -> datetime | None:
        return None if seconds is None else offered + timedelta(seconds=seconds)

    contact = Contact(channel=channel, state="closed", queue=province or "national",
                      province_code=province, county_key=county, risk=risk,
                      caller_hash=caller, offered_at=offered, assigned_to=by,
                      answered_at=later(answered_after), wrap_up_at=later(wrap_after),
                      closed_at=later(closed_after), abandoned_at=later(abandoned_after))
    session.add(contact)
    session.flush()
    return contact.id


def _contacts(session: Session) -> dict[str, int]:
    negar = _user(session, "negar_mazandaran", "IR-02")
    golnar = _user(session, "golnar_gilan", "IR-01")
    nasrin = _user(session, "nasrin_national_pool", None)
    ids = {
        # Esfand, Mazandaran: offered 3, answered 2 (c1, c8), abandoned 1 (c2), within 20 s 2
        # (10 s, 15 s), speed of answer (10 + 15) / 2 = 12.5 s, handled c1 only: 600 s.
        "c1": _contact(session, "IR-02", at(-60), caller="h1", county=AMOL,
                       answered_after=10, by=negar, wrap_after=610),  # 23:59 on 29 Esfand
        "c2": _contact(session, "IR-02", at(-30), caller="h2", county=AMOL, channel="sms",
                       abandoned_after=60),  # 23:59:30, abandoned after midnight: Esfand's
        "c8": _contact(session, "IR-02", at(days=-7, hours=-1), caller="h3", county=BABOL,
                       answered_after=15, by=negar),
        # Farvardin, Mazandaran: offered 4, answered 3, abandoned 1 (c7), within 20 s 1 (c3:
        # exactly 20 s), speed (20 + 21 + 30) / 3 = 23.7 s, handling (300 + 120) / 2 = 210 s,
        # repeats 2 (c3: h1 a minute before; c5: h2 a day and a half before; c4: h3 seven
        # days and an hour before is not), overflow out 2 (c4 to Gilan, c5 to the pool).
        "c3": _contact(session, "IR-02", at(0), caller="h1", county=AMOL, risk="high",
                       answered_after=20, by=negar, closed_after=320),  # 00:00 on 1 Farvardin
        "c4": _contact(session, "IR-02", at(minutes=30), caller="h3", county=BABOL,
                       channel="web_chat", risk="immediate", answered_after=21, by=golnar),
        "c5": _contact(session, "IR-02", at(hours=33, minutes=30), caller="h2", county=BABOL,
                       answered_after=30, by=nasrin, wrap_after=150),
        "c7": _contact(session, "IR-02", at(days=7, hours=13), caller="h9",
                       abandoned_after=40),
        # Gilan's own contact, answered in Mazandaran: overflow in for IR-02, offered in IR-01.
        "c6": _contact(session, "IR-01", at(hours=34, minutes=30), caller="h6",
                       answered_after=5, by=negar),
    }
    session.add_all([ContactCategory(contact_id=ids["c1"], code="child_abuse"),
                     ContactCategory(contact_id=ids["c1"], code="spouse_abuse", seq=1),
                     ContactCategory(contact_id=ids["c3"], code="spouse_abuse"),
                     ContactOutcome(outcome="counselled", contact_id=ids["c1"], at=at(700)),
                     ContactOutcome(outcome="counselled", contact_id=ids["c1"], at=at(800))])
    return ids


def _callbacks(session: Session, ids: dict[str, int]) -> None:
    # Both created in Farvardin (c2's at 00:01 on 1 Farvardin): 2, in time 1 (c7's).
    late = Callback(contact_id=ids["c2"], due_at=at(minutes=61), created_at=at(minutes=1))
    on_time = Callback(contact_id=ids["c7"], due_at=at(days=7, hours=14),
                       created_at=at(days=7, hours=13, minutes=5))
    session.add_all([late, on_time])
    session.flush()
    session.add_all([CallbackAttempt(callback_id=late.id, at=at(minutes=90), outcome="busy"),
                     CallbackAttempt(callback_id=on_time.id, at=at(days=7, hours=13, minutes=55),
                                     outcome="no_answer"),
                     CallbackAttempt(callback_id=on_time.id, at=at(days=7, hours=15),
                                     outcome="reached")])


def _centre(session: Session, code: str, kind: str, county_id: int | None = None) -> Centre:
    centre = Centre(code=code, kind=kind, name_fa=code, name_en=code, province_code="IR-02",
                    county_id=county_id, lat=36.5, lon=52.5)
    session.add(centre)
    session.flush()
    return centre


def _teams(session: Session, ids: dict[str, int]) -> None:
    """Team requests in Farvardin: 2 (c3, c4). Arrivals from the contact's offer to the first
    on scene: c3 40 min, c4 20 min, c5 45 min: median 40, p90 44.0 (20, 40, 45)."""
    centre = _centre(session, "MZN-TEST", "crisis_centre")
    unit = Unit(call_sign="MZN-T1", kind="car", home_centre_id=centre.id, province_code="IR-02")
    other = Unit(call_sign="MZN-T2", kind="car", home_centre_id=centre.id,
                 province_code="IR-02")
    session.add_all([unit, other])
    session.flush()
    for name, requested, scene, county in (("c3", at(minutes=10), at(minutes=40), AMOL),
                                           ("c4", at(minutes=35), at(minutes=50), BABOL),
                                           ("c5", None, at(hours=34, minutes=15), BABOL)):
        request_id = None
        if requested is not None:
            request = DispatchRequest(contact_id=ids[name], province_code="IR-02",
                                      county_key=county, priority="high", requested_at=requested)
            session.add(request)
            session.flush()
            request_id = request.id
        incident = Incident(province_code="IR-02", county_key=county, priority="high",
                            lat=36.5, lon=52.5, contact_id=ids[name],
                            dispatch_request_id=request_id, created_at=scene - timedelta(minutes=5))
        session.add(incident)
        session.flush()
        session.add_all([
            UnitStatusEvent(unit_id=unit.id, incident_id=incident.id, status="en_route",
                            at=scene - timedelta(minutes=3), received_at=scene, source="field"),
            UnitStatusEvent(unit_id=unit.id, incident_id=incident.id, status="on_scene",
                            at=scene, received_at=scene, source="field"),
            UnitStatusEvent(unit_id=other.id, incident_id=incident.id, status="on_scene",
                            at=scene + timedelta(minutes=9), received_at=scene, source="field")])


def _referrals(session: Session, ids: dict[str, int]) -> dict[str, int]:
    """Esfand: 1 referral (c2's), not acknowledged. Farvardin: 2 (c1's, made at 00:05 on
    1 Farvardin, received in time; c3's, decided late): acknowledged in time 1, 50 %."""
    police = Agency(code="police-mzn", domain="police", name_fa="پلیس ۱۱۰", name_en="Police 110",
                    province_code="IR-02")
    ems = Agency(code="ems-mzn", domain="ems", name_fa="اورژانس ۱۱۵", name_en="EMS 115",
                 province_code="IR-02")
    session.add_all([police, ems])
    session.flush()

    def referral(contact: str, agency: Agency, requested: datetime, **when: datetime) -> None:
        session.add(Referral(contact_id=ids[contact], agency_id=agency.id, state="requested",
                             urgency="urgent", consent="given", requested_at=requested,
                             ack_due_at=requested + timedelta(hours=1), updated_at=requested,
                             **when))

    referral("c2", police, at(days=-5))
    referral("c1", police, at(minutes=5), received_at=at(minutes=30))
    referral("c3", ems, at(hours=13), decided_at=at(hours=14, minutes=30))
    session.flush()
    return {"police": police.id, "ems": ems.id}


def _cases(session: Session, county_id: int) -> None:
    """Mazandaran: Esfand opened 1; Farvardin opened 1, closed 1 (the Esfand case, closed two
    seconds after midnight). Gilan's case counts in Gilan only."""
    client = Client(name="—", province_code="IR-02", created_at=at(days=-40))
    session.add(client)
    session.flush()
    session.add_all([
        Case(client_id=client.id, province_code="IR-02", category="spouse_abuse",
             opened_at=at(-1), closed_at=at(2), status="closed", county_id=county_id),
        Case(client_id=client.id, province_code="IR-02", category="child_abuse",
             opened_at=at(days=4), county_id=county_id),
        Case(client_id=client.id, province_code="IR-01", category="child_abuse",
             opened_at=at(days=4))])


def _shelter(session: Session, user: int, county_id: int) -> None:
    """Two beds; one woman in from 28 Esfand to 2 Farvardin (the day out counts): bed-nights
    Esfand 2 (of 29 × 2 = 58 beds: 3.4 %), Farvardin 2 (of 31 × 2 = 62: 3.2 %)."""
    centre = _centre(session, "MZN-SHELTER", "shelter", county_id)
    shelter = Shelter(centre_id=centre.id, province_code="IR-02", county_id=county_id,
                      name_fa="خانهٔ امن", name_en="Safe house", created_at=at(days=-60))
    session.add(shelter)
    session.flush()
    room = ShelterRoom(shelter_id=shelter.id, name="اتاق ۱", suits="women")
    session.add(room)
    session.flush()
    beds = [ShelterBed(room_id=room.id, shelter_id=shelter.id, label=f"تخت {i}") for i in (1, 2)]
    session.add_all(beds)
    client = Client(name="—", province_code="IR-02", created_at=at(days=-40))
    session.add(client)
    session.flush()
    case = Case(client_id=client.id, province_code="IR-02", category="spouse_abuse",
                opened_at=at(days=-40))
    session.add(case)
    session.flush()
    stay = ShelterStay(shelter_id=shelter.id, case_id=case.id, status="checked_out",
                       arrives_on=date(2026, 3, 19), checked_in_at=at(hours=-34),
                       checked_out_at=at(hours=34), created_by=user, created_at=at(days=-2))
    session.add(stay)
    session.flush()
    session.add(ShelterStayPerson(stay_id=stay.id, relation="client", age_years=30,
                                  bed_id=beds[0].id))


def _bases(session: Session, county_id: int) -> None:
    """Held sessions: Esfand 1 (23:45 on 29 Esfand; 2 present, 1 absent), Farvardin 1
    (1 present); a planned one in Farvardin does not count."""
    base = _centre(session, "MZN-BASE", "community_base", county_id)
    place = Neighbourhood(base_id=base.id, name="محله", kind="deprived", created_at=at(days=-50))
    session.add(place)
    session.flush()
    programme = Programme(base_id=base.id, neighbourhood_id=place.id, kind="parenting",
                          title="فرزندپروری", starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 1),
                          capacity=20, audience="parents", created_at=at(days=-30))
    session.add(programme)
    session.flush()
    sessions = [BaseSession(programme_id=programme.id, starts_at=start, minutes=60, place="-",
                            status=status)
                for start, status in ((at(minutes=-15), "held"), (at(hours=9, minutes=30), "held"),
                                      (at(days=3), "planned"))]
    people = [Participant(base_id=base.id, name=f"p{i}", age_group="adult", sex="female",
                          created_at=at(days=-20)) for i in range(3)]
    session.add_all(sessions + people)
    session.flush()
    for s, p, mark in ((0, 0, "present"), (0, 1, "present"), (0, 2, "absent"),
                       (1, 0, "present"), (1, 1, "excused")):
        session.add(Attendance(session_id=sessions[s].id, participant_id=people[p].id,
                               mark=mark, marked_at=at(hours=10)))


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          test_keyring: object) -> Iterator[World]:
    """One database per backend for the whole module: the tests only read it."""
    from panah.core.migrate import upgrade
    from panah.geo.orm import County
    from panah.geo.service import load_reference
    from panah.security.crypto import configure_keyring

    configure_keyring(test_keyring)  # type: ignore[arg-type]  # before the per-test ring

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('statistics') / 'figures.db'}"
    else:
        url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        reset_postgres(url)
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
        amol = session.query(County).filter(County.key == AMOL).one().id
        ids = _contacts(session)
        _callbacks(session, ids)
        _teams(session, ids)
        _referrals(session, ids)
        _cases(session, amol)
        _shelter(session, _user(session, "fereshteh_shelter", "IR-02", "shelter_manager"), amol)
        _bases(session, amol)
    yield World(factory)
    engine.dispose()
    if request.param != "sqlite":
        reset_postgres(url)


def test_mazandaran_contacts_are_counted_by_the_iran_month_they_were_offered(
        world: World) -> None:
    table = world.table(month_query())
    expected = {
        "contacts_offered": {"1404-12": 3, "1405-01": 4},
        "contacts_answered": {"1404-12": 2, "1405-01": 3},
        "abandoned": {"1404-12": 1, "1405-01": 1},
        "answered_within_20s": {"1404-12": 2, "1405-01": 1},
        "answered_within_20s_pct": {"1404-12": 66.7, "1405-01": 25.0},
        "abandoned_pct": {"1404-12": 33.3, "1405-01": 25.0},
        "average_speed_of_answer_s": {"1404-12": 12.5, "1405-01": 23.7},
        "average_handling_time_s": {"1404-12": 600.0, "1405-01": 210.0},
        "repeat_contacts": {"1404-12": 0, "1405-01": 2},
        "overflow_out": {"1404-12": 0, "1405-01": 2},
        "overflow_in": {"1404-12": 0, "1405-01": 1},
    }
    assert {key: by_month(table, key) for key in expected} == expected
    assert table.totals["contacts_offered"] == 7
    assert table.totals["answered_within_20s_pct"] == 42.9  # 3 of (5 + 2)


def test_the_minute_before_and_after_nowruz_midnight_fall_on_different_days(
        world: World) -> None:
    table = world.table(StatsQuery("IR-02", ESFAND_29, NOWRUZ, Grain.day,
                                   figures=("contacts_offered", "contacts_answered")))
    assert [(r.period.key, r.values["contacts_offered"]) for r in table.rows] == [
        ("1404-12-29", 2), ("1405-01-01", 2)]
    assert [r.period.label_fa for r in table.rows] == ["۱۴۰۴/۱۲/۲۹", "۱۴۰۵/۰۱/۰۱"]


def test_a_repeat_looks_back_before_the_range_starts(world: World) -> None:
    nowruz = world.table(StatsQuery("IR-02", NOWRUZ, NOWRUZ, Grain.day,
                                    figures=("repeat_contacts",)))
    assert nowruz.totals == {"repeat_contacts": 1}  # c3: c1 called a minute before, in Esfand


def test_an_overflowed_contact_is_offered_once_in_its_own_province(world: World) -> None:
    table = world.table(month_query(None, by=Dimension.province,
                                    figures=("contacts_offered", "contacts_answered",
                                             "overflow_out", "overflow_in")))
    totals = {row.group: row.values for row in table.group_totals if row.group in
              ("IR-01", "IR-02")}
    assert totals == {
        "IR-01": {"contacts_offered": 1, "contacts_answered": 1, "overflow_out": 1,
                  "overflow_in": 1},  # c6 answered in Mazandaran; c4 answered here
        "IR-02": {"contacts_offered": 7, "contacts_answered": 5, "overflow_out": 2,
                  "overflow_in": 1},
    }
    assert table.totals["contacts_offered"] == 8
    assert table.totals["overflow_out"] == 3  # c4, c5 (the pool) and c6
    assert table.totals["overflow_in"] == 2  # the pool has no province to count it in


def test_callbacks_team_requests_and_arrivals(world: World) -> None:
    table = world.table(month_query(figures=(
        "callbacks", "callbacks_in_time", "callbacks_in_time_pct", "team_requests",
        "arrival_median_min", "arrival_p90_min")))
    assert [r.values for r in table.rows] == [
        {"callbacks": 0, "callbacks_in_time": 0, "callbacks_in_time_pct": None,
         "team_requests": 0, "arrival_median_min": None, "arrival_p90_min": None},
        {"callbacks": 2, "callbacks_in_time": 1, "callbacks_in_time_pct": 50.0,
         "team_requests": 2, "arrival_median_min": 40.0, "arrival_p90_min": 44.0},
    ]


def test_referrals_count_by_the_day_they_were_made_and_split_by_agency(world: World) -> None:
    table = world.table(month_query(figures=("referrals", "referrals_ack_in_time",
                                             "referrals_ack_in_time_pct")))
    assert [r.values for r in table.rows] == [
        {"referrals": 1, "referrals_ack_in_time": 0, "referrals_ack_in_time_pct": 0.0},
        {"referrals": 2, "referrals_ack_in_time": 1, "referrals_ack_in_time_pct": 50.0}]
    agencies = world.table(month_query(by=Dimension.agency, figures=("referrals",)))
    assert {(r.group_en, r.values["referrals"]) for r in agencies.group_totals} == {
        ("Police 110", 2), ("EMS 115", 1)}


def test_cases_shelters_and_bases(world: World) -> None:
    keys = ("cases_opened", "cases_closed", "shelter_bed_nights", "shelter_occupancy_pct",
            "base_sessions", "base_attendance")
    table = world.table(month_query(figures=keys))
    assert [r.values for r in table.rows] == [
        {"cases_opened": 1, "cases_closed": 0, "shelter_bed_nights": 2,
         "shelter_occupancy_pct": 3.4, "base_sessions": 1, "base_attendance": 2},
        {"cases_opened": 1, "cases_closed": 1, "shelter_bed_nights": 2,
         "shelter_occupancy_pct": 3.2, "base_sessions": 1, "base_attendance": 1}]
    amol = world.table(month_query(by=Dimension.county, figures=("cases_opened",)))
    assert {r.group: r.values["cases_opened"] for r in amol.group_totals
            if r.values["cases_opened"]} == {AMOL: 2}
    assert len(amol.group_totals) > 10  # every county of Mazandaran, for the map


def test_a_contact_with_two_categories_counts_in_both_and_once_in_the_total(
        world: World) -> None:
    table = world.table(StatsQuery("IR-02", ESFAND_1, ESFAND_29, Grain.month,
                                   Dimension.category, figures=("contacts_offered",)))
    counts = {r.group: r.values["contacts_offered"] for r in table.rows
              if r.values["contacts_offered"]}
    assert counts == {"child_abuse": 1, "spouse_abuse": 1, None: 2}
    assert table.totals == {"contacts_offered": 3}
    names = {r.group: r.group_fa for r in table.rows}
    assert names["child_abuse"] == "کودک‌آزاری" and names[None] == "بدون دسته"


def test_a_contact_with_the_same_outcome_twice_counts_once(world: World) -> None:
    table = world.table(StatsQuery("IR-02", ESFAND_29, ESFAND_29, Grain.day, Dimension.outcome,
                                   figures=("contacts_offered",)))
    assert {r.group: r.values["contacts_offered"] for r in table.rows
            if r.values["contacts_offered"]} == {"counselled": 1, None: 1}


def test_channels_and_risks_split_the_contacts(world: World) -> None:
    table = world.table(month_query(by=Dimension.channel, figures=("contacts_offered",)))
    assert {r.group: r.values["contacts_offered"] for r in table.group_totals} == {
        "voice": 5, "sms": 1, "web_chat": 1, "web_report": 0, "walk_in": 0, "partner": 0}
    assert {r.group: r.group_fa for r in table.group_totals}["sms"] == "پیامک"


GILAN_SUPERVISOR = Actor(user_id=901, username="golbahar_gilan", role=Role.supervisor,
                         province_code="IR-01")
MAZANDARAN_SUPERVISOR = Actor(user_id=902, username="mansoureh", role=Role.supervisor,
                              province_code="IR-02")
ANALYST = Actor(user_id=903, username="tahlilgar", role=Role.analyst)


def test_a_gilan_supervisor_asking_for_mazandaran_is_refused_naming_the_province(
        world: World) -> None:
    with pytest.raises(Forbidden) as refused:
        world.table(month_query("IR-02"), GILAN_SUPERVISOR)
    assert refused.value.details["field"] == "province"


def test_a_supervisor_asking_for_the_nation_gets_their_own_province(world: World) -> None:
    table = world.table(month_query(None, figures=("contacts_offered",)),
                        MAZANDARAN_SUPERVISOR)
    assert table.query.province_code == "IR-02"
    assert table.totals == {"contacts_offered": 7}


def test_an_analyst_sees_counts_and_rates_with_small_cells_hidden(world: World) -> None:
    table = world.table(month_query(None), ANALYST)
    assert table.suppressed_below == 10
    assert {f.unit.value for f in table.figures} == {"number", "pct"}
    assert table.totals["contacts_offered"] is None  # 8 contacts: under 10
    assert table.totals["answered_within_20s_pct"] is None
    assert table.totals["overflow_in"] is None
    assert table.totals["base_attendance"] is None  # 3 attendances
    assert table.rows[0].values["callbacks"] == 0  # nothing to hide in zero
    with pytest.raises(Forbidden) as refused:
        world.table(month_query(None, figures=("average_speed_of_answer_s",)), ANALYST)
    assert refused.value.details["field"] == "figures"


def test_the_public_table_hides_small_cells_for_anyone(world: World) -> None:
    with unit_of_work(world.factory) as session:
        table = public_statistics(session, query=month_query(), now=NOW)
    assert [f.key for f in table.figures] == ["contacts_offered", "contacts_answered",
                                              "answered_within_20s_pct", "abandoned_pct",
                                              "average_speed_of_answer_s"]
    assert table.suppressed_below == 10
    assert [r.values for r in table.rows] == [dict.fromkeys(table.rows[0].values)] * 2


@pytest.mark.parametrize(("query", "field"), [
    (StatsQuery("IR-99", ESFAND_1, FARVARDIN_31), "province"),
    (StatsQuery("IR-02", ESFAND_1, FARVARDIN_31, county_key="Q1289684"), "county"),  # Gilan's
    (StatsQuery("IR-02", FARVARDIN_31, ESFAND_1), "to"),
    (StatsQuery("IR-02", date(2020, 1, 1), FARVARDIN_31, Grain.day), "to"),
    (StatsQuery("IR-02", ESFAND_1, FARVARDIN_31, figures=("answer_rate",)), "figures"),
    (StatsQuery("IR-02", ESFAND_1, FARVARDIN_31, by=Dimension.channel,
                figures=("cases_opened",)), "by"),
])
def test_bad_input_names_its_field(world: World, query: StatsQuery, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.table(query)
    assert refused.value.details["field"] == field


def test_the_wait_runs_from_joining_the_queue_and_a_walk_in_is_not_on_the_line(
        world: World) -> None:
    """One definition of "answered within 20 s" for the statistics and the live dashboard
    (panah.reports.line): East Azerbaijan's three contacts, counted in a transaction that
    is rolled back so the module's world stays as it was."""
    session = world.factory()
    try:
        tabriz = _user(session, "tahmineh_tabriz", "IR-03")
        # Offered at midnight, queued 15 s later (after the greeting), answered at 30 s:
        # a wait of 15 s, within 20 s.
        queued = _contact(session, "IR-03", at(), caller="e1", answered_after=30, by=tabriz)
        session.get(Contact, queued).queued_at = at(15)  # type: ignore[union-attr]
        # Never queued: its wait runs from the offer, 25 s — not within 20 s.
        _contact(session, "IR-03", at(minutes=5), caller="e2", answered_after=25, by=tabriz)
        # A person who walked into a centre: a contact, but nobody waited on the line.
        _contact(session, "IR-03", at(minutes=9), caller="e3", channel="walk_in",
                 answered_after=600, by=tabriz)
        session.flush()
        table = statistics(session, actor=None, now=NOW, query=StatsQuery(
            "IR-03", NOWRUZ, NOWRUZ, Grain.day,
            figures=("contacts_offered", "answered_within_20s", "answered_within_20s_pct",
                     "average_speed_of_answer_s")))
    finally:
        session.rollback()
        session.close()
    assert table.totals["contacts_offered"] == 2
    assert table.totals["answered_within_20s"] == 1
    assert table.totals["answered_within_20s_pct"] == 50.0
    assert table.totals["average_speed_of_answer_s"] == 20.0  # (15 + 25) / 2
