"""A synthetic graph with the curated graph's shape at N× its size.

Copy k of the curated data gets its own IRIs (…/id/action/2013-17a → …/id/action/2013-17a-x7)
for everything that is not shared reference data (concepts, landsdelen, provinces, source
documents), so there are N× as many actions, initiatives, organisations, people and
observations, with the same degrees and the same kinds of links. One in five links to an
organisation is rewired to the same organisation in another copy, so partner networks
connect across copies the way real regions share partners.

    python -m benchmarks.generate --scale 10 --out benchmarks/out/scale-10.nq
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from graph.namespaces import DATA_DIR, GRAPH, ID, graph_for_file

SHARED = ("concept/", "landsdeel/", "province/", "area/", "doc/", "role/", "topsector/", "indicator/")


def progress(done: int, total: int, started: float, label: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.perf_counter() - started, 1e-9)
    sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:,.0f}/s)")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def curated_quads() -> list[ox.Quad]:
    quads = []
    for path in sorted(DATA_DIR.glob("*.ttl")):
        graph = ox.NamedNode(graph_for_file(path))
        quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                     for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return quads


def _rename(term, k: int, rng: random.Random, copies: int, rewire_org: bool):
    if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
        local = term.value[len(ID):]
        if local.startswith(SHARED) or k == 0:
            return term
        if rewire_org and local.startswith("org/") and rng.random() < 0.2:
            other = rng.randrange(copies)
            return ox.NamedNode(term.value if other == 0 else f"{term.value}-x{other}")
        return ox.NamedNode(f"{term.value}-x{k}")
    if isinstance(term, ox.BlankNode) and k:
        return ox.BlankNode(f"{term.value}x{k}")
    return term


def generate(scale: int, out: Path, seed: int = 42) -> int:
    rng = random.Random(seed)
    base = curated_quads()
    total = len(base) * scale
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = 0
    with out.open("wb") as sink:
        for k in range(scale):
            copy = [ox.Quad(_rename(q.subject, k, rng, scale, False), q.predicate,
                            _rename(q.object, k, rng, scale, True),
                            q.graph_name if k == 0 else ox.NamedNode(f"{q.graph_name.value}-x{k % 50}"))
                    for q in base]
            sink.write(ox.serialize(copy, format=ox.RdfFormat.N_QUADS))
            written += len(copy)
            progress(written, total, started, f"{scale}×")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = generate(args.scale, args.out)
    print(f"wrote {n} quads to {args.out}")


if __name__ == "__main__":
    main()
