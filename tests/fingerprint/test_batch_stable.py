"""Fingerprinting prenormalises only texts with a character that fold_chars cannot take (the
rest are folded in their bytes): the kernel gets the same bytes up to ASCII case, so every
column equals prenormalising every text."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsdedup.clean.normalize import fold_chars, prenormalize
from newsdedup.config import Config, NormalizeConfig
from newsdedup.fingerprint import batch
from newsdedup.fingerprint.kernels import fold_texts

_CHARS = st.one_of(
    st.sampled_from(list("aAbB zZ09.,\"'`\n\t-")),
    st.sampled_from(
        list("\u2019\u201c\u201d\u2014\u00e9\u00c9\u00df\u2026\u00a0\u0301\u212a\u0130")
    ),
    st.sampled_from(
        list("\u0414\u0434\u0401\u0451\u03a3\u03c3\u03c2\u1e9e\u1e00\u0178\u0130\u00b5")
    ),
    st.characters(blacklist_categories=()),  # surrogates and every plane included
)
_TEXT = st.text(alphabet=_CHARS, max_size=40)


def _folded(text: str) -> tuple[str, int]:
    # the character loop fold_texts stands for: 0 as it was, 1 folded, 2 left to prenormalize
    table, out = fold_chars(), []
    for c in text:
        cp = ord(c)
        if cp < 0x80:
            out.append(c)
        elif cp >= 0x10000 or table[cp] < 0:
            return text, 2
        else:
            out.append(chr(table[cp]))
    folded = "".join(out)
    return folded, int(folded != text)


@given(texts=st.lists(_TEXT, max_size=6))
def test_batch_stable_fold_texts_equals_a_character_loop(texts: list[str]) -> None:
    buf, offsets = batch._joined([t.encode("utf-8", "surrogatepass") for t in texts])
    buf = buf.copy()
    got = fold_texts(buf, offsets, fold_chars())
    want = [_folded(t) for t in texts]
    assert got.tolist() == [flag for _, flag in want]
    for i, (text, flag) in enumerate(want):
        if flag < 2:
            assert bytes(buf[offsets[i] : offsets[i + 1]]) == text.encode("utf-8"), i


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
        "\u041c\u0438\u043d\u0438\u0441\u0442\u0440",
        "\u0421\u0428\u0410",
        "\u0401\u0436",
        "\u039f\u0394\u039f\u03a3",
        "\u00c0\u00e0",
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


def test_batch_stable_texts_to_gets_the_texts_as_handed_in() -> None:
    texts = ["Москва И Пекин", "ÉTÉ à Paris", "plain"]
    seen: list[bytes] = []

    def keep(buf: np.ndarray, offsets: np.ndarray) -> None:
        seen.extend(bytes(buf[offsets[i] : offsets[i + 1]]) for i in range(len(texts)))

    buf, offsets = batch._kernel_input(texts, NormalizeConfig(), keep)
    assert seen == [t.encode() for t in texts]
    folded = [bytes(buf[offsets[i] : offsets[i + 1]]).decode() for i in range(len(texts))]
    assert folded == ["москва и пекин", "éTé à Paris", "plain"]  # ASCII case is the kernel's


@example(texts=["a\ud800b", "\udfff", "plain"])
@given(texts=st.lists(_TEXT, max_size=6))
def test_batch_stable_utf8_columns_keep_lone_surrogates(texts: list[str]) -> None:
    # the error handler is named only once plain encoding fails: the bytes are the same
    buf, offsets = batch.utf8_columns(texts)
    expected = [t.encode("utf-8", "surrogatepass") for t in texts]
    assert buf.tobytes() == b"".join(expected)
    assert np.diff(offsets).tolist() == [len(e) for e in expected]
