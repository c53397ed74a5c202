"""Saving and loading fingerprints, tagged with the scheme that made them.

A file records ``Config.fingerprint_id`` (the scheme version and every setting that changes a
fingerprint); loading it under another scheme raises StoreError instead of silently mixing
signatures that cannot be compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newsdedup.atomic import atomic_path
from newsdedup.config import Config
from newsdedup.errors import StoreError
from newsdedup.fingerprint.batch import Fingerprints

__all__ = ["load_fingerprints", "save_fingerprints"]

_ARRAYS = (
    "exact",
    "keys",
    "sets",
    "positions",
    "set_offsets",
    "n_words",
    "n_content",
    "published",
    "traces",
)
_FORMAT = "newsdedup-fingerprints/1"


def save_fingerprints(fp: Fingerprints, path: str | Path) -> Path:
    """Write ``fp`` to one .npz file (atomically); returns the path written."""
    path = Path(path)
    meta = {"format": _FORMAT, "scheme": fp.scheme, "count": len(fp)}
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(
            fh,
            meta=_json_bytes(meta),
            ids=_json_bytes(fp.ids),  # JSON, not pickle: loading never runs code
            **{name: getattr(fp, name) for name in _ARRAYS},
        )
    return path


def _json_bytes(value: object) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), np.uint8)


def load_fingerprints(path: str | Path, config: Config) -> Fingerprints:
    """Read fingerprints saved by ``save_fingerprints``; they must match ``config``'s scheme."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            arrays = {name: data[name] for name in _ARRAYS}
            ids = json.loads(bytes(data["ids"]).decode())
    except (OSError, KeyError, ValueError) as exc:
        raise StoreError(f"Cannot read fingerprints from {path}: {exc}") from exc
    if meta.get("format") != _FORMAT:
        raise StoreError(f"{path} is not a newsdedup fingerprint file ({meta.get('format')!r}).")
    if meta["scheme"] != config.fingerprint_id:
        raise StoreError(
            f"{path} holds fingerprints of scheme {meta['scheme']!r}, but the configuration "
            f"makes {config.fingerprint_id!r}. Fingerprint the corpus again with this "
            "configuration, or load the file with the configuration that made it."
            f"{config.earlier_scheme_hint(meta['scheme'])}"
        )
    return Fingerprints(scheme=meta["scheme"], ids=ids, **arrays)
