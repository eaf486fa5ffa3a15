"""The triage panel of a contact's screen: everything it shows, read in one go, so the
page renders it and nothing else (its forms' state, an error or a notice aside)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from panah.dispatch.model import caller_kind_of_channel
from panah.triage import protocol_data
from panah.triage.directory.queries import agencies_for, resources_by_code, search_resources
from panah.triage.directory.schemas import AgencyPublic, ResourcePublic
from panah.triage.orm import Agency, Referral
from panah.triage.outcomes import Outcome
from panah.triage.protocols import Protocol
from panah.triage.queries.contact import triage_of
from panah.triage.referrals.model import ConsentStatus
from panah.triage.schemas import TriagePublic
from panah.triage.service import contact_of
from panah.triage.taxonomy import CategoryGroup, CategoryInfo, in_group

RESOURCES_SHOWN = 8


@dataclass(frozen=True, slots=True)
class PanelReferral:
    """A referral made for the contact, as the panel lists it."""

    id: int
    state: str
    agency_code: str
    agency_name_fa: str
    agency_name_en: str


@dataclass(frozen=True, slots=True)
class TriagePanel:
    """The panel's read model; its fields are the template's names."""

    contact_id: int
    contact_state: str
    triage: TriagePublic
    social: tuple[CategoryInfo, ...]  # the target groups, always shown
    information: tuple[CategoryInfo, ...]  # information and referral, folded away …
    information_chosen: bool  # … unless one of them is chosen
    protocols: Mapping[str, Protocol]  # the protocols the categories call for
    screened: frozenset[str]  # protocols with a stored screen
    referrals: tuple[PanelReferral, ...]
    agencies: tuple[AgencyPublic, ...]  # the county's, nearest first
    resources: tuple[ResourcePublic, ...]
    resource_query: str
    closing_outcomes: tuple[str, ...]
    consents: tuple[str, ...]
    # The mobile-team form's first answers: a woman worker when the contact asked for a
    # woman, and who called as far as the channel tells.
    wants_woman: bool = False
    caller_kind: str = "person"


def triage_panel(session: Session, *, contact_id: int, resource_query: str | None = None,
                 keep_resources: Sequence[str] = ()) -> TriagePanel:
    """The panel of a contact; ``resource_query`` searches the directory's services (else
    those for the contact's first category are offered); ``keep_resources`` (codes) are
    listed too, whatever the search: services chosen on a form that is shown again."""
    contact = contact_of(session, contact_id)
    triage = triage_of(session, contact)
    need = triage.categories[0] if triage.categories and not resource_query else None
    information = in_group(CategoryGroup.information_referral)
    agencies = agencies_for(session, county_key=contact.county_key,
                            province_code=contact.province_code)
    resources = search_resources(session, text=resource_query, need=need,
                                 limit=RESOURCES_SHOWN, county_key=contact.county_key,
                                 province_code=contact.province_code)
    shown = {r.code for r in resources}
    kept = resources_by_code(session, [c for c in keep_resources if c not in shown])
    return TriagePanel(
        contact_id=contact.id, contact_state=contact.state, triage=triage,
        social=in_group(CategoryGroup.social_emergency), information=information,
        information_chosen=any(c.code.value in triage.categories for c in information),
        protocols={p: protocol_data.get(p) for p in triage.suggested_protocols},
        screened=frozenset(s.protocol_id for s in triage.screens),
        referrals=_referrals(session, contact_id),
        agencies=tuple(AgencyPublic.of(a) for a in agencies),
        resources=tuple(ResourcePublic.of(r) for r in [*kept, *resources]),
        resource_query=resource_query or "",
        closing_outcomes=tuple(o.value for o in Outcome),
        consents=tuple(c.value for c in ConsentStatus), wants_woman=contact.wants_woman,
        caller_kind=caller_kind_of_channel(contact.channel).value)


def _referrals(session: Session, contact_id: int) -> tuple[PanelReferral, ...]:
    rows = session.execute(select(Referral, Agency).join(
        Agency, Agency.id == Referral.agency_id).where(Referral.contact_id == contact_id)
        .order_by(Referral.id)).all()
    return tuple(PanelReferral(r.id, r.state, a.code, a.name_fa, a.name_en) for r, a in rows)
