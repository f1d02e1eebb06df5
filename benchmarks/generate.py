"""A synthetic graph with the curated graph's shape at N× its size: N regions' worth of pacts.

Copy 0 is the curated data, unchanged. Copy k ≥ 1 stands for one more region, R_k
(`tpd:region/regio-x{k}`, a `tp:Subregion` within landsdeel L_k, the five landsdelen in
turn), with its own pacts, actions, goals, initiatives, organisations, people, memberships,
targets, datasets and observations:

* **IRIs.** Everything that is not shared reference data gets its own IRI
  (…/id/action/2013-17a → …/id/action/2013-17a-x7), blank nodes their own labels; shared are
  the concepts, landsdelen, provinces, `area/nederland`, documents and sections, roles,
  topsectors and indicators (`SHARED`). Triples about shared resources (a concept's label, a
  section's title) are written once, in copy 0, not again in every copy; a copy's triples
  that link a shared resource to one of the copy's own resources are kept.
* **Labels.** Name literals of a copy's resources (`skos:prefLabel`, `skos:altLabel`,
  `skos:hiddenLabel`, `rdfs:label`, `foaf:name`, `dcterms:title`, `schema:name`) carry the
  region, mostly around the name: "Jet-Net" → "Regio 7: Jet-Net (Oost)", a region's own
  initiative under its own name. One name in ten (`BRANCH`, chosen by a hash of the name and
  the copy) is a regional branch of the curated one instead, "Jet-Net (regio 7, Oost)", as
  "Techniekpact Twente" is of "Techniekpact": its normalised name begins with the curated
  one, which the doublure query rightly lists. Names within one copy are the same as in the
  curated data, so its equal-name doublures recur in every copy; names never coincide across
  copies ("regio 7" is not "regio 70").
* **Scope and statistics.** Copy k is region R_k's own pacts and plans, so what the curated
  data scopes to `area/nederland` is scoped to R_k (not another national plan), and what it
  scopes to landsdeel L to the district `region/regio-x{k}-{L}` (a `tp:Subregion` within L,
  so coverage per landsdeel still counts it); scopes to a region stay as they are (copied
  regions get their own IRIs). A copy's observations are regional the same way:
  `tp:refArea area/nederland` becomes R_k and `tp:refArea landsdeel/L` the district, so the
  national series and the landsdeel tables exist once, and each copy adds its own regional
  figures for the same shared indicators and years.
* **Partners.** One in five links to an organisation is rewired to the same organisation in
  another copy (chosen at random, seeded), so partner networks connect across copies the way
  real regions share partners.
* **Graphs.** Copy k writes to the curated named graphs with the suffix `-x{k mod 50}`; the
  synthetic regions go to `reference-x{k mod 50}`.

Deterministic for a given seed (blank nodes are relabelled in order), written as N-Quads one
copy at a time (memory stays that of one copy): 1000× is ≈ 15 M quads.

`load_store` puts a generated file into a fresh on-disk store with the ontology, derives what
a build derives (OWL 2 RL entailments, name keys) and adds the shapes: the store the
benchmarks measure.

    python -m benchmarks.generate --scale 10 --out benchmarks/out/scale-10.nq
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pyoxigraph as ox

from graph import saved_queries
from graph.namespaces import (
    DATA_DIR,
    DEF,
    GRAPH,
    ID,
    ONTOLOGY_FILE,
    ONTOLOGY_GRAPH,
    PREFIXES,
    ROOT,
    SHAPES_DIR,
    SHAPES_GRAPH,
    graph_for_file,
)
from graph.progress import Progress
from graph.store import builds_root, write_version

OUT = ROOT / "benchmarks" / "out"

SHARED = ("concept/", "landsdeel/", "province/", "area/", "doc/", "role/", "topsector/", "indicator/")
LABELS = {
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["skos"] + "altLabel",
    PREFIXES["skos"] + "hiddenLabel",
    PREFIXES["rdfs"] + "label",
    PREFIXES["foaf"] + "name",
    PREFIXES["dcterms"] + "title",
    PREFIXES["schema"] + "name",
}
SCOPE, REF_AREA = DEF + "scope", DEF + "refArea"
NATION = ID + "area/nederland"
LANDSDELEN = ("noord", "noordwest", "oost", "zuidoost", "zuidwest")
LANDSDEEL_NAMES = {
    "noord": "Noord",
    "noordwest": "Noordwest",
    "oost": "Oost",
    "zuidoost": "Zuidoost",
    "zuidwest": "Zuidwest",
}
REWIRE = 0.2
BRANCH = 10  # one name in BRANCH is a regional branch of the curated name (see Labels)

# How a term of copy k is written: FIXED as is; OWN with the copy's suffix (an IRI or a blank
# node of the copy); ORG like OWN, but one in five rewired to another copy; LABEL a literal
# with the region's suffix; NATION_SCOPE / AREA an area mapped to the copy's region or district.
FIXED, OWN, ORG, LABEL, NATION_SCOPE, AREA = range(6)


def curated_quads() -> list[ox.Quad]:
    """The curated data in file order, blank nodes relabelled b0, b1, … (deterministic)."""
    quads, blanks = [], {}

    def fix(term):
        if isinstance(term, ox.BlankNode):
            return blanks.setdefault(term.value, ox.BlankNode(f"b{len(blanks)}"))
        return term

    for path in sorted(DATA_DIR.glob("*.ttl")):
        graph = ox.NamedNode(graph_for_file(path))
        quads.extend(
            ox.Quad(fix(t.subject), t.predicate, fix(t.object), graph)
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        )
    return quads


def _own(term) -> bool:
    """Does each copy have its own version of this term?"""
    if isinstance(term, ox.BlankNode):
        return True
    return (
        isinstance(term, ox.NamedNode)
        and term.value.startswith(ID)
        and not term.value[len(ID) :].startswith(SHARED)
    )


def _region(k: int) -> str:
    return f"{ID}region/regio-x{k}"


def _district(k: int, landsdeel: str) -> str:
    return f"{ID}region/regio-x{k}-{landsdeel}"


def _template(quad: ox.Quad, observations: set) -> tuple | None:
    """(subject, predicate, object, graph) as (kind, text) pieces for copies k ≥ 1; None if
    the quad is about shared data only (written once, in copy 0)."""
    s, p, o = quad.subject, quad.predicate, quad.object
    if not _own(s) and not _own(o):
        return None
    subject = (OWN, str(s)[:-1] if isinstance(s, ox.NamedNode) else str(s)) if _own(s) else (FIXED, str(s))
    if _own(o):
        text = str(o)[:-1] if isinstance(o, ox.NamedNode) else str(o)
        obj = (ORG if o.value.startswith(ID + "org/") else OWN, text)
    elif isinstance(o, ox.Literal) and p.value in LABELS:
        text = str(o)
        cut = text.rindex('"')
        obj = (LABEL, (text[:cut], text[cut:]))
    elif p.value == SCOPE and o.value == NATION:
        obj = (NATION_SCOPE, None)
    elif p.value == SCOPE and o.value.startswith(ID + "landsdeel/"):
        obj = (AREA, o.value)
    elif p.value == REF_AREA and s in observations:
        obj = (AREA, o.value)
    else:
        obj = (FIXED, str(o))
    return subject, str(p), obj, quad.graph_name.value


def _regions(k: int) -> list[str]:
    """N-Quads declaring copy k's synthetic region and its districts."""
    g = f"<{GRAPH}reference-x{k % 50}>"
    rdf_type, label, within = f"<{PREFIXES['rdf']}type>", f"<{PREFIXES['skos']}prefLabel>", f"<{DEF}within>"
    home = LANDSDELEN[k % len(LANDSDELEN)]
    lines = [
        f"<{_region(k)}> {rdf_type} <{DEF}Subregion> {g} .\n",
        f'<{_region(k)}> {label} "Regio {k} ({LANDSDEEL_NAMES[home]})"@nl {g} .\n',
        f"<{_region(k)}> {within} <{ID}landsdeel/{home}> {g} .\n",
    ]
    for landsdeel in LANDSDELEN:
        district = _district(k, landsdeel)
        lines += [
            f"<{district}> {rdf_type} <{DEF}Subregion> {g} .\n",
            f'<{district}> {label} "Regio {k}, district {LANDSDEEL_NAMES[landsdeel]}"@nl {g} .\n',
            f"<{district}> {within} <{ID}landsdeel/{landsdeel}> {g} .\n",
        ]
    return lines


def regional_label(quoted: str, k: int, landsdeel: str) -> str:
    """Copy k's version of a name (the N-Triples text of a literal up to its closing quote)."""
    if zlib.crc32(f"{k} {quoted}".encode()) % BRANCH == 0:
        return f"{quoted} (regio {k}, {landsdeel})"
    return f'"Regio {k}: {quoted[1:]} ({landsdeel})'


def _copy(templates: list[tuple], k: int, copies: int, rng: random.Random) -> list[str]:
    """N-Quads lines of copy k ≥ 1."""
    suffix = f"-x{k}"
    blank_suffix = f"x{k}"
    landsdeel = LANDSDEEL_NAMES[LANDSDELEN[k % len(LANDSDELEN)]]
    region = f"<{_region(k)}>"
    areas = {NATION: region, **{f"{ID}landsdeel/{l}": f"<{_district(k, l)}>" for l in LANDSDELEN}}
    graph_suffix = f"-x{k % 50}> .\n"
    lines = _regions(k)
    for (skind, stext), p, (okind, otext), g in templates:
        if skind == OWN:
            s = stext + (blank_suffix if stext[0] == "_" else suffix + ">")
        else:
            s = stext
        if okind == FIXED:
            o = otext
        elif okind == OWN:
            o = otext + (blank_suffix if otext[0] == "_" else suffix + ">")
        elif okind == ORG:
            if rng.random() < REWIRE:
                other = rng.randrange(copies)
                o = otext + (f"-x{other}>" if other else ">")
            else:
                o = otext + suffix + ">"
        elif okind == LABEL:
            o = regional_label(otext[0], k, landsdeel) + otext[1]
        elif okind == NATION_SCOPE:
            o = region
        else:  # AREA
            o = areas.get(otext, f"<{otext}>")
        lines.append(f"{s} {p} {o} <{g}{graph_suffix}")
    return lines


def generate(scale: int, out: Path, seed: int = 42) -> int:
    rng = random.Random(seed)
    base = curated_quads()
    observations = {
        q.subject
        for q in base
        if q.predicate.value == PREFIXES["rdf"] + "type" and q.object.value == PREFIXES["qb"] + "Observation"
    }
    templates = [t for t in (_template(q, observations) for q in base) if t is not None]
    per_copy = len(templates) + len(_regions(1))
    total = len(base) + (scale - 1) * per_copy
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with out.open("wb") as sink, Progress(total, f"generate {scale}×") as progress:
        sink.write(ox.serialize(base, format=ox.RdfFormat.N_QUADS))
        written += len(base)
        progress.advance(len(base), note="copy 0 (the curated data)")
        for k in range(1, scale):
            lines = _copy(templates, k, scale, rng)
            sink.write("".join(lines).encode())
            written += len(lines)
            progress.advance(len(lines), note=f"copy {k}")
    return written


def load_asserted(nquads: Path, store_dir: Path, progress: Progress | None = None) -> ox.Store:
    """A fresh on-disk store holding the generated data and the ontology (two steps of `progress`)."""
    if store_dir.is_symlink():  # a service made the loaded store a symlink to a build (graph/store.py)
        store_dir.unlink()
        shutil.rmtree(builds_root(store_dir), ignore_errors=True)
    shutil.rmtree(store_dir, ignore_errors=True)
    store = ox.Store(str(store_dir))
    if progress:
        progress.step(f"loading {nquads.name}")
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    if progress:
        progress.step("loading the ontology")
    store.bulk_load(
        path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH)
    )
    return store


def load_shapes(store: ox.Store) -> None:
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(SHAPES_GRAPH))


def load_store(nquads: Path, store_dir: Path) -> ox.Store:
    """`load_asserted`, what the build derives from it, then the shapes and the query catalogue,
    stamped with a fresh VERSION: the store a build of that data makes, which the service
    serves (without a VERSION it refuses a store as "no store"; without the catalogue the
    editor lists no saved queries)."""
    from graph import merge
    from graph.build import DERIVE_STEPS, derive

    with Progress(2 + DERIVE_STEPS + 1, f"load {nquads.name}") as progress:
        store = load_asserted(nquads, store_dir, progress)
        derive(store, progress)
        progress.step("shapes")
        load_shapes(store)
        store.extend(saved_queries.catalogue_quads(saved_queries.load_all()))
        merge.rebuild(store)
        store.flush()
    # Last, as a build does: a VERSION stands for everything loaded. A new one each load: the
    # service's query workers read a snapshot per version (server/workers.py).
    write_version(store_dir)
    return store


def generated(scale: int, regenerate: bool = False) -> Path:
    """benchmarks/out/scale-N.nq, generated first unless it is there already."""
    nquads = OUT / f"scale-{scale}.nq"
    if regenerate or not nquads.exists():
        generate(scale, nquads)
    return nquads


def load_in_child(nquads: Path, store_dir: Path, dump: Path | None = None, optimize: bool = False) -> dict:
    """`load_store` in a fresh process, so that the peak memory is the load's own:
    {'seconds', 'quads', 'peak_mb'}. With `dump`, the store is also written there as N-Quads."""
    argv = [sys.executable, "-m", "benchmarks.generate", "--load", str(nquads), "--store", str(store_dir)]
    argv += (["--dump", str(dump)] if dump else []) + (["--optimize"] if optimize else [])
    out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def _load_here(args) -> None:
    started = time.perf_counter()
    store = load_store(args.load, args.store)
    if args.optimize:
        store.optimize()
    figures = {
        "seconds": time.perf_counter() - started,
        "quads": len(store),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.dump:
        store.dump(output=str(args.dump), format=ox.RdfFormat.N_QUADS)
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--load", type=Path, help="load this generated file into --store instead (load_store)"
    )
    parser.add_argument("--store", type=Path)
    parser.add_argument("--dump", type=Path, help="with --load: also dump the loaded store here as N-Quads")
    parser.add_argument(
        "--optimize", action="store_true", help="with --load: optimise the store after loading"
    )
    args = parser.parse_args()
    if args.load:
        if not args.store:
            parser.error("--load needs --store")
        _load_here(args)
        return
    if args.scale is None or args.out is None:
        parser.error("give --scale and --out (or --load and --store)")
    started = time.perf_counter()
    n = generate(args.scale, args.out, args.seed)
    print(f"wrote {n} quads to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
