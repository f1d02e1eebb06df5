"""Real SPARQL servers started by the tests on loopback, each with a throw-away database:
the Oxigraph server (from the `oxigraph` package) and Virtuoso (Debian's virtuoso-opensource)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import requests

from tests.live import free_port, wait_until


def _answers_ask(url: str) -> bool:
    return requests.post(url, data={"query": "ASK {}"}, timeout=2).status_code == 200


class Server:
    def __init__(self, name: str, argv: list[str], query_url: str, update_url: str, workdir: Path):
        self.name, self.argv, self.query_url, self.update_url, self.workdir = (
            name,
            argv,
            query_url,
            update_url,
            workdir,
        )
        self.proc = None

    def start(self) -> Server:
        log = open(self.workdir / "server.log", "ab")
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=log, cwd=self.workdir)
        wait_until(lambda: _answers_ask(self.query_url), 60, f"{self.name} at {self.query_url} answering")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def oxigraph_server(workdir: Path) -> Server:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    return Server(
        "oxigraph",
        [
            binary,
            "serve",
            "--location",
            str(workdir / "db"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        f"http://127.0.0.1:{port}/query",
        f"http://127.0.0.1:{port}/update",
        workdir,
    )


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = {http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


class VirtuosoServer(Server):
    def start(self) -> Server:
        super().start()
        # Virtuoso's anonymous SPARQL user may only read until it is granted updates.
        subprocess.run(
            ["isql-vt", str(self.sql_port), "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return self


def virtuoso_server(workdir: Path) -> Server:
    sql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port))
    url = f"http://127.0.0.1:{http_port}/sparql"
    server = VirtuosoServer(
        "virtuoso", ["virtuoso-t", "+foreground", "+configfile", str(ini)], url, url, workdir
    )
    server.sql_port = sql_port
    return server
