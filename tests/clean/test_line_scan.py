"""The compiled scan that spares most articles the boilerplate rules (clean/line_scan.py): a
text it calls plain must be one the rules leave as it is, and ordinary prose must be plain."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.clean.test_boilerplate_fast import _LEARNED, _SHORT_LINES, _group, _texts

from newsdedup.clean import boilerplate as bp
from newsdedup.clean.boilerplate import AllBoilerplate, Boilerplate, strip_boilerplate
from newsdedup.clean.line_scan import plain_texts, rule_hashes
from newsdedup.clean.pipeline import clean_article, clean_articles, clean_corpus, per_article
from newsdedup.config import DEFAULT_CLEAN, CleanConfig
from newsdedup.synth import generate_corpus
from newsdedup.types import Article

_PROSE = (
    "The minister told reporters on Tuesday that the agreement would be signed next week, "
    "after months of talks between the two governments over the border crossing."
)


def _untouched(text: str, learned: Boilerplate | None = None, title: str | None = None) -> bool:
    try:
        out, removed = strip_boilerplate(text, learned=learned, title=title)
    except AllBoilerplate:
        return False
    return not removed and out == (text.strip() or text)


@settings(max_examples=800)
@given(
    texts=st.lists(_texts(), min_size=1, max_size=6),
    title=st.one_of(st.none(), st.sampled_from(["Lunch", "Big headline", ""])),
)
def test_line_scan_calls_plain_only_what_the_rules_leave_alone(
    texts: list[str], title: str | None
) -> None:
    for learned in (None, _LEARNED):
        for text, plain in zip(texts, plain_texts(texts, rule_hashes(learned)), strict=True):
            if plain:
                assert _untouched(text, learned, title), text


@settings(max_examples=300)
@given(
    line=st.text(
        alphabet=st.sampled_from(
            "aAsSkKfFlLpPhHcCoO0129 -_:.!?\t\u017f\u212a\u0660\u00e9\u00a0\u2019\u3000\u2028\x85"
        ),
        min_size=1,
        max_size=40,
    ),
    where=st.integers(0, 3),
)
def test_line_scan_a_line_of_rule_characters_anywhere(line: str, where: int) -> None:
    """Lines of the characters the rules and the regex engine's case folding care about."""
    lines = [_PROSE] * 3
    lines.insert(where, line)
    text = "\n".join(lines)
    if plain_texts([text])[0]:
        assert _untouched(text), text


@settings(max_examples=400)
@given(
    opening=st.text(
        alphabet=st.sampled_from("fFuUlLsScCrReEoOpPnNvViIwWaAkKgGxX \u017f\u212a\u0131\u00e9"),
        max_size=14,
    ),
    control=st.sampled_from(["", "full screen ", "Open gallery ", "CLICK TO ENLARGE ", "ful "]),
    end=st.sampled_from(["", " ", "\t", "\u00e9", "\u2003", "."]),
)
def test_line_scan_long_lines_opening_like_a_media_control(
    opening: str, control: str, end: str
) -> None:
    """Long lines (the scan's fast path decides most of them without ``_line``) opening on the
    media-control words' letters, folded letters outside ASCII among them."""
    line = f"{control}{opening}{_PROSE}{end}"
    text = f"{_PROSE}\n{line}\n{_PROSE}"
    if plain_texts([text])[0]:
        assert _untouched(text), line


#: str.strip's whitespace past ASCII: a line it takes off sits under the scan's first byte
_WIDE_SPACES = [chr(c) for c in range(0x80, 0x3001) if chr(c).isspace()]


#: Rule lines with a letter outside ASCII that case folding or line_key makes one of theirs
_FOLDED = ["Adverti\u017fement", "\u017fhare on Facebook", "Source lin\u212a", "Source link\u0301"]


def test_line_scan_finds_every_rule_line() -> None:
    """Each rule's lines, as they are, behind or before a wide space, and made long."""
    for line in [*_SHORT_LINES, *_FOLDED]:
        forms = [line, f"{line} {_PROSE} {_PROSE}", f"{line}\u0660 {_PROSE}"]
        forms += [f"{space}{line}" for space in _WIDE_SPACES]
        forms += [f"{line}{space}" for space in _WIDE_SPACES]
        for form in forms:
            text = f"{_PROSE}\n{form}\n{_PROSE}"
            if not _untouched(text):
                assert not plain_texts([text])[0], form


def test_line_scan_ordinary_prose_is_plain() -> None:
    """A scan that sends every text to the rules would pass the tests above: prose must pass."""
    texts = [
        _PROSE,
        f"  A headline of a few words\n\n{_PROSE}\n\n{_PROSE}  \n",
        f"\u201cWe will sign it,\u201d the minister said \u2014 twice.\r\n{_PROSE}",
        f"Caf\u00e9 owners in Z\u00fcrich complained about the rules {_PROSE}",
        "\n".join(f"Point number {i} of the plan, in short" for i in range(12)),
        "",
        "   \n\t\n",
    ]
    assert plain_texts(texts).all()


def test_line_scan_learned_lines_are_not_plain() -> None:
    text = f"{_PROSE}\nBrought to you by Acme\n{_PROSE}"
    learned = Boilerplate({"brought to you by acme": 5})
    assert plain_texts([text])[0]
    assert not plain_texts([text], rule_hashes(learned))[0]
    assert not _untouched(text, learned)


def test_line_scan_repeats_are_not_plain() -> None:
    lines = ["Talks end", "Sponsored by Acme", *([_PROSE] * 8), "Sponsored by Acme"]
    text = "\n".join(lines)
    assert not _untouched(text)
    assert not plain_texts([text])[0]
    assert plain_texts(["\n".join(lines[:-1])])[0]


def test_line_scan_long_words_are_media_controls_words() -> None:
    inner = _group(bp.PATTERNS["media_control"].pattern)
    assert set(bp._LONG_WORDS) == {re.match("[a-z]+", alt)[0] for alt in inner.split("|")}
    assert {w[0] for w in bp._LONG_WORDS} | set("0123456789") == {c.lower() for c in bp._LONG_FIRST}


def test_line_scan_clean_articles_equal_the_rules_on_every_article() -> None:
    """The batch clean (scan, then the rules for what it does not pass) gives every article
    exactly what clean_article gives it alone, learned lines or not."""
    articles = generate_corpus(600, seed=5).articles
    config = per_article(DEFAULT_CLEAN)
    alone = [clean_article(a, config=config) for a in articles]
    assert list(clean_articles(articles, config=config)) == alone
    assert any(a.removed for a in alone) and not all(a.removed for a in alone)
    learning = dataclasses.replace(DEFAULT_CLEAN, learn=True, language=False, min_voices=2)
    learned = bp.learn_boilerplate(((a.text, None) for a in articles), config=learning)
    assert len(learned)
    reference = [clean_article(a, config=learning, learned=learned) for a in articles]
    assert list(clean_corpus(articles, config=learning)) == reference


def test_line_scan_off_when_boilerplate_is_off() -> None:
    text = f"{_PROSE}\nAdvertisement\n"
    config = CleanConfig(boilerplate=False, language=False)
    (done,) = clean_articles([Article(id="a", text=text)], config=config)
    assert done.text == text and not done.removed


def test_line_scan_knows_every_wide_space() -> None:
    """The scan's table of str.strip's whitespace stops at U+3000: nothing past it is one."""
    assert [c for c in range(0x3001, 0x110000) if chr(c).isspace()] == []
