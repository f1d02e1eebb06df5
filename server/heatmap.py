"""A heat map (inline SVG) for queries whose result is a matrix: row × column → count.

A saved query opts in by returning the columns `row`, `column` and `count` (plus optional
`rowLabel`/`columnLabel`); the coverage matrix of goals × landsdelen does.
"""

from __future__ import annotations


def heatmap_for(data: dict) -> dict | None:
    columns = data["columns"]
    if not {"row", "column", "count"} <= set(columns):
        return None
    index = {c: i for i, c in enumerate(columns)}
    rows, cols, cells = [], [], {}
    for row in data["rows"]:
        r, c, n = row[index["row"]], row[index["column"]], row[index["count"]]
        if r is None or c is None:
            continue
        if r["value"] not in [x["value"] for x in rows]:
            rows.append(r)
        if c["value"] not in [x["value"] for x in cols]:
            cols.append(c)
        cells[(r["value"], c["value"])] = int(float(n["value"])) if n else 0
    if not rows or not cols:
        return None
    peak = max(cells.values()) or 1
    grid = [[{"count": cells.get((r["value"], c["value"]), 0),
              "shade": round(cells.get((r["value"], c["value"]), 0) / peak, 3)} for c in cols] for r in rows]
    return {"kind": "heatmap", "rows": rows, "columns": cols, "grid": grid, "peak": peak}
