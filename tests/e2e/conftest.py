"""End-to-end fixtures: the web app served by uvicorn on a free loopback port, and Debian's
Chromium driven by Playwright for Python (downloading a browser is not possible here, so the
system browser's executable is used). Every test here is skipped cleanly when Playwright or the
browser is missing."""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("MATCHCORE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags from the machine notes: as root without a sandbox, and no background connections
# (the machine's closed network refuses them, many at a time).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app on the bundled data, served by uvicorn in a thread; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    from matchcore.store.io import import_paths
    from matchcore.store.db import Store
    from matchcore.web.app import create_app

    db = tmp_path_factory.mktemp("e2e") / "e2e.db"
    store = Store.open(db)
    import_paths(store, [ROOT / "profiles", ROOT / "scans"])
    store.close()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 15
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start within 15 s")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "db": str(db)}
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def page(browser, request):
    """A fresh browser page (own cookies); its console errors fail the test."""
    # a Flemish coach's browser: Dutch (Belgium) first, so the pages come in Dutch
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="nl-BE")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(f"{m.text} ({m.location.get('url')})")
          if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))

    def bad_response(response):
        if response.status >= 400:
            try:
                found = re.findall(r'id="err-([a-z_]+)"[^>]*>([^<]+)<', response.text())
            except Exception:  # body gone (navigation): the status says enough
                found = []
            errors.append(f"{response.status} {response.url} {found}")
    pg.on("response", bad_response)
    if os.environ.get("E2E_TRACE"):
        pg.on("request", lambda r: print("REQ", time.time(), r.method, r.url, (r.post_data or "")[:300]))
    yield pg
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture(scope="session")
def shots():
    """Where screenshots go (tests/e2e/screenshots/, ignored by git)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in a real headless Chromium "
                                       "(deselect with -m 'not e2e')")
