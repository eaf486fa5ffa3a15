"""``panah route``: where would a contact go, and why (the routing decision and its trail)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.geo.cli import _session  # the same configured session, one definition
from panah.intake.model import LocationFix, LocationSource, RouteDecision, TrailStep

console = Console()
err_console = Console(stderr=True)


class PointSource(StrEnum):
    network = "network"
    browser = "browser"


def route(
    lat: Annotated[float | None, typer.Option(
        help="Latitude of the caller in degrees (WGS 84), e.g. 36.655; needs --lon.")] = None,
    lon: Annotated[float | None, typer.Option(
        help="Longitude of the caller in degrees (WGS 84), e.g. 51.4205; needs --lat.")] = None,
    radius: Annotated[float | None, typer.Option(
        help="Uncertainty radius of --lat/--lon in metres.")] = None,
    source: Annotated[PointSource, typer.Option(
        help="Where --lat/--lon came from: the mobile network or the browser.")
    ] = PointSource.network,
    phone: Annotated[str | None, typer.Option(
        help="Caller's number (any form); a landline's area code is the last resort.")] = None,
    aml: Annotated[str | None, typer.Option(
        help='Text of an Advanced Mobile Location SMS, e.g. \'A"ML=1;lt=…;lg=…;…\'.')] = None,
    place: Annotated[str | None, typer.Option(
        help="A place the caller names, Persian or English (looked up in the gazetteer).")
    ] = None,
    at: Annotated[str | None, typer.Option(
        help="Route as of this time (ISO 8601, e.g. 2026-03-22T06:30:00Z); default now.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")] = False,
) -> None:
    """Route a contact: its location, county, centre and 123 queue, with the trail of why."""
    from panah.intake.routing.context import routing_context
    from panah.intake.routing.model import route as route_contact

    try:
        now = _when(at)
        candidates, steps = _candidates(lat, lon, radius, source, phone, aml, place)
    except InvalidInput as error:
        err_console.print(f"[red]{error.message_en}\n{error.message_fa}[/red]")
        raise typer.Exit(2) from error
    with _session() as session:
        context = routing_context(session)
        decision = route_contact(candidates, now=now, locate=context.locate,
                                 coverage=context.coverage, lines=context.lines)
        decision = replace(decision, trail=(*steps, *decision.trail))
        names = _names(session, decision)
    if as_json:
        _print_json(decision, names, context.locator_method)
        return
    _print_human(decision, names, context.locator_method)


def _when(at: str | None) -> datetime:
    if at is None:
        from panah.core.clock import SystemClock

        return SystemClock().now()
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            f"--at {at!r} is not an ISO 8601 time with a zone; write e.g. 2026-03-22T06:30:00Z.",
            f"--at «{at}» زمان ISO 8601 با منطقهٔ زمانی نیست؛ مثلاً 2026-03-22T06:30:00Z بنویسید.",
        )
    return moment.astimezone(UTC)


def _candidates(
    lat: float | None, lon: float | None, radius: float | None, source: PointSource,
    phone: str | None, aml: str | None, place: str | None,
) -> tuple[list[LocationFix], list[TrailStep]]:
    fixes: list[LocationFix] = []
    steps: list[TrailStep] = []
    if aml is not None:
        from panah.intake.routing.aml import parse_aml

        fixes.append(parse_aml(aml).to_fix())
    point = _point(lat, lon, radius, source)
    if point is not None:
        fixes.append(point)
    if place is not None:
        from panah.geo.gazetteer import find_place
        from panah.intake.routing.location import fix_from_place

        fix, step = fix_from_place(place, find_place)
        steps.append(step)
        fixes += [fix] if fix else []
    if phone is not None:
        fix, step = _phone_fix(phone)
        steps.append(step)
        fixes += [fix] if fix else []
    return fixes, steps


def _point(
    lat: float | None, lon: float | None, radius: float | None, source: PointSource
) -> LocationFix | None:
    from panah.geo.model import check_coordinates

    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        raise InvalidInput("Give both --lat and --lon, or neither.",
                           "هر دو --lat و --lon را بدهید، یا هیچ‌کدام را.")
    check_coordinates(lat, lon)
    if radius is not None and not radius >= 0:
        raise InvalidInput(f"--radius must be metres ≥ 0, not {radius}.",
                           f"--radius باید متر و ≥ ۰ باشد، نه {radius}.")
    return LocationFix(source=LocationSource(source.value), lat=lat, lon=lon, radius_m=radius)


def _phone_fix(phone: str) -> tuple[LocationFix | None, TrailStep]:
    from panah.intake.routing.phones import area_code_fix, is_mobile, to_e164

    e164 = to_e164(phone)
    fix = area_code_fix(e164)
    if fix is not None:
        return fix, TrailStep("phone", "landline", f"A landline with area code {fix.detail}.",
                              f"تلفن ثابت با پیش‌شمارهٔ {fix.detail}.", {"area_code": fix.detail})
    kind_en, kind_fa = (("a mobile", "تلفن همراه") if is_mobile(e164) else
                        ("not an Iranian landline", "تلفن ثابت ایرانی نیست"))
    return None, TrailStep("phone", "no_area_code", f"The number is {kind_en}: no area code.",
                           f"شماره {kind_fa} است: پیش‌شماره‌ای ندارد.", {})


def _names(session: Session, decision: RouteDecision) -> dict[str, str | None]:
    from panah.centres.orm import Centre
    from panah.geo.orm import County, Province

    province = session.execute(select(Province.name_en, Province.name_fa)
                               .where(Province.code == decision.province_code)).first()
    county = session.execute(select(County.name_en, County.name_fa)
                             .where(County.key == decision.county_key)).first()
    centre = session.execute(select(Centre.name_en, Centre.name_fa)
                             .where(Centre.code == decision.centre_code)).first()
    return {
        "province_name_en": province[0] if province else None,
        "province_name_fa": province[1] if province else None,
        "county_name_en": county[0] if county else None,
        "county_name_fa": county[1] if county else None,
        "centre_name_en": centre[0] if centre else None,
        "centre_name_fa": centre[1] if centre else None,
    }


def _print_json(decision: RouteDecision, names: dict[str, str | None], method: str) -> None:
    from panah.intake.routing.model import decision_as_dict

    data = {**decision_as_dict(decision), **names, "locator": method}
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _print_human(decision: RouteDecision, names: dict[str, str | None], method: str) -> None:
    def name(en: str | None, fa: str | None, code: str | None) -> str:
        return f"{en} ({fa}) [{code}]" if en else (code or "—")

    approximate = " [yellow](approximate / تقریبی)[/yellow]" if decision.approximate else ""
    console.print(f"Queue / صف: [bold]{decision.queue}[/bold]{approximate}")
    console.print("Province / استان: " + name(
        names["province_name_en"], names["province_name_fa"], decision.province_code))
    console.print("County / شهرستان: " + name(
        names["county_name_en"], names["county_name_fa"], decision.county_key))
    console.print("Centre / مرکز: " + name(
        names["centre_name_en"], names["centre_name_fa"], decision.centre_code))
    console.print(f"Location source / منبع موقعیت: {decision.location.source.value} "
                  f"(locator: {method})")
    table = Table(title="Trail / مسیر تصمیم")
    for column in ("step", "outcome", "English", "فارسی"):
        table.add_column(column)
    for step in decision.trail:
        table.add_row(step.step, step.outcome, step.detail_en, step.detail_fa)
    console.print(table)
