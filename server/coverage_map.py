"""A map of the Netherlands by landsdeel and province, coloured by coverage.

No geometry of the provinces ships in a package that can be had offline here, so the map is
an honest tile map: one square per province, placed roughly where it lies, each coloured by
the coverage of its landsdeel (the coverage matrix of server/heatmap.py) and opening the
list behind that cell.
"""

from __future__ import annotations

PROVINCE = "https://w3id.org/techniekpact/id/province/"
LANDSDEEL = "https://w3id.org/techniekpact/id/landsdeel/"
# (column, row) of each province's tile, north at the top.
TILES = {"fryslan": (1, 0), "groningen": (2, 0), "noord-holland": (0, 1), "flevoland": (1, 1), "drenthe": (2, 1),
         "zuid-holland": (0, 2), "utrecht": (1, 2), "overijssel": (2, 2), "zeeland": (0, 3), "noord-brabant": (1, 3),
         "gelderland": (2, 3), "limburg": (2, 4)}
# The graph places Noord-Brabant in no landsdeel; its pacts (Brainport, Brabants
# Arbeidsmarkt Akkoord) belong to Zuidoost, so the map shows it there and says so.
ASSUMED = {"noord-brabant": "zuidoost"}


def provinces(engine) -> list[dict]:
    """The twelve provinces with their label and landsdeel (as the graph says, else ASSUMED),
    read by a query worker, within the time limit."""
    rows = engine.query("""
        SELECT ?p (SAMPLE(?label) AS ?name) (SAMPLE(?ld) AS ?landsdeel) WHERE {
          ?p a tp:Province . OPTIONAL { ?p skos:prefLabel ?label FILTER(lang(?label) = "nl") }
          OPTIONAL { ?p tp:within ?ld . ?ld a tp:Landsdeel }
        } GROUP BY ?p""").rows
    out = []
    for r in rows:
        slug = r["p"].value[len(PROVINCE):]
        if slug not in TILES:
            continue
        ld = r["landsdeel"].value if r["landsdeel"] is not None else None
        assumed = ld is None and slug in ASSUMED
        if assumed:
            ld = LANDSDEEL + ASSUMED[slug]
        out.append({"iri": r["p"].value, "slug": slug, "label": r["name"].value if r["name"] else slug,
                    "landsdeel": ld, "assumed": assumed, "x": TILES[slug][0], "y": TILES[slug][1]})
    return sorted(out, key=lambda p: (p["y"], p["x"]))


def coverage(matrix: dict, row: str | None) -> dict[str, dict]:
    """Per landsdeel: the count in `row`'s cell, or (no row) how many rows have any action."""
    out = {}
    for ci, c in enumerate(matrix["columns"]):
        if row:
            ri = [r["value"] for r in matrix["rows"]].index(row)
            n = matrix["grid"][ri][ci]["count"]
        else:
            n = sum(1 for ri in range(len(matrix["rows"])) if matrix["grid"][ri][ci]["count"])
        out[c["value"]] = {"count": n, "text": c["text"]}
    peak = max((v["count"] for v in out.values()), default=0) or 1
    for v in out.values():
        v["shade"] = round(v["count"] / peak, 3)
    return out
