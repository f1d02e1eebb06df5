"""Heat maps (inline SVG) for queries whose result is a matrix: row × column → count, and the
list behind each cell.

A saved query opts in by returning the columns `row`, `column` and `count`; the coverage
matrices (goals or action lines × landsdelen) do. Every cell links to the list behind it:
the things the query counted there, or, for a 0 (a blank spot), the landsdelen nearby where
the same row does have actions and the rows that do have actions in this landsdeel.
"""

from __future__ import annotations

import re

LD = "https://w3id.org/techniekpact/id/landsdeel/"
# Which landsdelen share a border (by their provinces): "nearby" for a blank spot.
NEIGHBOURS = {
    "noord": ["noordwest", "oost"],
    "noordwest": ["noord", "oost", "zuidwest"],
    "oost": ["noord", "noordwest", "zuidoost", "zuidwest"],
    "zuidwest": ["noordwest", "zuidoost", "oost"],
    "zuidoost": ["zuidwest", "oost"],
}
BY = {"coverage-goal-landsdeel": "goal", "coverage-line-landsdeel": "line"}


def _short(texts: list[str]) -> list[str]:
    """Column headers without the word they all start with ("Landsdeel Noord" → "Noord")."""
    first = {t.split(" ", 1)[0] for t in texts}
    if len(first) == 1 and all(" " in t for t in texts):
        return [t.split(" ", 1)[1] for t in texts]
    return texts


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
    cols = [{**c, "short": s} for c, s in zip(cols, _short([c["text"] for c in cols]))]
    grid = [
        [
            {
                "count": cells.get((r["value"], c["value"]), 0),
                "shade": round(cells.get((r["value"], c["value"]), 0) / peak, 3),
            }
            for c in cols
        ]
        for r in rows
    ]
    return {
        "kind": "heatmap",
        "rows": rows,
        "columns": cols,
        "grid": grid,
        "peak": peak,
        "by": BY.get(data.get("name"), "goal"),
    }


def cell_query(text: str) -> str:
    """The saved matrix query turned into the list behind one cell: its WHERE clause, with
    ?row and ?column bound by the caller, selecting the thing it counts."""
    counted = re.search(r"COUNT\(\s*DISTINCT\s+\?(\w+)\s*\)", text, re.I)
    where = re.search(r"\bWHERE\b(.*)\bGROUP\s+BY\b", text, re.I | re.S)
    if not counted or not where:
        raise ValueError("not a matrix query")
    return f"SELECT DISTINCT ?{counted.group(1)} WHERE {where.group(1)}"


def nearby(matrix: dict, row: str, column: str) -> dict:
    """For a blank spot: the landsdelen (neighbours first) where `row` has actions, and the
    rows that have actions in `column`."""
    r_index = [r["value"] for r in matrix["rows"]].index(row)
    c_index = [c["value"] for c in matrix["columns"]].index(column)
    slug = column[len(LD) :] if column.startswith(LD) else ""
    close = NEIGHBOURS.get(slug, [])
    places = [
        {**c, "count": matrix["grid"][r_index][i]["count"], "neighbour": c["value"][len(LD) :] in close}
        for i, c in enumerate(matrix["columns"])
        if i != c_index and matrix["grid"][r_index][i]["count"]
    ]
    places.sort(key=lambda p: (not p["neighbour"], -p["count"]))
    rows = [
        {**r, "count": matrix["grid"][i][c_index]["count"]}
        for i, r in enumerate(matrix["rows"])
        if i != r_index and matrix["grid"][i][c_index]["count"]
    ]
    rows.sort(key=lambda r: -r["count"])
    return {"places": places, "rows": rows}
