"""Roles, permissions, what each role may do and how far its view reaches (its scope)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    counsellor = "counsellor"  # کارشناس خط ۱۲۳
    dispatcher = "dispatcher"
    field_crew = "field_crew"
    social_worker = "social_worker"
    psychologist = "psychologist"
    psychiatrist = "psychiatrist"
    legal_adviser = "legal_adviser"
    shelter_manager = "shelter_manager"
    community_worker = "community_worker"
    supervisor = "supervisor"
    provincial_manager = "provincial_manager"
    national_office = "national_office"
    analyst = "analyst"
    partner_agency = "partner_agency"
    admin = "admin"
    integration = "integration"  # a machine account: the PBX, the SMS gateway (API key only)


class Scope(StrEnum):
    """How far a role's view reaches over resources that belong somewhere."""

    centre = "centre"
    province = "province"
    nation = "nation"


class Permission(StrEnum):
    """What a route needs. ``public`` is a declaration too: open to anyone, on purpose."""

    public = "public"
    authenticated = "authenticated"  # any signed-in user (home page, logout)
    view_map = "view_map"
    view_geography = "view_geography"
    manage_geography = "manage_geography"
    view_organisation = "view_organisation"
    # Centres and their coverage, posts, vehicles, partner agencies and the directory:
    # the national admin anywhere, a provincial admin or manager in their province.
    manage_organisation = "manage_organisation"
    # Case records: need-to-know on top of the role (see policy.decide).
    create_case = "create_case"
    view_case = "view_case"
    edit_case = "edit_case"
    find_client = "find_client"  # look a person up by phone or national code (keyed hash)
    break_glass = "break_glass"  # open a case one is not on, with a stated reason
    review_access = "review_access"  # "who saw this", break-glass reports
    manage_grants = "manage_grants"  # grant restricted categories
    manage_api_keys = "manage_api_keys"
    # Create, edit and disable people, and make their one-time links (issue 15); a
    # provincial admin within their province, never granting more than their own reach.
    manage_people = "manage_people"
    verify_audit = "verify_audit"
    export_deidentified = "export_deidentified"
    partner_api = "partner_api"
    ingest_events = "ingest_events"  # telephony and SMS webhooks
    answer_contacts = "answer_contacts"  # the 123 queue: see, take and read contacts
    manage_line = "manage_line"  # a province's 123 line settings: hours, overflow, backups
    dispatch_units = "dispatch_units"  # the dispatch board: incidents, recommend, assign
    crew_updates = "crew_updates"  # a unit's statuses, positions, check-ins and reports
    # A case plan and a case closure are approved by a supervisor of the case's province.
    approve_case_work = "approve_case_work"
    # Ask for a case's transfer to another province, and answer the ones sent to one's
    # own (issue 16): a centre's social worker, the supervisor, the provincial manager.
    transfer_case = "transfer_case"
    # The supervisors' list of a centre's and a province's cases with their flags and
    # escalations (issue 16); the national office picks a province. Client names still
    # follow view_case.
    supervise_cases = "supervise_cases"
    # Shelters for women and girls (issue 17): a shelter's rooms and beds, its requests
    # (accept or decline) and its stays (check in, check out), by its manager and the
    # province's supervisors. The address and phone follow need, in policy (shelters.model).
    manage_shelters = "manage_shelters"
    # Look for a free bed that suits a client and ask a shelter for it, from a case or a
    # contact: never the shelter's address.
    find_bed = "find_bed"
    # Beds, stays and occupancy figures of a shelter, a province or the nation (no names).
    view_occupancy = "view_occupancy"
    # A community base's neighbourhoods, programmes, sessions, participants and attendance.
    community_work = "community_work"
    # How the service is doing (issue 18): the live dashboard of a province (supervisors,
    # the provincial manager) or the nation (the national office); its thresholds are
    # the province's line settings (manage_line).
    view_dashboard = "view_dashboard"
    # Statistics, their exports and the monthly report. An analyst reads counts only,
    # small cells suppressed (panah.reports.suppression).
    view_statistics = "view_statistics"


_ALL = frozenset(Role)
_MACHINES = frozenset({Role.partner_agency, Role.integration})
_STAFF = _ALL - _MACHINES
_CASE_TEAM = frozenset({
    Role.counsellor, Role.field_crew, Role.social_worker, Role.psychologist, Role.psychiatrist,
    Role.legal_adviser, Role.shelter_manager, Role.community_worker,
})  # fmt: skip
_SUPERVISING = frozenset({Role.supervisor, Role.provincial_manager})

# Who may do what. Where a resource is involved, policy.decide adds scope and need-to-know.
ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.public: _ALL,
    Permission.authenticated: _ALL,
    Permission.view_map: _STAFF - {Role.analyst},
    Permission.view_geography: _STAFF,
    Permission.manage_geography: frozenset({Role.admin, Role.national_office}),
    Permission.view_organisation: _STAFF,
    Permission.manage_organisation: frozenset({Role.admin, Role.provincial_manager}),
    Permission.create_case: _CASE_TEAM | _SUPERVISING,
    Permission.view_case: _CASE_TEAM | _SUPERVISING,
    Permission.edit_case: _CASE_TEAM | _SUPERVISING,
    Permission.find_client: _CASE_TEAM | _SUPERVISING | {Role.dispatcher},
    # Only those whose work is the case file itself: a crew or a community worker is put on
    # a case's team when needed, and never opens one it is not on (issue 14).
    Permission.break_glass: (_CASE_TEAM - {Role.field_crew, Role.community_worker})
    | _SUPERVISING,
    Permission.review_access: _SUPERVISING | {Role.national_office},
    Permission.manage_grants: frozenset({Role.provincial_manager, Role.admin}),
    Permission.manage_api_keys: frozenset({Role.admin}),
    Permission.manage_people: frozenset({Role.admin}),
    Permission.verify_audit: frozenset({Role.admin, Role.national_office}),
    Permission.export_deidentified: frozenset(
        {Role.analyst, Role.national_office, Role.provincial_manager}
    ),
    Permission.partner_api: frozenset({Role.partner_agency}),
    Permission.ingest_events: frozenset({Role.integration}),
    Permission.answer_contacts: frozenset({Role.counsellor, Role.supervisor}),
    Permission.manage_line: _SUPERVISING | {Role.national_office, Role.admin},
    Permission.dispatch_units: _SUPERVISING | {Role.dispatcher},
    # A dispatcher sets a status heard over the radio for a crew without its phone.
    Permission.crew_updates: _SUPERVISING | {Role.dispatcher, Role.field_crew},
    Permission.approve_case_work: _SUPERVISING,
    Permission.transfer_case: _SUPERVISING | {Role.social_worker},
    Permission.supervise_cases: _SUPERVISING | {Role.national_office},
    Permission.manage_shelters: _SUPERVISING | {Role.shelter_manager},
    Permission.find_bed: _CASE_TEAM | _SUPERVISING,
    Permission.view_occupancy: _SUPERVISING | {Role.shelter_manager, Role.national_office,
                                               Role.analyst},
    Permission.community_work: _SUPERVISING | {Role.community_worker, Role.social_worker},
    Permission.view_dashboard: _SUPERVISING | {Role.national_office},
    Permission.view_statistics: _SUPERVISING | {Role.national_office, Role.analyst},
}

ROLE_SCOPE: dict[Role, Scope] = {
    **{role: Scope.centre for role in _CASE_TEAM - {Role.counsellor}},
    Role.counsellor: Scope.province,  # a provincial 123 centre answers the whole province
    Role.dispatcher: Scope.province,
    Role.supervisor: Scope.province,
    Role.provincial_manager: Scope.province,
    Role.partner_agency: Scope.province,  # an agency key may be national: scope from the key
    Role.national_office: Scope.nation,
    Role.analyst: Scope.nation,
    Role.admin: Scope.nation,  # with a province: that province's administrator (policy.scope_of)
    Role.integration: Scope.nation,
}

# Accounts that act only through API keys (never a browser session with a password).
KEY_ROLES = frozenset({Role.partner_agency, Role.integration})

# Roles that supervise a case team: they see the team's cases in their province.
SUPERVISING_ROLES = _SUPERVISING

# Restricted categories: even the case team needs an explicit grant to open them.
RESTRICTED_CATEGORIES = frozenset({"sexual_abuse", "gender_dysphoria", "shelter_address"})


def roles_allowed(permission: Permission) -> frozenset[Role]:
    return ROLE_PERMISSIONS[permission]


def needs_second_factor(role: Role) -> bool:
    """Roles that can see case or contact data, or administer, sign in with a second factor."""
    sensitive = (Permission.view_case, Permission.find_client, Permission.answer_contacts,
                 Permission.manage_grants, Permission.manage_api_keys, Permission.verify_audit,
                 Permission.review_access)
    return any(role in ROLE_PERMISSIONS[p] for p in sensitive)
