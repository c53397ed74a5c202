"""Fixtures of the browser tests: one service (uvicorn in a thread, real Index) holding the
project's five news articles (tests/fixtures/news), and one headless Debian chromium driven by
Playwright, both for the whole session.

Screenshots go to $NEWSDEDUP_SCREENSHOTS, else tests/browser/screenshots/ (ignored by git); every
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
SCREENSHOTS = Path(os.environ.get("NEWSDEDUP_SCREENSHOTS", Path(__file__).parent / "screenshots"))
_saved: list[Path] = []


#: A copy family of three outlets (a copy, then a copy of the copy), with a number changed at
#: each step, about an invented event: it forms a story of its own beside the seeds'.
HARBOUR = """Harbourtown council approves flood barrier after decade of delays

Harbourtown's council voted on Tuesday to build a flood barrier across the mouth of the Kestrel \
estuary, ending a dispute that has divided the coastal town for more than ten years.

The barrier will cost 84 million euros and protect about 4,500 homes from storm surges, the \
council's engineering office said in a report published before the vote.

Mayor Ines Calloway said the decision came after three winters in which the old sea wall failed. \
"We could not ask families to keep bailing water out of their kitchens," she told reporters \
outside the town hall.

Opponents, led by the fishermen's cooperative, argued that the gates would change the tides in \
the estuary and harm the oyster beds that employ nearly 300 people. The cooperative's chair, \
Tomas Rendel, said the group would ask the regional court to review the plan.

Construction is due to start in March and last four years. The regional government has \
promised to pay 60 percent of the cost, and the rest will come from a new local levy on \
property sales.

Engineers from the university of Lowmere modelled the barrier's effect on the tides for two \
years. Their study found that the gates, closed only during storms, would leave the oyster beds \
unchanged in ordinary weather.

Residents of the lower town, where the water reached the first floor in February, welcomed the \
vote. Several hundred gathered on the quay after the meeting, some carrying the sandbags they \
had used all winter.

The council will publish the tender for the construction work next month. Companies from three \
countries have already said they intend to bid."""


def harbour_family() -> list[dict[str, Any]]:
    """h1 (first), h2 copying it with 4,500 -> 4,800, h3 copying h2 with 84 -> 48."""
    copy = HARBOUR.replace("4,500 homes", "4,800 homes").replace(
        "Harbourtown council approves", "Town approves"
    )
    copy += "\n\nRead more: coastal news from around the region."
    copy2 = copy.replace("84 million", "48 million")
    return [
        {"id": "h1", "text": HARBOUR, "title": "Harbourtown approves flood barrier",
         "source": "harbour-times", "published": "2023-03-07T09:00:00+00:00"},
        {"id": "h2", "text": copy, "title": "Town approves flood barrier", "source": "coastwire",
         "published": "2023-03-07T13:00:00+00:00"},
        {"id": "h3", "text": copy2, "title": "Flood barrier approved", "source": "newsbot.example",
         "published": "2023-03-08T06:00:00+00:00"},
    ]  # fmt: skip


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _saved:
        terminalreporter.write_line(f"browser screenshots ({len(_saved)}) saved in {SCREENSHOTS}:")
        for path in _saved:
            terminalreporter.write_line(f"  {path}")


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
def seeded(service: str, news_corpus: tuple[dict[str, str], ...]) -> dict[str, str]:
    """Posts the project's five news articles (tests/fixtures/news, in the seeds' roles: see
    ``news_records`` in tests/conftest.py) through the API, as a user would; short name
    ("000") to id."""
    import httpx

    response = httpx.post(f"{service}/articles", json=list(news_corpus), timeout=120)
    assert response.status_code == 200, response.text
    family = httpx.post(f"{service}/articles", json=harbour_family(), timeout=120)
    assert family.status_code == 200, family.text
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


def _watched(browser: Browser, width: int, height: int) -> Iterator[Page]:
    """A fresh page that fails the test on any JS dialog (alert() means an injection ran) and
    on any script error or request to another host."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    outside: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith(("http://127.0.0.1", "data:")) else outside.append(r.url)
        ),
    )
    yield page
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert errors == [], f"script errors: {errors}"
    assert outside == [], f"requests to other hosts: {outside}"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A desktop-sized page (1280 x 900)."""
    yield from _watched(browser, 1280, 900)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized page (420 px wide)."""
    yield from _watched(browser, 420, 860)


def _saver(page: Page) -> Any:
    def save(name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        _saved.append(path)
        return path

    return save


@pytest.fixture
def shot(page: Page) -> Any:
    """``shot(name, full_page=True)``: a screenshot of ``page`` saved as SCREENSHOTS/name.png."""
    return _saver(page)


@pytest.fixture
def phone_shot(phone: Page) -> Any:
    """The same for the ``phone`` page."""
    return _saver(phone)
