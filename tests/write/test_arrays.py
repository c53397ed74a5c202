"""write/arrays.py: Arrow arrays built from their buffers hold what ``pa.array`` makes, and a
dedup run that writes its groups never imports pandas (0.3 s a run)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from newsdedup.synth import write_corpus_jsonl
from newsdedup.write import arrays

_DTYPES = st.sampled_from([np.int64, np.int32, np.uint32, np.float64, np.bool_])


@given(hnp.arrays(_DTYPES, st.integers(0, 40)), st.integers(1, 3))
def test_arrays_numbers_equal_pa_array(values: np.ndarray, step: int) -> None:
    strided = values[::step]  # a column of a 2-d array is strided too
    got = arrays.numbers(strided)
    assert got.type == pa.array(strided).type
    assert got.null_count == 0
    assert got.equals(pa.array(strided)) or np.isnan(strided.astype(np.float64)).any()
    assert np.array_equal(got.to_numpy(zero_copy_only=False), strided, equal_nan=True)


@given(st.lists(st.booleans(), max_size=70))
def test_arrays_booleans_equal_pa_array(values: list[bool]) -> None:
    assert arrays.booleans(np.array(values, np.bool_)).equals(pa.array(values, pa.bool_()))


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",))), max_size=20), st.booleans())
def test_arrays_strings_equal_pa_array(values: list[str], as_bytes: bool) -> None:
    given_values = [v.encode() for v in values] if as_bytes else values
    got = arrays.strings(given_values)
    assert got.equals(pa.array(values, pa.string()))
    assert arrays.repeated("{}", len(values)).to_pylist() == ["{}"] * len(values)


def test_arrays_strings_refuse_a_lone_surrogate_as_pa_array_does() -> None:
    with pytest.raises(UnicodeEncodeError):
        arrays.strings(["ok", "\ud800"])
    with pytest.raises((UnicodeError, pa.ArrowException)):
        pa.array(["ok", "\ud800"], pa.string())


def test_arrays_literal_is_a_string_scalar() -> None:
    assert arrays.literal('"').equals(pa.scalar('"', pa.string()))


_RUN = """
import sys
from newsdedup.jobs import dedup_files
from newsdedup import Config
dedup_files([sys.argv[1]], output=sys.argv[2], config=Config())
print("pandas" in sys.modules)
"""


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".csv"])
def test_arrays_a_dedup_run_does_not_import_pandas(tmp_path: Path, suffix: str) -> None:
    if importlib.util.find_spec("pandas") is None:
        pytest.skip("pandas is not installed here, so nothing could import it")
    corpus = tmp_path / "corpus.jsonl"
    write_corpus_jsonl(corpus, 300, seed=3, words=120)  # copies of every kind: scores written
    out = tmp_path / f"groups{suffix}"
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(corpus), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.stat().st_size > 0
    assert done.stdout.split() == ["False"]
