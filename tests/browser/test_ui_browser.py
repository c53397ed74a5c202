"""What a person sees in a real browser, with the seeds loaded through the API: the four-article
story, the copy pair with its original marked, and 3,000 highlighted against 6,000."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_browser_stories_page_shows_the_four_article_story(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/")
    biggest = page.locator("#biggest li.story")
    assert biggest.count() == 2
    top = biggest.nth(0)
    assert top.get_attribute("data-size") == "4"
    assert top.locator(".n-articles").inner_text() == "4 articles"
    assert top.locator(".n-sources").inner_text() == "4 sources"
    assert top.locator("svg.spark").is_visible()
    other = biggest.nth(1)
    assert other.locator(".n-articles").inner_text() == "1 article"
    shot("stories")


def test_browser_story_page_shows_the_copy_pair_with_its_original(
    page: Page, service: str, seeded: dict[str, str], shot: Any
) -> None:
    page.goto(f"{service}/ui/")
    page.locator("#biggest li.story").nth(0).locator("a.headline").click()
    page.wait_for_url(re.compile(r"/ui/stories/"))
    pair = page.locator('section.group[data-size="2"]')
    assert pair.count() == 1
    members = pair.locator("li.member")
    ids = {members.nth(i).get_attribute("data-article") for i in range(members.count())}
    assert ids == {seeded["000"], seeded["001"]}
    badge = pair.locator(".badge")
    assert badge.count() == 1 and badge.is_visible() and badge.inner_text() == "original"
    assert pair.locator("li.member.original").count() == 1
    assert page.locator("svg.timeline rect").count() >= 3  # 14, 15 and 16 September
    assert page.locator("ul.outlets li").count() == 4
    shot("story")


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
    shot("search")


def test_browser_hostile_article_is_shown_as_text(page: Page, service: str, shot: Any) -> None:
    import httpx

    title = "<img src=x onerror=alert('title')>"
    text = "Harbour news. <script>alert('text')</script> \"><img src=y onerror=alert(1)> end."
    article = {"id": "hostile-1", "title": title, "text": text, "source": "<b>x</b>"}
    assert httpx.post(f"{service}/articles", json=article).status_code == 200
    page.goto(f"{service}/ui/articles/hostile-1")
    assert page.locator("h1").inner_text() == title
    assert "<script>alert('text')</script>" in page.locator("div.text").inner_text()
    assert page.locator("img").count() == 0
    assert page.locator("main script").count() == 0
    shot("hostile")
