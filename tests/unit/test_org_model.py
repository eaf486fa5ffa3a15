"""Reading a province's spreadsheet row by row (panah.org.model): headers in Persian or
English, Persian digits, Jalali dates, counties by name with the closest names suggested,
duplicates within a file and rows outside the administrator's province."""

from __future__ import annotations

from datetime import date

import pytest

from panah.org.columns import AGENCIES, CENTRES, KINDS, POSTS, USERS, Kind, kind_named
from panah.org.model import (
    Cell,
    CellError,
    Gazette,
    ParsedRow,
    PlaceName,
    duplicates,
    format_value,
    out_of_reach,
    parse_boolean,
    parse_cell,
    parse_date,
    parse_phone,
    parse_row,
    read_header,
    resolve_county,
)

MAZANDARAN = PlaceName("IR-02", "استان مازندران", "Mazandaran Province")
GILAN = PlaceName("IR-01", "استان گیلان", "Gilan Province")
NUR = PlaceName("Q1", "شهرستان نور", "Nur County", "IR-02")
NOWSHAHR = PlaceName("Q2", "شهرستان نوشهر", "Nowshahr County", "IR-02")
CHALUS = PlaceName("Q3", "شهرستان چالوس", "Chalus County", "IR-02")
RASHT = PlaceName("Q4", "شهرستان رشت", "Rasht County", "IR-01")
GAZETTE = Gazette((GILAN, MAZANDARAN), (NUR, NOWSHAHR, CHALUS, RASHT))


def test_a_persian_header_and_an_english_one_name_the_same_columns() -> None:
    persian = read_header(POSTS, [["کد", "نوع", "نام فارسی", "نام انگلیسی", "شهرستان",
                                   "عرض جغرافیایی", "طول جغرافیایی", "از تاریخ", "تا تاریخ"]])
    english = read_header(POSTS, [["code", "Kind", "Name fa", "name_en", "county", "latitude",
                                   "lng", "active_from", "Active to"]])
    assert persian.problems == english.problems == ()
    assert list(persian.columns.values()) == list(english.columns.values())
    assert persian.first_row == 2


def test_required_columns_marked_with_a_star_and_the_english_key_row_are_understood() -> None:
    rows = [["نام کاربری *", "نام و نام خانوادگی *", "نقش *"],
            ["username", "full_name", "role"],
            ["m.rezaei", "مریم رضایی", "مددکار"]]
    header = read_header(USERS, rows)
    assert header.problems == ()
    assert header.first_row == 3  # the English keys' row is skipped


def test_a_wrong_header_names_the_column_and_what_was_expected() -> None:
    header = read_header(CENTRES, [["code", "kind", "name_fa", "name_en", "province",
                                    "colour"]])
    [problem] = header.problems
    assert problem.row == 1
    assert "«colour»" in problem.message_en and "code, kind, name_fa" in problem.message_en
    assert "«colour»" in problem.message_fa and "نام فارسی (name_fa)" in problem.message_fa


def test_a_missing_required_column_refuses_the_file() -> None:
    header = read_header(POSTS, [["code", "name_fa"]])
    [problem] = header.problems
    assert "kind" in problem.message_en and "county" in problem.message_en
    assert "لازم" in problem.message_fa


def test_an_empty_file_has_no_header() -> None:
    [problem] = read_header(POSTS, [[None, ""], []]).problems
    assert "empty" in problem.message_en


def test_persian_digits_and_a_jalali_date_are_read() -> None:
    assert parse_date("۱۴۰۵/۰۱/۱۵") == date(2026, 4, 4)
    assert parse_date("2026-04-04") == date(2026, 4, 4)
    assert parse_date(date(2026, 3, 20)) == date(2026, 3, 20)
    assert parse_cell(POSTS.column("lat"), "۳۶٫۵۸", GAZETTE, None) == pytest.approx(36.58)
    with pytest.raises(CellError, match="not a date"):
        parse_date("1405/13/40")


def test_a_phone_that_lost_its_leading_zero_gets_it_back() -> None:
    assert parse_phone("9121234567") == "09121234567"
    assert parse_phone("۰۱۱-۵۲۲۲ ۳۳۴۴") == "01152223344"
    assert parse_boolean("بله") is True and parse_boolean("خیر") is False


def test_a_county_is_found_by_its_persian_or_english_name() -> None:
    assert resolve_county("نور", GAZETTE, "IR-02") is NUR
    assert resolve_county("Chalus", GAZETTE, None) is CHALUS
    assert resolve_county("Q2", GAZETTE, None) is NOWSHAHR


def test_an_unknown_county_suggests_the_closest_names_in_the_province() -> None:
    with pytest.raises(CellError) as caught:
        resolve_county("نوشهرر", GAZETTE, "IR-02")
    assert "نوشهر (Nowshahr)" in caught.value.message_en
    assert "آیا منظورتان" in caught.value.message_fa
    assert "Rasht" not in caught.value.message_en


def _posts(*rows: list[Cell]) -> list[ParsedRow]:
    header = ["code", "kind", "name_fa", "name_en", "county", "lat", "lon", "active_from",
              "active_to"]
    parsed_header = read_header(POSTS, [header])
    return [parse_row(POSTS, parsed_header, row, n, GAZETTE) for n, row in enumerate(rows, 2)]


def test_a_row_is_read_into_the_domain_fields() -> None:
    [row] = _posts(["MZN-N-NUR", "نوروزی", "پایگاه نور", "Nur post", "نور", "36.58", "52.02",
                    "۱۴۰۵-۱۲-۲۵", "1406/01/15"])
    assert row.ok, row.problems
    assert row.values == {
        "code": "MZN-N-NUR", "kind": "nowruz", "name_fa": "پایگاه نور", "name_en": "Nur post",
        "county": "Q1", "lat": 36.58, "lon": 52.02,
        "active_from": date(2027, 3, 16), "active_to": date(2027, 4, 4)}
    assert row.province_code == "IR-02"


def test_each_bad_cell_names_its_row_column_and_rule() -> None:
    [row] = _posts(["MZN-N-X", "موقت", "", "x", "نوشهرر", "north", "52", "", ""])
    by_column = {p.column: p for p in row.problems}
    assert set(by_column) == {"kind", "name_fa", "county", "lat"}
    assert all(p.row == 2 for p in row.problems)
    assert "nowruz" in by_column["kind"].message_en and "نوروزی" in by_column["kind"].message_fa
    assert "Nowshahr" in by_column["county"].message_en


def test_a_county_of_another_province_is_refused() -> None:
    header = read_header(AGENCIES, [["code", "domain", "name_fa", "province", "county"]])
    row = parse_row(AGENCIES, header, ["A1", "پلیس", "کلانتری", "مازندران", "رشت"], 2, GAZETTE)
    [problem] = row.problems
    assert problem.column == "county" and "IR-01" in problem.message_en


def test_a_key_repeated_in_the_file_names_the_first_row() -> None:
    rows = _posts(["P1", "دائمی", "الف", "a", "نور", "36.5", "52"],
                  ["p1", "دائمی", "ب", "b", "نور", "36.5", "52"])
    duplicates(POSTS, rows)
    assert rows[0].ok
    [problem] = rows[1].problems
    assert problem.row == 3 and "row 2" in problem.message_en and "سطر 2" in problem.message_fa


def test_a_provincial_administrator_cannot_import_another_provinces_rows() -> None:
    [row] = _posts(["P1", "دائمی", "الف", "a", "رشت", "37.2", "49.6"])
    out_of_reach(row, "IR-02", GAZETTE)
    assert [p.column for p in row.problems] == ["province_code"]
    [fine] = _posts(["P2", "دائمی", "الف", "a", "نور", "36.5", "52"])
    out_of_reach(fine, "IR-02", GAZETTE)
    assert fine.ok


def test_values_are_written_as_text_the_reader_reads_back() -> None:
    for column, value in ((POSTS.column("kind"), "nowruz"),
                          (POSTS.column("active_from"), date(2027, 3, 16)),
                          (USERS.column("is_woman"), True),
                          (USERS.column("languages"), ["persian", "mazandarani"]),
                          (CENTRES.column("lat"), 36.572)):
        text = format_value(column, value)
        assert parse_cell(column, text, GAZETTE, None) == value, text
    assert format_value(POSTS.column("kind"), "nowruz") == "نوروزی"
    assert format_value(POSTS.column("active_from"), date(2027, 3, 16)) == "1405-12-25"


def test_directory_means_the_services_and_agencies_the_partner_agencies() -> None:
    assert kind_named("directory") is Kind.resources
    assert kind_named("Agencies") is Kind.agencies
    assert kind_named("vehicles") is Kind.vehicles
    assert kind_named("cars") is None


def test_the_fixed_values_match_the_domains_own() -> None:
    from panah.centres.model import CentreKind

    assert set(KINDS[Kind.centres].column("kind").choices) == {k.value for k in CentreKind}


def test_every_role_can_be_written_in_persian() -> None:
    from panah.security.roles import Role

    assert set(USERS.column("role").choices) == {r.value for r in Role}
