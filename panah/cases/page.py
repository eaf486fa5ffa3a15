"""The case page's read model: the file, and each part of the case's work as a panel.

A panel is what one part shows on the case page (the client, the work, appointments,
transfers and consent, the timeline): ``case_panel(session, *, actor, case_id, now)`` in
that part's ``queries`` module, rendered by ``cases/_<name>.html``. The page and the JSON
API call the same functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from panah.cases import queries
from panah.cases.clients import queries as clients
from panah.cases.flags import queries as flags
from panah.cases.schemas import CasePublic
from panah.cases.thread import queries as thread
from panah.cases.transfers import queries as transfers
from panah.cases.workflow import queries as workflow
from panah.centres.appointments import queries as appointments
from panah.centres.beds import queries as beds
from panah.centres.stays import queries as stays
from panah.core.errors import NotFound
from panah.security.policy import Actor

Panel = Callable[..., Any]

# In the order the page shows them.
PANELS: tuple[tuple[str, Panel], ...] = (
    ("flags", flags.case_panel),
    ("client", clients.case_panel),
    ("workflow", workflow.case_panel),
    ("appointments", appointments.case_panel),
    ("transfers", transfers.case_panel),
    ("stays", stays.case_panel),  # issue 17: the case's stays in shelters
    ("shelter", beds.case_panel),  # issue 17: the bed finder and requests
    ("timeline", thread.case_panel),
)


@dataclass(frozen=True, slots=True)
class CasePage:
    file: CasePublic
    panels: dict[str, Any]  # name → that part's read model (None: nothing to show)


def case_page(session: Session, *, actor: Actor, case_id: int, why: str,
              now: datetime) -> CasePage:
    """Everything the case page shows ``actor``; each panel leaves out what they may not see."""
    file = queries.case_file(session, case_id=case_id, why=why)
    if file is None:
        raise NotFound("The case is gone.", "پرونده دیگر نیست.")
    panels = {name: panel(session, actor=actor, case_id=case_id, now=now)
              for name, panel in PANELS}
    return CasePage(file=file, panels=panels)
