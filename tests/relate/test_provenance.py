from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdedup.clean.pipeline import clean_article, per_article
from newsdedup.config import CleanConfig
from newsdedup.relate.provenance import seams_per_1000_words, trace
from newsdedup.types import Article, Kind, Removal

T0 = datetime(2024, 5, 1, 8, tzinfo=UTC)
BODY = "The council met on Tuesday. It agreed the budget. Officials said the vote was close."


def _art(id: str, text: str = BODY, hours: float | None = None, removed: int = 0) -> Article:
    published = None if hours is None else T0 + timedelta(hours=hours)
    lines = tuple(
        Removal(start=0, end=1, text="ad", reason="builtin", rule="advertisement")
        for _ in range(removed)
    )
    return Article(id=id, text=text, published=published, removed=lines)


def test_provenance_earlier_publication_is_the_original() -> None:
    p = trace([_art("late", hours=5), _art("early", hours=0)])
    assert p.order == ("early", "late") and p.original == "early"
    assert p.confidence == pytest.approx(3.5 / 4)
    assert p.evidence == ("time: early before late (5 h earlier)",)


def test_provenance_dates_within_an_hour_decide_nothing() -> None:
    p = trace([_art("rep", hours=0.5), _art("other", hours=0)])
    assert p.order == ("rep", "other") and p.confidence == 0.5 and p.evidence == ()


def test_provenance_excerpt_is_cut_from_the_longer_text() -> None:
    longer = _art("full", text=BODY + " More text follows here.")
    p = trace([_art("cut"), longer], {"cut": Kind.EXCERPT})
    assert p.original == "full"
    assert any(e.startswith("excerpt: full before cut") for e in p.evidence)


def test_provenance_boilerplate_and_garbling_point_to_the_copy() -> None:
    garbled = "The council met on Tuesday it agreed The budget. Officials said the vote The close."
    copy = _art("copy", text=garbled, removed=4)
    p = trace([copy, _art("source")])
    assert p.order == ("source", "copy")
    assert {e.split(":")[0] for e in p.evidence} == {"boilerplate", "garbling"}
    assert p.confidence == pytest.approx(2.5 / 3)


def test_provenance_time_outweighs_weak_signals() -> None:
    copy = _art("scraped", hours=0, removed=5)  # earlier but noisier: time wins (3 against 1)
    p = trace([_art("clean", hours=48), copy])
    assert p.original == "scraped"


def test_provenance_seams() -> None:
    assert seams_per_1000_words("") == 0.0
    assert seams_per_1000_words("in Chinese readout The meeting was held") > 0
    assert seams_per_1000_words("The meeting was held. The vote followed.") == 0.0


def test_provenance_seeds(seeds_dir: Path) -> None:
    files = {p.name[:3]: p for p in seeds_dir.glob("*.txt")}
    if {"000", "001"} - set(files):
        pytest.skip("seeds absent")
    arts = [
        clean_article(Article(id=k, text=files[k].read_text()), config=per_article(CleanConfig()))
        for k in ("000", "001")
    ]
    p = trace(arts, {"001": Kind.REWRITE})
    assert p.original == "001"  # the CNN original; 000 is the scraped rewrite
    assert p.confidence > 0.75


@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(0, 96)), st.integers(0, 5)),
        min_size=1,
        max_size=8,
    )
)
def test_provenance_order_is_a_permutation_with_a_bounded_confidence(
    members: list[tuple[int | None, int]],
) -> None:
    arts = [_art(f"m{i}", hours=h, removed=r) for i, (h, r) in enumerate(members)]
    p = trace(arts)
    assert sorted(p.order) == sorted(a.id for a in arts)
    assert p.original == p.order[0]
    assert 0.0 < p.confidence < 1.0
    dated = [a for a in arts if a.published is not None]
    if len(dated) == len(arts) and len(arts) > 1:
        earliest = min(a.published for a in dated)  # type: ignore[type-var]
        firsts = [a.id for a in dated if a.published == earliest]
        later = [a for a in dated if a.published - earliest >= timedelta(hours=1)]  # type: ignore[operator]
        if len(firsts) == 1 and len(later) == len(arts) - 1:
            assert p.original == firsts[0]


def test_provenance_needs_a_member() -> None:
    with pytest.raises(ValueError, match="at least one member"):
        trace([])


def test_provenance_earliest_wins_a_large_group_against_many_weak_signals() -> None:
    members = [_art("first", hours=0, removed=5), _art("second", hours=2, removed=0)]
    members += [_art(f"later{i}", hours=3 + i, removed=3) for i in range(6)]
    p = trace(members[::-1])
    assert p.original == "first"
    assert p.order[:2] == ("first", "second")
