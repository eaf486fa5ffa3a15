"""Geography: provinces and counties, locating a point, the gazetteer, Persian text."""
