"""Serving the app over HTTP: waitress, with limits that hold against slow and idle clients.

Waitress alone does not hold against slowloris (110 half-open connections blocked every
client; /health timed out), for three reasons read in its server.py and channel.py:

* at `connection_limit` it stops accepting until a connection closes, so a client that
  holds the limit's worth of connections open shuts everyone else out;
* `channel_timeout` counts from a connection's last byte, so a client that trickles a byte a
  second keeps a half-sent request open for ever;
* the cut is made in `maintenance`, which runs every `cleanup_interval` (30 s by default).

So the server here accepts a new connection at the limit by closing the connection that has
waited longest without a request being served (idle, sending nothing, or still sending its
request); connections whose request is being served, or whose answer is being sent, are never
closed for room. Every connection gets `channel_timeout` seconds for its request's headers,
counted from the request's first byte, however slowly they come; an idle connection is cut
after the same time without a byte, as waitress does; the check runs every second. When every
connection has a request being served, new connections wait in the listen backlog, as in
waitress: the work itself is bounded by the threads.
"""

from __future__ import annotations

import os
import time

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

CHANNEL_TIMEOUT = 10  # seconds for a request's headers, and for a connection idle between requests
CONNECTION_LIMIT = 100  # connections open at once


def limits_from_env() -> tuple[int, int]:
    """(channel timeout, connection limit) from TECHNIEKPACT_CHANNEL_TIMEOUT and
    TECHNIEKPACT_CONNECTION_LIMIT, or the defaults above."""
    values = []
    for name, default in (
        ("TECHNIEKPACT_CHANNEL_TIMEOUT", CHANNEL_TIMEOUT),
        ("TECHNIEKPACT_CONNECTION_LIMIT", CONNECTION_LIMIT),
    ):
        raw = os.environ.get(name)
        try:
            value = int(raw) if raw else default
        except ValueError:
            raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None
        if value < 1:
            raise SystemExit(f"{name} must be at least 1, got {raw!r}")
        values.append(value)
    return values[0], values[1]


class Channel(HTTPChannel):
    """A connection that knows since when it waits for a request, and since when the request
    it is reading started."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.idle_since = self.creation_time  # since the last answer was served, or the connection opened
        self.request_since = None  # the first byte of the request being read

    def received(self, data):
        reading = self.request
        result = super().received(data)
        if self.request is None:
            self.request_since = None
        elif self.request is not reading:  # a new request started in this data
            self.request_since = time.time()
        return result

    def service(self):
        super().service()
        self.idle_since = time.time()

    @property
    def busy(self) -> bool:
        """A request of it is queued or being served, or its answer is still being sent."""
        return bool(self.requests) or bool(self.total_outbufs_len)


class Server(TcpWSGIServer):
    channel_class = Channel

    def readable(self):
        now = time.time()
        if now >= self.next_channel_cleanup:
            self.next_channel_cleanup = now + self.adj.cleanup_interval
            self.maintenance(now)
        # Accept while there is room, or a connection that can make room.
        staying = self._staying()
        return self.accepting and (
            len(staying) < self.adj.connection_limit or self._longest_waiting(staying) is not None
        )

    def handle_accept(self):
        staying = self._staying()
        if len(staying) >= self.adj.connection_limit:
            waiting = self._longest_waiting(staying)
            if waiting is not None:
                # Closed by its own next write event, not here: closing it now would free its
                # descriptor for the accept below, and an event of the old connection still
                # pending in this round of the loop would then be handled by the new one.
                waiting.will_close = True
        super().handle_accept()

    def _staying(self) -> list[Channel]:
        return [channel for channel in self.active_channels.values() if not channel.will_close]

    @staticmethod
    def _longest_waiting(channels: list[Channel]) -> Channel | None:
        return min(
            (channel for channel in channels if not channel.busy),
            key=lambda channel: channel.idle_since,
            default=None,
        )

    def maintenance(self, now):
        super().maintenance(now)  # idle for channel_timeout: cut
        cutoff = now - self.adj.channel_timeout
        for channel in self.active_channels.values():
            request = channel.request
            if (
                request is not None
                and not request.headers_finished
                and not channel.requests
                and channel.request_since is not None
                and channel.request_since < cutoff
            ):
                channel.will_close = True


def create_server(
    app,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    channel_timeout: int | None = None,
    connection_limit: int | None = None,
):
    """A server for `app` on host:port, not yet running (`.run()` serves, `.close()` stops).
    Limits not given come from the environment (limits_from_env)."""
    default_timeout, default_limit = limits_from_env()
    adj = Adjustments(
        host=host,
        port=port,
        threads=threads,
        ident="techniekpact",
        channel_timeout=channel_timeout or default_timeout,
        connection_limit=connection_limit or default_limit,
        cleanup_interval=1,
        # poll(), not select(): select() fails on a descriptor above 1023
        asyncore_use_poll=True,
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    socket_map: dict = {}
    servers = [
        Server(app, socket_map, dispatcher=dispatcher, adj=adj, sockinfo=sockinfo) for sockinfo in adj.listen
    ]
    if len(servers) == 1:
        return servers[0]
    # A host name with several addresses (localhost: ::1 and 127.0.0.1): one loop serves them all.
    return MultiSocketServer(
        socket_map,
        adj,
        [(s.effective_host, s.effective_port) for s in servers],
        dispatcher,
        servers[0].log_info,
    )


def serve(
    app,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    channel_timeout: int | None = None,
    connection_limit: int | None = None,
) -> None:
    """Serve `app` until interrupted."""
    create_server(app, host, port, threads, channel_timeout, connection_limit).run()
