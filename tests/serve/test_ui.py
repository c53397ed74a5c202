"""The server-rendered pages: what they show for the seeds, and that article text is escaped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from newsdedup.serve.charts import daily, sparkline, timeline_chart

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

pytest.importorskip("fastapi", reason="needs the serve extra")

EVIL_TITLE = "<script>alert('title')</script>"
EVIL_TEXT = 'Budget "><img src=x onerror=alert(1)> passed <script>alert("text")</script> today.'
EVIL_SOURCE = "<b onmouseover=alert(2)>src</b>"
EVIL_ID = "evil<i>d"


def _story_of(client: TestClient, article_id: str) -> str:
    story: str = client.get(f"/articles/{article_id}").json()["story"]
    return story


def test_ui_root_redirects_to_the_stories_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code in (302, 307)
    assert response.headers["location"] == "/ui/"


def test_ui_stories_page_lists_both_stories_with_counts_and_sparklines(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get("/ui/").text
    big = _story_of(seeded, seed_ids["000"])
    small = _story_of(seeded, seed_ids["002"])
    assert f'data-story="{big}" data-size="4"' in html
    assert f'data-story="{small}" data-size="1"' in html
    assert "4 articles" in html and "4 sources" in html
    assert html.count('<svg class="spark"') == 4  # recent and biggest, both stories
    assert "<polyline" in html
    biggest = html.split('id="biggest"')[1]
    assert biggest.index(big) < biggest.index(small)


def test_ui_stories_page_filters_and_pages(seeded: TestClient, seed_ids: dict[str, str]) -> None:
    assert '<p class="summary">2 stories</p>' in seeded.get("/ui/").text
    html = seeded.get("/ui/", params={"source": "guardian"}).text
    assert '<p class="summary">1 story matching</p>' in html
    recent = html.split('id="recent"')[1].split('id="biggest"')[0]
    assert _story_of(seeded, seed_ids["000"]) in recent
    assert _story_of(seeded, seed_ids["002"]) not in recent
    paged = seeded.get("/ui/", params={"offset": 1}).text
    assert "2\u20132 of 2" in paged and 'rel="prev"' in paged


def test_ui_story_page_marks_the_original_of_the_copy_pair(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    story = _story_of(seeded, seed_ids["000"])
    html = seeded.get(f"/ui/stories/{story}").text
    pair = re.search(
        r'<section class="group" data-group="[^"]+" data-size="2">.*?</section>', html, re.S
    )
    assert pair is not None
    block = pair.group(0)
    assert seed_ids["000"] in block and seed_ids["001"] in block
    assert block.count('class="badge">original<') == 1
    original = next(
        i
        for i in (seed_ids["000"], seed_ids["001"])
        if seeded.get(f"/articles/{i}").json()["original"]
    )
    assert f'<li class="member original" data-article="{original}">' in block
    assert html.count('<section class="group"') == 3
    assert '<svg class="timeline"' in html and "2022-09-14" in html
    for outlet in ("cnn", "guardian", "ap", "scraper.example"):
        assert f'<span class="source">{outlet}</span>' in html


def test_ui_article_page_highlights_3000_against_6000(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get(f"/ui/articles/{seed_ids['000']}").text
    marks = re.findall(r"<mark ([^>]*)>([^<]*)</mark>", html)
    facts = [
        dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)) | {"shown": shown} for attrs, shown in marks
    ]
    changed = [f for f in facts if "changed" in f.get("class", "")]
    assert {"data-side": "a", "shown": "3,000", "data-other": "6,000"}.items() <= next(
        f for f in changed if f["shown"] == "3,000"
    ).items()
    assert any(f["shown"] == "6,000" and f["data-side"] == "b" for f in changed)
    assert f'data-copy="{seed_ids["001"]}" class="chosen"' in html
    assert '<tr class="inserted">' in html and '<tr class="passage">' in html


def test_ui_article_page_compares_with_a_chosen_article(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get(f"/ui/articles/{seed_ids['003']}", params={"against": seed_ids["004"]}).text
    assert 'id="diff"' in html and "fact changed" not in html
    none = seeded.get(f"/ui/articles/{seed_ids['003']}", params={"against": "ghost"}).text
    assert "No article with id <code>ghost</code>" in none


def test_ui_search_page_lists_hits_and_stories(
    seeded: TestClient, seed_ids: dict[str, str]
) -> None:
    html = seeded.get("/ui/search", params={"q": "square kilometers"}).text
    hits = set(re.findall(r'<li class="hit" data-article="([^"]+)"', html))
    assert hits >= {seed_ids["000"], seed_ids["001"]}
    assert "No article contains" in seeded.get("/ui/search", params={"q": "zzyzx"}).text
    assert seeded.get("/ui/search").status_code == 200


@pytest.mark.parametrize("url", ["/ui/stories/nope", "/ui/articles/nope"])
def test_ui_unknown_ids_are_404_pages(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "<code>nope</code>" in response.text


def test_ui_escapes_untrusted_article_fields_on_every_page(client: TestClient) -> None:
    evil = [
        {
            "id": EVIL_ID,
            "title": EVIL_TITLE,
            "text": EVIL_TEXT,
            "source": EVIL_SOURCE,
            "url": "javascript:alert(3)",
        },
        {"id": "copy", "title": EVIL_TITLE, "text": EVIL_TEXT, "source": EVIL_SOURCE},
    ]
    assert client.post("/articles", json=evil).status_code == 200
    story = _story_of(client, EVIL_ID)
    pages = [
        "/ui/",
        f"/ui/stories/{story}",
        f"/ui/articles/{EVIL_ID}",
        f"/ui/articles/{EVIL_ID}?against=copy",
        "/ui/search?q=Budget",
        f"/ui/articles/copy?against={EVIL_TITLE}",
    ]
    for url in pages:
        html = client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "<b onmouseover" not in html, url
        assert "evil<i>d" not in html, url
        assert 'href="javascript:' not in html, url
    article = client.get(f"/ui/articles/{EVIL_ID}").text
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in article
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in article
    assert "&lt;b onmouseover=alert(2)&gt;src&lt;/b&gt;" in article


def test_ui_charts_fill_gaps_between_days() -> None:
    assert daily((("2022-09-14", 1), ("2022-09-16", 2))) == [
        ("2022-09-14", 1),
        ("2022-09-15", 0),
        ("2022-09-16", 2),
    ]
    chart = timeline_chart((("2022-09-14", 1), ("2022-09-16", 2)))
    assert [b.count for b in chart.bars] == [1, 0, 2]
    assert chart.bars[2].height > chart.bars[0].height > chart.bars[1].height == 0
    assert (chart.first, chart.last, chart.peak) == ("2022-09-14", "2022-09-16", 2)
    assert len(sparkline((("2022-09-14", 3),)).points.split()) == 2
    assert sparkline(()).bars == ()
