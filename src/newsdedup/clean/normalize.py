"""Text normalisation, so that copies differing only in encoding details hash alike."""

from __future__ import annotations

import unicodedata

from newsdedup.config import NormalizeConfig

__all__ = ["normalize", "prenormalize"]

_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DQUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_SPACES = "\u0085\u1680\u2028\u2029"  # whitespace to str.split() that NFKC keeps
_PUNCT = {
    **dict.fromkeys(_QUOTES, "'"),
    **dict.fromkeys(_DQUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
}
_DEFAULT = NormalizeConfig()


def prenormalize(text: str, config: NormalizeConfig = _DEFAULT) -> str:
    """NFKC and case folding of non-ASCII text: the part of ``normalize`` the compiled kernel
    cannot do on bytes. The kernel folds ASCII case, unifies punctuation and collapses
    whitespace itself (fingerprint/kernels.py: ``_plain``, ``_scan``), so ASCII text needs
    nothing here."""
    if text.isascii():
        return text
    if config.nfkc and not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if config.casefold:
        text = text.casefold()
    return text


def normalize(text: str, config: NormalizeConfig = _DEFAULT) -> str:
    """The full normalised form: the text exact hashing and tokenising see."""
    text = prenormalize(text, config)
    for char in _SPACES:
        if char in text:
            text = text.replace(char, " ")
    if config.unify_punctuation:
        for char, plain in _PUNCT.items():
            if char in text:
                text = text.replace(char, plain)
    if config.casefold and text.isascii():
        text = text.lower()
    if config.collapse_whitespace:
        text = " ".join(text.split())
    return text
