"""Fresh tiny queries: the service against the bare endpoint and the Oxigraph server, in one run.

    python -m benchmarks.tiny [--scales 1 10 100] [--seconds 10] [--rounds 2] [--reuse]

The tiny lookup (one subject's triples) through wrk -t2 -c8, each request a new text (a
counter in a comment, benchmarks/unique.lua), so no cache answers; the peers take turns, in
rounds, so that a noisy neighbour on this shared machine hits them alike. Prints a Markdown
table for benchmarks/RESULTS.md with the load average beside each round.
"""

from __future__ import annotations

import argparse
import os
import statistics

from benchmarks.run import TINY, Peers, scaled_store, wrk

PEERS = ("service", "bare endpoint", "oxigraph server")


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def measure(scale: int, seconds: int, rounds: int, reuse: bool) -> list[str]:
    store_dir, nquads, build = scaled_store(scale, reuse)
    peers = Peers(store_dir, nquads, rdflib_on_disk=False, reuse=reuse, rdflib=False)
    try:
        for name in PEERS:  # warm: the service's worker processes, the stores' caches
            wrk(peers.urls[name], TINY, 2, unique=True)
        figures: dict[str, list[float]] = {name: [] for name in PEERS}
        loads = []
        for _ in range(rounds):
            loads.append(load_average())
            for name in PEERS:
                figures[name].append(wrk(peers.urls[name], TINY, seconds, unique=True) or 0.0)
    finally:
        peers.stop()
    service, bare, oxigraph = (statistics.median(figures[name]) for name in PEERS)
    return [
        f"| {scale}× ({build['triples']:,} triples) | {service:,.0f} | {bare:,.0f} | {oxigraph:,.0f} | "
        f"{service / bare:.2f} | {service / oxigraph:.2f} | {', '.join(loads)} |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="use the stores and dumps an earlier run loaded")
    args = parser.parse_args()
    rows = [
        "| data | service req/s | bare endpoint req/s | Oxigraph server req/s | service ÷ bare | "
        "service ÷ Oxigraph | load average per round |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale in args.scales:
        rows += measure(scale, args.seconds, args.rounds, args.reuse)
        print("\n".join(rows), flush=True)


if __name__ == "__main__":
    main()
