"""Centres: the 123 centres, crisis-intervention centres, county centres, community bases."""
