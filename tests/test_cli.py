"""The `techniekpact` command line, called as a user calls it."""

import json

import pytest
from click.testing import CliRunner

from server.cli import main

COMMANDS = ["build", "serve", "query", "validate", "reason", "network", "check", "backup", "restore"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_build_reports_counts_per_graph(tmp_path):
    result = CliRunner().invoke(main, ["build", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/techniekpact/graph/pact-2013" in result.output
    assert "total" in result.output


def test_query_from_stdin_as_table(store_dir):
    result = CliRunner().invoke(
        main,
        ["query", "--store", str(store_dir), "-"],
        input="SELECT ?n WHERE { tpd:goal\\/2016-07 tp:number ?n }",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].strip() == "n"
    assert "(1 row)" in result.output


def test_query_from_file_in_csv_tsv_json(store_dir, tmp_path):
    rq = tmp_path / "goals.rq"
    rq.write_text("SELECT ?g WHERE { ?g a tp:Goal } ORDER BY ?g")
    csv_out = (
        CliRunner().invoke(main, ["query", "--store", str(store_dir), str(rq), "--format", "csv"]).output
    )
    assert csv_out.splitlines()[:2] == ["g", "https://w3id.org/techniekpact/id/goal/2016-01"]
    tsv_out = (
        CliRunner().invoke(main, ["query", "--store", str(store_dir), str(rq), "--format", "tsv"]).output
    )
    assert tsv_out.splitlines()[1] == "<https://w3id.org/techniekpact/id/goal/2016-01>"
    data = json.loads(
        CliRunner().invoke(main, ["query", "--store", str(store_dir), str(rq), "--format", "json"]).output
    )
    assert len(data["results"]["bindings"]) == 12


def test_query_errors_are_clear(store_dir):
    bad = CliRunner().invoke(main, ["query", "--store", str(store_dir), "-"], input="SELECT * WHERE {")
    assert bad.exit_code == 2 and "query error" in bad.output
    unknown = CliRunner().invoke(main, ["query", "--store", str(store_dir), "no-such-query"])
    assert unknown.exit_code == 2 and "neither a .rq file nor a saved query" in unknown.output
    missing = CliRunner().invoke(main, ["query", "--store", "/nonexistent/store", "-"], input="ASK {}")
    assert missing.exit_code == 2 and "techniekpact build" in missing.output


def test_reason_reports_a_consistent_graph(store_dir):
    result = CliRunner().invoke(main, ["reason", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "consistent: yes" in result.output and "unsatisfiable classes: 0" in result.output
