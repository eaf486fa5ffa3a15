"""The history's rates (pure constants).

Rates and their sources (public reports, summarised in the project's seed notes):
- about 600,000 calls a year reached 123 nationally (2015), for 79.9 million people
  (2016 census): ~7.5 calls per 1,000 people a year, scaled here by province population;
- about three in four calls were misdials, silence or pranks (2015, national);
- Alborz reported 37,000–50,000 calls a year, 20–24% of them social-emergency matters
  (the rest guidance and referral), in this order: acute family disputes, child abuse,
  spouse abuse, suicidal thoughts, elder abuse, suicide attempts, running away;
- of the social-emergency matters, about 16% needed a mobile team and about 8% a
  crisis-intervention centre.
"""

from __future__ import annotations

from datetime import timedelta

CALLS_PER_PERSON_YEAR = 600_000 / 79_926_270  # 123 nationally, 2015 / 2016 census
NON_SUBSTANTIVE = 0.72  # ~3/4 misdials, silence, pranks (2015); a little less once answered
SOCIAL_EMERGENCY = 0.22  # Alborz: 20–24% of calls were social-emergency matters
MOBILE_TEAM = 0.16  # of social-emergency matters (Alborz)
CRISIS_CENTRE = 0.08  # of social-emergency matters (Alborz)
NOWRUZ_DAYS = 14  # 1–14 Farvardin: the holidays that fill Mazandaran's coast
NOWRUZ_FACTOR = 2.6  # Mazandaran's Nowruz: residents and travellers (seed 000)
NOWRUZ_STAFFING = 0.5  # Nowruz posts and extra shifts absorb about half the extra load
OVERFLOW_AFTER_S = 20.0  # the line's default: offered to the backups after 20 s
CHANNELS = (("voice", 0.85), ("sms", 0.08), ("web_chat", 0.07))
# Iran hour → relative volume: quiet before dawn, a morning and an evening peak.
HOURLY = (0.35, 0.25, 0.18, 0.14, 0.12, 0.15, 0.3, 0.55, 0.85, 1.05, 1.15, 1.2,
          1.15, 1.05, 1.0, 1.0, 1.05, 1.15, 1.25, 1.3, 1.3, 1.2, 0.95, 0.6)
FRIDAY = 0.85  # the weekend day is a little quieter
# Social-emergency categories, Alborz's order first (weights), then the rarer ones.
EMERGENCY_CATEGORIES = (
    ("family_conflict", 30), ("child_abuse", 17), ("spouse_abuse", 15),
    ("suicidal_thoughts", 10), ("elder_abuse", 6), ("suicide_attempt", 5), ("runaway", 5),
    ("woman_at_risk", 5), ("street_child", 4), ("disability_abuse", 2), ("sexual_abuse", 1))
OTHER_CATEGORIES = (
    ("information_request", 30), ("counselling_request", 25), ("referral_request", 15),
    ("legal_question", 10), ("addiction", 8), ("financial_hardship", 6), ("housing", 3),
    ("service_complaint", 2), ("other", 1))
# (risk, weight) by category; a category not listed is medium or low.
RISKS: dict[str, tuple[tuple[str, int], ...]] = {
    "suicide_attempt": (("immediate", 6), ("high", 4)),
    "suicidal_thoughts": (("immediate", 1), ("high", 5), ("medium", 4)),
    "child_abuse": (("immediate", 1), ("high", 3), ("medium", 5), ("low", 1)),
    "spouse_abuse": (("immediate", 1), ("high", 3), ("medium", 5), ("low", 1)),
    "woman_at_risk": (("immediate", 1), ("high", 4), ("medium", 5)),
    "sexual_abuse": (("immediate", 1), ("high", 6), ("medium", 3)),
}
# Which partner agencies a category is handed to, nearest first.
AGENCY_DOMAINS: dict[str, tuple[str, ...]] = {
    "suicide_attempt": ("ems", "hospital"), "suicidal_thoughts": ("hospital", "ems"),
    "child_abuse": ("police", "judiciary"), "spouse_abuse": ("police", "judiciary"),
    "elder_abuse": ("police", "welfare"), "sexual_abuse": ("police", "judiciary"),
    "legal_question": ("judiciary",), "addiction": ("hospital", "welfare", "ngo"),
    "financial_hardship": ("welfare", "ngo"), "housing": ("welfare", "ngo"),
}
CALLBACK_EVERY = timedelta(minutes=10)  # risk ≥ medium: due in 10 min, retried every 10
CALLBACK_ATTEMPTS = 3
