"""The groups of a statistics table and their names in Persian and English: provinces and
counties from panah.geo, channels and risks from the line's labels, categories from triage's
taxonomy, outcomes from triage's outcomes, agencies from the directory.

Every group of the dimension is listed (zeros filled in: a county map needs every county),
then any value the data holds that the list does not (an unknown province …).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.geo.orm import County, Province
from panah.intake.model import Channel, RiskLevel
from panah.reports.statistics.model import Dimension, StatsQuery
from panah.triage.orm import Agency
from panah.triage.outcomes import Outcome
from panah.triage.taxonomy import TAXONOMY

D = Dimension
ALL = ("همه", "All")
UNKNOWN = ("نامعلوم", "Unknown")
CHANNELS: dict[str | None, tuple[str, str]] = {
    Channel.voice: ("تماس تلفنی", "Voice call"),
    Channel.sms: ("پیامک", "SMS"),
    Channel.web_chat: ("گفتگوی وب", "Web chat"),
    Channel.web_report: ("گزارش وب", "Web report"),
    Channel.walk_in: ("مراجعهٔ حضوری", "Walk-in"),
    Channel.partner: ("دستگاه همکار", "Partner agency"),
}
RISKS: dict[str | None, tuple[str, str]] = {
    RiskLevel.immediate: ("خطر فوری", "Immediate danger"),
    RiskLevel.high: ("خطر بالا", "High risk"),
    RiskLevel.medium: ("خطر متوسط", "Medium risk"),
    RiskLevel.low: ("خطر کم", "Low risk"),
    RiskLevel.information: ("اطلاعات و ارجاع", "Information"),
}
NO_CATEGORY = ("بدون دسته", "No category yet")
NO_OUTCOME = ("بدون پیامد", "No outcome yet")


@dataclass(slots=True)
class Labels:
    order: list[str | None]
    known: dict[str | None, tuple[str, str]] = field(default_factory=dict)
    missing: tuple[str, str] = UNKNOWN

    def names(self, group: str | None) -> tuple[str, str]:
        return self.known.get(group, self.missing if group is None else (group, group))


def labels_for(session: Session, query: StatsQuery, seen: Iterable[str | None]) -> Labels:
    """The groups of ``query``'s dimension, in the order a table lists them."""
    if query.by is D.none:
        return Labels(order=[None], known={None: ALL})
    groups = set(seen)
    known = (agency_names(session, groups) if query.by is D.agency
             else _known(session, query))
    labels = Labels(order=list(known), known=known)
    if query.by is D.category:
        labels.missing = NO_CATEGORY
    elif query.by is D.outcome:
        labels.missing = NO_OUTCOME
    extra = sorted({g for g in groups if g not in known}, key=lambda g: (g is None, g or ""))
    labels.order.extend(extra)
    return labels


def _known(session: Session, query: StatsQuery) -> dict[str | None, tuple[str, str]]:
    by = query.by
    if by is D.province:
        where = [] if query.province_code is None else [Province.code == query.province_code]
        return {p.code: (p.name_fa, p.name_en)
                for p in session.scalars(select(Province).where(*where).order_by(Province.code))}
    if by is D.county:
        where = [] if query.province_code is None else [County.province_code ==
                                                          query.province_code]
        if query.county_key is not None:
            where.append(County.key == query.county_key)
        return {c.key: (c.name_fa, c.name_en) for c in session.scalars(
            select(County).where(*where).order_by(County.province_code, County.name_en))}
    if by is D.channel:
        return {**CHANNELS}
    if by is D.risk:
        return {**RISKS}
    if by is D.category:
        return {code.value: (info.label_fa, info.label_en) for code, info in TAXONOMY.items()}
    if by is D.outcome:
        return {o.value: (o.label_fa, o.label_en) for o in Outcome}
    if by is D.agency:
        return {}
    return {None: ALL}


def agency_names(session: Session, ids: Iterable[str | None]) -> dict[str | None, tuple[str, str]]:
    wanted = [int(i) for i in ids if i is not None and i.isdigit()]
    if not wanted:
        return {}
    return {str(a.id): (a.name_fa, a.name_en)
            for a in session.scalars(select(Agency).where(Agency.id.in_(wanted)))}
