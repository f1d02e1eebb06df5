"""The network views as a user gets them, timed.

* `timed_views` / `network_timings`: SPARQL → networkx → analytics → drawing data, in this
  process (one measurement for benchmarks.run and benchmarks.scale_profile);
* `python -m benchmarks.views STORE_DIR --browser`: the service on that store, each view
  built once (as the service builds it, outside the request), then opened in headless
  Chromium: milliseconds from navigation until the drawing is laid out and still
  (`data-stable-at`, set by network.js), or for the interlock matrix until its script ran.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import requests

VIEWS = ("partners", "programmes")
ROOT = Path(__file__).resolve().parents[1]


def timed_views(store) -> dict:
    """{view name: (seconds, view)} for the partner and programme views."""
    from graph import network

    timed = {}
    for name in VIEWS:
        started = time.perf_counter()
        view = network.build_view(store, name)
        network.analytics(view)
        network.drawing_data(view)
        timed[name] = (time.perf_counter() - started, view)
    return timed


def network_timings(store: ox.Store) -> str:
    """Build time of the network views (SPARQL → networkx → analytics → drawing data)."""
    parts = [
        f"{name} {seconds:.2f} s ({view.total_nodes:,} nodes"
        f"{', drawn: ' + str(view.graph.number_of_nodes()) if view.summarised else ''})"
        for name, (seconds, view) in timed_views(store).items()
    ]
    return "Network views built in: " + "; ".join(parts) + "."


def browser_pages(store_dir: str) -> list[tuple[str, str]]:
    """(name, path) of every kind of view: partners, programmes, a landsdeel, the ego view of
    the best-connected partner, and the interlock matrix."""
    from graph import network

    store = ox.Store.read_only(store_dir)
    landsdeel = network.landsdelen(store)[0]
    return [
        ("partners", "/network/partners"),
        ("programmes", "/network/programmes"),
        (f"landsdeel-{landsdeel}", f"/network/landsdeel-{landsdeel}"),
        ("ego (OCW, depth 1)", "/network/ego?iri=https://w3id.org/techniekpact/id/org/ocw"),
        ("ego (OCW, depth 2)", "/network/ego?iri=https://w3id.org/techniekpact/id/org/ocw&depth=2"),
        ("interlock", "/network/interlock"),
    ]


def browser_timings(store_dir: str, runs: int = 3, port: int = 8791) -> list[dict]:
    """Each page's build time in the service (first request, once per version) and the
    median time to usable in headless Chromium over `runs` loads."""
    sys.path.insert(0, str(ROOT))
    from tests.browser import chromium, console_errors
    from tests.live import start_service

    env = {
        "TECHNIEKPACT_PREPARE_TIMEOUT": "0",
        "TECHNIEKPACT_QUERY_TIMEOUT": "600",
        "TECHNIEKPACT_PREPARE_VALIDATION": "0",
    }
    server = start_service(store_dir, port, env, timeout=600)
    base = f"http://127.0.0.1:{port}"
    try:
        rows = []
        driver = chromium()
        driver.set_window_size(1400, 1000)
        try:
            for name, path in browser_pages(store_dir):
                started = time.perf_counter()
                data_path = path.replace("?", ".json?", 1) if "?" in path else path + ".json"
                data = requests.get(base + data_path, timeout=900).json()
                built = time.perf_counter() - started
                times = []
                for _ in range(runs):
                    driver.get(base + path)
                    deadline = time.monotonic() + 120
                    while True:
                        at = driver.execute_script(
                            "const e = document.getElementById('network');"
                            "if (e) return e.dataset.stableAt ? Number(e.dataset.stableAt) : null;"
                            "return document.body.dataset.ready === 'true' ? performance.now() : null;"
                        )
                        if at is not None or time.monotonic() > deadline:
                            break
                        time.sleep(0.05)
                    times.append(at)
                    parts = driver.execute_script(
                        "const e = document.getElementById('network'); return e ? e.dataset.timings : null;"
                    )
                errors = console_errors(driver)
                drawn = (
                    f"{len(data['nodes']):,} nodes, {len(data['edges']):,} edges drawn"
                    if "nodes" in data
                    else f"{len(data['programmes'])} of {data['total_programmes']:,} programmes, {len(data['cells'])} cells"
                )
                rows.append(
                    {
                        "view": name,
                        "built_s": built,
                        "usable_ms": statistics.median(t or 120_000 for t in times),
                        "runs": times,
                        "drawn": drawn,
                        "errors": len(errors),
                        "parts": parts,
                    }
                )
                print(rows[-1], flush=True)
        finally:
            driver.quit()
        return rows
    finally:
        server.terminate()
        server.wait(30)


def browser_report(store_dir: str, rows: list[dict]) -> str:
    lines = [
        f"`python -m benchmarks.views {store_dir} --browser` ({time.strftime('%Y-%m-%d')}): each view built once "
        "by the service (first request), then opened three times in headless Chromium at 1400×1000; "
        "*usable* is the median time from navigation until the drawing is laid out and still (the matrix: "
        "until its script ran).",
        "",
        "| view | drawn | built by the service | usable in Chromium (median of 3) | of which page and scripts / set-up / layout / overlaps / labels, last run (ms) | console errors |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['view']} | {r['drawn']} | {r['built_s']:.1f} s | **{r['usable_ms'] / 1000:.2f} s** "
            f"({', '.join(f'{t / 1000:.2f}' for t in r['runs'] if t)}) | {(r['parts'] or '–').replace(',', ' / ')} | "
            f"{r['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument(
        "--browser", action="store_true", help="time the pages in headless Chromium through the service"
    )
    args = parser.parse_args()
    if args.browser:
        print(browser_report(args.store, browser_timings(args.store)))
    else:
        print(network_timings(ox.Store.read_only(args.store)))


if __name__ == "__main__":
    main()
