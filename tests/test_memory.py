"""memory.collection_paused: the collector is off inside the block and as it was after it."""

from __future__ import annotations

import gc

import pytest

from newsdedup.memory import collection_paused


@pytest.mark.parametrize("enabled", [True, False])
def test_collection_paused_restores_the_collector(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), collection_paused():
            raise KeyError("a failing step")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
