"""Fixtures of the browser tests: one service (uvicorn in a thread, real Index) holding the
seeds, and one headless Debian chromium driven by Playwright, both for the whole session.

Screenshots go to $NEWSDEDUP_SCREENSHOTS, else tests/browser/screenshots/ (ignored by git); the
path is printed at the end of the run."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Debian's chromium; NEWSDEDUP_CHROMIUM points elsewhere (another build, or a missing path to
#: see the skip).
CHROMIUM = Path(os.environ.get("NEWSDEDUP_CHROMIUM", "/usr/bin/chromium"))
#: Flags for a quiet, offline headless chromium (no sandbox: CI runs as root in a container).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SEEDS_DIR = Path(__file__).parents[2].parent / "shared" / "seeds"
SCREENSHOTS = Path(os.environ.get("NEWSDEDUP_SCREENSHOTS", Path(__file__).parent / "screenshots"))
SOURCES = {"000": "scraper.example", "001": "cnn", "002": "cnn", "003": "guardian", "004": "ap"}
DATES = {
    "000": "2022-09-15T08:00:00+00:00",
    "001": "2022-09-14T10:00:00+00:00",
    "002": "2022-03-01T09:00:00+00:00",
    "003": "2022-09-15T12:00:00+00:00",
    "004": "2022-09-16T07:30:00+00:00",
}
_saved: list[Path] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _saved:
        terminalreporter.write_line(f"browser screenshots ({len(_saved)}) saved in {SCREENSHOTS}")


def _records(seeds_dir: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        short = path.stem[:3]
        title = text.strip().splitlines()[0][:100]
        out.append(
            {
                "id": path.stem,
                "text": text,
                "title": title,
                "source": SOURCES[short],
                "published": DATES[short],
            }
        )
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a running service over a fresh index."""
    pytest.importorskip("uvicorn", reason="needs the serve extra")
    import uvicorn

    from newsdedup.serve import create_app
    from newsdedup.store.index import Index

    port = _free_port()
    with Index(tmp_path_factory.mktemp("service") / "index.db") as index:
        config = uvicorn.Config(
            create_app(index),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            ws="none",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=30)


@pytest.fixture(scope="session")
def seeded(service: str) -> dict[str, str]:
    """Posts the five seeds through the API, as a user would; short name ("000") to id."""
    import httpx

    if not SEEDS_DIR.is_dir() or len(list(SEEDS_DIR.glob("*.txt"))) != 5:
        pytest.skip(f"the five seed articles are not in {SEEDS_DIR}")
    response = httpx.post(f"{service}/articles", json=_records(SEEDS_DIR), timeout=120)
    assert response.status_code == 200, response.text
    return {a["id"][:3]: a["id"] for a in response.json()["articles"]}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Debian chromium at {CHROMIUM}: install it (apt-get install chromium, or run "
            "sh scripts/test.sh, which does) to run the browser tests"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the test extra")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that fails the test on any JS dialog (alert() means an injection ran)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"


@pytest.fixture
def shot(page: Page) -> Any:
    """``shot(name, full_page=True)``: a screenshot saved as SCREENSHOTS/name.png."""

    def save(name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        _saved.append(path)
        return path

    return save
