"""The network views as a user gets them (SPARQL → networkx → analytics → vis-network data),
timed: one measurement for benchmarks.run and benchmarks.scale_profile."""

from __future__ import annotations

import sys
import time

import pyoxigraph as ox

VIEWS = ("partners", "programmes")


def timed_views(store) -> dict:
    """{view name: (seconds, view)} for the partner and programme views."""
    from graph import network

    timed = {}
    for name in VIEWS:
        started = time.perf_counter()
        view = network.build_view(store, name)
        network.analytics(view)
        network.vis_data(view)
        timed[name] = (time.perf_counter() - started, view)
    return timed


def network_timings(store: ox.Store) -> str:
    """Build time of the network views (SPARQL → networkx → analytics → vis data)."""
    parts = [f"{name} {seconds:.2f} s ({view.total_nodes:,} nodes"
             f"{', drawn: ' + str(view.graph.number_of_nodes()) if view.summarised else ''})"
             for name, (seconds, view) in timed_views(store).items()]
    return "Network views built in: " + "; ".join(parts) + "."


def main() -> None:
    """`python -m benchmarks.views STORE_DIR`: the views' build times on a loaded store."""
    print(network_timings(ox.Store.read_only(sys.argv[1])))


if __name__ == "__main__":
    main()
