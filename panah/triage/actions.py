"""What the triage screen proposes to do next, from the categories and the screens (pure).

The counsellor decides; the screen only puts the likely actions one click away, most
urgent first, each with its reason in Persian and English. The rules:

- Lethality Screen high or immediate (partner violence): a mobile team to the caller, and
  the police (110); at *immediate* the police by warm transfer, while she is on the line.
- C-SSRS high or immediate (suicide): a mobile team; at *immediate* also EMS (115).
- Child-safety check high or immediate: a mobile team; at *immediate* also the police.
- Acute family conflict with any screen at *immediate*: the police.

Nothing is proposed for lower levels: counselling, information and a follow-up call are
the counsellor's own outcomes. A proposal never repeats an action already taken for the
contact (``taken``: "mobile_team" and agency domains already referred to).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from panah.intake.model import RiskLevel
from panah.triage.protocols import ProtocolId, combine
from panah.triage.taxonomy import Category

URGENT = frozenset({RiskLevel.immediate, RiskLevel.high})
MOBILE_TEAM = "mobile_team"


class ActionKind(StrEnum):
    mobile_team = "mobile_team"
    referral = "referral"


@dataclass(frozen=True, slots=True)
class Proposal:
    kind: ActionKind
    urgency: RiskLevel
    reason_en: str
    reason_fa: str
    agency_domain: str | None = None  # for a referral: police, ems …
    warm_transfer: bool = False

    @property
    def key(self) -> str:
        """What it would do, for "already done" checks: ``mobile_team`` or the domain."""
        return self.agency_domain or MOBILE_TEAM


# protocol → (mobile team reason, referrals at immediate, referrals at high)
_RULES: dict[ProtocolId, tuple[tuple[str, str], tuple[str, ...], tuple[str, ...]]] = {
    ProtocolId.lethality_screen: (
        ("the Lethality Screen shows high danger", "غربالگری خطر مرگ، خطر بالا نشان می‌دهد"),
        ("police",), ("police",)),
    ProtocolId.cssrs_screener: (
        ("the suicide screen shows high risk", "غربالگری خودکشی، خطر بالا نشان می‌دهد"),
        ("ems",), ()),
    ProtocolId.child_safety_check: (
        ("the child-safety check shows danger", "بررسی ایمنی کودک، خطر نشان می‌دهد"),
        ("police",), ()),
}
_KNOWN = frozenset(p.value for p in _RULES)
_AGENCY_NAMES = {"police": ("police (110)", "پلیس ۱۱۰"), "ems": ("EMS (115)", "اورژانس ۱۱۵")}


def propose(categories: Collection[Category], screens: Sequence[tuple[str, RiskLevel]], *,
            taken: Collection[str] = ()) -> list[Proposal]:
    """The actions to put before the counsellor, most urgent first, none already taken."""
    found: dict[str, Proposal] = {}
    for protocol_id, level in screens:
        if level in URGENT and protocol_id in _KNOWN:
            for proposal in _from_screen(ProtocolId(protocol_id), level):
                _keep(found, proposal)
    levels = [level for _, level in screens]
    if (Category.family_conflict in categories and levels
            and combine(levels) is RiskLevel.immediate):
        _keep(found, _referral("police", RiskLevel.immediate,
                               ("acute family conflict in immediate danger",
                                "اختلاف حاد خانوادگی در خطر فوری")))
    wanted = [p for p in found.values() if p.key not in taken]
    return sorted(wanted, key=lambda p: (p.urgency.rank, p.kind != ActionKind.mobile_team))


def _from_screen(protocol: ProtocolId, level: RiskLevel) -> list[Proposal]:
    reason, at_immediate, at_high = _RULES[protocol]
    proposals = [Proposal(ActionKind.mobile_team, level, f"A mobile team: {reason[0]}.",
                          f"تیم سیار: {reason[1]}.")]
    domains = at_immediate if level is RiskLevel.immediate else at_high
    proposals += [_referral(domain, level, reason) for domain in domains]
    return proposals


def _referral(domain: str, level: RiskLevel, reason: tuple[str, str]) -> Proposal:
    name_en, name_fa = _AGENCY_NAMES[domain]
    warm = level is RiskLevel.immediate
    how_en, how_fa = ("warm transfer now", "انتقال هم‌زمان تماس") if warm else ("referral", "ارجاع")
    return Proposal(ActionKind.referral, level, f"{name_en}, {how_en}: {reason[0]}.",
                    f"{name_fa}، {how_fa}: {reason[1]}.", agency_domain=domain,
                    warm_transfer=warm)


def _keep(found: dict[str, Proposal], proposal: Proposal) -> None:
    """One proposal per action: the most urgent reason for it wins."""
    earlier = found.get(proposal.key)
    if earlier is None or proposal.urgency.rank < earlier.urgency.rank:
        found[proposal.key] = proposal
