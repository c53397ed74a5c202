"""Copy groups tied by translations become one group: the executors' one rule for it.

Every executor (the in-process engine, and any other that finds translations) hands the copy
groups' representatives, each with its language, anchor keys and lead
(``relate/translate.article_features``), to ``translate_groups``; it finds the translation
pairs (``relate/translate.translation_pairs``) and merges the groups they tie
(``group/copies.join_translations``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import TranslateConfig
from newsdedup.fingerprint.multilingual import encode_leads, encoder_settings
from newsdedup.group.copies import Assignment, join_translations
from newsdedup.relate.translate import Encoder, KeySets, Translation, translation_pairs
from newsdedup.types import TranslationScores

__all__ = ["Translations", "translate_groups"]


@dataclass(frozen=True, slots=True)
class Translations:
    """What the stage found: each article's language (by index), the translation pairs, and
    for each article that joined a group as a translation, the pair that tied it in and that
    pair's article on the other side."""

    langs: list[str] = field(default_factory=list)
    pairs: tuple[Translation, ...] = ()
    via: dict[int, tuple[int, int]] = field(default_factory=dict)
    candidates: int = 0  #: pairs across languages scored
    encoded: int = 0  #: leads and tails the encoder read

    @property
    def languages(self) -> int:
        """How many known languages the articles are in."""
        return len(set(self.langs) - {""})

    def scores_of(self, d: int, ids: Sequence[str]) -> TranslationScores:
        """Why article ``d`` (a member of kind translation) is one: the pair that tied its
        group in, seen from ``d``; ``ids`` names the articles by index."""
        p, partner = self.via[d]
        pair = self.pairs[p]
        return TranslationScores(
            partner=ids[partner],
            lang=self.langs[d],
            partner_lang=self.langs[partner],
            score=pair.score,
            cosine=None if np.isnan(pair.cosine) else pair.cosine,
            anchors=pair.anchors,
            margin=pair.margin,
        )


def translate_groups(
    langs: list[str],
    reps: NDArray[np.int64],
    keys: Sequence[NDArray[np.uint64]] | KeySets,
    leads: Sequence[str],
    rank: NDArray[np.int64],
    assignment: Assignment,
    config: TranslateConfig,
    encode: Encoder | None = None,
) -> tuple[Assignment, Translations]:
    """Merge the groups whose representatives ``reps`` (article indices; ``keys``, one array
    each or all in one, and ``leads`` row by row) are translations; ``langs`` has every
    article's language."""
    if encode is None:
        encode = partial(encode_leads, **encoder_settings(config))
    found = translation_pairs([langs[d] for d in reps.tolist()], keys, leads, config, encode)
    pairs = tuple(
        Translation(
            a=int(reps[t.a]),
            b=int(reps[t.b]),
            score=t.score,
            cosine=t.cosine,
            anchors=t.anchors,
            margin=t.margin,
        )
        for t in found.pairs
    )
    edges = np.array([(t.a, t.b) for t in pairs], np.int64).reshape(-1, 2)
    joined, via = join_translations(assignment, rank, edges)
    return joined, Translations(
        langs=langs, pairs=pairs, via=via, candidates=found.candidates, encoded=found.encoded
    )
