from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config, Report
from newsdedup.candidates.lsh import candidate_pairs
from newsdedup.engine.local import fingerprint_stream
from newsdedup.fingerprint import columns
from newsdedup.fingerprint.batch import concat, fingerprint_texts
from newsdedup.fingerprint.columns import ColumnFile, SpilledColumns, SpilledKeys

_sizes = st.lists(st.integers(0, 40), min_size=0, max_size=6)


@settings(max_examples=40, deadline=None)
@given(sizes=_sizes, seed=st.integers(0, 2**16))
def test_columns_file_reads_back_the_batches_joined(sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    batches = [rng.integers(-(2**31), 2**31, (m, 3), dtype=np.int32) for m in sizes]
    file = ColumnFile(np.int32, (3,))
    for batch in batches:
        file.append(batch)
    joined = np.concatenate(batches) if batches else np.empty((0, 3), np.int32)
    assert np.array_equal(file.read(), joined)
    assert np.array_equal(file.read(), joined)  # reading twice gives the same rows
    file.close()


@settings(max_examples=40, deadline=None)
@given(
    sizes=_sizes,
    bands=st.integers(1, 21),
    per_file=st.integers(1, 9),
    span=st.tuples(st.integers(0, 20), st.integers(1, 21)),
)
def test_columns_spilled_keys_give_any_run_of_bands(
    sizes: list[int], bands: int, per_file: int, span: tuple[int, int]
) -> None:
    rng = np.random.default_rng(len(sizes) + bands)
    batches = [rng.integers(0, 2**63, (m, bands), dtype=np.uint64) for m in sizes]
    keys = SpilledKeys(bands, per_file)
    for batch in batches:
        keys.append(batch)
    joined = np.concatenate(batches) if batches else np.empty((0, bands), np.uint64)
    first = min(span[0], bands - 1)
    last = min(max(span[1], first + 1), bands)
    assert keys.shape == joined.shape
    assert np.array_equal(keys.columns(first, last), joined[:, first:last])
    keys.close()


def test_columns_lsh_over_spilled_keys_equals_lsh_in_memory() -> None:
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 50, (300, 20), dtype=np.uint64)  # many shared buckets
    spilled = SpilledKeys(20, 8)
    for start in range(0, 300, 70):
        spilled.append(keys[start : start + 70])
    eligible = rng.random(300) < 0.9
    tiebreak = np.arange(300, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    on_disk, report_disk = candidate_pairs(spilled, eligible, tiebreak, max_bucket=12)
    in_memory, report = candidate_pairs(keys, eligible, tiebreak, max_bucket=12)
    assert len(in_memory) > 0
    assert np.array_equal(on_disk, in_memory)
    assert report_disk == report
    spilled.close()


def test_columns_take_keeps_the_rest_and_spills_keys_sets_and_positions() -> None:
    config = Config()
    texts = ["the cat sat on the mat today", "a dog ran far away from home", "short"]
    parts = [fingerprint_texts([f"d{i}"], [t], [0], config) for i, t in enumerate(texts)]
    whole = concat(list(parts), config)
    with SpilledColumns(config.lsh.bands, 8) as spilled:
        kept = concat([spilled.take(p) for p in parts], config)
        assert len(kept.keys) == 0 and len(kept.positions) == 0 and len(kept.sets) == 0
        # no batch kept alive
        assert kept.keys.base is None and kept.positions.base is None and kept.sets.base is None
        assert np.array_equal(kept.set_offsets, whole.set_offsets)
        assert np.array_equal(spilled.keys.columns(0, config.lsh.bands), whole.keys)
        assert np.array_equal(spilled.sets.read(), whole.sets)
        assert np.array_equal(spilled.sets.mapped(), whole.sets)
        assert np.array_equal(spilled.positions.read(), whole.positions)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 30), min_size=0, max_size=40),
    seed=st.integers(0, 2**16),
    span=st.sampled_from([4, 64, 1 << 20]),
)
def test_columns_rows_of_gathers_what_slices_of_the_whole_give(
    sizes: list[int], seed: int, span: int
) -> None:
    """``rows_of`` (a span at a time through the mapping, pages dropped) gives each asked
    document's run as slicing the joined rows does, whatever the span and the batches."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns, "SPAN_BYTES", span)
        _check_rows_of(sizes, seed)


def _check_rows_of(sizes: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    offsets = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    values = rng.integers(-(2**31), 2**31, int(offsets[-1]), dtype=np.int32)
    file = ColumnFile(np.int32)
    for start in range(0, len(values), 37):
        file.append(values[start : start + 37])
    docs = np.flatnonzero(rng.random(len(sizes)) < 0.5).astype(np.int64)
    got, got_offsets = file.rows_of(offsets, docs)
    want = [values[offsets[d] : offsets[d + 1]] for d in docs]
    assert np.array_equal(np.diff(got_offsets), [len(w) for w in want])
    assert np.array_equal(got, np.concatenate(want) if want else np.empty(0, np.int32))
    mapped = file.mapped()
    assert np.array_equal(mapped, values) and mapped.flags.writeable
    file.drop_pages()  # the pages go, the rows stay readable
    assert np.array_equal(mapped, values)
    file.close()
    assert np.array_equal(mapped, values)  # the mapping outlives the file object


def test_columns_mapped_file_takes_no_more_rows() -> None:
    file = ColumnFile(np.uint32)
    assert len(file.mapped()) == 0  # nothing to map: an empty array
    file.close()
    file = ColumnFile(np.uint32)
    file.append(np.arange(5, dtype=np.uint32))
    assert np.array_equal(file.mapped(), np.arange(5))
    with pytest.raises(ValueError, match="takes no more rows"):
        file.append(np.arange(2, dtype=np.uint32))
    file.close()


def test_columns_fingerprint_stream_with_a_spill_holds_no_keys(
    kinds_corpus: list[Article],
) -> None:
    config = Config().override({"run.batch_size": "4"})
    whole = fingerprint_stream(kinds_corpus, config, Report())
    with SpilledColumns(config.lsh.bands, 8) as spilled:
        fp = fingerprint_stream(kinds_corpus, config, Report(), spill=spilled)
        assert fp.ids == whole.ids and len(fp.keys) == 0 and len(fp.sets) == 0
        assert np.array_equal(spilled.keys.columns(0, config.lsh.bands), whole.keys)
        assert np.array_equal(spilled.sets.read(), whole.sets)
        assert np.array_equal(spilled.positions.read(), whole.positions)
