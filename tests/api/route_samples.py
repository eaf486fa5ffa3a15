"""Values for the path parameters of every route, for the tests that walk all routes.

A route with a path parameter not named here fails ``test_access_matrix.py`` with a
message pointing to this file: add how to find an inside (the demo province, Mazandaran)
and an outside (Gilan) value. The matrix test itself never needs editing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Lookup = Callable[[sqlite3.Connection], dict[str, object]]


def _one(db: sqlite3.Connection, sql: str, *args: object) -> object:
    row = db.execute(sql, args).fetchone()
    return row[0] if row else 1_000_000  # none of that kind yet: a missing id


def case_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT id FROM case_file WHERE category='spouse_abuse'"),
        "inside-restricted": _one(db, "SELECT id FROM case_file WHERE category='sexual_abuse'"),
        "outside": _one(db, "SELECT id FROM case_file WHERE province_code='IR-01'"),
    }


def grant_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {"inside": _one(db, "SELECT max(id) FROM access_grant")}


def break_glass_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {"inside": _one(db, "SELECT max(id) FROM break_glass")}


def api_key_ids(db: sqlite3.Connection) -> dict[str, object]:
    try:
        return {"inside": _one(db, "SELECT max(id) FROM api_key")}
    except sqlite3.OperationalError:
        return {"inside": 1}


def contact_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT id FROM contact WHERE province_code='IR-02'"),
        "outside": _one(db, "SELECT id FROM contact WHERE province_code='IR-01'"),
        "national": _one(db, "SELECT id FROM contact WHERE province_code IS NULL"),
    }


def referral_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT r.id FROM referral r JOIN contact c ON c.id = r.contact_id"
                           " WHERE c.province_code='IR-02'"),
        "outside": _one(db, "SELECT r.id FROM referral r JOIN contact c ON c.id = r.contact_id"
                            " WHERE c.province_code='IR-01'"),
    }


def follow_up_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT id FROM follow_up WHERE province_code='IR-02'"),
        "outside": _one(db, "SELECT id FROM follow_up WHERE province_code='IR-01'"),
    }


def unit_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT id FROM unit WHERE call_sign='MZN-01'"),
        "inside-other-centre": _one(db, "SELECT id FROM unit WHERE call_sign='MZN-06'"),
        "outside": _one(db, "SELECT id FROM unit WHERE province_code='IR-01'"),
    }


def incident_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT id FROM incident WHERE province_code='IR-02'"),
        "inside-closed": _one(db, "SELECT id FROM incident WHERE province_code='IR-02' "
                                  "AND state IN ('closed', 'cancelled')"),
        "outside": _one(db, "SELECT id FROM incident WHERE province_code='IR-01'"),
    }


def dispatch_request_ids(db: sqlite3.Connection) -> dict[str, object]:
    return {
        "inside": _one(db, "SELECT id FROM dispatch_request WHERE province_code='IR-02'"),
        "outside": _one(db, "SELECT id FROM dispatch_request WHERE province_code='IR-01'"),
    }


def directory_codes(table: str) -> Lookup:
    """Codes of directory entries: a Mazandaran one, a Gilan one, a national one."""
    def lookup(db: sqlite3.Connection) -> dict[str, object]:
        def code(where: str) -> object:
            sql = f"SELECT code FROM {table} WHERE {where} ORDER BY code"  # noqa: S608 (ours)
            row = db.execute(sql).fetchone()
            return row[0] if row else "no-such-entry"
        return {"inside": code("province_code='IR-02'"),
                "outside": code("province_code='IR-01'"),
                "national": code("province_code IS NULL")}
    return lookup


PATH_SAMPLES: dict[str, Lookup] = {
    "contact_id": contact_ids,
    "case_id": case_ids,
    "grant_id": grant_ids,
    "break_glass_id": break_glass_ids,
    "key_id": api_key_ids,
    "code": lambda db: {"inside": "fa"},
    "province_code": lambda db: {"inside": "IR-02", "outside": "IR-01"},
    "referral_id": referral_ids,
    "follow_up_id": follow_up_ids,
    "protocol_id": lambda db: {"inside": "lethality_screen"},
    "unit_id": unit_ids,
    "incident_id": incident_ids,
    "request_id": dispatch_request_ids,
    "alert_id": lambda db: {"inside": _one(db, "SELECT max(id) FROM dispatch_alert")},
    "channel_id": lambda db: {"inside": _one(db, "SELECT max(id) FROM channel")},
    "message_id": lambda db: {"inside": _one(db, "SELECT max(id) FROM channel_message")},
    "agency_code": directory_codes("agency"),
    "service_code": directory_codes("resource"),
    # People: an account no probing client signs in with (disabling it ends no probe's
    # session); a link token nobody was given.
    "username": lambda db: {"inside": "ems_115"},
    "link_token": lambda db: {"inside": "no-such-link"},
    # The fleet (issue 15): a Mazandaran unit and post; Gilan's one unit (it has no post).
    "call_sign": lambda db: {"inside": "MZN-02", "outside": "GLN-01"},
    "post_code": lambda db: {"inside": "MZN-P-AMOL"},
    # Centres (issue 15): a Mazandaran county centre; Gilan's provincial 123 centre.
    "centre_code": lambda db: {"inside": "MZN-C-CHALUS", "outside": "GLN-123"},
}


def client_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Clients (issue 16): the Mazandaran spouse-abuse case's; the Gilan case's."""
    sql = "SELECT client_id FROM case_file WHERE category=? AND province_code=? ORDER BY id"
    return {"inside": _one(db, sql, "spouse_abuse", "IR-02"),
            "outside": _one(db, sql, "suicide_attempt", "IR-01")}


PATH_SAMPLES["client_id"] = client_ids
PATH_SAMPLES["merge_id"] = lambda db: {"inside": _one(db, "SELECT max(id) FROM client_merge")}


def appointment_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Appointments (issue 16): a future one on the Mazandaran spouse-abuse case, one on
    the restricted case, one on the Gilan case (all booked: settling them is refused
    before their time, so probing changes nothing)."""
    sql = ("SELECT a.id FROM appointment a JOIN case_file c ON c.id = a.case_id "
           "WHERE c.category=? AND a.state='booked' ORDER BY a.starts_at DESC")
    return {"inside": _one(db, sql, "spouse_abuse"),
            "inside-restricted": _one(db, sql, "sexual_abuse"),
            "outside": _one(db, sql, "suicide_attempt")}


def worker_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Workers (issue 16, their hours): a Mazandaran psychologist; the Gilan counsellor."""
    sql = "SELECT id FROM app_user WHERE username=?"
    return {"inside": _one(db, sql, "psychologist"), "outside": _one(db, sql, "counsellor_gilan")}


PATH_SAMPLES["appointment_id"] = appointment_ids
PATH_SAMPLES.setdefault("user_id", worker_ids)  # another part may name users in paths too


def transfer_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Transfers (issue 16): the demo's waiting Mazandaran → Gilan request (both ends reach
    the row; Mazandaran's staff are its sending side)."""
    return {"inside": _one(db, "SELECT id FROM case_transfer WHERE from_province='IR-02'")}


def consent_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Consent records (issue 16): on the Mazandaran spouse-abuse case; on the Gilan case."""
    sql = ("SELECT r.id FROM consent_record r JOIN case_file c ON c.id = r.case_id "
           "WHERE c.category=?")
    return {"inside": _one(db, sql, "spouse_abuse"), "outside": _one(db, sql, "suicide_attempt")}


PATH_SAMPLES["transfer_id"] = transfer_ids
PATH_SAMPLES["consent_id"] = consent_ids


def case_service_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Services of the case's work (issue 16): the Mazandaran spouse-abuse case's
    counselling session (reached through its case: the case decides access)."""
    sql = ("SELECT s.id FROM case_service s JOIN case_file c ON c.id = s.case_id "
           "WHERE c.category=?")
    return {"inside": _one(db, sql, "spouse_abuse")}


def case_goal_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Plan goals (issue 16): a goal of the Mazandaran spouse-abuse case's plan."""
    sql = ("SELECT g.id FROM case_goal g JOIN case_plan p ON p.id = g.plan_id "
           "JOIN case_file c ON c.id = p.case_id WHERE c.category=?")
    return {"inside": _one(db, sql, "spouse_abuse")}


PATH_SAMPLES["service_id"] = case_service_ids
PATH_SAMPLES["goal_id"] = case_goal_ids
PATH_SAMPLES.setdefault("user_id", worker_ids)  # a team member to take off a case's team


def case_follow_up_ids(db: sqlite3.Connection) -> dict[str, object]:
    """A missed appointment's follow-up (issue 16), if the demo has one; reached through
    its case in the path."""
    return {"inside": _one(db, "SELECT max(id) FROM case_follow_up")}


PATH_SAMPLES["case_follow_up_id"] = case_follow_up_ids


def community_ids(table: str, base_column: str = "base_id") -> Lookup:
    """A community base's thing in Mazandaran's Sari base; Gilan has none (a missing id)."""
    def lookup(db: sqlite3.Connection) -> dict[str, object]:
        sql = (f"SELECT t.id FROM {table} t JOIN centre c ON c.id = t.{base_column} "  # noqa: S608
               "WHERE c.province_code = ?")
        return {"inside": _one(db, sql, "IR-02"), "outside": _one(db, sql, "IR-01")}
    return lookup


def base_ids(db: sqlite3.Connection) -> dict[str, object]:
    sql = "SELECT id FROM centre WHERE kind = 'community_base' AND province_code = ?"
    return {"inside": _one(db, "SELECT id FROM centre WHERE code = 'MZN-CB-SARI'"),
            "outside": _one(db, sql, "IR-01")}


def base_session_ids(db: sqlite3.Connection) -> dict[str, object]:
    sql = ("SELECT s.id FROM community_session s JOIN community_programme p "
           "ON p.id = s.programme_id JOIN centre c ON c.id = p.base_id "
           "WHERE c.province_code = ?")
    return {"inside": _one(db, sql, "IR-02"), "outside": _one(db, sql, "IR-01")}


PATH_SAMPLES["base_id"] = base_ids
PATH_SAMPLES["neighbourhood_id"] = community_ids("community_neighbourhood")
PATH_SAMPLES["programme_id"] = community_ids("community_programme")
PATH_SAMPLES["base_session_id"] = base_session_ids
PATH_SAMPLES["participant_id"] = community_ids("community_participant")


def shelter_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Shelters (issue 17): Sari's (run by the demo shelter manager's centre); Chalus's (in
    Mazandaran, another centre); Tehran's (outside)."""
    sql = "SELECT s.id FROM shelter s JOIN centre c ON c.id = s.centre_id WHERE c.code=?"
    return {"inside": _one(db, sql, "MZN-CIC-SARI"),
            "inside-other-centre": _one(db, sql, "MZN-CIC-CHALUS"),
            "outside": _one(db, sql, "THR-CIC-TEHRAN")}


PATH_SAMPLES["shelter_id"] = shelter_ids
PATH_SAMPLES["shelter_room_id"] = lambda db: {"inside": _one(
    db, "SELECT r.id FROM shelter_room r JOIN shelter s ON s.id = r.shelter_id "
        "JOIN centre c ON c.id = s.centre_id WHERE c.code='MZN-CIC-SARI' ORDER BY r.id")}
PATH_SAMPLES["shelter_bed_id"] = lambda db: {"inside": _one(
    db, "SELECT b.id FROM shelter_bed b JOIN shelter s ON s.id = b.shelter_id "
        "JOIN centre c ON c.id = s.centre_id WHERE c.code='MZN-CIC-SARI' ORDER BY b.id")}


def shelter_request_ids(db: sqlite3.Connection) -> dict[str, object]:
    """A request for beds (issue 17): the demo one waiting at Sari's shelter; none reaches
    Gilan's (a missing id)."""
    sql = ("SELECT r.id FROM shelter_request r JOIN shelter s ON s.id = r.shelter_id "
           "WHERE s.province_code = ?")
    return {"inside": _one(db, sql, "IR-02"), "outside": _one(db, sql, "IR-01")}


PATH_SAMPLES["shelter_request_id"] = shelter_request_ids


def stay_ids(db: sqlite3.Connection) -> dict[str, object]:
    """Stays (issue 17): a checked-in stay in the Sari shelter (checking it in again or
    extending it without a body is refused, so probing changes nothing); a missing one."""
    return {"inside": _one(db, "SELECT id FROM shelter_stay WHERE status='checked_in' "
                               "ORDER BY id"),
            "outside": 999999}


PATH_SAMPLES["stay_id"] = stay_ids
