"""Where a contact goes: AML, phone numbers, the location chain, routing, each province's line
settings and the routing inputs read from the database.
"""
