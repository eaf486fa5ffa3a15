"""Issue 15's Done-when in real browsers: a province set up from nothing, in production.

An empty production database (the reference geography and the OpenStreetMap boundaries,
no demo). The IT officer makes the first administrator with ``panah users create``; the
administrator signs in with the password and the authenticator app the command printed,
imports Mazandaran's centres, posts, vehicles and staff from XLSX files on the import page,
and makes one-time links for a counsellor and a dispatcher. Each opens the link in a
browser of their own, sets a password, signs in, sets up the second factor and arrives
home. Then the 123 line works with them: a visitor's chat from a phone in Chalus reaches
the counsellor's queue and she takes it; she asks for a mobile team, and the dispatcher's
board shows the imported vehicles and the request, and he sends one.

The staff file comes before the vehicles file: the vehicles file seats MZN-12's crew (a
social worker and a psychologist of the staff file) by username, so the board recommends
MZN-12 with its crew complete, while MZN-11, whose crew cells are blank, has none.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn
from openpyxl import Workbook
from playwright.sync_api import Browser, FilePayload, Page, expect
from typer.testing import CliRunner

from panah.config import Settings
from panah.core.clock import FrozenClock
from tests.conftest import BOUNDARIES, NOWRUZ, TEST_ENCRYPTION_KEYS, TEST_HASH_KEY
from tests.e2e.conftest import LiveServer, _free_port, _offline_page, screenshot

pytestmark = pytest.mark.e2e

SECRET_KEY = "p" * 40
AUDIT_KEYS = "a1:QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
ADMIN, ADMIN_PASSWORD = "mzn.it", "violet tractor harbour pencil"
COUNSELLOR, DISPATCHER = "n.karimi", "b.ahmadi"
STAFF_PASSWORDS = {COUNSELLOR: "quiet river lantern meadow",
                   DISPATCHER: "amber falcon stone bridge"}
CHALUS = {"latitude": 36.6550, "longitude": 51.4205, "accuracy": 30}
DESK = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}

# Mazandaran as its IT officer writes it: a 123 centre in Sari and two county centres that
# between them answer for every county of the province (the شهرستان معین rule).
CENTRES = [
    ["کد", "نوع", "نام فارسی", "نام انگلیسی", "استان", "شهرستان", "شهرستان‌های تحت پوشش",
     "ساعات کار"],
    ["MZN-123", "مرکز ۱۲۳", "مرکز ۱۲۳ مازندران", "Mazandaran 123 centre", "مازندران",
     "ساری", "", "24/7"],
    ["MZN-C-SARI", "مرکز شهرستان", "مرکز اورژانس اجتماعی ساری", "Sari centre", "مازندران",
     "ساری", "میاندورود، جویبار، قائم شهر، سوادکوه، سوادکوه شمالی، سیمرغ، نکا، بهشهر، گلوگاه، "
     "بابل، بابلسر، فریدونکنار، آمل، محمودآباد", "24/7"],
    ["MZN-C-CHALUS", "مرکز شهرستان", "مرکز اورژانس اجتماعی چالوس", "Chalus centre",
     "مازندران", "چالوس", "نوشهر، کلاردشت، عباس‌آباد، تنکابن، رامسر، نور", "24/7"],
]
# A permanent post in Sari and a Nowruz post on the Chalus shore, open over Nowruz 1405.
POSTS = [
    ["کد", "نوع", "نام فارسی", "نام انگلیسی", "شهرستان", "عرض", "طول", "از تاریخ",
     "تا تاریخ"],
    ["MZN-P-SARI", "دائمی", "پایگاه ساری", "Sari post", "ساری", "36.5633", "53.0601", "", ""],
    ["MZN-N-CHALUS", "نوروزی", "پایگاه نوروزی ساحل چالوس", "Chalus shore Nowruz post",
     "چالوس", "۳۶٫۶۶۰۰", "51.4150", "1404-12-25", "1405-01-15"],
]
SOCIAL_WORKER, PSYCHOLOGIST = "sh.rahmani", "p.nouri"
VEHICLES = [
    ["شناسهٔ رادیویی", "نوع", "کد مرکز", "کد پایگاه", "مددکاران اجتماعی", "روان‌شناسان"],
    ["MZN-11", "ون", "MZN-C-SARI", "MZN-P-SARI", "", ""],
    ["MZN-12", "ون", "MZN-C-CHALUS", "MZN-N-CHALUS", SOCIAL_WORKER, PSYCHOLOGIST],
]
STAFF = [
    ["نام کاربری", "نام و نام خانوادگی", "نقش", "استان", "کد مرکز", "زبان‌ها", "زن", "تلفن"],
    [COUNSELLOR, "نگار کریمی", "کارشناس خط ۱۲۳", "مازندران", "MZN-123", "فارسی، مازندرانی",
     "بله", ""],
    [DISPATCHER, "بهرام احمدی", "کارشناس اعزام", "مازندران", "MZN-123", "فارسی", "خیر", ""],
    [SOCIAL_WORKER, "شیوا رحمانی", "مددکار اجتماعی", "مازندران", "MZN-C-CHALUS", "فارسی",
     "بله", "09111234567"],
    [PSYCHOLOGIST, "پیمان نوری", "روانشناس", "مازندران", "MZN-C-CHALUS", "فارسی", "خیر", ""],
]


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.worksheets[0].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- an empty production install ----------------------------------------------------------


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated to head, the reference geography and (where ../shared is) the OSM
    boundaries: what `panah db upgrade` and `panah geo` leave. No demo, no user."""
    from panah.core.db import make_engine, make_session_factory, unit_of_work
    from panah.core.migrate import upgrade
    from panah.geo.service import import_boundaries, load_reference
    from panah.security.crypto import KeyRing, configure_keyring

    configure_keyring(KeyRing.parse(TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY))
    path = tmp_path_factory.mktemp("fresh-template") / "panah.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        load_reference(session)
    if BOUNDARIES.is_dir():
        with unit_of_work(factory) as session:
            import_boundaries(session, BOUNDARIES, now=NOWRUZ)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def production_env(database: Path) -> dict[str, str]:
    """What the operator's environment holds: the command and the server read the same."""
    return {"PANAH_ENVIRONMENT": "production", "PANAH_DATABASE_URL": f"sqlite:///{database}",
            "PANAH_SECRET_KEY": SECRET_KEY, "PANAH_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
            "PANAH_HASH_KEY": TEST_HASH_KEY, "PANAH_AUDIT_KEYS": AUDIT_KEYS}


@contextmanager
def production_server(database: Path) -> Iterator[LiveServer]:
    """``panah serve`` in production on ``database``, with websockets (the chat runs on
    them), at the frozen hour of Nowruz. Production keeps its defaults: Secure cookies
    (Chromium keeps them from http://127.0.0.1, a potentially trustworthy origin) and the
    second factor required of everyone."""
    from panah.main import create_app

    settings = Settings(
        environment="production",  # type: ignore[arg-type]
        database_url=f"sqlite:///{database}", secret_key=SECRET_KEY,
        encryption_keys=TEST_ENCRYPTION_KEYS, hash_key=TEST_HASH_KEY, audit_keys=AUDIT_KEYS,
        timers=False)
    assert settings.secure_cookies and settings.second_factor.value == "required"
    app = create_app(settings, clock=FrozenClock(NOWRUZ))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", http="h11", lifespan="off",
        ws="websockets-sansio"))  # sans-I/O: no deprecated legacy API (warnings are errors)
    thread = threading.Thread(target=server.run, name=f"panah-fresh-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the production Panah server did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", with_boundaries=BOUNDARIES.is_dir())
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


def create_first_admin(database: Path, folder: Path) -> str:
    """`panah users create` as the IT officer runs it; the authenticator secret it prints."""
    from panah.cli import app

    password_file = folder / "admin-password.txt"
    password_file.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        for name, value in production_env(database).items():
            env.setenv(name, value)
        result = CliRunner().invoke(app, [
            "users", "create", "--username", ADMIN, "--role", "admin", "--province", "IR-02",
            "--full-name", "رضا مدیری", "--password-file", str(password_file)])
    assert result.exit_code == 0, result.output
    assert f"otpauth://totp/Panah:{ADMIN}?secret=" in result.output
    return result.output.split("secret=")[1].split("&")[0]


# ---- the people ---------------------------------------------------------------------------


@contextmanager
def desk(browser: Browser, server: LiveServer) -> Iterator[Page]:
    with _offline_page(browser, server, **DESK) as page:
        yield page


def password_step(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/second-factor")


def code_step(page: Page, secret: str) -> None:
    page.fill("#code", pyotp.TOTP(secret).at(NOWRUZ))
    page.click(".second-factor-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url and "/access" not in url)
    expect(page.locator("h1")).to_contain_text("خوش آمدید")


def upload(page: Page, kind: str, name: str, rows: list[list[Any]], *, for_real: bool) -> None:
    """Upload one file on the import page: checked only (the box ticked, as the page
    offers it) or for real. The report names the file and every row is new."""
    page.goto("/admin/import")
    page.select_option("#import-kind", kind)
    page.set_input_files("#import-file", files=FilePayload(
        name=name, buffer=xlsx(rows),
        mimeType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    expect(page.locator("input[name=dry_run]")).to_be_checked()
    if for_real:
        page.locator("input[name=dry_run]").uncheck()
    page.locator(".import-form button[type=submit]").click()
    report = page.locator("section.import-report")
    outcome = "imported" if for_real else "checked"
    expect(report).to_have_class(f"card import-report import-{outcome}", timeout=20_000)
    expect(report).to_contain_text(name)
    new = str(len(rows) - 1).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    expect(report.locator(".import-counts li").nth(1)).to_contain_text(new)
    expect(page.locator("table.import-problems")).to_have_count(0)


def import_file(page: Page, kind: str, name: str, rows: list[list[Any]]) -> None:
    upload(page, kind, name, rows, for_real=True)


def one_time_link(page: Page, username: str) -> str:
    page.goto("/admin/people")
    page.locator(f"a[href='/admin/people/{username}']").first.click()
    page.wait_for_url(f"**/admin/people/{username}")
    page.select_option("#purpose", "password")
    page.locator(".people-link-form button[type=submit]").click()
    link = page.locator("#people-link-url")
    expect(link).to_contain_text("/access/")
    return link.inner_text().strip()


def first_sign_in(page: Page, link: str, username: str) -> None:
    """Open the link, set a password, sign in and set up the authenticator app."""
    password = STAFF_PASSWORDS[username]
    page.goto(link)
    expect(page.locator(".access-link-card")).to_contain_text(username)
    page.fill("#password", password)
    page.fill("#password_again", password)
    page.locator(".access-link-form button[type=submit]").click()
    expect(page.locator(".access-link-card .alert-success")).to_be_visible()
    password_step(page, username, password)
    expect(page.locator("h1")).to_have_text("راه‌اندازی عامل دوم ورود")
    secret = page.locator(".totp-secret").get_attribute("data-secret")
    assert secret, "the page shows no secret to type into the app"
    code_step(page, secret)


def answer(page: Page, question: str, value: str) -> None:
    form = page.locator("form.triage-screen")
    expect(form.locator("#screen-question")).to_have_attribute("data-question", question)
    form.locator(f"button[data-answer={value}]").click()


def request_team(page: Page) -> None:
    """Spouse abuse, a lethality screen that comes out high, and the mobile team it
    proposes, with the cautions the crew must see (as tests/e2e/test_triage.py)."""
    panel = page.locator("#triage-panel")
    panel.locator("input[name=category][value=spouse_abuse]").check()
    panel.locator("#save-categories").click()
    expect(page.locator("#triage-notice")).to_be_visible()
    page.locator("button[data-start=lethality_screen]").click()
    answer(page, "danger_now", "no")
    answer(page, "q1_weapon", "no")
    answer(page, "q2_threat_to_kill", "yes")
    answer(page, "q3_might_kill", "yes")
    page.locator("#finish-screen").click()
    expect(page.locator("#triage-panel")).to_have_attribute("data-risk", "high")
    proposal = page.locator("#triage-proposals li[data-kind=mobile_team]")
    proposal.locator("input[name=caution][value=violent_person]").check()
    proposal.locator("input[name=caution][value=children_present]").check()
    page.locator("#request-mobile-team").click()
    expect(page.locator("#triage-taken li[data-dispatch]")).to_have_count(1)


def queue_rows(page: Page) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page.locator("#line-queue-table tbody tr").evaluate_all(
        "rows => rows.map(r => ({id: Number(r.dataset.contact), channel: r.dataset.channel}))")
    return rows


def test_a_province_set_up_from_nothing_answers_its_first_chat_and_sends_its_first_team(
    browser: Browser, empty_db: Path, tmp_path: Path,
) -> None:
    database = tmp_path / "panah.db"
    shutil.copyfile(empty_db, database)
    admin_secret = create_first_admin(database, tmp_path)

    with production_server(database) as server, desk(browser, server) as admin:
        # 2. The administrator: the password, then a code from the app the command set up.
        password_step(admin, ADMIN, ADMIN_PASSWORD)
        # The command began the enrolment; the first sign-in confirms it with a code from
        # the app set up from what it printed (the same secret, shown again).
        expect(admin.locator("h1")).to_have_text("راه‌اندازی عامل دوم ورود")
        expect(admin.locator(".totp-secret")).to_have_attribute("data-secret", admin_secret)
        code_step(admin, admin_secret)
        cookie = next(c for c in admin.context.cookies() if c["httpOnly"])
        assert cookie["secure"], "production sets Secure cookies"

        # 3. The province from files: centres first, then posts, staff, and the vehicles
        # with their crews (people of the staff file, by username).
        upload(admin, "centres", "مراکز-مازندران.xlsx", CENTRES, for_real=False)
        admin.goto("/admin/centres")
        expect(admin.locator("main")).not_to_contain_text("MZN-C-CHALUS")  # checked only
        import_file(admin, "centres", "مراکز-مازندران.xlsx", CENTRES)
        screenshot(admin, "fresh-province-import-fa.png")
        import_file(admin, "posts", "پایگاه‌ها.xlsx", POSTS)
        import_file(admin, "users", "کارکنان.xlsx", STAFF)
        import_file(admin, "vehicles", "خودروها.xlsx", VEHICLES)
        admin.goto("/admin/vehicles")
        crew = admin.locator('.vehicles-table tr[data-call-sign="MZN-12"] .unit-crew')
        expect(crew).to_contain_text("شیوا رحمانی")
        expect(crew).to_contain_text("پیمان نوری")
        admin.goto("/admin/centres")
        expect(admin.locator("main")).to_contain_text("MZN-C-CHALUS")

        # 4. One-time links; each opens theirs in a browser of their own.
        links = {name: one_time_link(admin, name) for name in (COUNSELLOR, DISPATCHER)}
        with desk(browser, server) as counsellor, desk(browser, server) as dispatcher, \
                _offline_page(browser, server, **PHONE, geolocation=CHALUS,
                              permissions=["geolocation"]) as phone:
            first_sign_in(counsellor, links[COUNSELLOR], COUNSELLOR)
            expect(counsellor.locator(".whoami-role")).to_have_text("کارشناس خط ۱۲۳")
            first_sign_in(dispatcher, links[DISPATCHER], DISPATCHER)

            # 5a. The 123 line: a visitor's chat from Chalus reaches the counsellor.
            counsellor.goto("/line")
            words = "کمک می‌خواهم. همسرم تهدیدم می‌کند و بچه‌ها می‌ترسند."
            phone.goto("/help")
            phone.click("#share-location")
            expect(phone.locator("#location-status")).to_contain_text("30")
            phone.fill("#message", words)
            phone.click("#start-chat")
            expect(phone.locator("#chat-log .msg[data-sender=caller]")).to_have_text(words)
            first = counsellor.locator("#line-queue-table tbody tr").first
            expect(first).to_have_attribute("data-channel", "web_chat", timeout=15_000)
            expect(first).to_contain_text("مازندران")
            chat_id = queue_rows(counsellor)[0]["id"]
            first.locator("[data-take]").click()
            counsellor.wait_for_url(f"**/line/contacts/{chat_id}")
            expect(counsellor.locator("#contact-state")).to_have_attribute(
                "data-state", "answered")
            log = counsellor.locator("#line-chat-log")
            expect(log.locator(".msg[data-sender=caller] .msg-text").first).to_have_text(words)
            hello = "سلام، من نگار هستم، کارشناس ۱۲۳. الان امن هستی؟"
            counsellor.fill("#line-chat-input", hello)
            counsellor.press("#line-chat-input", "Enter")
            expect(phone.locator("#chat-log .msg[data-sender=counsellor]")).to_contain_text(
                "من نگار هستم")

            # 5b. She screens the danger, and asks for a mobile team as the screen proposes.
            request_team(counsellor)
            dispatcher.goto("/dispatch")
            for call_sign in ("MZN-11", "MZN-12"):
                expect(dispatcher.locator(f'#board-units tr[data-unit="{call_sign}"]')
                       ).to_be_visible()
            request = dispatcher.locator("#board-requests li[data-request]")
            expect(request).to_have_count(1)
            expect(request).to_contain_text("خطر بالا")
            request.locator("button").click()
            incident = dispatcher.locator("#board-incidents li.board-incident").first
            expect(incident).to_be_visible()
            expect(incident.locator(".caution")).to_have_count(2)
            # MZN-12's crew came with the vehicles file: its seats are filled.
            incident.locator("[data-recommend]").click()
            pick = incident.locator("li.pick").first
            expect(pick).to_contain_text("MZN-12")
            expect(pick).to_contain_text("پایگاه نوروزی ساحل چالوس")
            pick.locator("[data-assign]").click()
            expect(dispatcher.locator("#board-message")).to_contain_text("MZN-12")
            row = dispatcher.locator('#board-units tr[data-unit="MZN-12"]')
            expect(row.locator("[data-unit-status]")).to_have_attribute(
                "data-unit-status", "dispatched")
            screenshot(dispatcher, "fresh-province-board-fa.png")
