"""Connections: idle and half-open ones are cut, and however many a client holds open, other
clients are still served (server/http_server.py).

Each test runs its own server with a small connection limit, so that a handful of sockets
is "more than the limit". No duration is asserted (the machine is shared): a client waits for
its answer far less than the server would keep a held connection (PATIENCE < HELD), so an
answer shows it was served while the others held on, not after they were cut."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
import requests

from server import close_app, create_app
from server.config import Config
from server.http_server import create_server
from tests.live import NotInTime, wait_until

LIMIT = 20
HALF_OPEN = 2 * LIMIT
PATIENCE = 30.0  # seconds: a generous bound for what the server does by itself
HELD = 120  # seconds: the channel timeout while connections are held on purpose


@contextmanager
def running(app, **limits):
    server = create_server(app, host="127.0.0.1", port=0, threads=4, **limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server, server.effective_port
    finally:
        server.close()


@pytest.fixture(scope="module")
def quiet_app(store_dir):
    """The real app, preparing nothing in the background (the machine is shared)."""
    app = create_app(Config(store=str(store_dir), prepare_timeout=0, prepare_validation=False))
    yield app
    close_app(app)


def _connect(port: int, send: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    if send:
        sock.sendall(send)
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    """The server has closed this connection (without waiting for it)."""
    sock.settimeout(0.01)
    try:
        return sock.recv(1024) == b""
    except (TimeoutError, BlockingIOError):
        return False
    except OSError:  # reset
        return True


def _wait_until(condition, seconds: float = PATIENCE) -> bool:
    try:
        return bool(wait_until(condition, seconds, "the server's side of the connections"))
    except NotInTime:
        return False


def _health(port: int) -> dict:
    """/health on a new connection: answered, and long before a held connection is cut."""
    response = requests.get(
        f"http://127.0.0.1:{port}/health", timeout=PATIENCE, headers={"Connection": "close"}
    )
    assert response.status_code == 200
    return response.json()


def test_health_answers_while_more_half_open_connections_than_the_limit_are_held(quiet_app):
    # A long timeout: what keeps /health served here is the room made at the limit, not the cut.
    with running(quiet_app, connection_limit=LIMIT, channel_timeout=HELD) as (server, port):
        assert _health(port)["status"] == "ok"
        silent = [_connect(port) for _ in range(HALF_OPEN // 2)]
        partial = [
            _connect(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            for _ in range(HALF_OPEN // 2)
        ]
        try:
            # The server accepted them all, closing the longest waiting to stay within its limit.
            assert _wait_until(
                lambda: sum(_closed_by_server(s) for s in silent + partial) >= HALF_OPEN - LIMIT
            )
            assert _wait_until(lambda: len(server.active_channels) <= LIMIT)
            for _ in range(5):  # each on a new connection
                assert _health(port)["status"] == "ok"
            # ... while the slow clients still held their connections: the last opened are all
            # open (room is made from the oldest), and at least half the limit in all.
            assert not any(_closed_by_server(s) for s in partial[-5:])
            assert sum(not _closed_by_server(s) for s in silent + partial) >= LIMIT // 2
        finally:
            for sock in silent + partial:
                sock.close()


def test_a_request_trickled_a_byte_at_a_time_and_a_silent_connection_are_cut(quiet_app):
    """waitress alone keeps both: its timeout counts from the last byte, and it is checked every 30 s."""
    with running(quiet_app, connection_limit=LIMIT, channel_timeout=1) as (server, port):
        silent = _connect(port)
        trickle = _connect(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        cut = threading.Event()

        def keep_trickling():
            deadline = time.monotonic() + PATIENCE
            while time.monotonic() < deadline:
                try:
                    trickle.sendall(b"a")
                except OSError:
                    break
                if _closed_by_server(trickle):
                    break
                time.sleep(0.2)
            else:
                return
            cut.set()

        sender = threading.Thread(target=keep_trickling, daemon=True)
        sender.start()
        try:
            assert cut.wait(PATIENCE + 5), "a request trickled a byte every 0.2 s was never cut"
            assert _wait_until(lambda: _closed_by_server(silent)), (
                "a connection that sent nothing was never cut"
            )
            assert _health(port)["status"] == "ok"
        finally:
            sender.join(PATIENCE + 5)
            silent.close()
            trickle.close()


def test_a_connection_whose_request_is_being_served_is_not_closed_for_room():
    entered, release = threading.Event(), threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            entered.set()
            release.wait(PATIENCE)
            body = b"the slow answer"
        else:
            body = b"ok"
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    with running(app, connection_limit=5, channel_timeout=HELD) as (server, port):
        answer = {}
        slow = threading.Thread(
            target=lambda: answer.update(
                response=requests.get(f"http://127.0.0.1:{port}/slow", timeout=PATIENCE)
            ),
            daemon=True,
        )
        slow.start()
        assert entered.wait(PATIENCE)
        half_open = [_connect(port, b"GET / HTTP/1.1\r\n") for _ in range(10)]
        try:
            fast = requests.get(f"http://127.0.0.1:{port}/fast", timeout=PATIENCE)
            assert fast.text == "ok"
            # served while the slow request was held, and its connection kept for it
            assert slow.is_alive() and not release.is_set() and "response" not in answer
        finally:
            release.set()
            slow.join(PATIENCE)
            for sock in half_open:
                sock.close()
        assert answer["response"].status_code == 200 and answer["response"].text == "the slow answer"
