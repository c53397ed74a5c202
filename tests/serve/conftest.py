"""Fixtures of the service tests: a real ``Index`` in tmp_path behind FastAPI's TestClient, and
the project's own five news articles (tests/fixtures/news, see ``news_records`` in
tests/conftest.py) under the seeds' short names: 000 rewrites 001 (6,000 became 3,000, ad lines
inserted), 000, 001, 003 and 004 are one story, 002 is apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from newsdedup.store.index import Index

if TYPE_CHECKING:  # the serve extra: imported in the fixtures, the test modules skip without it
    from fastapi.testclient import TestClient


@pytest.fixture
def seed_records(news_corpus: tuple[dict[str, str], ...]) -> list[dict[str, Any]]:
    """The five articles as POST /articles records (ids are the file stems), fresh copies."""
    return [dict(r) for r in news_corpus]


@pytest.fixture
def seed_ids(news_corpus: tuple[dict[str, str], ...]) -> dict[str, str]:
    """Short name ("000") to id."""
    return {r["id"][:3]: r["id"] for r in news_corpus}


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
    """A client whose index holds the five articles."""
    response = client.post("/articles", json=seed_records)
    assert response.status_code == 200, response.text
    return client
