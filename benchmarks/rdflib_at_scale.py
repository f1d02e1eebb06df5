"""rdflib-endpoint on its BerkeleyDB store at one scale, on its own: the column that
`benchmarks.run` gives it beyond 100×, without the other peers (a full run at 1000× takes over
an hour, after this peer's load of about as long). Uses the store and N-Quads dump that
`benchmarks.run` left for the scale; prints a Markdown section for RESULTS.md.

    python -m benchmarks.rdflib_at_scale --scale 1000 [--repeat 3] [--seconds 5]

Each query is sent as a new text (no cache answers it), 15 s at most, after which the peer is
restarted; where it answers, the raw pyoxigraph engine in-process is timed too, for the ratio.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics

import pyoxigraph as ox

from benchmarks.generate import OUT
from benchmarks.run import RDFLIB_GIVE_UP_S as GIVE_UP_S
from benchmarks.run import Peers, berkeleydb_load, percentile, time_raw, time_rdflib, workload, wrk


def measure(scale: int, repeat: int, seconds: int) -> str:
    store_dir, nquads = OUT / f"store-{scale}", OUT / f"store-{scale}.nq"
    if not (store_dir.exists() and nquads.exists()):
        raise SystemExit(
            f"no store or dump at {scale}×: run `python -m benchmarks.run --scales {scale}` first"
        )
    peers = Peers(store_dir, nquads, rdflib_on_disk=True, reuse=True, rdflib_only=True)
    store = ox.Store.read_only(str(store_dir))
    lines = [
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} on {platform.node()}, `python -m "
        f"benchmarks.rdflib_at_scale --scale {scale} --repeat {repeat}`, on rdflib's BerkeleyDB store. "
        + berkeleydb_load(peers),
        "",
        "| query | rdflib-endpoint (BerkeleyDB) | raw pyoxigraph | rdflib ÷ raw |",
        "|---|---|---|---|",
    ]
    try:
        for name, text in workload().items():
            times = time_rdflib(peers, text, repeat)
            if not times:
                lines.append(f"| {name} | > {GIVE_UP_S:.0f} s | | |")
                print(f"  {name}: rdflib > {GIVE_UP_S:.0f} s", flush=True)
                continue
            raw = time_raw(store, text, repeat)
            ratio = statistics.median(times) / statistics.median(raw)
            lines.append(
                f"| {name} | {1000 * statistics.median(times):.1f} / {1000 * percentile(times, 95):.1f} | "
                f"{1000 * statistics.median(raw):.1f} / {1000 * percentile(raw, 95):.1f} | {ratio:,.0f} |"
            )
            print(f"  {name}: rdflib {1000 * statistics.median(times):.1f} ms", flush=True)
        tiny = workload()["tiny lookup"]
        repeated, different = (
            wrk(peers.urls["rdflib-endpoint"], tiny, seconds, unique) for unique in (False, True)
        )
        fmt = lambda figure: "no figure" if figure is None else f"{figure:,.0f} req/s"
        lines += [
            "",
            f"Throughput of the tiny lookup (wrk -t2 -c8, {seconds} s): the same query repeated "
            f"{fmt(repeated)}, every query different {fmt(different)}.",
        ]
    finally:
        peers.stop()
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    print(measure(args.scale, args.repeat, args.seconds))


if __name__ == "__main__":
    main()
