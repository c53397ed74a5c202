"""The repository's scripts (benchmarks/, eval/) as modules, for the tests that check them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(relative: str, name: str, *, siblings: bool = False) -> ModuleType:
    """``ROOT / relative`` as module ``name``, loaded once. It is registered before it runs,
    since its dataclasses look their module up by name; with ``siblings`` its folder is on
    ``sys.path`` while it loads (a script that imports another beside it by name)."""
    if name in sys.modules:
        return sys.modules[name]
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    if siblings:
        sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    finally:
        if siblings:
            sys.path.remove(str(path.parent))
    return module
