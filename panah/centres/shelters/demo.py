"""Demo shelters (invented, issue 17): Sari's (12 beds), Chalus's (6) and Tehran's (10), run
by the crisis-intervention centres. Their addresses and phones are made up and distinctive,
so a test can look for them in every response."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from panah.centres.orm import Centre
from panah.centres.shelters.model import Suits
from panah.centres.shelters.orm import Shelter, ShelterBed, ShelterRoom

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
W, C, G = Suits.woman_alone, Suits.woman_with_children, Suits.girl_under_18
# A bed: (label, accessible, child's bed).
Beds = tuple[tuple[str, bool, bool], ...]


def _beds(n: int, first: int = 1, *, accessible: int = 0, children: int = 0) -> Beds:
    labels = [f"تخت {i}".translate(FA_DIGITS) for i in range(first, first + n + children)]
    return tuple((label, i < accessible, i >= n) for i, label in enumerate(labels))


# (centre code, name fa, name en, address, phone, rooms: (name, suits, beds))
DEMO_SHELTERS: tuple[tuple[str, str, str, str, str,
                           tuple[tuple[str, frozenset[Suits], Beds], ...]], ...] = (
    ("MZN-CIC-SARI", "خانهٔ امن ساری", "Sari shelter",
     "کوچهٔ نارنج‌زار، پلاک ۴۱۷ (نشانی ساختگی)", "011-3391-4072", (
         ("اتاق ۱", frozenset({W}), _beds(4, accessible=1)),
         ("اتاق ۲", frozenset({C}), _beds(4, 5, children=2)),
         ("اتاق ۳", frozenset({G}), _beds(2, 11)),
     )),
    ("MZN-CIC-CHALUS", "خانهٔ امن چالوس", "Chalus shelter",
     "بن‌بست شمشاد، پلاک ۲۹۳ (نشانی ساختگی)", "011-5226-8315", (
         ("اتاق ۱", frozenset({W, C}), _beds(4, accessible=1)),
         ("اتاق ۲", frozenset({G}), _beds(2, 5)),
     )),
    ("THR-CIC-TEHRAN", "خانهٔ امن تهران", "Tehran shelter",
     "کوچهٔ اقاقیا، پلاک ۸۶۵ (نشانی ساختگی)", "021-7708-5519", (
         ("اتاق ۱", frozenset({W}), _beds(4, accessible=1)),
         ("اتاق ۲", frozenset({C}), _beds(3, 5, children=1)),
         ("اتاق ۳", frozenset({G}), _beds(2, 9)),
     )),
)


def load_demo(session: Session, *, now: datetime) -> int:
    """Make the demo shelters once, with their rooms and beds. Returns rows made."""
    if session.scalar(select(func.count()).select_from(Shelter)):
        return 0
    centres = {c.code: c for c in session.scalars(select(Centre))}
    made = 0
    for code, name_fa, name_en, address, phone, rooms in DEMO_SHELTERS:
        centre = centres.get(code)
        if centre is None:
            continue
        shelter = Shelter(centre_id=centre.id, province_code=centre.province_code,
                          county_id=centre.county_id, name_fa=name_fa, name_en=name_en,
                          address=address, phone=phone, active=True, created_at=now)
        session.add(shelter)
        session.flush()
        for room_name, suits, beds in rooms:
            room = ShelterRoom(shelter_id=shelter.id, name=room_name,
                               suits=",".join(sorted(suits)), active=True)
            session.add(room)
            session.flush()
            session.add_all(ShelterBed(room_id=room.id, shelter_id=shelter.id, label=label,
                                       accessible=accessible, child_bed=child, active=True)
                            for label, accessible, child in beds)
            made += 1 + len(beds)
        made += 1
    session.flush()
    return made
