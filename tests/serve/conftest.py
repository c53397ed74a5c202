"""Fixtures of the service tests: a real ``Index`` in tmp_path behind FastAPI's TestClient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from newsdedup.store.index import Index

if TYPE_CHECKING:  # the serve extra: imported in the fixtures, the test modules skip without it
    from fastapi.testclient import TestClient

#: The seeds by their short names (000 rewrites 001; 000, 001, 003, 004 are one story).
SEED_SOURCES = {
    "000": "scraper.example",
    "001": "cnn",
    "002": "cnn",
    "003": "guardian",
    "004": "ap",
}
SEED_DATES = {
    "000": "2022-09-15T08:00:00+00:00",
    "001": "2022-09-14T10:00:00+00:00",
    "002": "2022-03-01T09:00:00+00:00",
    "003": "2022-09-15T12:00:00+00:00",
    "004": "2022-09-16T07:30:00+00:00",
}


@pytest.fixture
def seed_records(seeds_dir: Path) -> list[dict[str, Any]]:
    """The five seeds as POST /articles records (ids are the file stems)."""
    out = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        short = path.stem[:3]
        out.append(
            {
                "id": path.stem,
                "text": text,
                "title": text.strip().splitlines()[0][:100],
                "source": SEED_SOURCES[short],
                "published": SEED_DATES[short],
                "url": f"https://{SEED_SOURCES[short]}/{short}",
            }
        )
    return out


@pytest.fixture
def seed_ids(seeds_dir: Path) -> dict[str, str]:
    """Short name ("000") to id."""
    return {p.stem[:3]: p.stem for p in seeds_dir.glob("*.txt")}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "index.db") as ix:
        yield ix


@pytest.fixture
def make_client(index: Index) -> Callable[..., TestClient]:
    """``make_client(**create_app_kwargs)``: a client of a fresh app over the test's index."""

    from fastapi.testclient import TestClient

    from newsdedup.serve import create_app

    def make(**kwargs: Any) -> TestClient:
        return TestClient(create_app(index, **kwargs))

    return make


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def seeded(client: TestClient, seed_records: list[dict[str, Any]]) -> TestClient:
    """A client whose index holds the five seeds."""
    response = client.post("/articles", json=seed_records)
    assert response.status_code == 200, response.text
    return client
