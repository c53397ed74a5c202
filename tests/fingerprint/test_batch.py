from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup import Article, Config
from newsdedup.clean.normalize import normalize
from newsdedup.config import NormalizeConfig
from newsdedup.fingerprint.batch import NO_DATE, concat, fingerprint_articles, fingerprint_texts


def _fp(texts: list[str], config: Config | None = None):  # type: ignore[no-untyped-def]
    return fingerprint_texts(
        [f"d{i}" for i in range(len(texts))], texts, [0] * len(texts), config or Config()
    )


def _same_exact(fp, i: int, j: int) -> bool:  # type: ignore[no-untyped-def]
    return bool((fp.exact[i] == fp.exact[j]).all())


@pytest.mark.parametrize(
    "variant",
    [
        "\u201cPutin\u2019s visit\u201d \u2014 a summit",
        '"PUTIN\'S VISIT" - A SUMMIT',
        "\u201cPutin\u2019s\u00a0visit\u201d\u2003\u2013 a\u3000summit",
        "\uff02Putin's visit\uff02 - a summit",
    ],
)
def test_batch_exact_hash_folds_unicode_variants(variant: str) -> None:
    fp = _fp(['"Putin\'s visit" - a summit', variant])
    assert _same_exact(fp, 0, 1)


def test_batch_ligatures_and_full_width_tokenise_as_ascii() -> None:
    fp = _fp(["\ufb01nancial report \uff12\uff10\uff12\uff14", "financial report 2024"])
    assert _same_exact(fp, 0, 1)
    assert fp.shingle_set(0).tolist() == fp.shingle_set(1).tolist()


@pytest.mark.parametrize(
    "text",
    [
        "Alpha beta\u00a0gamma",
        "\u201cAlpha\u201d beta \u2014 gamma\u3000delta",
        "Stra\u00dfe und Caf\u00e9",
        "\u0130stanbul \ufb01sh",
        "tab\tnew\nline\r\nend",
    ],
)
def test_batch_exact_hash_is_that_of_the_normalised_text(text: str) -> None:
    fp = _fp([text, normalize(text)])
    assert _same_exact(fp, 0, 1)
    assert fp.shingle_set(0).tolist() == fp.shingle_set(1).tolist()


@pytest.mark.parametrize("space", ["\u2028", "\u2029", "\u0085", "\u1680", "\x1e"])
def test_batch_exact_hash_agrees_with_normalize_on_unicode_whitespace(space: str) -> None:
    text = f"Alpha beta{space}gamma delta"
    assert normalize(text) == "alpha beta gamma delta"
    fp = _fp([text, "alpha beta gamma delta"])
    assert _same_exact(fp, 0, 1)
    assert fp.n_words.tolist() == [4, 4]


_UNICODE = "\u00a0\u3000\u2003\u201c\u201d\u2019\u2014\u2013\ufb01\uff11\u00c9\u00df\u0130"
# every character clean/normalize.py maps, which the kernel maps again on bytes
_UNICODE += "\u2018\u201a\u201b\u2032\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a\u2010\u2011"
_UNICODE += "\u2012\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u0085\u1680\u2028\u2029`\u00b4"
_ALPHABET = st.sampled_from([*"abcXYZ019 .,'\"-\t\n", *_UNICODE])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_batch_exact_hash_of_text_equals_hash_of_its_normal_form(text: str) -> None:
    fp = _fp([text, normalize(text)])
    assert _same_exact(fp, 0, 1)
    assert fp.n_words[0] == fp.n_words[1]
    assert fp.shingle_set(0).tolist() == fp.shingle_set(1).tolist()


def test_batch_respects_normalize_config() -> None:
    config = Config(normalize=NormalizeConfig(casefold=False))
    fp = _fp(["Alpha beta", "alpha beta"], config)
    assert not _same_exact(fp, 0, 1)
    fp = _fp(
        ["Alpha  beta", "Alpha beta"], Config(normalize=NormalizeConfig(collapse_whitespace=False))
    )
    assert not _same_exact(fp, 0, 1)


def test_batch_fingerprints_layout(make_words: Callable[..., list[str]]) -> None:
    texts = [" ".join(make_words(n, seed=n)) for n in (0, 1, 5, 50)]
    config = Config()
    fp = _fp(texts, config)
    assert len(fp) == 4
    assert fp.ids == ["d0", "d1", "d2", "d3"]
    assert fp.scheme == config.fingerprint_id
    assert fp.exact.shape == (4, 2) and fp.exact.dtype == np.uint64
    assert fp.keys.shape == (4, config.lsh.bands) and fp.keys.dtype == np.uint64
    assert [len(fp.shingle_set(d)) for d in range(4)] == [0, 1, 4, 49]
    assert fp.n_words.tolist() == [0, 1, 5, 50]
    for d in range(4):
        assert fp.shingle_set(d).tolist() == sorted(set(fp.shingle_set(d).tolist()))
        first = sorted(int(p) >> 2 for p in fp.shingle_positions(d))
        assert first == list(range(len(first)))  # unique words: shingle i first occurs at i
        assert not any(int(p) & 1 for p in fp.shingle_positions(d))


def test_batch_keys_follow_lsh_config(make_words: Callable[..., list[str]]) -> None:
    config = Config().override({"lsh.bands": "16", "lsh.rows": "4"})
    fp = _fp([" ".join(make_words(30))], config)
    assert fp.keys.shape == (1, 16)


def test_batch_shingle_size_changes_the_shingles(make_words: Callable[..., list[str]]) -> None:
    text = " ".join(make_words(20, seed=1))
    two = _fp([text])
    three = _fp([text], Config().override({"shingle.size": "3"}))
    assert len(two.shingle_set(0)) == 19
    assert len(three.shingle_set(0)) == 18
    assert set(two.shingle_set(0).tolist()).isdisjoint(three.shingle_set(0).tolist())
    assert two.scheme != three.scheme


def test_batch_concat_equals_one_batch(make_words: Callable[..., list[str]]) -> None:
    texts = [" ".join(make_words(n, seed=n)) for n in (3, 0, 40, 12, 7)]
    config = Config()
    whole = _fp(texts, config)
    parts = [
        fingerprint_texts(["d0", "d1"], texts[:2], [0, 0], config),
        fingerprint_texts(["d2"], texts[2:3], [0], config),
        fingerprint_texts(["d3", "d4"], texts[3:], [0, 0], config),
    ]
    joined = concat(parts, config)
    assert parts == []  # released while copied
    assert joined.ids == whole.ids
    for name in (
        "exact",
        "keys",
        "sets",
        "positions",
        "set_offsets",
        "n_words",
        "n_content",
        "published",
    ):
        assert getattr(joined, name).tolist() == getattr(whole, name).tolist(), name


def test_batch_concat_of_nothing_is_empty() -> None:
    config = Config()
    empty = concat([], config)
    assert len(empty) == 0
    assert empty.keys.shape == (0, config.lsh.bands)
    assert empty.set_offsets.tolist() == [0]


def test_batch_fingerprint_articles_reads_ids_and_dates() -> None:
    when = datetime(2024, 3, 1, 12, tzinfo=UTC)
    articles = [Article(id="x", text="one two", published=when), Article(id="y", text="three four")]
    fp = fingerprint_articles(articles, Config())
    assert fp.ids == ["x", "y"]
    assert fp.published.tolist() == [int(when.timestamp()), NO_DATE]
    assert np.iinfo(np.int64).max == NO_DATE


def test_batch_identical_documents_have_identical_band_keys(
    make_words: Callable[..., list[str]],
) -> None:
    text = " ".join(make_words(120, seed=5))
    other = " ".join(make_words(120, seed=6))
    fp = _fp([text, "  " + text.upper().replace(" ", "\n"), other])
    assert (fp.keys[0] == fp.keys[1]).all()
    assert (fp.keys[0] != fp.keys[2]).mean() > 0.9
