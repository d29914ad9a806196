"""The web app on a real uvicorn server on loopback: a team saving at once, and connections that
are slow or idle on purpose. Each test runs its own server on a free port, bounded in time."""
from __future__ import annotations

import http.client
import re
import select
import socket
import threading
import time

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

import uvicorn  # noqa: E402

from matchcore.web import security, serving  # noqa: E402
from matchcore.web.app import create_app  # noqa: E402

from .test_web import CANDIDATE, EMPLOYER  # noqa: E402

CLIENTS = 10
REQUESTS_EACH = 20  # 200 in all, half of them saves
READS = ["/", "/candidates?q=K", f"/employers/{EMPLOYER}", "/scans", f"/candidates/{CANDIDATE}"]


@pytest.fixture
def serve(bundled_store):
    """Start the app on the bundled data; ``serve(limits)`` gives the port. Stopped after."""
    servers = []

    def start(limits: serving.Limits = serving.Limits()) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = uvicorn.Server(serving.config(create_app(bundled_store.path), port=port,
                                               limits=limits))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        servers.append((server, thread, sock))
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.02)
        return port

    yield start
    for server, thread, sock in servers:
        server.should_exit = True
        thread.join(15)
        sock.close()


class Browser:
    """One coach: a keep-alive connection with its cookie."""

    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20,
                                               source_address=(source, 0))
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for value in response.headers.get_all("set-cookie") or []:
            self.cookie = value.split(";", 1)[0]
        return response.status, text


def test_ten_coaches_reading_and_saving_at_once_get_no_error_and_lose_no_save(serve,
                                                                             bundled_store):
    port = serve()
    errors: list[str] = []
    saved: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def coach(i: int) -> None:
        browser = Browser(port)
        try:
            status, page = browser.request("GET", "/")
            token = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)
            for j in range(REQUESTS_EACH):
                started = time.perf_counter()
                if j % 2 == 0:
                    note = f"load test call {i}-{j}"
                    status, text = browser.request(
                        "POST", f"/employers/{EMPLOYER}/calls",
                        f"csrf_token={token}&outcome=no&note={note.replace(' ', '+')}")
                    ok = status == 303
                    if ok:
                        with lock:
                            saved.append(note)
                else:
                    url = READS[(i + j) % len(READS)]
                    status, text = browser.request("GET", url)
                    ok = status == 200
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if not ok:
                        errors.append(f"client {i} request {j}: {status} {text[:120]!r}")
        except (OSError, http.client.HTTPException, AttributeError) as exc:
            with lock:
                errors.append(f"client {i}: {exc!r}")

    threads = [threading.Thread(target=coach, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(saved) == CLIENTS * REQUESTS_EACH // 2
    stored = {r["note"] for r in bundled_store.rows("select note from contact_log")}
    assert set(saved) <= stored  # every acknowledged save is in the database
    latencies.sort()
    print(f"\n{len(latencies)} requests, p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms")


def _readable(sock: socket.socket) -> bool:
    """True when the server closed it (or answered): a read would not block."""
    return bool(select.select([sock], [], [], 0)[0])


def _closed_without_answer(sock: socket.socket) -> bool:
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:  # closed with the unread request head still in its buffer
        return True


@pytest.mark.parametrize("limits, sources", [
    (serving.Limits(header_timeout_s=2.0, max_connections=256, max_per_address=16),
     ["127.0.0.2"]),                  # one address over its cap
    (serving.Limits(header_timeout_s=2.0, max_connections=16, max_per_address=64),
     ["127.0.0.2", "127.0.0.3"]),     # several addresses over the server's cap
], ids=["per-address", "in-all"])
def test_slow_and_idle_connections_cannot_stop_the_server(serve, limits, sources):
    port = serve(limits)
    slow = []
    for i in range(40):  # from other loopback addresses than the coach below
        s = socket.create_connection(("127.0.0.1", port), timeout=5,
                                     source_address=(sources[i % len(sources)], 0))
        if i % 2:  # half send an unfinished request head, half nothing at all
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        slow.append(s)
    held = min(limits.max_connections, limits.max_per_address * len(sources))
    try:
        time.sleep(0.5)
        closed_at_once = sum(_readable(s) for s in slow)  # the oldest waiting ones made room
        assert closed_at_once == 40 - held
        status, _ = Browser(port).request("GET", "/")  # the coach is served meanwhile
        assert status == 200
        deadline = time.monotonic() + 10
        while not all(_readable(s) for s in slow):  # the head deadline closes the others
            assert time.monotonic() < deadline, "slow connections were kept open"
            time.sleep(0.1)
        assert all(_closed_without_answer(s) for s in slow)
    finally:
        for s in slow:
            s.close()


def test_a_form_body_that_never_arrives_is_refused(serve, monkeypatch):
    monkeypatch.setattr(security, "BODY_TIMEOUT_S", 1)
    port = serve()
    browser = Browser(port)
    status, page = browser.request("GET", "/")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall((f"POST /employers/{EMPLOYER}/calls HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Cookie: {browser.cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                   "Content-Length: 500\r\n\r\ncsrf_token=").encode())
        answer = s.recv(200)
    finally:
        s.close()
    assert answer.startswith(b"HTTP/1.1 408")


def test_a_request_for_another_host_name_gets_400(serve):
    port = serve()
    for host, expected in [("evil.example", 400), (f"localhost:{port}", 200),
                           (f"127.0.0.1:{port}", 200), ("", 400)]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.putrequest("GET", "/", skip_host=True)
        if host:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status == expected, host
