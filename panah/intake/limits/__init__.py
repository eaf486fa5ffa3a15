"""How much one source may send to the 123 line: counted in the database, decided purely."""
