"""The live dashboard's one use case: a province's supervisors set its thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from panah.core.errors import InvalidInput
from panah.reports.live import model
from panah.reports.live.model import Threshold, TileKey
from panah.reports.live.orm import DashboardThreshold
from panah.security.access import audit
from panah.security.audit import AuditAction
from panah.security.policy import Actor


def parse_tile(key: str) -> TileKey:
    """A tile's key, or InvalidInput naming it and the tiles there are."""
    try:
        return TileKey(key)
    except ValueError:
        known = ", ".join(k.value for k in TileKey)
        raise InvalidInput(f"{key}: there is no such tile; the tiles are {known}.",
                           f"{key}: چنین کاشی‌ای نیست؛ کاشی‌ها: {known}.", field=key) from None


def set_thresholds(session: Session, *, actor: Actor, province_code: str,
                   changes: Mapping[str, tuple[float, float]], now: datetime) -> None:
    """Check every change (amber, red per tile key) first, then store them all and audit
    the change; one bad value saves nothing and names its field."""
    checked: dict[TileKey, Threshold] = {}
    for key, (amber, red) in changes.items():
        tile = parse_tile(key)
        checked[tile] = model.check_threshold(tile, amber, red)
    before = []
    for tile, threshold in checked.items():
        row = session.get(DashboardThreshold, (province_code, tile.value))
        if row is None:
            row = DashboardThreshold(province_code=province_code, tile=tile.value)
            session.add(row)
        else:
            before.append(f"{tile.value}={row.amber:g}/{row.red:g}")
        row.amber, row.red = threshold.amber, threshold.red
        row.updated_at, row.updated_by = now, actor.user_id
    session.flush()
    after = ", ".join(f"{t.value}={v.amber:g}/{v.red:g}" for t, v in checked.items())
    audit(session, actor, AuditAction.update, "dashboard_thresholds", province_code, now=now,
          reason=f"{', '.join(before) or 'defaults'} -> {after}")
