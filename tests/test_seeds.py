"""The golden seed corpus: 000 and 001 are one article and its rewrite; 002-004 are other
reports on the same event (hard negatives). Read from /work/shared/seeds, skipped when absent."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

import newsdedup.cli.main as cli
from newsdedup import Article, Config, Kind, find_copies
from newsdedup.relate.compare import compare
from newsdedup.relate.kind import copy_probability, derivation_features, derivation_model
from newsdedup.relate.verify import SCORE_COLUMNS

SEED_IDS = ["000", "001", "002", "003", "004"]


def _seed_files(seeds_dir: Path) -> dict[str, Path]:
    files = {p.name[:3]: p for p in sorted(seeds_dir.glob("*.txt"))}
    if sorted(files) != SEED_IDS:
        pytest.skip(f"expected seeds {SEED_IDS} in {seeds_dir}, found {sorted(files)}")
    return files


def _seeds(seeds_dir: Path) -> dict[str, Article]:
    return {
        key: Article(id=key, text=path.read_text(encoding="utf-8"))
        for key, path in _seed_files(seeds_dir).items()
    }


def test_seeds_rewrite_is_grouped_and_others_are_alone(seeds_dir: Path) -> None:
    result = find_copies(_seeds(seeds_dir).values(), Config())
    groups = {g.representative: {m.id: m.kind for m in g.members} for g in result.groups}
    [pair] = [g for g in groups.values() if len(g) > 1]
    assert set(pair) == {"000", "001"}
    assert sorted(pair.values()) == sorted([Kind.ORIGINAL, Kind.REWRITE])
    singles = {rep for rep, members in groups.items() if len(members) == 1}
    assert singles == {"002", "003", "004"}
    assert result.stats.copies_by_kind == {"rewrite": 1}


def _shape(groups):  # type: ignore[no-untyped-def]
    return {(g.id, g.representative, tuple((m.id, m.kind) for m in g.members)) for g in groups}


def test_seeds_order_does_not_change_the_groups(seeds_dir: Path) -> None:
    articles = list(_seeds(seeds_dir).values())
    assert _shape(find_copies(articles).groups) == _shape(find_copies(articles[::-1]).groups)


def test_seeds_order_does_not_change_the_scores(seeds_dir: Path) -> None:
    articles = list(_seeds(seeds_dir).values())
    assert find_copies(articles).groups == find_copies(articles[::-1]).groups


@pytest.mark.parametrize(("a", "b"), list(combinations(SEED_IDS, 2)))
def test_seeds_compare_verdicts(seeds_dir: Path, a: str, b: str) -> None:
    seeds = _seeds(seeds_dir)
    # raw text, not cleaned: only the copy verdict is checked here (tests/relate/
    # test_seeds_relation.py checks same_story and unrelated on cleaned text, as the CLI does)
    forward, backward = compare(seeds[a], seeds[b]).kind, compare(seeds[b], seeds[a]).kind
    if {a, b} == {"000", "001"}:
        assert forward is backward is Kind.REWRITE
    else:
        assert forward is backward
        assert forward in (Kind.SAME_STORY, Kind.UNRELATED)


def _copy_probability(s: dict[str, float], config: Config) -> float:
    """The derivation model's p(copy) for one compared pair's scores."""
    row = np.array([[s[name] for name in SCORE_COLUMNS]])
    lens = np.array([s["content_words_a"]]), np.array([s["content_words_b"]])
    features = derivation_features(row, *lens)
    return float(copy_probability(features, derivation_model(config.verify.model))[0])


def test_seeds_rewrite_scores(seeds_dir: Path) -> None:
    seeds = _seeds(seeds_dir)
    s = compare(seeds["000"], seeds["001"]).scores
    config = Config()
    threshold = derivation_model(config.verify.model).threshold
    assert s["jaccard"] < config.verify.near_jaccard
    assert _copy_probability(s, config) >= threshold
    # the rewrite keeps its narration: a good part of each text is derived, in order
    rewrite_derived = min(s["derived_a"], s["derived_b"])
    assert rewrite_derived >= 0.3
    assert s["order"] >= 0.9
    assert s["lsh_bands_shared"] > 0
    for a, b in combinations(SEED_IDS, 2):
        if {a, b} == {"000", "001"}:
            continue
        other = compare(seeds[a], seeds[b]).scores
        assert _copy_probability(other, config) < threshold
        # reports of one event share names and quotes, not narration
        assert max(other["derived_a"], other["derived_b"]) < rewrite_derived / 10
        assert (
            max(other["coverage_a"], other["coverage_b"])
            < min(s["coverage_a"], s["coverage_b"]) / 10
        )


def test_seeds_cli(seeds_dir: Path, tmp_path: Path) -> None:
    files = _seed_files(seeds_dir)
    out = tmp_path / "groups.jsonl"
    result = CliRunner().invoke(cli.app, ["dedup", str(seeds_dir), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(
        p.name.removesuffix(".txt") for p in files.values()
    )
    by_seed = {r["id"][:3]: r for r in rows}
    assert by_seed["000"]["group"] == by_seed["001"]["group"]
    assert len({r["group"] for r in rows}) == 4
    compared = CliRunner().invoke(
        cli.app, ["compare", str(files["000"]), str(files["001"]), "--json"]
    )
    assert compared.exit_code == 0, compared.output
    assert orjson.loads(compared.stdout)["kind"] == "rewrite"
