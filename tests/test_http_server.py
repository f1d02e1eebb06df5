"""Connections: idle and half-open ones are cut, and however many a client holds open, other
clients are still served (server/http_server.py).

Each test runs its own server with a small connection limit, so that a handful of sockets
is "more than the limit"; the only time bound asserted is the one the service promises:
/health answers within a second."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
import requests

from server import create_app
from server.config import Config
from server.http_server import create_server

LIMIT = 20
HALF_OPEN = 2 * LIMIT
WITHIN = 1.0                 # seconds: the "/health still answers within a second"
PATIENCE = 30.0              # seconds: a generous bound for what the server does by itself


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
    app.extensions["techniekpact.answers"].close()


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
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _health_within_a_second(port: int) -> dict:
    started = time.monotonic()
    response = requests.get(f"http://127.0.0.1:{port}/health", timeout=WITHIN,
                            headers={"Connection": "close"})
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < WITHIN, f"/health took {elapsed:.2f} s"
    return response.json()


def test_health_answers_within_a_second_while_more_half_open_connections_than_the_limit_are_held(quiet_app):
    # A long timeout: what keeps /health served here is the room made at the limit, not the cut.
    with running(quiet_app, connection_limit=LIMIT, channel_timeout=60) as (server, port):
        assert _health_within_a_second(port)["status"] == "ok"
        silent = [_connect(port) for _ in range(HALF_OPEN // 2)]
        partial = [_connect(port, b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") for _ in range(HALF_OPEN // 2)]
        try:
            # The server accepted them all, closing the longest waiting to stay within its limit.
            assert _wait_until(lambda: sum(_closed_by_server(s) for s in silent + partial) >= HALF_OPEN - LIMIT)
            assert _wait_until(lambda: len(server.active_channels) <= LIMIT)
            for _ in range(5):  # each on a new connection
                assert _health_within_a_second(port)["status"] == "ok"
            # The half-open connections opened last are still open: room is made from the oldest.
            assert not any(_closed_by_server(s) for s in partial[-5:])
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
            assert _wait_until(lambda: _closed_by_server(silent)), "a connection that sent nothing was never cut"
            assert _health_within_a_second(port)["status"] == "ok"
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

    with running(app, connection_limit=5, channel_timeout=60) as (server, port):
        answer = {}
        slow = threading.Thread(target=lambda: answer.update(
            response=requests.get(f"http://127.0.0.1:{port}/slow", timeout=PATIENCE)), daemon=True)
        slow.start()
        assert entered.wait(PATIENCE)
        half_open = [_connect(port, b"GET / HTTP/1.1\r\n") for _ in range(10)]
        try:
            started = time.monotonic()
            fast = requests.get(f"http://127.0.0.1:{port}/fast", timeout=WITHIN)
            assert fast.text == "ok" and time.monotonic() - started < WITHIN
        finally:
            release.set()
            slow.join(PATIENCE)
            for sock in half_open:
                sock.close()
        assert answer["response"].status_code == 200 and answer["response"].text == "the slow answer"
