"""The JSON routes against a real Index: what each answers for the seeds and for unknown ids."""

from __future__ import annotations

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
    assert "Samarkand" in got["text"] or "Uzbekistan" in got["text"]


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
    assert members(until="2022-06-01T00:00:00+00:00") == [[seed_ids["002"]]]
    assert [seed_ids["002"]] not in members(since="2022-09-01T00:00:00+00:00")
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
