"""People: the accounts of a province's staff, made, changed and disabled by its
administrators, and the one-time links that let them set a password (issue 15)."""
