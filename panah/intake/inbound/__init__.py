"""Inbound events stored before they are answered: the raw events, the group-commit writer and
its fast path on PostgreSQL.
"""
