"""The 'what a Python user would otherwise pick' peer: rdflib-endpoint on an rdflib Dataset.

Up to 100× the Dataset is in memory, parsed from the N-Quads dump at start. Beyond that an
in-memory graph does not fit (4 GB at 100×, some 40 GB at 1000×), and a Python user would turn
to rdflib's own persistent store, BerkeleyDB: loaded once (`--load`, minutes to an hour), then
opened in a second by the peer.

    python -m benchmarks.rdflib_endpoint_peer DATA.nq PORT             # in memory
    python -m benchmarks.rdflib_endpoint_peer --berkeleydb DIR PORT    # serve a loaded store
    python -m benchmarks.rdflib_endpoint_peer --load DATA.nq DIR       # load DIR; prints figures
"""

import argparse
import json
import resource
import shutil
import sys
import time
from pathlib import Path

import rdflib

from graph.progress import Progress

# rdflib opens BerkeleyDB with a 50 MB cache; at 1000× its indexes run to some 15 GB. The peer
# gets 1.5 GB of this 24 GB machine's memory, so that it is not measured with a handicap
# (rdflib passes the size as bytes in a C int: 2 GB would overflow it).
CACHE_BYTES = 1536 * 1024**2
LOADED = "loaded.json"  # written last: a directory without it holds an unfinished load
CHUNK = 200_000  # N-Quads lines parsed at a time, for the progress bar


def open_berkeleydb(directory: Path, create: bool = False) -> rdflib.Dataset:
    from rdflib.plugins.stores import berkeleydb

    berkeleydb.CACHESIZE = CACHE_BYTES  # read when the environment is opened
    if not create:
        # The environment's region files hold its locks. A peer killed mid-query (as the
        # benchmarks restart it) leaves its locks there, and the next open waits for them for
        # ever. Only one process uses the store at a time, so they can go: BerkeleyDB makes
        # them anew, and the data files are untouched.
        for region in directory.glob("__db.*"):
            region.unlink()
    dataset = rdflib.Dataset(store="BerkeleyDB", default_union=True)
    dataset.open(str(directory), create=create)
    return dataset


def loaded_figures(directory: Path) -> dict | None:
    """The figures of a finished load into `directory`, or None if there is none."""
    marker = directory / LOADED
    return json.loads(marker.read_text()) if marker.exists() else None


def load_berkeleydb(nquads: Path, directory: Path) -> dict:
    """Parse `nquads` into a new BerkeleyDB store at `directory`, in chunks of lines (one blank
    node map across them, so a blank node is one node throughout). Returns and keeps the figures."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    with nquads.open("rb") as lines:
        total = sum(1 for _ in lines)
    dataset = open_berkeleydb(directory, create=True)
    blank_nodes: dict = {}
    started = time.perf_counter()
    with nquads.open("r", encoding="utf-8") as lines, Progress(total, "rdflib BerkeleyDB") as progress:
        while chunk := [line for _, line in zip(range(CHUNK), lines)]:
            dataset.parse(data="".join(chunk), format="nquads", bnode_context=blank_nodes)
            progress.advance(len(chunk))
    dataset.close()
    figures = {
        "seconds": time.perf_counter() - started,
        "quads": total,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "disk_mb": sum(f.stat().st_size for f in directory.iterdir()) / 1024**2,
    }
    (directory / LOADED).write_text(json.dumps(figures))
    return figures


def serve(dataset: rdflib.Dataset, port: int, count_graphs: bool = True) -> None:
    """rdflib-endpoint on `dataset`. At start it describes the service with a triple count per
    named graph: a full scan, seconds in memory but over 7 minutes (not waited out) on BerkeleyDB
    at 1000×, and again at every restart. Without `count_graphs` it is given a description without them."""
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    if count_graphs:
        app = SparqlEndpoint(graph=dataset)
    else:
        from fastapi import FastAPI
        from rdflib_endpoint.sparql_router import SparqlRouter
        from rdflib_endpoint.utils import SD, Defaults

        description, service = rdflib.Graph(), rdflib.BNode()
        description.add((service, SD.endpoint, rdflib.URIRef(Defaults.public_url)))
        description.add((service, SD.defaultDataset, rdflib.BNode()))  # present: so not counted
        app = FastAPI()
        app.include_router(SparqlRouter(graph=dataset, service_description=description))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", nargs=2, metavar=("DATA.nq", "DIR"), type=Path)
    parser.add_argument("--berkeleydb", nargs=2, metavar=("DIR", "PORT"))
    parser.add_argument("memory", nargs="*", metavar="DATA.nq PORT")
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load_berkeleydb(*args.load)))
    elif args.berkeleydb:
        directory, port = args.berkeleydb
        if loaded_figures(Path(directory)) is None:
            sys.exit(f"{directory} holds no finished load (run --load first)")
        serve(open_berkeleydb(Path(directory)), int(port), count_graphs=False)
    elif len(args.memory) == 2:
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(args.memory[0], format="nquads")
        serve(dataset, int(args.memory[1]))
    else:
        parser.error("give DATA.nq PORT, --berkeleydb DIR PORT or --load DATA.nq DIR")


if __name__ == "__main__":
    main()
