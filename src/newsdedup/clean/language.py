"""Language identification with lingua, built once per process and reused.

lingua's low-accuracy mode reads trigrams only: on an article (hundreds of characters and more)
it is as right as the full mode, takes about 3 ms per article and loads models of about 100 MB,
where the full mode needs ten times that.
"""

from __future__ import annotations

import functools
from typing import Any

from newsdedup.errors import MissingExtraError

__all__ = ["detect_language"]

SAMPLE_CHARS = 2000  #: the language is told from this many characters of the text
MIN_CHARS = 20  #: shorter texts get no language


@functools.cache
def _detector() -> Any:
    try:
        from lingua import LanguageDetectorBuilder
    except ImportError as exc:
        raise MissingExtraError(
            "lingua-language-detector", extra="web", feature="Language identification"
        ) from exc
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language of ``text`` ("en", "fr"...), or None if unsure."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    found = _detector().detect_language_of(sample)
    return None if found is None else str(found.iso_code_639_1.name.lower())
