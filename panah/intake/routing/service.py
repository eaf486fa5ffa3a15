"""Reading and saving a province's 123 line settings (the rules are in ``lines``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.core.clock import as_utc
from panah.geo.orm import Province
from panah.intake.orm import LineSetting
from panah.intake.routing.context import load_lines, settings_of
from panah.intake.routing.lines import LineSettings, configured, format_hours
from panah.intake.routing.model import LineConfig
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor


@dataclass(frozen=True, slots=True)
class LineView:
    line: LineConfig
    customised: bool
    hours_text: str
    updated_at: datetime | None


def line_of(session: Session, province_code: str) -> LineView:
    line = load_lines(session)[province_code]
    row = session.get(LineSetting, province_code)
    return LineView(line, row is not None, format_hours(line.hours),
                    as_utc(row.updated_at) if row is not None else None)


def save_line(session: Session, *, actor: Actor, province_code: str, settings: LineSettings,
              now: datetime) -> LineView:
    """Check the settings against the rules, store them, audit the change."""
    provinces = set(session.scalars(select(Province.code)))
    lines = load_lines(session)
    line = configured(lines[province_code], settings, provinces)  # refuses bad settings
    row = session.get(LineSetting, province_code) or LineSetting(province_code=province_code)
    before = settings_of(row) if row.overflow_after_s is not None else None
    row.overflow_after_s = line.overflow_after_s
    row.backup_queues = ",".join(line.backup_queues)
    row.national_pool = line.national_pool
    row.hours = format_hours(line.hours)
    row.updated_at, row.updated_by = now, actor.user_id
    session.add(row)
    session.flush()
    audit(session, actor, AuditAction.update, "line", province_code, now=now,
          reason=f"{before} -> {settings_of(row)}")
    return line_of(session, province_code)
