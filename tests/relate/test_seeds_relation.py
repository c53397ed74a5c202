from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from newsdedup import Article, Kind
from newsdedup.clean.pipeline import clean_article, per_article
from newsdedup.config import CleanConfig
from newsdedup.relate.compare import compare

_SAME_EVENT = ("000", "001", "003", "004")  # Putin meets Xi in Samarkand, 15 September 2022


def _expected(a: str, b: str) -> Kind:
    if {a, b} == {"000", "001"}:
        return Kind.REWRITE
    if "002" in (a, b):  # Xi's state visit to Moscow, March 2023: another story
        return Kind.UNRELATED
    return Kind.SAME_STORY


@pytest.fixture
def cleaned(seeds_dir: Path) -> dict[str, Article]:
    """The seeds as ``newsdedup compare`` sees them: cleaned by the built-in rules."""
    out = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        article = Article(id=path.name[:3], text=path.read_text(encoding="utf-8"))
        out[article.id] = clean_article(article, config=per_article(CleanConfig()))
    return out


@pytest.mark.parametrize(("a", "b"), list(combinations(("000", "001", "002", "003", "004"), 2)))
def test_seeds_relation_verdicts(cleaned: dict[str, Article], a: str, b: str) -> None:
    forward, backward = compare(cleaned[a], cleaned[b]), compare(cleaned[b], cleaned[a])
    assert forward.kind is backward.kind is _expected(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [p for p in combinations(_SAME_EVENT, 2) if p != ("000", "001")]
)
def test_seeds_relation_same_story_names_the_event(
    cleaned: dict[str, Article], a: str, b: str
) -> None:
    reasons = compare(cleaned[a], cleaned[b]).reasons
    assert any(r.startswith("story similarity") and r.endswith("same story") for r in reasons)
    names = next(r for r in reasons if r.startswith("shared rare names"))
    assert "SCO" in names
