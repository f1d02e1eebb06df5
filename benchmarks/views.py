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
