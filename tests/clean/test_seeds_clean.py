"""The seeds are the spec: cleaning loses every boilerplate line and keeps every article line.

The boilerplate lines below were labelled by hand from the files in /work/shared/seeds (the
kinds the DEVELOPERS guide lists: ad lines, "Source link", chat widgets, video captions,
read-more lists, plus the widget and caption lines around them). Skipped when the seeds are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdedup.clean.pipeline import clean_corpus
from newsdedup.config import CleanConfig
from newsdedup.types import Article

#: Per seed, the start of every boilerplate line, in text order (repeats included).
BOILERPLATE: dict[str, list[str]] = {
    "000": ["- Advertisement -"] * 3
    + ["Credit :", "- Advertisement -", "Recent Articles", "Related Stories"],
    "001": [
        "date 2022-09-14 Gazprom will accept payments in yuan 1:08",
        "The strengthening of China under Xi Jinping 5:28",
    ],
    "002": [
        "Digital Marketing Aganecy",
        "221230092257 putin xi file 111319 hp video",
        "Source link",
        "Digital Marketing Aganecy",
        "Our customer support team is here",
        "👋 Hi, how can I help?",
    ],
    "003": [
        "Some reading",
        "After the “Great Resignation”",
        "Russia, China, North Korea, Iran",
        "Oil Prices Below $90 a Barrel?",
        "Putin Is Faced With a Situation He Hates",
        "Noise vs. Signal in the Bitcoin World",
        "If you plan to become a paid member of Medium",
        "This will help support my work",
    ],
    "004": ["Published: Just now", "full screen Russian President", "Read more", "afbl-general-01"],
}


@pytest.fixture
def cleaned(seeds_dir: Path) -> dict[str, tuple[Article, Article]]:
    files = {p.name[:3]: p for p in sorted(seeds_dir.glob("*.txt"))}
    if sorted(files) != sorted(BOILERPLATE):
        pytest.skip(f"seeds not found in {seeds_dir}")
    raw = [Article(id=k, text=p.read_text(encoding="utf-8")) for k, p in files.items()]
    out = list(clean_corpus(raw, config=CleanConfig(language=False)))
    return {a.id: (a, c) for a, c in zip(raw, out, strict=True)}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("seed", sorted(BOILERPLATE))
def test_seeds_clean_removes_exactly_the_boilerplate(
    cleaned: dict[str, tuple[Article, Article]], seed: str
) -> None:
    raw, clean = cleaned[seed]
    removed = [r.text for r in clean.removed]
    assert len(removed) == len(BOILERPLATE[seed])
    for start, text in zip(BOILERPLATE[seed], removed, strict=True):
        assert text.startswith(start)
    kept = [line for line in _lines(raw.text) if line not in removed]
    assert _lines(clean.text) == kept  # every article line kept, in order, verbatim


@pytest.mark.parametrize("seed", sorted(BOILERPLATE))
def test_seeds_clean_removal_offsets_point_into_raw(
    cleaned: dict[str, tuple[Article, Article]], seed: str
) -> None:
    raw, clean = cleaned[seed]
    assert clean.raw == raw.text
    for r in clean.removed:
        assert raw.text[r.start : r.end] == r.text
        assert r.reason in {"builtin", "pattern", "read_more", "repeated", "learned"}


def test_seeds_clean_dates_from_the_text(cleaned: dict[str, tuple[Article, Article]]) -> None:
    published = {k: c.published for k, (_, c) in cleaned.items()}
    assert published["001"] is not None and published["001"].date().isoformat() == "2022-09-14"
    assert published["003"] is not None and published["003"].date().isoformat() == "2022-09-15"
    assert published["000"] is None and published["002"] is None and published["004"] is None
