"""The `techniekpact` command line's graph commands: thin wrappers around the graph package.

The commands that need the web layer (`serve`, `network`, whose page template lives with the
web views) are added by server/cli.py, which is what the `techniekpact` script runs: graph/
never imports server/ (DESIGN.md). `python -m graph.cli` offers the graph commands alone."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.store import StoreMissing, open_for_reading, store_path

STORE_OPTION = click.option(
    "--store",
    "store_dir",
    envvar="TECHNIEKPACT_STORE",
    default="var/store",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Store directory (also TECHNIEKPACT_STORE).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """Techniekpact knowledge graph: build, query, validate, reason, check, backup, restore."""


@main.command()
@STORE_OPTION
@click.option(
    "--endpoint",
    envvar="TECHNIEKPACT_SPARQL_ENDPOINT",
    help="also publish the built graphs to this remote SPARQL server (TECHNIEKPACT_SPARQL_ENDPOINT)",
)
@click.option("--update-endpoint", envvar="TECHNIEKPACT_UPDATE_ENDPOINT", help="its update URL, if different")
def build(store_dir, endpoint, update_endpoint):
    """Build the store from ontology/, shapes/, graph/data/ and queries/."""
    from graph.build import BuildError, publish
    from graph.build import build as run_build
    from graph.remote import RemoteStore, RemoteUnavailable
    from graph.store import StoreBusy

    try:
        report = run_build(store_dir)
    except (BuildError, StoreBusy) as error:
        click.echo(f"build failed: {error}", err=True)
        click.echo(f"the previous store at {store_path(store_dir)} was left as it was", err=True)
        sys.exit(2)
    width = max(len(g) for g in report.counts)
    for graph, count in report.counts.items():
        click.echo(f"{graph.ljust(width)}  {count:>7}")
    click.echo(f"{'total'.ljust(width)}  {report.total:>7}")
    click.echo(f"built {report.store} in {report.seconds:.1f} s (version {report.version[:12]})")
    _say_handed_over(report.handed_over_to)
    if endpoint:
        try:
            sent = publish(report.store, RemoteStore(endpoint, update_endpoint))
        except RemoteUnavailable as error:
            click.echo(f"publishing failed: {error}", err=True)
            sys.exit(2)
        click.echo(f"published {sum(sent.values())} triples in {len(sent)} graphs to {endpoint}")


def _say_handed_over(pids: list[int]) -> None:
    if pids:
        click.echo(
            f"handed over to the running service (pid {', '.join(map(str, pids))}): it serves the new "
            "store from its next request (within a second)"
        )


@main.command()
@STORE_OPTION
@click.option(
    "--repair",
    is_flag=True,
    help="also do what a starting service does: stamp a new version if a "
    "write may be unstamped, make the version's snapshot",
)
def check(store_dir, repair):
    """Check the store: it opens, its version and snapshot agree; print the triples per graph
    (as /health counts them). Exit 0 when all is well, 1 when not, 2 when there is no store."""
    from graph.check import check as run_check

    try:
        report = run_check(store_dir, repair=repair)
    except StoreMissing as error:
        click.echo(f"check: {error}", err=True)
        sys.exit(2)
    click.echo(f"store    {report.store}")
    click.echo(f"version  {report.version or '(none)'}")
    for note in report.notes:
        click.echo(f"  {note}")
    if report.counts:
        width = max(len(g) for g in report.counts)
        for graph, count in report.counts.items():
            click.echo(f"{graph.ljust(width)}  {count:>9}")
        click.echo(f"{report.total} triples in {len(report.counts)} graphs")
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    click.echo("ok" if report.ok else "not ok")
    sys.exit(0 if report.ok else 1)


@main.command()
@STORE_OPTION
@click.argument("destination", type=click.Path(file_okay=False))
def backup(store_dir, destination):
    """Back the store up into DESTINATION, a new directory (Oxigraph's backup; also while the
    service runs)."""
    from graph.backup import BackupError
    from graph.backup import backup as run_backup

    try:
        version = run_backup(store_dir, destination)
    except (BackupError, StoreMissing) as error:
        click.echo(f"backup failed: {error}", err=True)
        sys.exit(2)
    click.echo(f"backed up {store_path(store_dir)} (version {version[:12]}) into {destination}")


@main.command()
@STORE_OPTION
@click.argument("source", type=click.Path(file_okay=False, exists=True))
def restore(store_dir, source):
    """Make the backup in SOURCE the store (the backup stays as it is); a running service takes it over."""
    from graph.backup import restore as run_restore
    from graph.store import StoreBusy

    try:
        version, servers = run_restore(source, store_dir)
    except (StoreBusy, StoreMissing) as error:
        click.echo(f"restore failed: {error}", err=True)
        sys.exit(2)
    click.echo(f"restored {source} into {store_path(store_dir)} (version {version[:12]})")
    _say_handed_over(servers)


def _read_query(source: str) -> tuple[str, object | None]:
    """The query text from '-', a .rq file, or a saved query name (with its definition)."""
    from graph import saved_queries

    if source == "-":
        return sys.stdin.read(), None
    path = Path(source)
    if path.suffix == ".rq" and path.exists():
        return path.read_text(encoding="utf-8"), None
    try:
        saved = saved_queries.load(source)
    except KeyError:
        raise click.BadParameter(
            f"{source!r} is neither a .rq file nor a saved query (saved: {', '.join(saved_queries.names())})",
            param_hint="QUERY",
        ) from None
    return saved.text, saved


@main.command()
@STORE_OPTION
@click.argument("source", metavar="QUERY")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld"]),
)
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="saved-query parameter")
def query(store_dir, source, fmt, params):
    """Run QUERY: a .rq file, a saved query name, or - for standard input."""
    from graph import query as q
    from graph import saved_queries

    text, saved = _read_query(source)
    values = dict(p.split("=", 1) for p in params if "=" in p)
    if len(values) != len(params):
        raise click.BadParameter("parameters are KEY=VALUE", param_hint="--param")
    try:
        substitutions = saved_queries.bind(saved, values) if saved else None
        result = q.execute(open_for_reading(store_dir), text, substitutions=substitutions)
        kind = q.result_kind(result)
        if fmt == "table":
            if kind == "select":
                click.echo(q.format_text_table(q.to_table(result)), nl=False)
            elif kind == "ask":
                click.echo("true" if bool(result) else "false")
            else:
                click.echo(q.serialize(result, "turtle").decode())
            return
        if kind == "graph" and fmt not in q.GRAPH_FORMATS or kind != "graph" and fmt not in q.RESULT_FORMATS:
            raise click.BadParameter(f"{fmt} does not fit a {kind.upper()} result", param_hint="--format")
        click.echo(q.serialize(result, fmt).decode(), nl=False)
    except saved_queries.ParameterError as error:
        raise click.BadParameter(str(error), param_hint="--param") from None
    except SyntaxError as error:
        click.echo(f"query error: {error}", err=True)
        sys.exit(2)
    except StoreMissing as error:
        click.echo(str(error), err=True)
        sys.exit(2)


@main.command()
@STORE_OPTION
def reason(store_dir):
    """Check the ontology and data with HermiT: consistency and unsatisfiable classes."""
    from graph.reason import check_consistency, reasoning_input

    try:
        graph = reasoning_input(open_for_reading(store_dir))
    except StoreMissing as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    report = check_consistency(graph)
    click.echo(f"triples checked: {len(graph)}")
    click.echo(f"consistent: {'yes' if report.consistent else 'NO — ' + report.message}")
    click.echo(f"unsatisfiable classes: {len(report.unsatisfiable)}")
    for iri in report.unsatisfiable:
        click.echo(f"  {iri}")
    sys.exit(0 if report.ok else 1)


@main.command()
@STORE_OPTION
@click.option(
    "--data", "extra", type=click.Path(exists=True, dir_okay=False), help="also validate this Turtle file"
)
@click.option(
    "--format", "fmt", default="text", type=click.Choice(["text", "json", "turtle"]), show_default=True
)
def validate(store_dir, extra, fmt):
    """Validate the data against the SHACL shapes (exit 0 conforms, 1 does not, 2 error).

    Conforms means no sh:Violation; Warnings (gaps in the documents) and Infos (advice) are
    reported but do not fail. With --data FILE, the file is checked together with the store
    (in memory; the store is not changed) and the findings on its nodes are reported."""
    from graph import validate as v
    from graph.shacl.formats import FORMATTERS
    from graph.shacl.inputs import ValidationFailed
    from graph.store import read_version

    try:
        store = open_for_reading(store_dir)
        version = read_version(store_dir)
        report = v.validate_file(store, extra, version) if extra else v.validate_store(store, version)
    except (StoreMissing, ValidationFailed) as error:
        click.echo(f"validate: {error}", err=True)
        sys.exit(v.EXIT_ERROR)
    click.echo(FORMATTERS[fmt](report), nl=False)
    sys.exit(v.exit_code(report))


if __name__ == "__main__":
    main()
