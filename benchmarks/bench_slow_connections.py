"""Slow-connection benchmark: can a coach still be served while many connections hang?

Starts ``matchcore serve`` on a free loopback port with its file descriptors limited to 1,024 (a
common default), opens ``--connections`` connections that each send half a request head and then
nothing (from ``--addresses`` different loopback addresses, 127.0.1.x), and makes a normal request
from 127.0.0.1 at 1, 5 and 11 s. Prints each answer and its time. Only loopback is used.

Usage::

    .venv/bin/python benchmarks/bench_slow_connections.py                  # 1,100 from 1, 50, 250
    .venv/bin/python benchmarks/bench_slow_connections.py --connections 300 --addresses 10
"""
from __future__ import annotations

import argparse
import http.client
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATCHCORE = str(ROOT / ".venv" / "bin" / "matchcore")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _limit_fds() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def _normal_request(port: int) -> str:
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        conn.close()
        answer = str(response.status)
    except OSError as exc:
        answer = type(exc).__name__
    return f"{answer} in {(time.perf_counter() - started) * 1000:.0f} ms"


def run(connections: int, addresses: int, db: str) -> None:
    port = _free_port()
    server = subprocess.Popen([MATCHCORE, "--db", db, "serve", "--port", str(port)],
                              stderr=subprocess.DEVNULL, preexec_fn=_limit_fds)
    try:
        deadline = time.monotonic() + 20
        while "200" not in _normal_request(port):
            if time.monotonic() > deadline:
                sys.exit("the server did not start")
            time.sleep(0.2)
        socks = []
        t0 = time.monotonic()
        for i in range(connections):
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                             source_address=(f"127.0.1.{i % addresses + 1}", 0))
                s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                socks.append(s)
            except OSError:
                pass
        line = [f"{connections} slow connections from {addresses} address(es):"]
        for at in (1, 5, 11):
            time.sleep(max(0.0, at - (time.monotonic() - t0)))
            line.append(f"at {at} s {_normal_request(port)}")
        print("  ".join(line))
        for s in socks:
            s.close()
    finally:
        server.terminate()
        server.wait(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1100)
    parser.add_argument("--addresses", type=int, nargs="*", default=[1, 50, 250])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        subprocess.run([MATCHCORE, "--db", db, "init"], check=True, capture_output=True)
        for addresses in args.addresses:
            run(args.connections, max(1, min(addresses, 254)), db)


if __name__ == "__main__":
    main()
