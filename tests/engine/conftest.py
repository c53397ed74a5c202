from __future__ import annotations

from typing import Any

import numba
import pytest

import newsdedup.engine.local as local


@pytest.fixture
def kernel_threads_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """numba's thread count at each of the local engine's fingerprint kernel calls."""
    seen: list[int] = []
    real = local.fingerprint_articles

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(numba.get_num_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(local, "fingerprint_articles", spy)
    return seen
