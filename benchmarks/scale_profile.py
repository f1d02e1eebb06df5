"""How the build, reasoning, validation, network views and memory grow from 1× to 1000×.

For each scale, in a fresh process (so peak memory is that scale's own): generate the
synthetic graph (benchmarks/generate.py), bulk-load it with the ontology and the shapes
into an on-disk Oxigraph store, run the build's OWL 2 RL materialisation and name keys, validate it with
pyshacl (the same code as `techniekpact validate`), build the partner and programme network
views. Peak memory is the process's maximum resident set after each step. (The saved queries
at each scale: benchmarks.saved_at_scale on the raw engine, benchmarks.run through HTTP.)

    python -m benchmarks.scale_profile --scales 1,10,100,1000 [--validate-up-to 100] [--views-up-to 100]

Validation works on an in-memory rdflib copy of the data (about 1 kB a triple), so beyond
--validate-up-to it is left out and the table says so; likewise the network views beyond
--views-up-to. The figures go to the section
'## Scale profile' of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.generate import OUT

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step(name: str, seconds: float) -> None:
    print(f"  {name}: {seconds:.2f} s, peak {_peak_mb():,.0f} MB", file=sys.stderr, flush=True)


def profile(scale: int, validate: bool, views: bool) -> dict:
    """Every step at one scale, in this process."""
    from benchmarks.generate import generated, load_asserted, load_shapes
    from benchmarks.views import timed_views
    from graph import name_keys, reason
    from graph import validate as v

    row: dict = {"scale": scale}
    started = time.perf_counter()
    nquads = generated(scale)
    row["generate_s"] = time.perf_counter() - started  # 0 when the file was there already
    store_dir = OUT / f"profile-{scale}"

    started = time.perf_counter()
    store = load_asserted(nquads, store_dir)
    store.flush()
    row["load_s"], row["asserted"], row["peak_load_mb"] = (
        time.perf_counter() - started,
        len(store),
        _peak_mb(),
    )

    step("loaded", row["load_s"])
    started = time.perf_counter()
    row["inferred"] = reason.materialise(store)
    row["reason_s"] = time.perf_counter() - started
    step("reasoned", row["reason_s"])
    started = time.perf_counter()
    row["name_keys"] = name_keys.derive(store)
    store.flush()
    row["name_keys_s"], row["peak_reason_mb"] = time.perf_counter() - started, _peak_mb()
    step("name keys", row["name_keys_s"])
    load_shapes(store)

    if validate:
        cpu = time.process_time()
        report = v.validate_store(store)
        row["validate_load_s"] = report["timing"]["load_seconds"]
        row["validate_s"] = report["timing"]["validate_seconds"]
        row["validate_report_s"] = report["timing"]["report_seconds"]
        row["validate_cpu_s"] = time.process_time() - cpu
        row["findings"] = report["total"]
        row["peak_validate_mb"] = _peak_mb()
        step("validated", row["validate_cpu_s"])
        del report

    if views:
        for name, (seconds, view) in timed_views(store).items():
            row[f"network_{name}_s"] = seconds
            row[f"network_{name}_nodes"] = view.total_nodes
        row["peak_network_mb"] = _peak_mb()
        step("network views", row["network_partners_s"] + row["network_programmes_s"])

    row["peak_mb"] = _peak_mb()
    del store
    shutil.rmtree(store_dir, ignore_errors=True)
    return row


def _run_one(scale: int, validate: bool, views: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_profile", "--one", str(scale)]
        + (["--validate"] if validate else [])
        + (["--views"] if views else []),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )  # progress goes to stderr as it comes
    if out.returncode:
        raise RuntimeError(f"scale {scale} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _s(value) -> str:
    return "—" if value is None else (f"{value:.2f}" if value < 100 else f"{value:,.0f}")


def report(rows: list[dict], validate_up_to: int, views_up_to: int) -> str:
    lines = [
        "## Scale profile",
        "",
        f"Run {datetime.date.today().isoformat()} on {platform.node()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; `python -m benchmarks.scale_profile --scales "
        f"{','.join(str(r['scale']) for r in rows)} --validate-up-to {validate_up_to} --views-up-to {views_up_to}`. "
        "Seconds; memory is the peak resident set of the process at that scale.",
        "",
        "| scale | asserted triples | inferred | load s | reasoning s | name keys s "
        "| validation: load / pyshacl / report s | findings | network partners / programmes s | peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        validation = (
            f"{_s(r['validate_load_s'])} / {_s(r['validate_s'])} / {_s(r['validate_report_s'])}"
            if "validate_s" in r
            else f"not run (> {validate_up_to}×)"
        )
        views = (
            f"{_s(r['network_partners_s'])} / {_s(r['network_programmes_s'])}"
            if "network_partners_s" in r
            else f"not run (> {views_up_to}×)"
        )
        lines.append(
            f"| {r['scale']}× | {r['asserted']:,} | {r['inferred']:,} | {_s(r['load_s'])} | "
            f"{_s(r['reason_s'])} | {_s(r['name_keys_s'])} | {validation} | {r.get('findings', '—')} | "
            f"{views} | {r['peak_mb']:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def write_section(section: str) -> None:
    results = ROOT / "benchmarks" / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmarks\n"
    text = re.sub(r"(?ms)^## Scale profile.*?(?=^## |\Z)", "", text).rstrip() + "\n\n" + section
    results.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--validate-up-to", type=int, default=100)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--validate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--views", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--views-up-to", type=int, default=100)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.one is not None:
        print(json.dumps(profile(args.one, args.validate, args.views)))
        return
    rows = []
    for scale in (int(s) for s in args.scales.split(",")):
        print(f"scale {scale}×", flush=True)
        rows.append(_run_one(scale, scale <= args.validate_up_to, scale <= args.views_up_to))
        print(json.dumps(rows[-1]), flush=True)
        write_section(
            report(rows, args.validate_up_to, args.views_up_to)
        )  # after each scale: a long run keeps what it measured
    print(f"wrote {ROOT / 'benchmarks' / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
