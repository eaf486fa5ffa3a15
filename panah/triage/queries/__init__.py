"""Triage's read side, a module per screen: each read model a function of ``(session, *,
actor, now, …)`` inside the caller's unit of work. ``resources`` holds what the access
policy needs to know of triage's records."""
