"""Acceptance test of ``align`` on the seeds: 000 is a machine-rewritten copy of 001."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdedup.relate.passages import align
from newsdedup.types import Alignment


@pytest.fixture
def seed_alignment(seeds_dir: Path) -> Alignment:
    a = next(seeds_dir.glob("000_*.txt")).read_text(encoding="utf-8")
    b = next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    return align(a, b)


def test_seeds_explain_reports_the_changed_areas(seed_alignment: Alignment) -> None:
    numbers = [(c.a, c.b, c.unit) for c in seed_alignment.changes if c.kind == "number"]
    assert ("3,000", "6,000", "square kilometers") in numbers
    assert ("1,100", "2,300", "sq mi") in numbers


def test_seeds_explain_reports_few_false_changes(seed_alignment: Alignment) -> None:
    assert len(seed_alignment.changes) <= 4


def test_seeds_explain_lists_foreign_captions_and_ads_as_inserted(
    seed_alignment: Alignment,
) -> None:
    inserted = [s.text for s in seed_alignment.spans if s.kind == "inserted"]
    assert any(s.startswith("Putin's Kharkiv disaster") for s in inserted)
    assert any(s.startswith("China's top lawmaker Li Zanshu arrived") for s in inserted)
    ads = sum(s.count("- Advertisement -") for s in inserted)
    assert ads == 4  # every ad line of 000


def test_seeds_explain_covers_most_of_both_texts(seed_alignment: Alignment) -> None:
    assert seed_alignment.coverage_a > 0.8 and seed_alignment.coverage_b > 0.8
