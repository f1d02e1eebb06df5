"""Benchmarks of the Techniekpact service (see RESULTS.md)."""
