"""The directory through HTTP: partner agencies by county, services searched in Persian and
English, nearest first, for named demo users on the demo directory."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import func, select

from panah.core.clock import FrozenClock
from panah.core.db import unit_of_work
from panah.geo.orm import County
from panah.triage.demo import load_triage_demo
from panah.triage.orm import Agency, FollowUp, Resource
from tests.api.conftest import People

RESOURCES, AGENCIES = "/api/directory/resources", "/api/directory/agencies"


def county_key(app: FastAPI, name_en: str) -> str:
    with unit_of_work(app.state.session_factory) as session:
        key = session.scalar(select(County.key).where(County.name_en == f"{name_en} County"))
    assert key is not None
    return key


def tiers(rows: list[dict[str, Any]], county: str, province: str) -> list[int]:
    return [0 if r["county_key"] == county else 1 if r["province_code"] == province
            else 2 if r["province_code"] is None else 9 for r in rows]


def test_counselling_in_chalus_lists_chalus_then_mazandaran_then_national(
    app: FastAPI, people: People,
) -> None:
    chalus = county_key(app, "Chalus")
    found = people("counsellor").get(RESOURCES, params={"q": "مشاوره", "county": "چالوس"})
    assert found.status_code == 200, found.text
    rows = found.json()
    order = tiers(rows, chalus, "IR-02")
    assert order[0] == 0 and order == sorted(order) and 9 not in order
    assert rows[0]["code"] == "res-ir02-chalus-counselling"
    assert {"res-ir02-sari-counselling", "res-1480"} <= {r["code"] for r in rows}
    assert rows[-1]["code"] == "res-1480"  # national, last
    assert all("(نمایشی)" in r["name_fa"] and "(demo)" in r["name_en"] for r in rows)


def test_arabic_letters_and_zwnj_find_the_persian_names(people: People) -> None:
    counsellor = people("counsellor")
    arabic = counsellor.get(RESOURCES, params={"q": "كمك", "province": "IR-02"}).json()
    persian = counsellor.get(RESOURCES, params={"q": "کمک", "province": "IR-02"}).json()
    assert arabic and arabic == persian
    joined = counsellor.get(RESOURCES, params={"q": "مشاوره‌ی", "county": "Sari"}).json()
    assert joined[0]["code"] == "res-ir02-sari-counselling"


def test_an_english_search_and_a_misspelt_one_find_addiction_services(
    app: FastAPI, people: People,
) -> None:
    counsellor = people("counsellor")
    rows = counsellor.get(RESOURCES, params={"q": "Addiction", "county": "Q1282160",
                                             "lang": "en"}).json()
    codes = [r["code"] for r in rows]
    assert codes[0] == "res-ir02-chalus-mmt"  # Chalus's own clinic first
    assert {"res-ir02-sari-camp", "res-ir02-babol-drop-in"} <= set(codes)
    assert not any(c.startswith("res-ir01") for c in codes)
    typo = counsellor.get(RESOURCES, params={"q": "adiction", "province": "IR-02"}).json()
    assert {r["code"] for r in typo} >= {"res-ir02-sari-camp", "res-ir02-chalus-mmt"}


def test_a_need_narrows_the_list_and_labels_come_in_both_languages(people: People) -> None:
    rows = people("supervisor").get(RESOURCES, params={"need": "street_child",
                                                       "county": "Babolsar"}).json()
    assert rows[0]["code"] == "res-ir02-babolsar-children"
    assert all("street_child" in [n["code"] for n in r["needs"]] for r in rows)
    need = next(n for n in rows[0]["needs"] if n["code"] == "street_child")
    assert need["label_fa"] == "کودکان کار و خیابان"


def test_unknown_places_and_needs_are_refused_with_what_to_do(people: People) -> None:
    counsellor = people("counsellor")
    unknown = counsellor.get(RESOURCES, params={"county": "Atlantis"})
    assert unknown.status_code == 422 and "شهرستان" in unknown.json()["message_fa"]
    mismatch = counsellor.get(AGENCIES, params={"county": "Chalus", "province": "IR-01"})
    assert mismatch.status_code == 422 and "IR-02" in mismatch.json()["message"]
    assert counsellor.get(RESOURCES, params={"province": "IR-99"}).status_code == 422
    assert counsellor.get(RESOURCES, params={"need": "pizza"}).status_code == 422


def test_agencies_in_chalus_are_its_own_then_the_province_then_1480(
    app: FastAPI, people: People,
) -> None:
    chalus = county_key(app, "Chalus")
    rows = people("counsellor").get(AGENCIES, params={"county": chalus}).json()
    codes = [r["code"] for r in rows]
    assert codes[0] == "police-110-ir02-chalus"
    assert {"judiciary-ir02-chalus", "hospital-ir02-chalus", "ems-115-ir02",
            "police-110-ir02", "ngo-ir02-women", "ngo-ir02-child-rights"} <= set(codes)
    assert codes[-1] == "line-1480"
    assert "police-110-ir02-sari" not in codes  # not another county's station
    order = tiers(rows, chalus, "IR-02")
    assert order == sorted(order) and 9 not in order


def test_mazandaran_police_take_hand_overs_by_the_partner_api(people: People) -> None:
    police = people("counsellor").get(AGENCIES, params={"province": "IR-02",
                                                        "domain": "police"}).json()
    counties = {"chalus", "sari", "babol", "babolsar", "amol", "nowshahr", "ramsar",
                "tonekabon"}
    assert {f"police-110-ir02-{c}" for c in counties} <= {r["code"] for r in police}
    assert police[0]["code"] == "police-110-ir02"  # province-wide first
    assert all(r["has_partner_api"] and r["phone"] == "110" for r in police)
    gilan = people("counsellor_gilan").get(AGENCIES, params={"province": "IR-01"}).json()
    assert {"police-110-ir01", "ems-115-ir01", "hospital-ir01-shafa"} <= {
        r["code"] for r in gilan}
    assert not any(r["has_partner_api"] for r in gilan)


def test_every_staff_role_may_read_the_directory_but_not_a_partner_account(
    people: People,
) -> None:
    for username in ("counsellor", "dispatcher", "social_worker", "analyst"):
        assert people(username).get(AGENCIES).status_code == 200, username
    assert people("partner_agency").get(RESOURCES).status_code == 403


def test_loading_the_demo_again_duplicates_nothing(app: FastAPI, clock: FrozenClock) -> None:
    def counts() -> tuple[int, int, int]:
        with unit_of_work(app.state.session_factory) as session:
            return tuple(session.scalar(select(func.count()).select_from(m)) or 0
                         for m in (Agency, Resource, FollowUp))  # type: ignore[return-value]

    before = counts()
    assert before[0] >= 30 and before[1] >= 25 and before[2] >= 2
    clock.advance(days=3)
    with unit_of_work(app.state.session_factory) as session:
        load_triage_demo(session, now=clock.now())
    assert counts() == before
