"""The JSON routes against a real Index: what each answers for the five news articles of
tests/fixtures/news (the seeds' roles, see tests/serve/conftest.py) and for unknown ids."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

pytest.importorskip("fastapi", reason="needs the serve extra")


def test_api_post_seeds_groups_the_copy_pair_and_the_story(
    client: TestClient, seed_records: list[dict[str, Any]], seed_ids: dict[str, str]
) -> None:
    response = client.post("/articles", json=seed_records)
    assert response.status_code == 200
    body = response.json()
    by_id = {a["id"]: a for a in body["articles"]}
    assert set(by_id) == {r["id"] for r in seed_records}
    assert {a["status"] for a in body["articles"]} == {"new"}
    assert body["rejected"] == []
    first, copy = by_id[seed_ids["000"]], by_id[seed_ids["001"]]
    assert first["group"] == copy["group"]
    assert len({a["group"] for a in by_id.values()}) == 4
    story = first["story"]
    assert [by_id[seed_ids[s]]["story"] for s in ("001", "003", "004")] == [story] * 3
    assert by_id[seed_ids["002"]]["story"] != story


def test_api_post_one_object_and_again_unchanged_then_new_version(client: TestClient) -> None:
    article = {"id": "a1", "text": "The council met on Monday to approve the harbour budget."}
    first = client.post("/articles", json=article).json()["articles"]
    again = client.post("/articles", json=article).json()["articles"]
    changed = client.post("/articles", json={**article, "text": article["text"] + " Later."})
    assert [a["status"] for a in first + again] == ["new", "unchanged"]
    assert changed.json()["articles"][0]["status"] == "new_version"
    assert changed.json()["articles"][0]["version"] == 2
    assert client.get("/articles/a1").json()["version"] == 2


def test_api_post_reports_an_article_the_index_rejects_by_position(client: TestClient) -> None:
    body = [{"id": "ok", "text": "Some words about a harbour."}, {"id": "blank", "text": "   "}]
    response = client.post("/articles", json=body)
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["articles"]] == ["ok"]
    [rejected] = response.json()["rejected"]
    assert rejected["position"] == 1
    assert rejected["reason"] == "empty_text"


def test_api_get_article_returns_the_stored_record(
    seeded: TestClient, seed_records: list[dict[str, Any]]
) -> None:
    record = seed_records[3]
    got = seeded.get(f"/articles/{record['id']}").json()
    assert got["id"] == record["id"]
    assert got["title"] == record["title"]
    assert got["source"] == record["source"]
    assert got["url"] == record["url"]
    assert got["published"].startswith(record["published"][:19])
    assert "Saltmere" in got["text"]


def test_api_unknown_ids_are_404_with_a_message(seeded: TestClient) -> None:
    for url in ("/articles/nope", "/articles/nope/copies", "/stories/nope"):
        response = seeded.get(url)
        assert response.status_code == 404
        assert "'nope'" in response.json()["detail"]


def test_api_copies_lists_the_other_member(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    got = seeded.get(f"/articles/{seed_ids['001']}/copies").json()
    assert [c["id"] for c in got["copies"]] == [seed_ids["000"]]
    assert got["copies"][0]["kind"] in {"original", "rewrite"}
    alone = seeded.get(f"/articles/{seed_ids['002']}/copies").json()
    assert alone["copies"] == []


def test_api_stories_biggest_first_has_the_four_articles(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    page = seeded.get("/stories", params={"order": "size"}).json()
    assert page["total"] == 2
    assert page["next_offset"] is None
    big, small = page["stories"]
    assert big["size"] == 4
    assert set(big["members"]) == {seed_ids[s] for s in ("000", "001", "003", "004")}
    assert small["members"] == [seed_ids["002"]]
    assert sum(n for _, n in big["timeline"]) == 4
    assert set(big["sources"]) == {"scraper.example", "cnn", "guardian", "ap"}


def test_api_stories_filters_by_source_time_and_text(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    def members(**params: str) -> list[list[str]]:
        response = seeded.get("/stories", params=params)
        assert response.status_code == 200, response.text
        return [s["members"] for s in response.json()["stories"]]

    assert members(source="guardian") == [members(order="size")[0]]
    assert len(members(source="cnn")) == 2
    assert members(source="nobody") == []
    assert members(since="2023-01-01T00:00:00+00:00") == [[seed_ids["002"]]]
    assert [seed_ids["002"]] not in members(until="2022-12-31T00:00:00+00:00")
    big = seeded.get("/stories", params={"order": "size"}).json()["stories"][0]
    assert members(q=big["headline"][:30].upper()) == [big["members"]]


def test_api_stories_paginates(seeded: TestClient) -> None:
    first = seeded.get("/stories", params={"limit": 1}).json()
    second = seeded.get("/stories", params={"limit": 1, "offset": first["next_offset"]}).json()
    assert (first["total"], first["next_offset"], second["next_offset"]) == (2, 1, None)
    assert first["stories"][0]["id"] != second["stories"][0]["id"]


def test_api_story_detail_lists_its_articles(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    story = seeded.get(f"/articles/{seed_ids['003']}").json()["story"]
    got = seeded.get(f"/stories/{story}").json()
    assert got["size"] == 4
    assert {a["id"] for a in got["articles"]} == set(got["members"])
    originals = [a["id"] for a in got["articles"] if a["original"]]
    assert seed_ids["003"] in originals
    assert len({seed_ids["000"], seed_ids["001"]} & set(originals)) == 1


def test_api_diff_reports_3000_against_6000(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    got = seeded.get("/diff", params={"a": seed_ids["000"], "b": seed_ids["001"]}).json()
    assert got["verdict"] == "rewrite"
    pairs = {(c["a"], c["b"]) for c in got["changes"]}
    assert ("3,000", "6,000") in pairs
    text = seeded.get(f"/articles/{seed_ids['000']}").json()["text"]
    change = next(c for c in got["changes"] if c["a"] == "3,000")
    assert text[change["a_start"] : change["a_end"]] == "3,000"
    assert got["passages"] and 0 < got["coverage_a"] <= 1


def test_api_diff_names_the_unknown_parameter(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    response = seeded.get("/diff", params={"a": seed_ids["000"], "b": "ghost"})
    assert response.status_code == 404
    assert "b 'ghost'" in response.json()["detail"]
    missing = seeded.get("/diff", params={"a": seed_ids["000"]})
    assert missing.status_code == 422
    assert "query.b" in missing.json()["detail"]


def test_api_search_finds_by_phrase(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    got = seeded.get("/search", params={"q": "square kilometers"}).json()
    assert {r["id"] for r in got["results"]} >= {seed_ids["000"], seed_ids["001"]}
    assert "text" not in got["results"][0]
    assert seeded.get("/search", params={"q": "zzyzx-nothing"}).json()["results"] == []
    assert seeded.get("/search", params={"q": "  "}).status_code == 422
    assert seeded.get("/search").status_code == 422


def test_api_health_counts(seeded: TestClient) -> None:
    got = seeded.get("/health").json()
    assert got["status"] == "ok"
    assert (got["articles"], got["groups"], got["stories"]) == (5, 4, 2)


def test_api_openapi_has_the_routes_and_schemas(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert paths >= {
        "/articles",
        "/articles/{article_id}",
        "/articles/{article_id}/copies",
        "/stories",
        "/stories/{story_id}",
        "/diff",
        "/search",
        "/health",
    }
    assert {"ArticleIn", "AddOut", "StoryOut", "DiffOut"} <= set(spec["components"]["schemas"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert asset in docs.text and client.get(asset).status_code == 200
    assert not any(p.startswith("/ui") for p in paths)


def _swagger_ui_version(bundle: str) -> tuple[int, ...]:
    """The version Swagger UI's bundle announces (``PACKAGE_VERSION:"5.32.6"``)."""
    found = re.search(r'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bundle)
    assert found is not None, "the bundle does not say its Swagger UI version"
    return tuple(int(g) for g in found.groups())


def test_api_docs_page_loads_a_swagger_ui_that_reads_the_schema(client: TestClient) -> None:
    """/docs loads only files of this host, its Swagger UI bundle answers, and that Swagger UI
    reads the OpenAPI version the schema is written in (3.1 needs Swagger UI 5: 4.x shows
    "Unable to render this definition")."""
    page = client.get("/docs")
    assert page.status_code == 200
    scripts = re.findall(r'<script src="([^"]+)"></script>', page.text)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page.text)
    assert scripts and styles and "<script>" not in page.text  # the CSP allows no inline code
    for url in scripts + styles:
        assert url.startswith("/") and not url.startswith("//"), url
        response = client.get(url)
        assert response.status_code == 200, url
        kind = "javascript" if url.endswith(".js") else "css"
        assert kind in response.headers["content-type"], url
    bundle = next(client.get(u).text for u in scripts if u.endswith("swagger-ui-bundle.js"))
    init = next(client.get(u).text for u in scripts if u.endswith("init.js"))
    assert "SwaggerUIBundle(" in init and 'url: "/openapi.json"' in init
    assert "validatorUrl: null" in init  # no request to another host's validator
    spec = client.get("/openapi.json").json()
    openapi = tuple(int(p) for p in spec["openapi"].split(".")[:2])
    readable = (3, 1) if _swagger_ui_version(bundle) >= (5, 0, 0) else (3, 0)
    assert openapi <= readable, (spec["openapi"], _swagger_ui_version(bundle))


def test_api_openapi_is_a_valid_description() -> None:
    """The schema /docs is fed validates as the OpenAPI version it declares."""
    validator = pytest.importorskip(
        "openapi_spec_validator", reason="openapi-spec-validator is not installed"
    )
    from newsdedup.serve import create_app

    class Unused:  # the schema is built from the routes alone
        pass

    spec = create_app(Unused()).openapi()  # type: ignore[arg-type]
    assert spec["openapi"].startswith("3.1")
    validator.validate(spec)


@pytest.mark.parametrize(
    "url",
    [
        "/ui/",
        "/ui/search?q=harbour",
        "/ui/articles/missing",
        "/health",
        "/stories?limit=0",
        "/articles/missing",
        "/docs",
        "/docs/init.js",
        "/docs-assets/swagger-ui.css",
        "/static/style.css",
        "/openapi.json",
    ],
)
def test_api_every_answer_has_the_security_headers(client: TestClient, url: str) -> None:
    from newsdedup.serve.app import CSP

    response = client.get(url)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"] == CSP
    assert "frame-ancestors 'none'" in CSP and "unsafe" not in CSP


class _Tags(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would block on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.loads: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self._in_script = tag == "script"
        if tag == "style":
            self.blocked.append("<style> element")
        if tag == "script" and not named.get("src"):
            self.blocked.append("inline <script>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action") and (value or "").lower().startswith("javas"):
                self.blocked.append(f"<{tag} {name}={value}>")
        if tag == "script" or (tag == "link" and named.get("rel") in ("stylesheet", "icon")):
            self.loads.append(named.get("src") or named.get("href") or "")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.blocked.append("inline <script>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_api_ui_pages_satisfy_the_content_security_policy(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    """No inline script, style or handler on any page, and every script and stylesheet comes
    from this host: the policy blocks nothing the pages need."""
    story = seeded.get(f"/articles/{seed_ids['000']}").json()["story"]
    pages = [
        "/ui/",
        "/ui/?q=Halloran&source=cnn",
        f"/ui/stories/{story}",
        f"/ui/articles/{seed_ids['000']}",
        f"/ui/articles/{seed_ids['003']}?against={seed_ids['004']}",
        "/ui/search?q=square+kilometers",
        "/ui/stories/missing",
        "/docs",
    ]
    for url in pages:
        response = seeded.get(url)
        assert response.status_code in (200, 404), url
        tags = _Tags()
        tags.feed(response.text)
        assert tags.blocked == [], url
        assert tags.loads and all(u.startswith("/") and u[1:2] != "/" for u in tags.loads), url
        for asset in tags.loads:
            assert seeded.get(asset).status_code == 200, (url, asset)


@pytest.mark.parametrize(
    "url",
    [
        "/ui/",
        "/ui/search?q=Saltmere",
        "/health",
        "/stories",
        "/search?q=Saltmere",
        "/docs",
        "/openapi.json",
        "/static/style.css",
        "/docs-assets/swagger-ui.css",
    ],
)
def test_api_head_answers_like_get_without_a_body(seeded: TestClient, url: str) -> None:
    got, head = seeded.get(url), seeded.head(url)
    assert (head.status_code, got.status_code) == (200, 200)
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["x-frame-options"] == "DENY"


def test_api_head_of_an_unknown_id_is_404(seeded: TestClient) -> None:
    assert seeded.head("/articles/ghost").status_code == 404
    assert seeded.head("/ui/stories/ghost").status_code == 404
