"""Security: users, roles, the access policy, sessions and passwords."""
