from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.config import VerifyConfig
from newsdedup.errors import ConfigError
from newsdedup.relate.kind import (
    FEATURES,
    KIND_CODES,
    classify,
    classify_one,
    copy_probability,
    derivation_features,
    derivation_model,
)
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.types import Kind, Scores


@pytest.fixture(scope="module")
def step_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A model that calls a pair a copy exactly when >= 0.4 of the shorter text is derived, so
    the kind rules below are tested at known edges whatever the fitted model becomes."""
    path = tmp_path_factory.mktemp("model") / "step.json"
    coef = [100.0 if f == "derived_short" else 0.0 for f in FEATURES]
    path.write_text(
        json.dumps(
            {
                "features": list(FEATURES),
                "mean": [0.0] * len(FEATURES),
                "scale": [1.0] * len(FEATURES),
                "coef": coef,
                "intercept": -40.0,
                "threshold": 0.5,
            }
        )
    )
    return str(path)


def _scores(**figures: float) -> Scores:
    base = {"jaccard": 0.2, "containment": 0.5, "coverage_a": 0.5, "coverage_b": 0.5}
    return Scores(**{**base, **figures})


def _kind(scores: Scores, len_a: int, len_b: int, config: VerifyConfig) -> Kind | None:
    return classify_one(scores, len_a, len_b, config)


def test_kind_codes_table() -> None:
    assert KIND_CODES == (
        None,
        Kind.EXACT,
        Kind.NEAR,
        Kind.REWRITE,
        Kind.EXCERPT,
        Kind.CONDENSED,
        Kind.TRANSLATION,
    )


def test_kind_copy_follows_the_shorter_texts_derived_share(step_model: str) -> None:
    config = VerifyConfig(model=step_model)
    # a is the shorter text: its derived share decides, the longer one's does not
    assert _kind(_scores(derived_a=0.41, derived_b=0.05), 90, 100, config) is Kind.REWRITE
    assert _kind(_scores(derived_a=0.39, derived_b=0.95), 90, 100, config) is None
    assert _kind(_scores(derived_a=0.05, derived_b=0.41), 100, 90, config) is Kind.REWRITE


@pytest.mark.parametrize(
    ("len_short", "block", "expected"),
    [
        (90, 0.0, Kind.REWRITE),  # ratio 0.9
        (80, 0.0, Kind.REWRITE),  # ratio 0.8: too long to be condensed
        (80, 0.6, Kind.EXCERPT),  # ratio 0.8 and one verbatim block: an excerpt
        (81, 0.9, Kind.REWRITE),  # ratio 0.81: too long to be an excerpt
        (50, 0.0, Kind.CONDENSED),  # ratio 0.5: a brief written from the longer
        (51, 0.0, Kind.REWRITE),
        (20, 0.59, Kind.CONDENSED),
        (20, 0.6, Kind.EXCERPT),  # excerpt takes precedence over condensed
    ],
)
def test_kind_of_a_copy_by_length_ratio_and_block(
    step_model: str, len_short: int, block: float, expected: Kind
) -> None:
    config = VerifyConfig(model=step_model, condensed_max_ratio=0.5, excerpt_block=0.6)
    scores = _scores(derived_a=0.5, block_a=block)
    assert _kind(scores, len_short, 100, config) is expected


def test_kind_near_takes_precedence_and_needs_no_derivation(step_model: str) -> None:
    config = VerifyConfig(model=step_model)
    assert _kind(_scores(jaccard=0.75), 100, 100, config) is Kind.NEAR
    assert _kind(_scores(jaccard=0.7499), 100, 100, config) is None
    assert _kind(_scores(jaccard=0.8, derived_a=0.9, block_a=1.0), 20, 100, config) is Kind.NEAR


def test_kind_below_the_candidate_containment_is_never_a_copy(step_model: str) -> None:
    config = VerifyConfig(model=step_model, min_candidate_containment=0.3)
    assert _kind(_scores(containment=0.29, derived_a=0.9), 90, 100, config) is None
    assert _kind(_scores(containment=0.3, derived_a=0.9), 90, 100, config) is Kind.REWRITE


def test_kind_classify_is_vectorised_and_matches_classify_one(step_model: str) -> None:
    config = VerifyConfig(model=step_model, condensed_max_ratio=0.5, excerpt_block=0.6)
    cases = [
        (_scores(jaccard=0.9), 100, 100),
        (_scores(derived_a=0.5, block_a=0.9), 30, 100),
        (_scores(derived_a=0.5), 100, 100),
        (_scores(derived_a=0.1), 100, 100),
    ]
    rows = np.array([s.as_tuple() for s, _, _ in cases])
    codes = classify(rows, np.array([c[1] for c in cases]), np.array([c[2] for c in cases]), config)
    assert codes.dtype == np.int8
    assert rows.shape[1] == len(SCORE_COLUMNS)
    assert [KIND_CODES[c] for c in codes] == [_kind(*c, config) for c in cases]
    assert [KIND_CODES[c] for c in codes] == [Kind.NEAR, Kind.EXCERPT, Kind.REWRITE, None]


def test_kind_features_are_seen_from_the_shorter_text() -> None:
    row = np.array(
        [_scores(derived_a=0.1, derived_b=0.7, coverage_a=0.2, coverage_b=0.8).as_tuple()]
    )
    f_ab = derivation_features(row, np.array([100]), np.array([50]))[0]
    f = dict(zip(FEATURES, f_ab, strict=True))
    assert (f["derived_short"], f["derived_long"]) == (0.7, 0.1)
    assert (f["coverage_short"], f["coverage_long"]) == (0.8, 0.2)
    assert f["length_ratio"] == 0.5


def test_kind_builtin_model_is_fitted_on_real_labelled_news() -> None:
    model = derivation_model("")
    assert "ECB+" in model.source
    assert len(model.coef) == len(FEATURES)
    # the evidence the verdict rests on weighs the right way
    assert model.coef[FEATURES.index("derived_short")] > 0
    assert model.coef[FEATURES.index("quoted")] <= 0


@settings(max_examples=60, deadline=None)
@given(
    base=st.floats(0.0, 1.0),
    more=st.floats(0.0, 1.0),
    quoted=st.floats(0.0, 1.0),
    cov=st.floats(0.0, 1.0),
)
def test_kind_more_derived_narration_never_lowers_the_copy_probability(
    base: float, more: float, quoted: float, cov: float
) -> None:
    model = derivation_model("")
    lo, hi = sorted((base, more))
    rows = np.array(
        [
            _scores(derived_a=lo, coverage_a=cov, quoted=quoted).as_tuple(),
            _scores(derived_a=hi, coverage_a=cov, quoted=quoted).as_tuple(),
        ]
    )
    p = copy_probability(derivation_features(rows, np.array([60, 60]), np.array([100, 100])), model)
    assert p[1] >= p[0]


def test_kind_unreadable_model_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"features": ["x"], "coef": [1.0]}))
    with pytest.raises(ConfigError, match=r"bad\.json"):
        derivation_model(str(bad))
    with pytest.raises(ConfigError, match=r"missing\.json"):
        derivation_model(str(tmp_path / "missing.json"))
