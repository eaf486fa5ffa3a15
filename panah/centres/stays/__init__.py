"""A client's stay in a shelter, from a case: planned, checked in, checked out (issue 17)."""
