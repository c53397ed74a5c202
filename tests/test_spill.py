"""The spill gives back what passed through it, in input order, however many chunks it took."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.spill import Spill


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=5), max_size=3000), st.integers(1, 7))
def test_spill_gives_back_the_rows_in_order(rows: list[str], every: int) -> None:
    with Spill[str]() as spill:
        assert list(spill.tee(rows)) == rows  # the stream passes through unchanged
        assert list(spill.take(lambda _: True)) == rows
        wanted = set(rows[::every])
        assert list(spill.take(lambda r: r in wanted)) == [r for r in rows if r in wanted]
