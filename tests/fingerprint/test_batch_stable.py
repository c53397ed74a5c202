"""Fingerprinting prenormalises only texts with a character outside stable_chars: the kernel
gets the same bytes up to ASCII case, so every column equals prenormalising every text."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.clean.normalize import prenormalize, stable_chars
from newsdedup.config import Config, NormalizeConfig
from newsdedup.fingerprint import batch
from newsdedup.fingerprint.kernels import unstable_texts

_CHARS = st.one_of(
    st.sampled_from(list("aAbB zZ09.,\"'`\n\t-")),
    st.sampled_from(
        list("\u2019\u201c\u201d\u2014\u00e9\u00c9\u00df\u2026\u00a0\u0301\u212a\u0130")
    ),
    st.characters(blacklist_categories=()),  # surrogates and every plane included
)
_TEXT = st.text(alphabet=_CHARS, max_size=40)


def _unstable(text: str) -> bool:
    table = stable_chars()
    return any(ord(c) >= 0x80 and (ord(c) >= 0x10000 or not table[ord(c)]) for c in text)


@given(texts=st.lists(_TEXT, max_size=6))
def test_batch_stable_unstable_texts_equals_a_character_loop(texts: list[str]) -> None:
    buf, offsets = batch._joined([t.encode("utf-8", "surrogatepass") for t in texts])
    got = unstable_texts(buf, offsets, stable_chars())
    assert got.tolist() == [_unstable(t) for t in texts]


def _old_input(
    texts: list[str], norm: NormalizeConfig, texts_to: object = None
) -> tuple[np.ndarray, np.ndarray]:
    # every text prenormalised, as before the stable-text skip (texts_to: no one takes them here)
    return batch._joined([prenormalize(t, norm).encode("utf-8", "surrogatepass") for t in texts])


_WORDS = st.sampled_from(
    [
        "Minister",
        "said",
        "the",
        "\u201cWe",
        "go\u201d",
        "caf\u00e9",
        "\u00c9T\u00c9",
        "STRA\u00dfE",
        "\u2014",
        "it\u2019s",
        "ﬁne",
        "x\u0301y",
        "\u00a0",
        "\n",
        "K\u212a",
        "2024",
    ]
)


@settings(max_examples=150)
@given(
    texts=st.lists(
        st.one_of(st.lists(_WORDS, max_size=60).map(" ".join), _TEXT), min_size=1, max_size=5
    ),
    casefold=st.booleans(),
)
def test_batch_stable_fingerprints_equal_prenormalising_every_text(
    texts: list[str], casefold: bool
) -> None:
    config = Config(normalize=NormalizeConfig(casefold=casefold))
    ids = [str(i) for i in range(len(texts))]
    new = batch.fingerprint_texts(ids, texts, [0] * len(texts), config)
    fast = batch._kernel_input
    try:
        batch._kernel_input = _old_input  # type: ignore[assignment]
        old = batch.fingerprint_texts(ids, texts, [0] * len(texts), config)
    finally:
        batch._kernel_input = fast  # type: ignore[assignment]
    for name in ("exact", "keys", "sets", "positions", "set_offsets", "n_words", "n_content"):
        assert np.array_equal(getattr(new, name), getattr(old, name)), name
