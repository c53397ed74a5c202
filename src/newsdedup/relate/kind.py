"""The one definition of each copy kind, applied to verified pair scores.

Whether a pair is a copy at all is a *derivation* verdict, fitted on real labelled news
(``derivation.json`` beside this module; eval/copy_pairs.py rebuilds it from ECB+ pairs labelled
by reading, see docs/evaluation.md): a logistic model over the alignment's figures, seen from
the shorter and the longer text. What weighs most is how much of the *shorter* text lies inside
derived narration (aligned spans with small edits allowed, shared quotations left out): a brief
cut from a wire story is a copy whatever it covers of the story, while two reports of one event
share names, numbers and quotes, not their narration. The share of the reuse that is quotation
counts against a copy. (Order is derived text's mark too, but the alignment is in order by
construction, and the share of shared words that keep their order took a negative weight on
real pairs, an artefact of pairs sharing one or two bigrams: it is shown, not weighed.)

A copy's kind, in order of precedence (lengths in content words, after stopword removal):

- near: shingle-set Jaccard >= ``near_jaccard`` (the same text up to small edits), always a copy;
- excerpt: a copy whose shorter text is at most ``excerpt_max_ratio`` of the longer's length and
  lies mostly (``excerpt_block``) inside one verbatim block of it;
- condensed: a copy whose shorter text is at most ``condensed_max_ratio`` of the longer's length
  (a brief or summary written from it: its sentences come from the longer, trimmed and picked);
- rewrite: any other copy (the same text reworded, re-edited in another house style, garbled).

Two articles that are not copies are ``same_story`` or ``unrelated`` (``story_kind``, over the
figures of relate/story.py):

- unrelated whenever both publication dates are known and more than ``stories.window_days``
  apart (the story graph's window);
- same story when the rarity-weighted cosine of their content words is at least
  ``similarity``, or at least ``corroborated`` and the texts also share a date (a weekday or a
  month-day) or ``min_rare_names`` rare name words: two reports on the same actors months apart
  share their vocabulary, but not the day and the place of the event;
- unrelated otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import Config, RelationConfig, VerifyConfig
from newsdedup.errors import ConfigError
from newsdedup.fingerprint.batch import Fingerprints
from newsdedup.relate.story import StoryFigures
from newsdedup.relate.verify import SCORE_COLUMNS, score_shingles
from newsdedup.types import Kind, Scores

__all__ = [
    "FEATURES",
    "KIND_CODES",
    "DerivationModel",
    "classify",
    "classify_one",
    "copy_probability",
    "derivation_features",
    "derivation_model",
    "judge",
    "judge_shingles",
    "shingle_verifier",
    "story_kind",
    "verifier",
]

#: Integer codes used in arrays; 0 means "not a copy".
KIND_CODES: tuple[Kind | None, ...] = (
    None,
    Kind.EXACT,
    Kind.NEAR,
    Kind.REWRITE,
    Kind.EXCERPT,
    Kind.CONDENSED,
    Kind.TRANSLATION,
)
_EXACT, _NEAR, _REWRITE, _EXCERPT, _CONDENSED, _TRANSLATION = 1, 2, 3, 4, 5, 6

#: What the derivation model reads of a pair: the alignment seen from the shorter text and from
#: the longer one, and the pair's shape.
FEATURES = (
    "derived_short",
    "derived_long",
    "coverage_short",
    "coverage_long",
    "block_short",
    "quoted",
    "jaccard",
    "length_ratio",
    "log_short_words",
)
_COL = {name: k for k, name in enumerate(SCORE_COLUMNS)}


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivationModel:
    """A logistic model over FEATURES (standardised by ``mean`` and ``scale``) and the
    probability at or above which a pair is a copy; ``source`` says where it was fitted."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    source: str

    @classmethod
    def from_dict(cls, data: dict[str, object], where: str) -> DerivationModel:
        try:
            if list(data["features"]) != list(FEATURES):  # type: ignore[call-overload]
                raise ValueError(f"features {data['features']} are not {list(FEATURES)}")
            return cls(
                mean=tuple(map(float, data["mean"])),  # type: ignore[call-overload]
                scale=tuple(map(float, data["scale"])),  # type: ignore[call-overload]
                coef=tuple(map(float, data["coef"])),  # type: ignore[call-overload]
                intercept=float(data["intercept"]),  # type: ignore[arg-type]
                threshold=float(data["threshold"]),  # type: ignore[arg-type]
                source=str(data.get("source", where)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"The derivation model {where} cannot be read: {exc}. It must be a JSON object "
                "with features, mean, scale, coef, intercept and threshold, as written by "
                "eval/copy_pairs.py --fit; leave verify.model empty for the built-in model."
            ) from exc


@cache
def derivation_model(path: str = "") -> DerivationModel:
    """The built-in model (``path`` empty) or one fitted by the user (a JSON file)."""
    if not path:
        text = resources.files("newsdedup.relate").joinpath("derivation.json").read_text()
        return DerivationModel.from_dict(json.loads(text), "derivation.json")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"The derivation model {path} cannot be read: {exc}.") from exc
    return DerivationModel.from_dict(data, path)


def derivation_features(
    scores: NDArray[np.float64], len_a: NDArray[np.int64], len_b: NDArray[np.int64]
) -> NDArray[np.float64]:
    """An (m, len(FEATURES)) matrix: each pair's figures seen from its shorter text."""
    scores = scores.reshape(-1, len(SCORE_COLUMNS))
    len_a, len_b = np.asarray(len_a), np.asarray(len_b)
    # Of two texts of one length, the "shorter" is the one more inside derived narration (then
    # more covered, then more in one block): the features must not depend on which came first.
    a_first = np.zeros(len(scores), bool)
    decided = np.zeros(len(scores), bool)
    for name in ("derived", "coverage", "block"):
        a, b = scores[:, _COL[f"{name}_a"]], scores[:, _COL[f"{name}_b"]]
        a_first |= ~decided & (a > b)
        decided |= a != b
    a_short = (len_a < len_b) | ((len_a == len_b) & (a_first | ~decided))

    def side(name: str, short: bool) -> NDArray[np.float64]:
        a, b = scores[:, _COL[f"{name}_a"]], scores[:, _COL[f"{name}_b"]]
        return np.where(a_short == short, a, b)

    shorter = np.minimum(len_a, len_b).astype(np.float64)
    longer = np.maximum(np.maximum(len_a, len_b), 1).astype(np.float64)
    return np.column_stack(
        (
            side("derived", True),
            side("derived", False),
            side("coverage", True),
            side("coverage", False),
            side("block", True),
            scores[:, _COL["quoted"]],
            scores[:, _COL["jaccard"]],
            shorter / longer,
            np.log1p(shorter),
        )
    )


def copy_probability(features: NDArray[np.float64], model: DerivationModel) -> NDArray[np.float64]:
    """The model's probability that each pair (a row of ``derivation_features``) is a copy."""
    z = (features - np.asarray(model.mean)) / np.asarray(model.scale)
    logit = z @ np.asarray(model.coef) + model.intercept
    return 1.0 / (1.0 + np.exp(-logit))  # type: ignore[no-any-return]


def classify(
    scores: NDArray[np.float64],
    len_a: NDArray[np.int64],
    len_b: NDArray[np.int64],
    config: VerifyConfig,
) -> NDArray[np.int8]:
    """Kind code of each pair (see KIND_CODES); ``scores`` has the columns of SCORE_COLUMNS."""
    scores = scores.reshape(-1, len(SCORE_COLUMNS))
    codes = np.zeros(len(scores), np.int8)
    # most candidates stop at the containment floor: the model reads the others only
    at = np.flatnonzero(scores[:, _COL["containment"]] >= config.min_candidate_containment)
    if len(at):
        features = derivation_features(scores[at], np.asarray(len_a)[at], np.asarray(len_b)[at])
        model = derivation_model(config.model)
        copy = copy_probability(features, model) >= model.threshold
        ratio = features[:, FEATURES.index("length_ratio")]
        block_short = features[:, FEATURES.index("block_short")]
        sub = np.where(copy, _REWRITE, 0).astype(np.int8)
        sub[copy & (ratio <= config.condensed_max_ratio)] = _CONDENSED
        sub[copy & (ratio <= config.excerpt_max_ratio) & (block_short >= config.excerpt_block)] = (
            _EXCERPT
        )
        codes[at] = sub
    codes[scores[:, _COL["jaccard"]] >= config.near_jaccard] = _NEAR
    return codes


def judge_shingles(
    pairs: NDArray[np.int64],
    sets: NDArray[np.uint32],
    positions: NDArray[np.int32],
    set_offsets: NDArray[np.int64],
    n_content: NDArray[np.int64],
    config: Config,
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Scores and kind codes of ``pairs``: the one score-then-classify rule that the in-process
    engine, the living index and Spark all run (over fingerprints laid out as in
    ``Fingerprints``)."""
    scores = score_shingles(
        pairs,
        sets,
        positions,
        set_offsets,
        n_content,
        size=config.shingle.size,
        min_containment=config.verify.min_candidate_containment,
    )
    codes = classify(scores, n_content[pairs[:, 0]], n_content[pairs[:, 1]], config.verify)
    return scores, codes


def judge(
    fp: Fingerprints, pairs: NDArray[np.int64], config: Config
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """``judge_shingles`` over the rows of ``fp``."""
    return judge_shingles(pairs, fp.sets, fp.positions, fp.set_offsets, fp.n_content, config)


def verifier(fp: Fingerprints, config: Config):  # type: ignore[no-untyped-def]
    """A function (member, representative) -> (kind code, scores), for ``star_groups``."""
    return shingle_verifier(fp.sets, fp.positions, fp.set_offsets, fp.n_content, config)


def shingle_verifier(  # type: ignore[no-untyped-def]
    sets: NDArray[np.uint32],
    positions: NDArray[np.int32],
    set_offsets: NDArray[np.int64],
    n_content: NDArray[np.int64],
    config: Config,
):
    """``verifier`` over fingerprints laid out as in ``Fingerprints`` (Spark's groups)."""

    def verify(member: int, rep: int) -> tuple[int, NDArray[np.float64]]:
        pair = np.array([[member, rep]])
        scores, codes = judge_shingles(pair, sets, positions, set_offsets, n_content, config)
        return int(codes[0]), scores[0]

    return verify


def classify_one(scores: Scores, len_a: int, len_b: int, config: VerifyConfig) -> Kind | None:
    """The kind of one pair, by the same rule as ``classify``."""
    row = np.array([scores.as_tuple()])
    code = int(classify(row, np.array([len_a]), np.array([len_b]), config)[0])
    return KIND_CODES[code]


def story_kind(figures: StoryFigures, config: RelationConfig, window_days: float) -> Kind:
    """``same_story`` or ``unrelated`` for a pair that is not a copy (rule in the docstring)."""
    if figures.days_apart is not None and figures.days_apart > window_days:
        return Kind.UNRELATED
    if figures.similarity >= config.similarity:
        return Kind.SAME_STORY
    corroborated = bool(figures.shared_dates) or len(figures.rare_names) >= config.min_rare_names
    if figures.similarity >= config.corroborated and corroborated:
        return Kind.SAME_STORY
    return Kind.UNRELATED
