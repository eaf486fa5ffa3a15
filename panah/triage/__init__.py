"""Triage: taxonomy, risk protocols, outcomes, referrals, follow-ups (issue 5)."""
