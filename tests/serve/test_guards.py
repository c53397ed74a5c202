"""Validation, size limits and the token: every refusal is a 4xx that says what was wrong."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import orjson
import pytest

from newsdedup.errors import ConfigError
from newsdedup.store.index import Index

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

pytest.importorskip("fastapi", reason="needs the serve extra")

GOOD = {"id": "g1", "text": "The harbour board approved the dredging plan on Tuesday."}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "no id"}, "body.id"),
        ({"id": "x"}, "body.text"),
        ({"id": "", "text": "t"}, "body.id"),
        ({"id": " padded ", "text": "t"}, "body.id"),
        ({"id": "x", "text": ""}, "body.text"),
        ({"id": "x", "text": "t", "published": "last tuesday"}, "body.published"),
        ({"id": "x", "text": "t", "pubdate": "2022-01-01"}, "body.pubdate"),
        ({"id": 7, "text": "t"}, "body.id"),
        ([GOOD, {"id": "y", "text": "t", "published": "2022-13-45"}], "body[1].published"),
        ([GOOD, {"id": "y"}], "body[1].text"),
        ("just a string", "body"),
    ],
)
def test_guards_invalid_article_is_422_naming_the_field(
    client: TestClient, body: Any, field: str
) -> None:
    response = client.post("/articles", json=body)
    assert response.status_code == 422, response.text
    got = response.json()
    assert field in [e["field"] for e in got["errors"]]
    assert field in got["detail"]
    assert client.get("/health").json()["articles"] == 0


def test_guards_union_errors_only_of_the_shape_sent(client: TestClient) -> None:
    errors = client.post("/articles", json={"id": "x"}).json()["errors"]
    assert [e["field"] for e in errors] == ["body.text"]


def test_guards_empty_list_is_422(client: TestClient) -> None:
    response = client.post("/articles", json=[])
    assert response.status_code == 422
    assert "at least one article" in response.json()["detail"]


def test_guards_malformed_json_is_400(client: TestClient) -> None:
    response = client.post(
        "/articles", content=b'{"id": "x", "text": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", None])
def test_guards_non_json_body_is_415(client: TestClient, kind: str | None) -> None:
    headers = {"Content-Type": kind} if kind else {}
    response = client.post("/articles", content=orjson.dumps(GOOD), headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_guards_json_with_charset_is_accepted(client: TestClient) -> None:
    response = client.post(
        "/articles",
        content=orjson.dumps(GOOD),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200


def test_guards_body_over_the_limit_is_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_body_bytes=1000)
    big = {"id": "big", "text": "word " * 400}
    response = client.post("/articles", json=big)
    assert response.status_code == 413
    assert "1,000 bytes" in response.json()["detail"]
    assert client.post("/articles", json=GOOD).status_code == 200
    assert client.get("/articles/big").status_code == 404


def test_guards_streamed_body_over_the_limit_is_413(
    make_client: Callable[..., TestClient],
) -> None:
    """Without a Content-Length (chunked), the limit is counted as the body arrives."""
    client = make_client(max_body_bytes=1000)
    payload = orjson.dumps({"id": "big", "text": "word " * 400})

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(payload), 256):
            yield payload[start : start + 256]

    response = client.post(
        "/articles", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert client.get("/articles/big").status_code == 404


def test_guards_batch_over_max_batch_is_413(make_client: Callable[..., TestClient]) -> None:
    client = make_client(max_batch=2)
    batch = [{"id": f"b{i}", "text": f"article number {i} about the harbour"} for i in range(3)]
    response = client.post("/articles", json=batch)
    assert response.status_code == 413
    assert "limit is 2" in response.json()["detail"]
    assert client.post("/articles", json=batch[:2]).status_code == 200


def test_guards_token_protects_writes_only(make_client: Callable[..., TestClient]) -> None:
    client = make_client(token="s3cret")
    missing = client.post("/articles", json=GOOD)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in missing.json()["detail"]
    wrong = client.post("/articles", json=GOOD, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    basic = client.post("/articles", json=GOOD, headers={"Authorization": "Basic czNjcmV0"})
    assert basic.status_code == 401
    assert client.get("/articles/g1").status_code == 404
    right = client.post("/articles", json=GOOD, headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200
    assert client.get("/articles/g1").status_code == 200
    assert client.get("/stories").status_code == 200
    assert client.get("/ui/").status_code == 200


def test_guards_no_token_means_open_writes(client: TestClient) -> None:
    assert client.post("/articles", json=GOOD).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"order": "oldest"},
        {"since": "yesterday"},
        {"since": "2022-09-20T00:00:00", "until": "2022-09-01T00:00:00"},
    ],
)
def test_guards_bad_story_query_is_422(client: TestClient, params: dict[str, Any]) -> None:
    response = client.get("/stories", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"max_body_bytes": 0}, "max_body_bytes"),
        ({"max_batch": 0}, "max_batch"),
        ({"max_reads": 0}, "max_reads"),
        ({"token": ""}, "token"),
    ],
)
def test_guards_create_app_checks_its_parameters(
    index: Index, kwargs: dict[str, Any], name: str
) -> None:
    from newsdedup.serve import create_app

    with pytest.raises(ConfigError, match=f"'{name}' parameter of create_app"):
        create_app(index, **kwargs)


def test_guards_settings_belong_to_each_app(make_client: Callable[..., TestClient]) -> None:
    """Two apps in one process keep their own token and limits (no module-level state)."""
    guarded, open_ = make_client(token="a", max_batch=1), make_client()
    pair = [GOOD, {**GOOD, "id": "g2"}]
    assert (
        guarded.post("/articles", json=pair, headers={"Authorization": "Bearer a"}).status_code
        == 413
    )
    assert open_.post("/articles", json=pair).status_code == 200
    assert guarded.post("/articles", json=GOOD).status_code == 401


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/stories?offset=1000000000000000000000", "query.offset"),
        ("/search?q=harbour&offset=1000000000000000000000", "query.offset"),
        ("/ui/?offset=1000000000000000000000", "query.offset"),
        ("/ui/search?q=harbour&offset=1000000000000000000000", "query.offset"),
        ("/stories?offset=1000000001", "query.offset"),
        ("/search?q=harbour&limit=100000000000000000000", "query.limit"),
    ],
)
def test_guards_offset_past_its_bound_is_422_json(client: TestClient, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/json"
    assert field in response.json()["detail"]
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_guards_the_largest_offset_is_an_empty_page(client: TestClient) -> None:
    from newsdedup.serve.api import MAX_OFFSET

    assert client.post("/articles", json=GOOD).status_code == 200
    page = client.get("/stories", params={"offset": MAX_OFFSET}).json()
    assert (page["stories"], page["total"], page["next_offset"]) == ([], 1, None)
    hits = client.get("/search", params={"q": "harbour", "offset": MAX_OFFSET}).json()
    assert hits["results"] == []
    assert client.get("/ui/", params={"offset": MAX_OFFSET}).status_code == 200


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/search?q=%00", "q"),
        ("/search?q=harbour%00board", "q"),
        ("/stories?q=%00", "q"),
        ("/stories?source=cnn%00", "source"),
    ],
)
def test_guards_nul_in_a_query_is_422_naming_it(client: TestClient, url: str, name: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.text
    assert f"'{name}' parameter contains a NUL" in response.json()["detail"]


@pytest.mark.parametrize("q", ["%00", "harbour%00board", "%00%00%22"])
def test_guards_nul_in_the_ui_search_is_no_error(client: TestClient, q: str) -> None:
    assert client.post("/articles", json=GOOD).status_code == 200
    response = client.get(f"/ui/search?q={q}")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


def test_guards_index_search_and_stories_take_any_text_and_offset(index: Index) -> None:
    """The store calls behind the UI never fail on a NUL, FTS or LIKE syntax, or a huge page."""
    from newsdedup.types import Article

    index.add([Article(id="h", text=GOOD["text"], title="Harbour 100% dredged")])
    assert index.search("\x00") == ()
    assert [a.id for a in index.search("harbour\x00board")] == ["h"]
    assert index.search("harbour", offset=10**30) == ()
    assert index.stories(offset=10**30, limit=10**30).stories == ()
    for text in ("1%d", "_", "\x00", 'a" OR "b'):  # LIKE would match '1%d' and '_'
        assert index.stories(text=text).total == 0, text
    for text in ("100% d", "HARBOUR"):
        assert index.stories(text=text).total == 1, text


def test_guards_a_crash_answers_json_500(index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from newsdedup.serve import create_app

    def broken() -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(index, "stats", broken)
    client = TestClient(create_app(index), raise_server_exceptions=False)
    response = client.get("/health")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert "Internal error" in response.json()["detail"]
    assert "secret" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_guards_missing_docs_package_names_the_extra(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from newsdedup.errors import MissingExtraError
    from newsdedup.serve import create_app

    monkeypatch.setitem(sys.modules, "fastapi_offline", None)  # importing it raises
    with pytest.raises(MissingExtraError, match=r"fastapi-offline.*newsdedup\[serve\]"):
        create_app(index)


def test_guards_read_gate_runs_at_most_its_limit_and_never_holds_writes() -> None:
    """Eight GETs through a gate of 2 run two at a time, each slot freed when its response
    starts; a POST passes while both slots are taken."""
    import asyncio

    from newsdedup.serve.app import ReadGate

    running: dict[str, int] = {"GET": 0, "POST": 0}
    most: dict[str, int] = {"GET": 0, "POST": 0}
    order: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        method = scope["method"]
        running[method] += 1
        most[method] = max(most[method], running[method])
        order.append(method)
        await asyncio.sleep(0.01 if method == "GET" else 0)
        running[method] -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await asyncio.sleep(0.02)  # a slow body: the slot is already free
        await send({"type": "http.response.body", "body": b"ok"})

    async def sink(message: Any) -> None:
        pass

    async def main() -> None:
        gate = ReadGate(app, limit=2)  # type: ignore[arg-type]

        async def call(method: str) -> None:
            await gate({"type": "http", "method": method}, None, sink)  # type: ignore[arg-type]

        gets = [asyncio.create_task(call("GET")) for _ in range(8)]
        await asyncio.sleep(0)  # the first two GETs hold both slots
        await call("POST")
        assert order[:3] == ["GET", "GET", "POST"]
        await asyncio.gather(*gets)

    # a loop of its own in a thread: Playwright's sync API (tests/browser) may leave one
    # running in this thread, and asyncio.run refuses to start inside it
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result()
    assert most == {"GET": 2, "POST": 1}
    assert order.count("GET") == 8
