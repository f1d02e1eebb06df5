"""The network views as a user gets them (SPARQL → networkx → analytics → vis-network data),
timed: one measurement for benchmarks.run and benchmarks.scale_profile."""

from __future__ import annotations

import time

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


def main() -> None:
    """`python -m benchmarks.views STORE_DIR`: the views' build times on a loaded store."""
    import sys

    import pyoxigraph as ox

    for name, (seconds, view) in timed_views(ox.Store.read_only(sys.argv[1])).items():
        print(f"{name}: {seconds:.1f} s, {view.total_nodes:,} nodes, {view.graph.number_of_nodes()} drawn")


if __name__ == "__main__":
    main()
