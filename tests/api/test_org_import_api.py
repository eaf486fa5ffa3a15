"""/admin/import and /api/org/{import,export,template}: the national administrator imports
any kind; the Mazandaran manager the organisation of Mazandaran only, never people; the
others nothing."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from tests.api.conftest import HTML, People

POST_HEADER = ["کد", "نوع", "نام فارسی", "نام انگلیسی", "شهرستان", "عرض", "طول", "از تاریخ",
               "تا تاریخ"]
NUR = ["MZN-N-NUR2", "نوروزی", "پایگاه نوروزی نور", "Nur Nowruz post", "نور", "36.58", "52.02",
       "1405-12-25", "1406-01-15"]
UNDATED = ["MZN-N-BAD", "نوروزی", "پایگاه بی‌تاریخ", "Undated post", "نور", "36.58", "52.02",
           "", ""]
RASHT = ["GLN-P-RASHT", "دائمی", "پایگاه رشت", "Rasht post", "رشت", "37.28", "49.58", "", ""]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    for row in rows:
        book.worksheets[0].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _send(people: People, who: str, kind: str, data: bytes, **form: str) -> Any:
    return people(who).post("/api/org/import", data={"kind": kind, **form},
                             files={"file": ("posts.xlsx", data, XLSX)})


def _post_codes(people: People) -> str:
    return people("admin").get("/api/org/export?kind=posts&format=csv").text


def test_the_admin_checks_then_imports_posts(people: People) -> None:
    data = xlsx(POST_HEADER, NUR)
    checked = _send(people, "admin", "posts", data, dry_run="true")
    assert checked.status_code == 200, checked.text
    assert checked.json()["outcome"] == "checked"
    assert "MZN-N-NUR2" not in _post_codes(people)
    done = _send(people, "admin", "posts", data).json()
    assert (done["outcome"], done["created"]) == ("imported", 1)
    assert "MZN-N-NUR2" in _post_codes(people)


def test_a_refused_row_is_named_with_its_rule_in_both_languages(people: People) -> None:
    report = _send(people, "provincial_manager", "posts", xlsx(POST_HEADER, NUR, RASHT)).json()
    assert report["outcome"] == "refused" and report["refused_rows"] == [3]
    [problem] = report["problems"]
    assert problem["column"] == "province_code" and problem["message_fa"]
    assert "MZN-N-NUR2" not in _post_codes(people)


def test_the_provincial_manager_may_not_import_or_export_people(people: People) -> None:
    refused = _send(people, "provincial_manager", "users", xlsx(["username"], ["x"]))
    assert refused.status_code == 403
    assert people("provincial_manager").get("/api/org/export?kind=users").status_code == 403
    assert people("admin").get("/api/org/export?kind=users").status_code == 200


def test_others_may_not_import_at_all(people: People) -> None:
    assert _send(people, "counsellor", "posts", xlsx(POST_HEADER, NUR)).status_code == 403
    assert people("supervisor").get("/api/org/template?kind=posts").status_code == 403
    assert people("counsellor").get("/admin/import", headers=HTML).status_code == 403


def test_templates_and_exports_are_files_to_download(people: People) -> None:
    template = people("provincial_manager").get("/api/org/template?kind=directory&format=xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    assert "panah-resources-template.xlsx" in template.headers["content-disposition"]
    export = people("provincial_manager").get("/api/org/export?kind=agencies&format=csv")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "حوزه" in export.content.decode("utf-8-sig")
    assert people("admin").get("/api/org/export?kind=cars").status_code == 422


def test_the_page_shows_the_report_of_a_dry_run(people: People) -> None:
    client = people("admin")
    page = client.get("/admin/import", headers=HTML)
    assert page.status_code == 200 and 'name="dry_run"' in page.text
    assert "/api/org/template?kind=users" in page.text
    token = client.headers["X-CSRF-Token"]
    answer = client.post("/admin/import", headers=HTML,
                         data={"kind": "posts", "dry_run": "true", "csrf_token": token},
                         files={"file": ("posts.xlsx", xlsx(POST_HEADER, NUR, UNDATED), XLSX)})
    assert answer.status_code == 422
    assert "import-problems" in answer.text and "active_from" in answer.text
    manager = people("provincial_manager").get("/admin/import", headers=HTML).text
    assert "kind=users" not in manager and "kind=posts" in manager


def test_the_import_is_in_openapi(people: People) -> None:
    paths = people("admin").get("/openapi.json").json()["paths"]
    assert {"/api/org/import", "/api/org/export", "/api/org/template"} <= set(paths)
