from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from newsdedup.config import (
    FINGERPRINT_SCHEME,
    Config,
    LSHConfig,
    MinHashConfig,
    NormalizeConfig,
    ShingleConfig,
)
from newsdedup.fingerprint.batch import fingerprint_texts
from newsdedup.fingerprint.kernels import band_keys, compact, fingerprint_batch, hash_word
from newsdedup.fingerprint.minhash import densification, permutations, stopword_table
from newsdedup.fingerprint.stopwords import stopwords

_MASK = (1 << 64) - 1


def _py_mix(x: int) -> int:
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _py_hash_word(word: bytes) -> int:
    """FNV-1a 64 finalised by splitmix64: the scheme the kernel's docstring states."""
    h = 0xCBF29CE484222325
    for c in word:
        h = ((h ^ c) * 0x100000001B3) & _MASK
    return _py_mix(h)


def _hash(word: str) -> int:
    return int(hash_word(np.frombuffer(word.encode(), np.uint8)))


def _batch(  # type: ignore[no-untyped-def]
    texts: Sequence[str],
    *,
    size: int = 2,
    num_perm: int = 128,
    stop: str = "en",
    one_permutation: bool = True,
):
    """Run the kernel on ASCII texts; returns its raw outputs as a dict."""
    encoded = [t.encode() for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    buf = np.frombuffer(bytearray().join(encoded), np.uint8)
    a, b = permutations(num_perm, 1)
    ranks = densification(num_perm, 1, "oph" if one_permutation else "kperm")
    out = fingerprint_batch(buf, offsets, stopword_table(stop), size, a, b, ranks, True, True, True)
    names = (
        "exact",
        "sets",
        "positions",
        "bounds",
        "n_seq",
        "n_set",
        "n_words",
        "n_content",
        "sig",
    )
    return dict(zip(names, out, strict=True))


def _seq(raw, d: int) -> list[int]:  # type: ignore[no-untyped-def]
    """The distinct shingles of document d in the order they first occur."""
    start, end = raw["bounds"][d], raw["bounds"][d] + raw["n_set"][d]
    first = raw["positions"][start:end] >> 1
    return raw["sets"][start:end][np.argsort(first)].tolist()


@pytest.mark.parametrize("word", [b"news", b"a", b"beijing", b"2024", "caf\u00e9".encode()])
def test_kernels_hash_word_is_fnv1a_then_splitmix64(word: bytes) -> None:
    assert int(hash_word(np.frombuffer(word, np.uint8))) == _py_hash_word(word)


@pytest.mark.parametrize(
    ("scheme", "keys"),
    [
        ("kperm", [16986598143095388998, 11483812885367447145]),
        ("oph", [9890176003503056310, 14232208443541687693]),
    ],
)
def test_kernels_hash_values_are_pinned(scheme: str, keys: list[int]) -> None:
    # Changing any of these values needs a bump of FINGERPRINT_SCHEME (persisted signatures).
    assert FINGERPRINT_SCHEME == 2
    assert _hash("news") == 4401901319378016843
    config = Config(
        normalize=NormalizeConfig(),
        shingle=ShingleConfig(size=2, stopwords="en"),
        minhash=MinHashConfig(num_perm=128, seed=1, scheme=scheme),
        lsh=LSHConfig(bands=64, rows=2),
    )
    fp = fingerprint_texts(["a"], ["Breaking news from the summit in Beijing"], [0], config)
    assert fp.exact.tolist() == [[4313405970808859955, 13091268952870439423]]
    assert fp.shingle_set(0).tolist() == [25097155, 831222066, 1129752088]
    assert fp.keys[0, :2].tolist() == keys


@pytest.mark.parametrize(
    "variant",
    [
        "the summit in beijing",
        "THE SUMMIT IN BEIJING",
        "  The   summit\tin\nBeijing  ",
        "The summit in Beijing\n",
        "\r\nThe\r\nsummit in\x0bBeijing",
    ],
)
def test_kernels_exact_hash_ignores_ascii_case_and_whitespace(variant: str) -> None:
    raw = _batch(["The summit in Beijing", variant])
    assert raw["exact"][0].tolist() == raw["exact"][1].tolist()


@pytest.mark.parametrize(
    "other",
    [
        "The summit in Beijin",
        "The summit in Beijing.",
        "Thesummit in Beijing",
        "Beijing in summit The",
        "",
    ],
)
def test_kernels_exact_hash_differs_for_other_texts(other: str) -> None:
    raw = _batch(["The summit in Beijing", other])
    assert raw["exact"][0].tolist() != raw["exact"][1].tolist()


def test_kernels_exact_hash_keeps_whitespace_when_collapse_is_off() -> None:
    encoded = b"a  b" + b"a b"
    offsets = np.array([0, 4, 7], np.int64)
    a, b = permutations(8, 1)
    out = fingerprint_batch(
        np.frombuffer(bytearray(encoded), np.uint8),
        offsets,
        stopword_table("en"),
        2,
        a,
        b,
        densification(8, 1, "oph"),
        True,
        False,
        True,
    )
    assert out[0][0].tolist() != out[0][1].tolist()


def test_kernels_stopwords_are_dropped_from_shingles() -> None:
    raw = _batch(["the cat and the dog", "cat dog", "Cat, DOG!"])
    assert _seq(raw, 0) == _seq(raw, 1) == _seq(raw, 2)
    assert len(_seq(raw, 0)) == 1
    assert raw["n_words"].tolist() == [5, 2, 2]
    assert raw["n_content"].tolist() == [2, 2, 2]


def test_kernels_stopwords_are_kept_with_the_none_list() -> None:
    raw = _batch(["the cat and the dog"], stop="none")
    assert raw["n_content"].tolist() == [5]
    assert len(_seq(raw, 0)) == 4


@pytest.mark.parametrize(
    ("text", "words", "content"),
    [
        ("Hello, world! It's 2024.", 5, 3),  # hello world it s 2024; "it" and "s" are stopwords
        ("", 0, 0),
        ("   \n\t ", 0, 0),
        ("--- ... !!!", 0, 0),
        ("the of and", 3, 0),
        ("state-of-the-art", 4, 2),
        ("x1 y2 z3", 3, 3),
    ],
)
def test_kernels_word_counts(text: str, words: int, content: int) -> None:
    raw = _batch([text])
    assert raw["n_words"].tolist() == [words]
    assert raw["n_content"].tolist() == [content]


@pytest.mark.parametrize(
    ("n_content", "size", "shingles"),
    [(0, 2, 0), (1, 2, 1), (2, 2, 1), (5, 2, 4), (5, 3, 3), (2, 3, 1)],
)
def test_kernels_number_of_shingles(
    n_content: int, size: int, shingles: int, unique_words: Callable[..., list[str]]
) -> None:
    raw = _batch([" ".join(unique_words(n_content))], size=size)
    assert raw["n_seq"].tolist() == [shingles]


def test_kernels_shingle_set_is_the_sorted_unique_sequence() -> None:
    raw = _batch(["alpha beta alpha beta alpha beta gamma"])
    start = raw["bounds"][0]
    sets = raw["sets"][start : start + raw["n_set"][0]].tolist()
    flags = (raw["positions"][start : start + raw["n_set"][0]] & 1).tolist()
    assert raw["n_seq"].tolist() == [6]
    assert sets == sorted(sets)
    assert len(sets) == 3  # alpha-beta, beta-alpha, beta-gamma
    assert sorted(flags) == [0, 1, 1]  # beta-gamma once; the other two repeat
    assert [s >> 2 for s in sorted(raw["positions"][start : start + 3].tolist())] == [0, 1, 5]


def test_kernels_shingle_order_matters_and_words_do_not_bleed() -> None:
    raw = _batch(["alpha beta gamma", "gamma beta alpha", "alphabeta gamma"])
    assert set(_seq(raw, 0)).isdisjoint(_seq(raw, 1))
    assert set(_seq(raw, 0)).isdisjoint(_seq(raw, 2))


@pytest.mark.parametrize("one_permutation", [True, False])
def test_kernels_signature_of_identical_texts_is_identical(
    make_words: Callable[..., list[str]], one_permutation: bool
) -> None:
    text = " ".join(make_words(200, seed=3))
    raw = _batch([text, text.upper(), text + " "], one_permutation=one_permutation)
    assert (raw["sig"][0] == raw["sig"][1]).all()
    assert (raw["sig"][0] == raw["sig"][2]).all()


@pytest.mark.parametrize("one_permutation", [True, False])
def test_kernels_signature_of_empty_text_is_all_max(one_permutation: bool) -> None:
    raw = _batch(["", "the and of"], one_permutation=one_permutation)
    assert (raw["sig"] == np.iinfo(np.uint32).max).all()


@pytest.mark.parametrize("one_permutation", [True, False])
@pytest.mark.parametrize("shift", [5, 20, 50, 100, 150])
def test_kernels_minhash_estimates_jaccard(
    shift: int, one_permutation: bool, unique_words: Callable[..., list[str]]
) -> None:
    # a = w[0:200], b = w[shift:200+shift]: (199 - shift) shared bigrams of 199 each.
    words = unique_words(200 + shift)
    pair = [" ".join(words[:200]), " ".join(words[shift:])]
    raw = _batch(pair, num_perm=128, one_permutation=one_permutation)
    true = (199 - shift) / (199 + shift)
    estimate = float((raw["sig"][0] == raw["sig"][1]).mean())
    assert abs(estimate - true) < 0.2


@pytest.mark.parametrize("one_permutation", [True, False])
def test_kernels_minhash_error_is_small_on_average(
    one_permutation: bool, unique_words: Callable[..., list[str]]
) -> None:
    errors = []
    for shift, start in itertools.product((10, 40, 80, 120), (0, 1000, 2000)):
        words = unique_words(200 + shift, start)
        pair = [" ".join(words[:200]), " ".join(words[shift:])]
        raw = _batch(pair, num_perm=128, one_permutation=one_permutation)
        true = (199 - shift) / (199 + shift)
        errors.append(abs(float((raw["sig"][0] == raw["sig"][1]).mean()) - true))
    assert float(np.mean(errors)) < 0.1


def test_kernels_band_keys_equal_for_identical_rows() -> None:
    rng = np.random.default_rng(0)
    sig = rng.integers(0, 2**32, size=(3, 16), dtype=np.uint32)
    sig[1] = sig[0]
    sig[2, :4] = sig[0, :4]  # shares bands 0 and 1 (rows 2) with doc 0
    keys = band_keys(sig, 8, 2)
    assert keys.shape == (3, 8)
    assert (keys[0] == keys[1]).all()
    assert (keys[0] == keys[2]).tolist() == [True, True] + [False] * 6


def test_kernels_band_keys_differ_between_bands_with_the_same_rows() -> None:
    sig = np.zeros((1, 8), np.uint32)
    keys = band_keys(sig, 4, 2)
    assert len(set(keys[0].tolist())) == 4


def test_kernels_band_keys_use_only_the_first_bands_times_rows_values() -> None:
    sig = np.zeros((2, 10), np.uint32)
    sig[1, 8:] = 7  # beyond 4 bands * 2 rows
    keys = band_keys(sig, 4, 2)
    assert (keys[0] == keys[1]).all()


def test_kernels_compact_packs_slices() -> None:
    values = np.array([1, 2, 99, 3, 99, 99, 4, 5, 6], np.uint32)
    bounds = np.array([0, 3, 6, 9], np.int64)
    lengths = np.array([2, 1, 3], np.int64)
    out, offsets = compact(values, bounds, lengths)
    assert out.tolist() == [1, 2, 3, 4, 5, 6]
    assert offsets.tolist() == [0, 2, 3, 6]


def test_kernels_permutations_are_odd_deterministic_and_read_only() -> None:
    a, b = permutations(64, 5)
    assert (a % 2 == 1).all()
    assert len(set(a.tolist())) == 64
    assert not a.flags.writeable and not b.flags.writeable
    a2, _ = permutations(64, 6)
    assert a.tolist() != a2.tolist()
    assert permutations(64, 5)[0] is a


@pytest.mark.parametrize("name", ["en", "multi", "none"])
def test_kernels_stopword_table_holds_the_hashes_of_the_list(name: str) -> None:
    table = stopword_table(name)
    stored = table[table != 0].tolist()
    assert sorted(stored) == sorted({_hash(w) for w in stopwords(name)})
    assert len(stored) == len(set(stored))
    size = table.size
    assert size & (size - 1) == 0 and size >= 4 * len(stored)  # power of two, at most 1/4 full
    assert not table.flags.writeable


@pytest.mark.parametrize("name", ["en", "multi"])
def test_kernels_every_listed_stopword_is_dropped(name: str) -> None:
    words = stopwords(name)
    raw = _batch([" ".join(words)], stop=name)
    assert raw["n_words"][0] >= len(words)
    assert raw["n_content"].tolist() == [0]


def test_kernels_stopword_lists() -> None:
    assert stopwords("none") == ()
    en = stopwords("en")
    assert en == tuple(sorted(set(en)))
    assert {"the", "of", "and", "said"} <= set(en)
    assert set(en) < set(stopwords("multi"))
    assert {"der", "les", "och"} <= set(stopwords("multi"))


def test_kernels_words_inside_quotes_are_flagged_per_paragraph() -> None:
    """Bit 1 of a position marks a shingle whose first word stands inside double quotes; a
    newline closes a quote left open (news style leaves run-on quotes unclosed)."""
    text = (
        "Police said \u201cthe driver fled north quickly\u201d after noon\n"
        '"open quote runs on\nplain words here'
    )
    raw = _batch([text])
    start = raw["bounds"][0]
    n = raw["n_set"][0]
    pos = raw["positions"][start : start + n]
    quoted = {int(p) >> 2: bool(int(p) & 2) for p in pos}
    first = sorted(quoted)
    flags = [quoted[i] for i in first]
    assert not flags[0]  # "police ..." stands outside
    assert sum(flags) >= 3  # driver fled north quickly, then the run-on quote
    assert not flags[-1]  # the last paragraph is outside any quote
    plain = _batch([text.replace("\u201c", "").replace("\u201d", "").replace('"', "")])
    assert not any(int(p) & 2 for p in plain["positions"][: plain["n_set"][0]])
