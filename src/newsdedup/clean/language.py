"""Language identification with lingua, built once per process and reused.

lingua's low-accuracy mode reads trigrams only: on an article (hundreds of characters and more)
it is as right as the full mode and loads models of about 100 MB, where the full mode needs ten
times that. Its cost grows with the text (about 2 µs a character here), so a sample of the first
600 characters is read: about 1.2 ms an article, and batches run on every core (lingua's own
threads, outside the GIL).
"""

from __future__ import annotations

import functools
from typing import Any

from newsdedup.errors import MissingExtraError

__all__ = ["detect_language", "detect_languages"]

SAMPLE_CHARS = 600  #: the language is told from this many characters of the text
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
    return detect_languages([text])[0]


def detect_languages(texts: list[str]) -> list[str | None]:
    """``detect_language`` of each text, the batch spread over all cores."""
    samples = [t[:SAMPLE_CHARS] for t in texts]
    wanted = [i for i, s in enumerate(samples) if len(s.strip()) >= MIN_CHARS]
    codes: list[str | None] = [None] * len(texts)
    if not wanted:
        return codes
    detector = _detector()
    picked = [samples[i] for i in wanted]
    found = (
        [detector.detect_language_of(picked[0])]
        if len(picked) == 1
        else detector.detect_languages_in_parallel_of(picked)
    )
    for i, language in zip(wanted, found, strict=True):
        codes[i] = None if language is None else str(language.iso_code_639_1.name.lower())
    return codes
