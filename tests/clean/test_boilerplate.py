from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.clean.boilerplate import (
    AllBoilerplate,
    Boilerplate,
    learn_boilerplate,
    line_key,
    split_lines,
    strip_boilerplate,
)
from newsdedup.clean.pipeline import clean_article
from newsdedup.config import CleanConfig
from newsdedup.report import Report
from newsdedup.types import Article


def _paragraphs(words: list[str], n: int, size: int = 30) -> list[str]:
    return [" ".join(words[i * size : (i + 1) * size]) for i in range(n)]


def test_boilerplate_split_lines_offsets() -> None:
    text = "  first line \n\n\tsecond\r\nthird  "
    lines = split_lines(text)
    assert [ln.text for ln in lines] == ["first line", "second", "third"]
    assert all(text[ln.start : ln.end] == ln.text for ln in lines)


def test_boilerplate_line_key_ignores_case_punctuation_and_spacing() -> None:
    assert line_key("- Advertisement -") == line_key("ADVERTISEMENT") == "advertisement"
    assert line_key("Source   link.") == "source link"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("- Advertisement -", "builtin"),
        ("Source link", "builtin"),
        ("The strengthening of China under Xi Jinping 5:28", "pattern"),
        ("Watch the interview 1:02:33", "pattern"),
        ("We use cookies to improve your experience", "pattern"),
        ("Share on Facebook, Twitter, Email", "pattern"),
        ("Photo credit:", "pattern"),
    ],
)
def test_boilerplate_rules_remove_a_line_in_an_article(
    make_words: Callable[[int, int], list[str]], line: str, reason: str
) -> None:
    body = _paragraphs(make_words(120, 1), 4)
    text = "\n\n".join([body[0], body[1], line, body[2], body[3]])
    cleaned, removed = strip_boilerplate(text)
    assert [(r.text, r.reason) for r in removed] == [(line, reason)]
    assert cleaned == "\n\n".join(body)


@pytest.mark.parametrize(
    "line",
    [
        "He said the talks lasted until 5:28.",  # a sentence, not a teaser
        "Putin met Xi in Samarkand on Thursday.",
        "Facts",
        "The deal is worth 2,300 square miles of territory.",
    ],
)
def test_boilerplate_article_lines_are_kept(
    make_words: Callable[[int, int], list[str]], line: str
) -> None:
    body = _paragraphs(make_words(90, 2), 3)
    text = "\n\n".join([body[0], line, body[1], body[2]])
    cleaned, removed = strip_boilerplate(text)
    assert removed == ()
    assert cleaned == text


def test_boilerplate_read_more_heading_cuts_the_tail_only_near_the_end(
    make_words: Callable[[int, int], list[str]],
) -> None:
    body = _paragraphs(make_words(300, 3), 10)
    tail = "\n".join(["Related Stories", "Other headline one", "Other headline two"])
    cleaned, removed = strip_boilerplate("\n\n".join(body) + "\n\n" + tail)
    assert cleaned == "\n\n".join(body)
    assert [r.reason for r in removed] == ["read_more"] * 3
    early = "\n\n".join([body[0], "Read more", *body[1:]])
    cleaned, removed = strip_boilerplate(early)
    assert [r.text for r in removed] == ["Read more"]  # mid-article: the heading only
    assert cleaned == "\n\n".join(body)


def test_boilerplate_repeated_above_and_below_but_not_the_headline(
    make_words: Callable[[int, int], list[str]],
) -> None:
    body = _paragraphs(make_words(240, 4), 8)
    lines = ["Big headline", "Sponsor banner", *body, "Big headline", "Sponsor banner"]
    cleaned, removed = strip_boilerplate("\n\n".join(lines), title="Big headline")
    assert [r.text for r in removed] == ["Sponsor banner", "Sponsor banner"]
    assert [r.reason for r in removed] == ["repeated", "repeated"]
    assert cleaned.count("Big headline") == 2


def test_boilerplate_headings_repeated_through_the_body_are_kept(
    make_words: Callable[[int, int], list[str]],
) -> None:
    body = _paragraphs(make_words(240, 5), 8)
    lines = ["Lunch", body[0], body[1], "Lunch", body[2], body[3], body[4], "Lunch", *body[5:]]
    lines += ["Lunch"]
    text = "\n\n".join(lines)
    assert strip_boilerplate(text) == (text, ())


def test_boilerplate_repeated_needs_a_whole_article(
    make_words: Callable[[int, int], list[str]],
) -> None:
    body = _paragraphs(make_words(60, 6), 2)
    text = "\n".join(["Banner", body[0], body[1], "Banner"])
    assert strip_boilerplate(text) == (text, ())


def test_boilerplate_never_empties_an_article() -> None:
    with pytest.raises(AllBoilerplate):
        strip_boilerplate("- Advertisement -\nSource link")
    report = Report()
    art = clean_article(
        Article(id="a", text="- Advertisement -\nSource link"),
        report=report,
        config=CleanConfig(language=False),
    )
    assert art.text == "- Advertisement -\nSource link" and art.removed == ()
    assert report.counters["all_boilerplate"] == 1


def test_boilerplate_disabled_rules_keep_learned_only() -> None:
    config = CleanConfig(min_voices=2)
    learned = Boilerplate({"site footer line": 7})
    text = "Some article text that stays here.\nSite footer line"
    cleaned, removed = strip_boilerplate(text, config=config, learned=learned)
    assert cleaned == "Some article text that stays here."
    assert [(r.reason, r.rule) for r in removed] == [("learned", "in 7 voices")]


def test_boilerplate_learns_lines_shared_by_different_articles(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    footer = "Copyright Example News Group"
    articles = [
        "\n".join([*_paragraphs(unique_words(90, 300 + 200 * i), 3), footer]) for i in range(6)
    ]
    learned = learn_boilerplate(((t, None) for t in articles), config=CleanConfig(min_voices=5))
    assert line_key(footer) in learned
    assert learned.voices[line_key(footer)] == 6
    assert len(learned) == 1  # the article paragraphs are long and unique


def test_boilerplate_copies_are_one_voice(unique_words: Callable[[int, int], list[str]]) -> None:
    """Ten copies of one article share a short line: that line is the article's, not boilerplate."""
    body = _paragraphs(unique_words(90, 0), 3)
    copy = "\n".join([body[0], "A short quoted line", body[1], body[2]])
    texts = [(copy, None)] * 10
    assert len(learn_boilerplate(texts, config=CleanConfig(min_voices=2))) == 0
    # with copy-group ids given as voices, the same holds
    assert len(learn_boilerplate([(copy, "g1")] * 10, config=CleanConfig(min_voices=2))) == 0


def test_boilerplate_long_lines_are_never_learned(
    unique_words: Callable[[int, int], list[str]],
) -> None:
    quote = " ".join(unique_words(20, 4900))  # a shared 20-word quote
    texts = [
        ("\n".join([quote, *_paragraphs(unique_words(60, 300 + 200 * i), 2)]), None)
        for i in range(8)
    ]
    assert len(learn_boilerplate(texts, config=CleanConfig(min_voices=2))) == 0


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300))
def test_boilerplate_removals_point_into_the_text(text: str) -> None:
    try:
        cleaned, removed = strip_boilerplate(text)
    except AllBoilerplate:
        return
    for r in removed:
        assert text[r.start : r.end] == r.text
    kept_lines = [ln.text for ln in split_lines(cleaned)]
    assert len(kept_lines) + len(removed) == len(split_lines(text))
