"""memory.collection_paused: the collector is off inside the block and as it was after it;
memory.tune_allocator: glibc's malloc parameters set once a process, unless the environment
sets them or asks for the defaults."""

from __future__ import annotations

import gc
import os
import platform
import subprocess
import sys

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


_TUNED = "from newsdedup.memory import tune_allocator; print(tune_allocator(), tune_allocator())"


def _tuned(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if "MALLOC" not in k and k != "GLIBC_TUNABLES"}
    done = subprocess.run(
        [sys.executable, "-c", _TUNED], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="mallopt is glibc's: elsewhere tune_allocator leaves the allocator alone",
)
def test_tune_allocator_sets_glibc_once_unless_the_environment_says() -> None:
    assert _tuned() == "True True"  # cached: the second call answers as the first
    assert _tuned(NEWSDEDUP_MALLOC="default") == "False False"
    assert _tuned(MALLOC_TOP_PAD_="1048576") == "False False"
    assert _tuned(GLIBC_TUNABLES="glibc.malloc.trim_threshold=1048576") == "False False"
    assert _tuned(GLIBC_TUNABLES="glibc.rtld.nns=4") == "True True"
