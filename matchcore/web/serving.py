"""Serving the app with uvicorn, with limits so that slow or idle connections cannot stop it.

uvicorn closes a connection that idles *between* requests (``timeout_keep_alive``) and answers
503 above ``limit_concurrency``, but it waits forever for the first request of a connection and
for headers that trickle in, and it accepts every connection it is offered: 1,100 connections
that send nothing take all of a process's 1,024 file descriptors and the server stops
accepting. :class:`LimitedH11Protocol` therefore adds

* a header deadline: a request's line and headers must be complete :data:`HEADER_TIMEOUT_S`
  seconds after the connection opened (or after the previous response), else it is closed;
* a cap on open connections, :data:`MAX_CONNECTIONS` in all and :data:`MAX_PER_ADDRESS` from one
  client address: over a cap, the connection that has waited longest for its request head is
  closed (a slow or idle one: browsers send the head at once), or the new one when all are busy
  with a request. Slow connections from many addresses therefore cannot crowd out a coach.

The body of a form has its own deadline in :class:`matchcore.web.security.Guard`.
docs/web.md ("Limits") explains the values.
"""
from __future__ import annotations

import asyncio
import socket
from collections import Counter
from dataclasses import dataclass

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT_S", "KEEP_ALIVE_S", "MAX_CONNECTIONS", "MAX_HEADER_BYTES",
           "MAX_PER_ADDRESS", "SHUTDOWN_S", "Limits", "LimitedH11Protocol", "config", "run"]

HEADER_TIMEOUT_S = 10.0   # a browser sends its headers in one packet; 10 s covers a bad wifi
KEEP_ALIVE_S = 5          # uvicorn's default: an idle browser reconnects in a millisecond
MAX_CONNECTIONS = 256     # a team of coaches needs a few dozen (a browser opens up to 6)
MAX_PER_ADDRESS = 64      # one machine; also the reverse proxy when there is one
MAX_HEADER_BYTES = 16 * 1024  # h11's default, stated: larger request heads get 400
SHUTDOWN_S = 10           # Ctrl+C waits this long for running requests, then closes


@dataclass(frozen=True)
class Limits:
    header_timeout_s: float = HEADER_TIMEOUT_S
    max_connections: int = MAX_CONNECTIONS
    max_per_address: int = MAX_PER_ADDRESS


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the header deadline and the connection caps (see the module).

    :func:`protocol_for` makes a subclass per server, holding that server's :class:`Limits` and
    its count of connections per address."""

    limits = Limits()
    by_address: Counter = Counter()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline: asyncio.TimerHandle | None = None
        self._waiting_cycle = None
        self._address = self.client[0] if self.client else "?"
        self._armed_at = 0.0
        self.by_address[self._address] += 1
        over_address = self.by_address[self._address] > self.limits.max_per_address
        if over_address or len(self.connections) > self.limits.max_connections:
            # Over a cap, the connection that has waited longest for a request head goes: a
            # browser sends its head at once, so that is a slow or idle one; only when every
            # connection is busy with a request is the new one turned away.
            waiting = [c for c in self.connections if c is not self and c._deadline is not None
                       and (not over_address or c._address == self._address)]
            if not waiting:
                transport.close()
                return
            min(waiting, key=lambda c: c._armed_at)._too_slow()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.by_address[self._address] -= 1
        if self.by_address[self._address] <= 0:
            del self.by_address[self._address]
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self._deadline is not None and self.cycle is not self._waiting_cycle:
            self._disarm()  # a new request's head is complete

    def on_response_complete(self) -> None:
        # armed first: the parent may go on to a pipelined request right away
        if not self.transport.is_closing():
            self._arm()
        super().on_response_complete()

    def _arm(self) -> None:
        self._disarm()
        self._waiting_cycle = self.cycle
        self._armed_at = self.loop.time()
        self._deadline = self.loop.call_later(self.limits.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if getattr(self, "_deadline", None) is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def protocol_for(limits: Limits) -> type[LimitedH11Protocol]:
    return type("ServerH11Protocol", (LimitedH11Protocol,),
                {"limits": limits, "by_address": Counter()})


def config(app, *, host: str = "127.0.0.1", port: int = 8000, limits: Limits = Limits(),
           log_level: str = "warning") -> uvicorn.Config:
    """The uvicorn configuration of ``matchcore serve`` (and of the tests that run a server)."""
    return uvicorn.Config(
        app, host=host, port=port, log_level=log_level, proxy_headers=False,
        server_header=False, http=protocol_for(limits), timeout_keep_alive=KEEP_ALIVE_S,
        # uvicorn answers 503 from this many connections or running requests on; the cap above
        # already keeps connections at max_connections (closing slow ones first), so this is
        # the backstop for requests, one above the cap so that a connection let in is served
        limit_concurrency=limits.max_connections + 1,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES, timeout_graceful_shutdown=SHUTDOWN_S)


def run(app, *, host: str, port: int, sock: socket.socket | None = None) -> None:
    server = uvicorn.Server(config(app, host=host, port=port))
    server.run(sockets=[sock] if sock else None)
