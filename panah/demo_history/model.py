"""A year (or more) of clearly synthetic 123-line history for the demo provinces (pure).

``generate`` draws, from a seed, every contact a province's line would have had on each
Iran day: when it came (by Iran hour, with a daily profile and Mazandaran's Nowruz peak),
by which channel, how long the caller waited and whether they hung up first, who answered
(its own counsellors or, after the overflow time, a neighbour's), what it was about, how it
ended, and what followed: a callback with its attempts, a referral to a partner agency and
when the agency acknowledged it, a mobile team's request, incident, assignment and status
events. Every fact is finished before ``now``: no timer may fire on history.

Nothing personal is drawn: no phone numbers, no names, no notes. A caller is only a
``caller_hash`` made from the seed, and some callers come back, so repeat contacts exist.
No case files either: a case needs a client with a name, and a nameless synthetic client
would be a fake person in the clients' search and duplicate checks.

The same seed, province, day and settings give the same facts: each day has its own
random stream, so a longer run repeats the days a shorter one drew.

The rates, with their sources, are in :mod:`panah.demo_history.rates`.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo

import jdatetime

from panah.demo_history.rates import (
    AGENCY_DOMAINS,
    CALLBACK_ATTEMPTS,
    CALLBACK_EVERY,
    CALLS_PER_PERSON_YEAR,
    CHANNELS,
    CRISIS_CENTRE,
    EMERGENCY_CATEGORIES,
    FRIDAY,
    HOURLY,
    MOBILE_TEAM,
    NON_SUBSTANTIVE,
    NOWRUZ_DAYS,
    NOWRUZ_FACTOR,
    NOWRUZ_STAFFING,
    OTHER_CATEGORIES,
    OVERFLOW_AFTER_S,
    RISKS,
    SOCIAL_EMERGENCY,
)
from panah.intake.model import RiskLevel
from panah.triage.referrals.model import ACK_WITHIN

IRAN = ZoneInfo("Asia/Tehran")
KEY_PREFIX = "history:"  # every synthetic contact's external_id starts so (--replace finds them)
NATIONAL_QUEUE = "national"


@dataclass(frozen=True, slots=True)
class Place:
    """A county of the province: where contacts come from, in proportion to its people."""

    county_key: str
    population: int
    centre_code: str | None
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A backup queue the line overflows to, and who answers there (none: not in the demo)."""

    queue: str
    handlers: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ProvinceSetup:
    code: str
    population: int
    places: tuple[Place, ...]
    handlers: tuple[int, ...]  # user ids answering its line
    neighbours: tuple[Neighbour, ...] = ()
    agencies: tuple[tuple[int, str], ...] = ()  # (agency id, domain), its own and national
    units: tuple[int, ...] = ()  # its mobile teams' unit ids
    nowruz_peak: bool = False


@dataclass(frozen=True, slots=True)
class CallbackFact:
    created_at: datetime
    due_at: datetime
    attempts: tuple[tuple[datetime, str], ...]  # (at, outcome)
    done_at: datetime
    by_user: int | None


@dataclass(frozen=True, slots=True)
class ReferralFact:
    agency_id: int
    urgency: str
    category: str | None
    state: str  # completed | rejected
    requested_at: datetime
    ack_due_at: datetime
    received_at: datetime
    decided_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class DispatchFact:
    requested_at: datetime
    priority: str
    lat: float
    lon: float
    unit_id: int
    incident_at: datetime
    assigned_at: datetime
    estimate_minutes: float
    events: tuple[tuple[str, str, datetime], ...]  # (status, previous, at)
    cleared_at: datetime  # the team left the scene (its last event: back at its post)


@dataclass(frozen=True, slots=True)
class ContactFact:
    key: str  # the contact's external_id: history:<province>:<Iran day>:<n>
    province_code: str
    county_key: str | None
    centre_code: str | None
    channel: str
    risk: str
    caller_hash: str
    offered_at: datetime
    offered_to: tuple[str, ...]
    answered_at: datetime | None = None
    answered_by: int | None = None
    wrap_up_at: datetime | None = None
    closed_at: datetime | None = None
    abandoned_at: datetime | None = None
    categories: tuple[str, ...] = ()
    outcome: str | None = None
    callback: CallbackFact | None = None
    referral: ReferralFact | None = None
    dispatch: DispatchFact | None = None

    @property
    def state(self) -> str:
        return "closed" if self.answered_at is not None else "callback_done"

    @property
    def last_at(self) -> datetime:
        """The latest moment of anything about this contact."""
        times = [self.offered_at, self.closed_at or self.offered_at,
                 self.abandoned_at or self.offered_at]
        if self.callback:
            times.append(self.callback.done_at)
        if self.referral:
            times.append(self.referral.completed_at or self.referral.decided_at)
        if self.dispatch:
            times.append(self.dispatch.events[-1][2])
        return max(times)


@dataclass(slots=True)
class _Day:
    """One Iran day's drawing: its random stream and which units are busy until when."""

    setup: ProvinceSetup
    day: date
    rng: random.Random
    seed: int
    load: float  # the day's load against a normal day (1.0), after extra Nowruz staff
    place_weights: tuple[float, ...] = ()  # cumulative, by the counties' people
    busy_until: dict[int, datetime] = field(default_factory=dict)


def history_days(now: datetime, months: int) -> tuple[date, date]:
    """The Iran days of the last ``months`` Jalali months up to yesterday, both in: the
    current month so far and the ``months - 1`` before it."""
    today = now.astimezone(IRAN).date()
    jtoday = jdatetime.date.fromgregorian(date=today)
    index = jtoday.year * 12 + jtoday.month - 1 - (months - 1)
    first = jdatetime.date(index // 12, index % 12 + 1, 1).togregorian()
    return first, today - timedelta(days=1)


def is_nowruz(day: date) -> bool:
    jday = jdatetime.date.fromgregorian(date=day)
    return bool(jday.month == 1 and jday.day <= NOWRUZ_DAYS)


def daily_mean(setup: ProvinceSetup, day: date) -> float:
    """How many contacts the line expects on ``day``."""
    mean = setup.population * CALLS_PER_PERSON_YEAR / 365.25
    if day.weekday() == 4:  # Friday
        mean *= FRIDAY
    if setup.nowruz_peak and is_nowruz(day):
        mean *= NOWRUZ_FACTOR
    return mean


def generate(setup: ProvinceSetup, *, first: date, last: date, seed: int,
             now: datetime) -> Iterator[list[ContactFact]]:
    """Each Iran day's contacts from ``first`` to ``last``, oldest first; none that would
    still be going on at ``now``."""
    day = first
    while day <= last:
        yield [fact for fact in draw_day(setup, day, seed=seed) if fact.last_at <= now]
        day += timedelta(days=1)


def draw_day(setup: ProvinceSetup, day: date, *, seed: int) -> list[ContactFact]:
    rng = random.Random(f"{seed}:{setup.code}:{day.isoformat()}")  # noqa: S311 - a simulation
    mean = daily_mean(setup, day)
    load = 1.0
    if setup.nowruz_peak and is_nowruz(day):
        load = 1 + (NOWRUZ_FACTOR - 1) * NOWRUZ_STAFFING
    weights = tuple(accumulate(float(max(p.population, 1)) for p in setup.places))
    state = _Day(setup, day, rng, seed, load, weights)
    count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
    moments = sorted(_moment(state) for _ in range(count))
    return [_contact(state, n, at) for n, at in enumerate(moments)]


def _moment(state: _Day) -> datetime:
    hour = state.rng.choices(range(24), cum_weights=_cumulative(HOURLY))[0]
    second = state.rng.randrange(3600)
    local = datetime.combine(state.day, time(hour), tzinfo=IRAN) + timedelta(seconds=second)
    return local.astimezone(UTC)


@lru_cache(maxsize=64)
def _cumulative(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(accumulate(weights))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int | float], ...]) -> str:
    keys = tuple(k for k, _ in weighted)
    return rng.choices(keys, cum_weights=_cumulative(tuple(w for _, w in weighted)))[0]


def _place(state: _Day) -> Place | None:
    places = state.setup.places
    if not places:
        return None
    return state.rng.choices(places, cum_weights=state.place_weights)[0]


def caller_hash(state: _Day, n: int) -> str:
    """A synthetic caller: a quarter are regulars from a small pool, so repeats exist."""
    rng, setup = state.rng, state.setup
    if rng.random() < 0.25:
        pool = max(10, int(setup.population * CALLS_PER_PERSON_YEAR * 0.01))
        who = f"{state.seed}:{setup.code}:regular:{int(pool * rng.random() ** 2)}"
    else:
        who = f"{state.seed}:{setup.code}:{state.day.isoformat()}:{n}"
    return hashlib.sha256(f"panah-history:{who}".encode()).hexdigest()


def _wait(state: _Day, channel: str) -> tuple[float, float]:
    """(seconds the contact waited to be answered, seconds the caller would wait): a queue
    with a few counsellors, busier when the day's load is higher."""
    rng, load = state.rng, state.load
    if channel == "sms":  # a text waits its turn; nobody hangs up on a text
        return rng.expovariate(1 / (60 * load)), math.inf
    delayed = rng.random() < min(0.9, 0.25 * load ** 1.5)
    wait = rng.expovariate(1 / (25 * load)) if delayed else rng.uniform(2, 12)
    patience = rng.expovariate(1 / (300 if channel == "web_chat" else 75))
    return wait, patience


def _contact(state: _Day, n: int, offered_at: datetime) -> ContactFact:
    rng, setup = state.rng, state.setup
    channel = _pick(rng, CHANNELS)
    place = _place(state)
    wait, patience = _wait(state, channel)
    waited = min(wait, patience)
    offered_to = [setup.code]
    if waited >= OVERFLOW_AFTER_S:
        offered_to += [neighbour.queue for neighbour in setup.neighbours]
    if waited >= 2 * OVERFLOW_AFTER_S:
        offered_to.append(NATIONAL_QUEUE)
    base = ContactFact(
        key=f"{KEY_PREFIX}{setup.code}:{state.day.isoformat()}:{n:05d}",
        province_code=setup.code, county_key=place.county_key if place else None,
        centre_code=place.centre_code if place else None, channel=channel, risk="medium",
        caller_hash=caller_hash(state, n), offered_at=offered_at,
        offered_to=tuple(dict.fromkeys(offered_to)))
    if patience < wait:
        return _abandoned(state, base, offered_at + timedelta(seconds=patience))
    answered_at = offered_at + timedelta(seconds=wait)
    return _answered(state, base, answered_at, _answerer(state, wait))


def _answerer(state: _Day, wait: float) -> int | None:
    """Its own line's counsellor, or after the overflow time now and then a neighbour's."""
    rng, setup = state.rng, state.setup
    if wait >= OVERFLOW_AFTER_S and rng.random() < 0.3:
        helping = [n for n in setup.neighbours if n.handlers]
        if helping:
            return rng.choice(rng.choice(helping).handlers)
    return rng.choice(setup.handlers) if setup.handlers else None


def _abandoned(state: _Day, base: ContactFact, at: datetime) -> ContactFact:
    """Hung up before anyone answered: a callback due in 10 minutes, tried until reached
    or three times, then finished by the supervisor (history leaves nothing open)."""
    rng = state.rng
    due = at + CALLBACK_EVERY
    attempts: list[tuple[datetime, str]] = []
    tried = at + timedelta(minutes=rng.expovariate(1 / 7) + 0.5)
    for _ in range(CALLBACK_ATTEMPTS):
        outcome = _pick(rng, (("reached", 55), ("no_answer", 35), ("busy", 7),
                              ("wrong_number", 3)))
        attempts.append((tried, outcome))
        if outcome in ("reached", "wrong_number"):
            break
        tried += CALLBACK_EVERY + timedelta(seconds=rng.uniform(0, 120))
    done = attempts[-1][0] + timedelta(minutes=3)
    if attempts[-1][1] not in ("reached", "wrong_number"):
        done += timedelta(minutes=rng.uniform(10, 60))  # escalated, closed by the supervisor
    by_user = rng.choice(state.setup.handlers) if state.setup.handlers else None
    return replace(base, abandoned_at=at, callback=CallbackFact(
        at, due, tuple(attempts), done, by_user))


def _answered(state: _Day, base: ContactFact, at: datetime, by: int | None) -> ContactFact:
    rng = state.rng
    kind = rng.random()
    if kind < NON_SUBSTANTIVE:
        talk = rng.expovariate(1 / 25) + 5
        outcome = "silent_misdial" if rng.random() < 0.8 else "nuisance"
        return _closed(state, base, at, by, talk, risk="low", categories=(), outcome=outcome)
    emergency = kind < NON_SUBSTANTIVE + SOCIAL_EMERGENCY
    category = _pick(rng, EMERGENCY_CATEGORIES if emergency else OTHER_CATEGORIES)
    risk = _pick(rng, RISKS.get(category, (("medium", 6), ("low", 4)) if emergency
                               else (("low", 6), ("information", 4))))
    talk = rng.lognormvariate(math.log(540 if emergency else 240), 0.5)
    outcome = _outcome(state, category, emergency)
    fact = _closed(state, base, at, by, talk, risk=risk, categories=(category,),
                   outcome=outcome)
    asked_at = at + timedelta(seconds=talk * 0.7)
    if outcome == "referral":
        return replace(fact, referral=_referral(state, category, risk, asked_at))
    if outcome == "mobile_team_requested":
        return replace(fact, dispatch=_dispatch(state, base, risk, asked_at))
    return fact


def _outcome(state: _Day, category: str, emergency: bool) -> str:
    rng = state.rng
    draw = rng.random()
    if emergency:
        if draw < MOBILE_TEAM and state.setup.units:
            return "mobile_team_requested"
        if draw < MOBILE_TEAM + CRISIS_CENTRE:
            return "centre_appointment"
        if draw < 0.5 and _agency(state, category) is not None:
            return "referral"
        return "counselled"
    if draw < 0.3 and _agency(state, category) is not None:
        return "referral"
    return "information_given" if draw < 0.75 else "counselled"


def _closed(state: _Day, base: ContactFact, at: datetime, by: int | None, talk: float, *,
            risk: str, categories: tuple[str, ...], outcome: str) -> ContactFact:
    wrap_up = at + timedelta(seconds=talk)
    closed = wrap_up + timedelta(seconds=state.rng.expovariate(1 / 60) + 20)
    return replace(base, answered_at=at, answered_by=by, wrap_up_at=wrap_up,
                    closed_at=closed, risk=risk, categories=categories, outcome=outcome)


def _agency(state: _Day, category: str) -> int | None:
    agencies = state.setup.agencies
    for domain in (*AGENCY_DOMAINS.get(category, ()), "counselling_line", "welfare"):
        found = [agency for agency, d in agencies if d == domain]
        if found:
            return found[0]
    return None


def _referral(state: _Day, category: str, risk: str, at: datetime) -> ReferralFact:
    rng = state.rng
    agency = _agency(state, category)
    assert agency is not None  # noqa: S101 - the outcome is a referral only when one exists
    window = ACK_WITHIN[RiskLevel(risk)]
    received = at + window * rng.expovariate(1 / 0.4)  # ~92% acknowledged in time
    decided = received + timedelta(minutes=rng.uniform(1, 30))
    rejected = rng.random() < 0.05
    completed = None if rejected else decided + timedelta(hours=rng.uniform(0.5, 30))
    return ReferralFact(agency, risk, category, "rejected" if rejected else "completed", at,
                        at + window, received, decided, completed)


def _dispatch(state: _Day, base: ContactFact, risk: str, at: datetime) -> DispatchFact:
    """A team asked for, the incident, the first free unit, and its statuses to the scene
    and back: call to arrival is the contact's offer to the team's on-scene status."""
    rng, units = state.rng, state.setup.units
    lat, lon = _point(state, base.county_key)
    incident_at = at + timedelta(minutes=rng.uniform(0.5, 3))
    free = [u for u in units if state.busy_until.get(u, incident_at) <= incident_at]
    unit = rng.choice(free) if free else min(units, key=lambda u: state.busy_until[u])
    assigned = max(incident_at, state.busy_until.get(unit, incident_at)) + timedelta(
        minutes=rng.expovariate(1 / 2))
    travel = rng.lognormvariate(math.log(16), 0.5) * state.load ** 0.5
    en_route = assigned + timedelta(minutes=rng.uniform(0.5, 3))
    on_scene = en_route + timedelta(minutes=travel)
    cleared = on_scene + timedelta(minutes=rng.uniform(30, 100))
    state.busy_until[unit] = cleared + timedelta(minutes=travel)
    events = (("dispatched", "available_at_post", assigned), ("en_route", "dispatched", en_route),
              ("on_scene", "en_route", on_scene), ("available_on_move", "on_scene", cleared),
              ("available_at_post", "available_on_move", state.busy_until[unit]))
    return DispatchFact(at, risk, lat, lon, unit, incident_at, assigned,
                        round(travel * rng.uniform(0.8, 1.2), 1), events, cleared)


def _point(state: _Day, county_key: str | None) -> tuple[float, float]:
    """Near the county's seat: no one's address."""
    place = next((p for p in state.setup.places if p.county_key == county_key), None)
    if place is None:
        return 0.0, 0.0
    rng = state.rng
    return (round(place.lat + rng.uniform(-0.03, 0.03), 4),
            round(place.lon + rng.uniform(-0.03, 0.03), 4))


