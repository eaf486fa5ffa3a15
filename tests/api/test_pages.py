"""The pages: each role's home shows its own real data; languages, dates, the map."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from panah.security.roles import Role
from tests.conftest import login

HTML = {"Accept": "text/html"}

# What each demo user's home must show: strings taken from the demo data in the database.
ROLE_CONTENT: dict[str, tuple[str, ...]] = {
    "counsellor": ("مرکز استانی خط ۱۲۳ مازندران", "کلاردشت", "معین: شهرستان چالوس", "شهرستان معین"),
    "dispatcher": ("MZN-01", "پایگاه نوروزی ساحل چالوس", "مریم رضایی", "آماده در پایگاه"),
    "supervisor": ("MZN-11", "پایگاه نوروزی جادهٔ هراز", "ون ویژه"),
    "field_crew": ("خودروی شما", "MZN-01", "پایگاه نوروزی ساحل چالوس", "علی محمدی"),
    "social_worker": ("مرکز مداخله در بحران ساری", "۱۲ تخت", "مرکز مداخله در بحران چالوس"),
    "psychologist": ("مرکز مداخله در بحران ساری", "۶ تخت"),
    "psychiatrist": ("مرکز مداخله در بحران ساری",),
    "legal_adviser": ("مرکز مداخله در بحران ساری",),
    "shelter_manager": ("مرکز مداخله در بحران ساری", "خانهٔ امن ساری"),
    "community_worker": (
        "پایگاه خدمات اجتماعی محلهٔ کمربندی ساری", "پایگاه خدمات اجتماعی حاشیهٔ بابل"
    ),
    "provincial_manager": ("مراکز و تیم‌ها در هر شهرستان", "پایگاه نوروزی کلاردشت", "۱۴۰۵/۰۱/۱۵"),
    "national_office": ("مراکز و تیم‌ها در هر استان", "مازندران", "گیلان", "پایگاه نوروزی رامسر"),
    "analyst": ("شبکهٔ خدمات در یک نگاه", "تخت‌های خانهٔ امن", "تقریبی (بدون مرز)"),
    # Issue 14: a partner's home shows its referrals and the inbox, no "coming soon"; a
    # machine account's says it works through its keys.
    "partner_agency": ("مرکز استانی خط ۱۲۳ مازندران", "ارجاع‌های باز به سازمان شما",
                       'href="/partner"'),
    "integration": ("این حساب برای سامانه‌هاست",),
    "admin": ("کاربران بر پایهٔ نقش", 'href="/admin/people?role=counsellor"',
              'href="/admin/import"', "تقریبی (بدون مرز)"),
}


def _home(client: TestClient, username: str) -> str:
    login(client, username)
    page = client.get("/", headers=HTML)
    assert page.status_code == 200, page.text
    return page.text


def test_every_role_has_a_home_in_this_test() -> None:
    assert set(ROLE_CONTENT) == {role.value for role in Role}


@pytest.mark.parametrize("username", sorted(ROLE_CONTENT))
def test_each_roles_home_shows_its_own_data(client: TestClient, username: str) -> None:
    page = _home(client, username)
    for expected in ROLE_CONTENT[username]:
        assert expected in page, f"{username}'s home lacks {expected!r}"
    assert re.search(r'<span class="whoami-role">[^<]*[\u0600-\u06ff]', page)


def test_homes_differ_by_role(client: TestClient) -> None:
    assert "MZN-01" not in _home(client, "counsellor")
    client.cookies.clear()
    assert "کلاردشت" not in _home(client, "analyst")


def test_counsellor_home_lists_every_mazandaran_county_with_its_centre(
    client: TestClient,
) -> None:
    page = _home(client, "counsellor")
    table = page.split('class="data coverage-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr") == 1 + 22  # the header and the 22 counties
    assert table.count('class="covered"') == 7


def test_gilan_counsellor_sees_gilan_not_mazandaran(client: TestClient) -> None:
    page = _home(client, "counsellor_gilan")
    assert "مرکز استانی خط ۱۲۳ گیلان" in page
    assert "مازندران" not in page
    assert "پوشش شهرستان‌های این استان هنوز ثبت نشده است" in page


def test_persian_page_is_rtl_with_a_jalali_date_in_persian_digits(client: TestClient) -> None:
    page = _home(client, "counsellor")
    assert '<html lang="fa" dir="rtl">' in page
    assert "۱۴۰۵/۰۱/۰۲ ۱۰:۰۰" in page  # the frozen clock: 22 March 2026, 10:00 in Tehran
    assert "Vazirmatn" in page or "vazirmatn" in page
    assert "نگار کارشناس" in page and "کارشناس خط ۱۲۳" in page


def test_english_switch_gives_ltr_and_gregorian_dates(client: TestClient) -> None:
    login(client, "provincial_manager")
    assert client.get("/lang/en?next=/").status_code == 303
    page = client.get("/", headers=HTML).text
    assert '<html lang="en" dir="ltr">' in page
    assert "2026-03-22 10:00" in page
    assert "2026-04-04" in page  # the Nowruz posts close on 15 Farvardin
    assert "Kelardasht Nowruz post" in page
    assert "Provincial manager" in page


def test_lang_query_overrides_the_cookie_for_one_request(client: TestClient) -> None:
    login(client, "dispatcher")
    assert 'dir="ltr"' in client.get("/?lang=en", headers=HTML).text
    assert 'dir="rtl"' in client.get("/", headers=HTML).text


def test_header_nav_offers_only_what_the_role_may_open(client: TestClient) -> None:
    assert 'href="/map"' in _home(client, "dispatcher")
    client.cookies.clear()
    assert 'href="/map"' not in _home(client, "analyst")


def test_pages_use_no_cdn_or_internet_resources(client: TestClient) -> None:
    login(client, "counsellor")
    for path in ("/", "/map", "/login"):
        page = client.get(path, headers=HTML).text
        assert not re.search(r"""(src|href)=["']https?://""", page), path
        assert "/static/vendor/" in page


def test_analyst_may_not_open_the_map(client: TestClient) -> None:
    login(client, "analyst")
    page = client.get("/map", headers=HTML)
    assert page.status_code == 403
    assert "نقش شما اجازهٔ این کار را نمی‌دهد" in page.text
    assert "Your role does not allow this" in page.text


def _map_data(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    assert found
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_map_page_embeds_the_provinces_centres_and_posts(client: TestClient) -> None:
    login(client, "counsellor")
    page = client.get("/map", headers=HTML)
    assert page.status_code == 200
    assert "leaflet-1.9.4/leaflet.js" in page.text
    data = _map_data(page.text)
    assert data["province"] == "IR-02"
    centres = {c["code"] for c in data["centres"]}  # type: ignore[attr-defined]
    assert {"MZN-123", "MZN-CIC-SARI"} <= centres
    assert "GLN-123" not in centres
    posts = {p["code"]: p for p in data["posts"]}  # type: ignore[attr-defined]
    assert posts["MZN-N-CHALUS"]["active_from"] == "۱۴۰۴/۱۲/۲۵"
    assert 'id="approximate-banner"' in page.text
    assert "جغرافیا تقریبی است" in page.text


def test_map_can_show_another_province(client: TestClient) -> None:
    login(client, "national_office")
    whole = _map_data(client.get("/map", headers=HTML).text)
    assert whole["province"] is None
    gilan = _map_data(client.get("/map?province=IR-01", headers=HTML).text)
    assert gilan["province"] == "IR-01"
    assert [c["code"] for c in gilan["centres"]] == ["GLN-123"]  # type: ignore[attr-defined]


def test_health_and_openapi_answer(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    assert "/map" in spec.json()["paths"]


def test_static_assets_are_served_locally(client: TestClient) -> None:
    for path in (
        "/static/css/panah.css",
        "/static/js/map.js",
        "/static/vendor/leaflet-1.9.4/leaflet.js",
        "/static/vendor/htmx-2.0.11/htmx.min.js",
        "/static/vendor/vazirmatn-33.0.3/fonts/Vazirmatn-Variable.woff2",
    ):
        assert client.get(path).status_code == 200, path
