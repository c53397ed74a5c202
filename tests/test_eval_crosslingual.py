"""eval/stories_crosslingual.py on a WMT-shaped set small enough to check by hand: one version
of each translation group per draw (never a machine translation), and the run's counts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from tests.relate.test_translate import DE, EN, EN_ALONE, FR
from tests.scripts import load_script


@pytest.fixture(scope="module")
def crosslingual() -> ModuleType:
    # the script imports eval/translations.py by name
    return load_script("eval/stories_crosslingual.py", "eval_crosslingual", siblings=True)


def _rows() -> tuple[list[dict[str, str]], dict[str, str]]:
    """Two groups: the ECB story (an English original, its German and French translations,
    a machine translation) and a lone English one."""
    rows = [
        {"id": "ecb.en", "text": EN, "lang": "en", "kind": "original"},
        {"id": "ecb.de", "text": DE, "lang": "de", "kind": "human:A"},
        {"id": "ecb.fr", "text": FR, "lang": "fr", "kind": "human:A"},
        {"id": "ecb.fr.mt", "text": FR, "lang": "fr", "kind": "mt:system"},
        {"id": "flood.en", "text": EN_ALONE, "lang": "en", "kind": "original"},
    ]
    truth = {r["id"]: r["id"].split(".")[0] for r in rows}
    return rows, truth


def test_eval_crosslingual_draws_one_human_version_of_each_group(crosslingual: ModuleType) -> None:
    rows, truth = _rows()
    seen = set()
    for seed in range(20):
        chosen = crosslingual.draw(rows, truth, seed)
        assert set(chosen) == {"ecb", "flood"}
        assert all(truth[r["id"]] == g for g, r in chosen.items())
        assert not any(r["kind"].startswith("mt:") for r in chosen.values())
        assert chosen == crosslingual.draw(rows[::-1], truth, seed)  # not the rows' order
        seen.add(chosen["ecb"]["id"])
    assert seen == {"ecb.en", "ecb.de", "ecb.fr"}  # every human version comes up


def test_eval_crosslingual_runs_on_a_small_set(
    crosslingual: ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows, truth = _rows()
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "truth.json").write_text(json.dumps(truth))
    monkeypatch.setattr(sys, "argv", ["x.py", "--data", str(tmp_path), "--draws", "2"])
    assert crosslingual.main() == 0
    out = capsys.readouterr().out
    assert "2 draws of one version per translation group (2 articles each)" in out
    assert "articles grouped with another: 0.000" in out  # no two versions of one text meet


def test_eval_crosslingual_says_when_the_set_is_missing(
    crosslingual: ModuleType,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["x.py", "--data", str(tmp_path)])
    assert crosslingual.main() == 1
    assert "no WMT development set" in capsys.readouterr().out
