"""What a person sees in a real browser, with the seeds loaded through the API (and a small
invented copy family beside them): the four-article story with its timeline by outlet, the copy
pair with its original marked and drawn as a family, 3,000 highlighted against 6,000 with both
coverage measures named, search hits with their snippet, and every page readable at 420 px."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _story_of(service: str, article: str) -> str:
    story: str = httpx.get(f"{service}/articles/{article}").json()["story"]
    return story


def test_browser_stories_page_shows_the_four_article_story(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/")
    big = page.locator(f'#biggest li.story[data-story="{_story_of(service, seeded["000"])}"]')
    assert big.get_attribute("data-size") == "4"
    assert big.locator(".n-articles").inner_text() == "4 articles"
    assert big.locator(".n-sources").inner_text() == "4 sources"
    assert big.locator("svg.spark").is_visible()  # 1, 2 and 1 articles a day: not flat
    # the label is its own list, apart from the dates
    when = big.locator(".when").inner_text()
    assert when == "2022-09-14 10:00 \N{EN DASH} 2022-09-16 07:30", when
    terms = big.locator("ul.label li")
    assert terms.count() >= 3 and all(terms.nth(i).inner_text() not in when for i in range(3))
    label_box, when_box = (
        big.locator("ul.label").bounding_box(),
        big.locator(".when").bounding_box(),
    )
    assert label_box and when_box and label_box["y"] >= when_box["y"] + when_box["height"] - 1
    lone = page.locator(f'#biggest li.story[data-story="{_story_of(service, seeded["002"])}"]')
    assert lone.locator(".n-articles").inner_text() == "1 article"
    assert lone.locator(".n-sources").inner_text() == "1 source"
    assert lone.locator("svg.spark").count() == 0  # one day: a flat line, not drawn
    shot("stories")


def test_browser_stories_page_filters_by_minimum_size(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/")
    page.fill("input[name=min_size]", "3")
    page.locator("form.filters button").click()
    page.wait_for_url(re.compile(r"min_size=3"))
    sizes = [
        int(page.locator("#recent li.story").nth(i).get_attribute("data-size") or 0)
        for i in range(page.locator("#recent li.story").count())
    ]
    assert sizes and min(sizes) >= 3
    assert _story_of(service, seeded["002"]) not in page.content()
    assert page.locator("p.summary").inner_text().endswith("matching")
    shot("stories-min-size")


def test_browser_story_page_shows_timeline_by_outlet_and_the_family(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/")
    page.locator(f'#biggest li.story[data-story="{_story_of(service, seeded["000"])}"] a').click()
    page.wait_for_url(re.compile(r"/ui/stories/"))
    pair = page.locator('section.group[data-size="2"]')
    assert pair.count() == 1
    members = pair.locator("li.member")
    ids = {members.nth(i).get_attribute("data-article") for i in range(members.count())}
    assert ids == {seeded["000"], seeded["001"]}
    badge = pair.locator(".badge")
    assert badge.count() == 1 and badge.is_visible() and badge.inner_text() == "original"
    assert page.locator("svg.timeline rect").count() == 3  # 14, 15 and 16 September
    assert page.locator("ul.outlets li").count() == 4
    summary = page.locator("p.summary").first.inner_text()
    assert "4 articles" in summary and "4 sources" in summary and "outlets" not in summary
    # rows = outlets in order of first publication, a dot per article, left to right in time
    rows = page.locator("svg.outlets g.outlet")
    names = [rows.nth(i).get_attribute("data-outlet") for i in range(rows.count())]
    assert names == ["cnn", "scraper.example", "guardian", "ap"]
    dots = [page.locator(f"svg.outlets g.outlet[data-outlet='{n}'] circle") for n in names]
    xs = [float(d.get_attribute("cx") or 0) for d in dots]
    assert xs == sorted(xs) and xs[0] < xs[-1]
    assert page.locator("svg.outlets").is_visible()
    # the copy family: cnn published first; the rewrite hangs under it with its changed facts
    where = f'[data-source="{seeded["001"]}"][data-copy="{seeded["000"]}"]'
    edge = page.locator(f"svg.family g.edge{where}")
    assert edge.count() == 1 and "6,000 → 3,000" in (edge.text_content() or "")
    first = page.locator(f'svg.family a.node.first-published[data-article="{seeded["001"]}"]')
    assert first.count() == 1 and first.is_visible()
    shot("story")


def test_browser_copy_family_of_three_outlets(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/articles/h2")
    family = page.locator("figure.family")
    assert family.get_attribute("data-original") == "h1"
    nodes = family.locator("a.node")
    assert nodes.count() == 3
    first = family.locator("a.node.first-published")
    assert first.get_attribute("data-article") == "h1"
    assert family.locator("a.node.this-article").get_attribute("data-article") == "h2"
    edges = {
        (e.get_attribute("data-source"), e.get_attribute("data-copy")): e.text_content() or ""
        for e in family.locator("g.edge").all()
    }
    assert set(edges) == {("h1", "h2"), ("h2", "h3")}  # h3 copies the copy, not the original
    assert "4,500 → 4,800" in edges["h1", "h2"]
    assert "84 → 48" in edges["h2", "h3"]
    # the copy is drawn right of its source
    x = {n.get_attribute("data-article"): n.bounding_box() for n in nodes.all()}
    assert x["h1"]["x"] < x["h2"]["x"] < x["h3"]["x"]  # type: ignore[index]
    family.scroll_into_view_if_needed()
    shot("article-family", full_page=False)
    family.locator('a.node[data-article="h3"]').click()
    page.wait_for_url(re.compile(r"/ui/articles/h3$"))


def test_browser_article_page_highlights_3000_against_6000(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/articles/{seeded['000']}")
    mine = page.locator('table.diff mark.fact.changed[data-side="a"][data-value="3,000"]')
    theirs = page.locator('table.diff mark.fact.changed[data-side="b"][data-value="6,000"]')
    assert mine.count() == 1 and theirs.count() == 1
    assert mine.get_attribute("data-other") == "6,000"
    assert mine.get_attribute("data-fact") == "number"
    mine.scroll_into_view_if_needed()
    assert mine.is_visible() and theirs.is_visible()
    assert mine.inner_text() == "3,000" and theirs.inner_text() == "6,000"
    # both in one row of the side-by-side table, A on the left
    row = page.locator("table.diff tr").filter(
        has=page.locator('td.a mark[data-side="a"][data-value="3,000"]')
    )
    assert row.locator('td.b mark[data-value="6,000"]').count() == 1
    background = mine.evaluate("m => getComputedStyle(m).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    mine.hover()  # the little JS lights up the other side
    assert "hover" in (theirs.get_attribute("class") or "")
    shot("article-diff", full_page=False)  # the viewport around the highlighted facts
    # both measures, named apart, the same pair's figure in the copies table and the view
    measures = page.locator("dl.measures dt")
    assert [measures.nth(i).inner_text() for i in range(2)] == [
        "passage coverage",
        "aligned bigram coverage",
    ]
    view = page.locator("dl.measures dd.bigram").get_attribute("data-a")
    table = page.locator(f'table.copies tr[data-copy="{seeded["001"]}"] td.bigram')
    assert table.get_attribute("data-a") == view
    assert "cleaned text" in page.locator("p.aligned-text").inner_text()
    page.locator("#diff h2").scroll_into_view_if_needed()
    shot("article-measures", full_page=False)


def test_browser_search_from_the_header(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/")
    page.fill("header input[name=q]", "square kilometers")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/ui/search\?q="))
    hits = page.locator("li.hit")
    found = {hits.nth(i).get_attribute("data-article") for i in range(hits.count())}
    assert {seeded["000"], seeded["001"]} <= found
    hit = page.locator(f'li.hit[data-article="{seeded["000"]}"]')
    assert hit.locator("p.snippet mark").inner_text().lower() == "square kilometers"
    assert hit.locator(".source").inner_text() == "scraper.example"
    assert hit.locator(".date").inner_text() == "2022-09-15 08:00"
    shot("search")


@pytest.mark.parametrize(
    "name",
    ["stories", "story", "article", "search", "family"],
)
def test_browser_pages_fit_a_420px_screen(
    phone: Page, service: str, seeded: dict[str, str], phone_shot: Any, name: str
) -> None:
    url = {
        "stories": "/ui/",
        "story": f"/ui/stories/{_story_of(service, seeded['000'])}",
        "article": f"/ui/articles/{seeded['000']}",
        "search": "/ui/search?q=square+kilometers",
        "family": "/ui/articles/h2",
    }[name]
    phone.goto(service + url)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, f"{url} is {width} px wide: it scrolls sideways"
    wide = phone.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth + 1).map(e => e.tagName + '.' + e.className)"
    )
    assert wide == [], f"{url}: elements past the right edge: {wide[:5]}"
    phone_shot(f"phone-{name}", full_page=name != "article")  # the article page is long
    if name == "article":
        phone.locator("table.diff mark.fact.changed").first.scroll_into_view_if_needed()
        phone_shot("phone-article-diff", full_page=False)


def test_browser_hostile_article_is_shown_as_text(page: Page, service: str, shot: Any) -> None:
    title = "<img src=x onerror=alert('title')>"
    text = "Harbour news. <script>alert('text')</script> \"><img src=y onerror=alert(1)> end."
    articles = [
        {"id": f"hostile-{n}", "title": title, "text": text, "source": "<b>x</b>"} for n in (1, 2)
    ]
    assert httpx.post(f"{service}/articles", json=articles).status_code == 200
    for url in (
        "/ui/articles/hostile-1",
        f"/ui/stories/{_story_of(service, 'hostile-1')}",
        "/ui/search?q=Harbour+news",
    ):
        page.goto(service + url)
        assert page.locator("img").count() == 0, url
        assert page.locator("main script").count() == 0, url
        assert page.locator("main b").count() == 0, url
    page.goto(f"{service}/ui/articles/hostile-1")
    assert page.locator("h1").inner_text() == title
    assert "<script>alert('text')</script>" in page.locator("div.text").inner_text()
    assert page.locator("svg.family text.node-source").first.text_content() == "<b>x</b>"
    shot("hostile")


def test_browser_api_docs_render_every_operation(page: Page, service: str, shot: Any) -> None:
    """/docs is Swagger UI from a package (no CDN) reading FastAPI's OpenAPI 3.1: it must show
    the operations, not "Unable to render this definition"."""
    page.goto(f"{service}/docs")
    operations = page.locator(".opblock")
    operations.first.wait_for(timeout=15_000)
    assert operations.count() >= 5
    body = page.locator("body").inner_text()
    assert "Unable to render this definition" not in body
    assert "/articles" in body and "/stories" in body
    operations.first.locator(".opblock-summary").click()  # an operation opens and renders
    page.locator(".opblock-body").first.wait_for(timeout=10_000)
    assert page.locator(".opblock-body").first.is_visible()
    shot("api-docs")
