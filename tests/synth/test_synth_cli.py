"""`newsdedup generate`: the kind mix and the shared-quote share from the command line."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import newsdedup.cli.main as cli
from newsdedup.synth import KINDS, parse_kinds

runner = CliRunner()
_BOX = "\u2502\u2503\u250c\u2510\u2514\u2518\u251c\u2524\u252c\u2534\u253c\u2500\u2501"
_BOX += "\u256d\u256e\u2570\u256f"  # rounded panel corners


def _flat(text: str) -> str:
    """Console output without rich's panel borders and line wrapping."""
    return " ".join(text.translate({ord(c): " " for c in _BOX}).split())


def _generate(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    out = tmp_path / "c.jsonl"
    argv = ["generate", "40", "-o", str(out), "--words", "120", "--seed", "21", *args]
    result = runner.invoke(cli.app, argv)
    return result.exit_code, _flat(result.output), out


def test_cli_kinds_parse_weights() -> None:
    assert parse_kinds("exact=0.2, near=0.3,condensed=0.5") == {
        "exact": 0.2,
        "near": 0.3,
        "condensed": 0.5,
    }
    assert parse_kinds("repost=1") == {"repost": 1.0}


@given(st.dictionaries(st.sampled_from(KINDS), st.floats(0.01, 100.0), min_size=1))
def test_cli_kinds_round_trip(mix: dict[str, float]) -> None:
    assert parse_kinds(",".join(f"{k}={v!r}" for k, v in mix.items())) == mix


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("exact=0.2,paraphrase=0.8", "'paraphrase=0.8'"),
        ("near", "'near'"),
        ("near=lots", "'near=lots'"),
        ("near=-1", "'near=-1'"),
        ("near=nan", "'near=nan'"),
        ("near=0.5,near=0.5", "'near'"),
        ("near=0,exact=0", "positive sum"),
        ("", "''"),
    ],
)
def test_cli_kinds_errors_name_the_bad_entry(text: str, named: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_kinds(text)
    assert named in str(info.value)


def test_cli_kinds_unknown_kind_lists_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match="paraphrase") as info:
        parse_kinds("paraphrase=1")
    assert all(kind in str(info.value) for kind in KINDS)


def test_cli_generate_with_new_kinds_and_shared_quotes(tmp_path: Path) -> None:
    code, output, out = _generate(
        tmp_path, "--kinds", "exact=0.5,condensed=0.5", "--shared-quotes", "0.5"
    )
    assert code == 0, output
    truth = [orjson.loads(line) for line in Path(f"{out}.truth.jsonl").read_bytes().splitlines()]
    assert len(truth) == 40
    assert {r["kind"] for r in truth} == {"original", "exact", "condensed"}
    assert any("quotes" in r for r in truth)


def test_cli_generate_default_kinds_unchanged(tmp_path: Path) -> None:
    code, output, out = _generate(tmp_path)
    assert code == 0, output
    kinds = {orjson.loads(line)["kind"] for line in Path(f"{out}.truth.jsonl").read_bytes().split()}
    assert kinds <= {"original", "exact", "near", "rewrite", "excerpt"}


def test_cli_generate_rejects_a_bad_kind(tmp_path: Path) -> None:
    code, output, out = _generate(tmp_path, "--kinds", "exact=0.5,bogus=0.5")
    assert code == 2
    assert "--kinds" in output and "'bogus=0.5'" in output
    assert "allowed kinds: exact, near, repost, excerpt, house, rewrite, condensed" in output
    assert not out.exists()


def test_cli_generate_rejects_a_bad_shared_quotes_share(tmp_path: Path) -> None:
    code, output, out = _generate(tmp_path, "--shared-quotes", "1.5")
    assert code == 2
    assert "The 'shared_quotes' parameter of generate_corpus must be" in output
    assert not out.exists()


def test_cli_generate_help_lists_every_kind() -> None:
    result = runner.invoke(cli.app, ["generate", "--help"])
    text = _flat(result.output)
    assert result.exit_code == 0
    assert "--kinds" in text and "--shared-quotes" in text
    assert all(kind in text for kind in KINDS)
