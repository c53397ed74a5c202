from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from newsdedup import Config, ConfigError
from newsdedup.config import (
    GroupConfig,
    LSHConfig,
    MinHashConfig,
    NormalizeConfig,
    RunConfig,
    ShingleConfig,
    VerifyConfig,
)

_MESSAGE = re.compile(r"^The '\w+' parameter of \w+ must be .+\. Got .+ instead\.$")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: ShingleConfig(size=0),
            "The 'size' parameter of ShingleConfig must be an integer in [1, 16]. Got 0 instead.",
        ),
        (
            lambda: ShingleConfig(size=17),
            "The 'size' parameter of ShingleConfig must be an integer in [1, 16]. Got 17 instead.",
        ),
        (
            lambda: ShingleConfig(stopwords="fr"),
            "The 'stopwords' parameter of ShingleConfig must be one of 'en', 'multi', 'none'. "
            "Got 'fr' instead.",
        ),
        (
            lambda: MinHashConfig(num_perm=0),
            "The 'num_perm' parameter of MinHashConfig must be an integer in [1, 4096]. "
            "Got 0 instead.",
        ),
        (
            lambda: MinHashConfig(seed=-1),
            "The 'seed' parameter of MinHashConfig must be an integer in [0, 2147483647]. "
            "Got -1 instead.",
        ),
        (
            lambda: LSHConfig(bands="32"),
            "The 'bands' parameter of LSHConfig must be an integer in [1, 4096]. Got '32' instead.",
        ),
        (
            lambda: LSHConfig(rows=True),
            "The 'rows' parameter of LSHConfig must be an integer in [1, 64]. Got True instead.",
        ),
        (
            lambda: LSHConfig(max_bucket=1),
            "The 'max_bucket' parameter of LSHConfig must be an integer in [2, 10000000]. "
            "Got 1 instead.",
        ),
        (
            lambda: VerifyConfig(near_jaccard=1.5),
            "The 'near_jaccard' parameter of VerifyConfig must be a number in [0.0, 1.0]. "
            "Got 1.5 instead.",
        ),
        (
            lambda: VerifyConfig(excerpt_max_ratio=-0.1),
            "The 'excerpt_max_ratio' parameter of VerifyConfig must be a number in [0.0, 1.0]. "
            "Got -0.1 instead.",
        ),
        (
            lambda: GroupConfig(representative="newest"),  # type: ignore[arg-type]
            "The 'representative' parameter of GroupConfig must be one of "
            "'earliest', 'longest', 'id'. Got 'newest' instead.",
        ),
        (
            lambda: RunConfig(workers=-1),
            "The 'workers' parameter of RunConfig must be an integer in [0, 1024]. Got -1 instead.",
        ),
        (
            lambda: RunConfig(batch_size=0),
            "The 'batch_size' parameter of RunConfig must be an integer in [1, 1000000]. "
            "Got 0 instead.",
        ),
    ],
)
def test_config_validation_message(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        build()
    assert str(info.value) == message
    assert _MESSAGE.match(str(info.value))


def test_config_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        LSHConfig(bands=0)


@pytest.mark.parametrize(
    "build",
    [
        lambda: LSHConfig(bands=32.0),
        lambda: LSHConfig(rows=2.5),
        lambda: ShingleConfig(size=2.0),
        lambda: MinHashConfig(num_perm=127.5),
        lambda: RunConfig(batch_size=1.5),
    ],
)
def test_config_integer_fields_reject_floats(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"^The '\w+' parameter of \w+ must be"):
        build()


@pytest.mark.parametrize(
    "build",
    [
        lambda: NormalizeConfig(nfkc="maybe"),
        lambda: NormalizeConfig(casefold=1),
        lambda: RunConfig(strict="yes"),
    ],
)
def test_config_boolean_fields_reject_non_booleans(build) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=r"^The '\w+' parameter of \w+ must be"):
        build()


def test_config_rejects_more_band_rows_than_permutations() -> None:
    minhash = MinHashConfig(num_perm=128)
    with pytest.raises(
        ConfigError, match=r"lsh.bands \* lsh.rows <= minhash.num_perm. Got 64 \* 4 > 128"
    ):
        Config(lsh=LSHConfig(bands=64, rows=4), minhash=minhash)
    Config(lsh=LSHConfig(bands=32, rows=4), minhash=minhash)  # exactly 128 is fine
    Config(lsh=LSHConfig(bands=64, rows=4), minhash=MinHashConfig(num_perm=256))


def test_config_sections_are_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        LSHConfig(32)  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Config().lsh.bands = 3  # type: ignore[misc]


def test_config_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "newsdedup.toml"
    path.write_text(
        "[lsh]\nbands = 32\nrows = 4\n\n"
        "[verify]\nnear_jaccard = 0.8\n\n"
        '[group]\nrepresentative = "longest"\n'
    )
    config = Config.from_toml(path)
    assert (config.lsh.bands, config.lsh.rows) == (32, 4)
    assert config.lsh.max_bucket == LSHConfig().max_bucket
    assert config.verify.near_jaccard == 0.8
    assert config.group.representative == "longest"
    assert config.minhash == MinHashConfig()


def test_config_from_toml_validates(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[lsh]\nbands = 0\n")
    with pytest.raises(ConfigError, match=r"^The 'bands' parameter of LSHConfig"):
        Config.from_toml(path)


def test_config_from_toml_unknown_section_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[lhs]\nbands = 3\n")
    with pytest.raises(
        ConfigError,
        match=r"^Unknown section 'lhs'\. "
        r"Allowed: read, clean, normalize, shingle, minhash, lsh, verify, relation, stories, "
        r"group, translate, run\.$",
    ):
        Config.from_toml(path)
    path.write_text("[lsh]\nbandz = 3\n")
    with pytest.raises(
        ConfigError,
        match=r"^Unknown field of LSHConfig 'bandz'\. Allowed: bands, rows, max_bucket\.$",
    ):
        Config.from_toml(path)


def test_config_from_toml_section_must_be_a_table(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("lsh = 3\n")
    with pytest.raises(
        ConfigError,
        match=r"^The 'lsh' parameter of Config must be a table of settings\. Got 3 instead\.$",
    ):
        Config.from_toml(path)


@pytest.mark.parametrize("content", [None, "[lsh\nbands = 3\n"])
def test_config_from_toml_unreadable_file(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "config.toml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=r"^Cannot read the config file .*config\.toml"):
        Config.from_toml(path)


def test_config_override_with_dotted_keys() -> None:
    config = Config().override(
        {
            "lsh.bands": "32",
            "verify.near_jaccard": "0.9",
            "group.representative": "longest",
            "shingle.stopwords": '"none"',
            "run.strict": "true",
        }
    )
    assert config.lsh.bands == 32
    assert config.verify.near_jaccard == 0.9
    assert config.group.representative == "longest"  # a bare word is taken as a string
    assert config.shingle.stopwords == "none"
    assert config.run.strict is True
    assert config.lsh.rows == Config().lsh.rows


def test_config_override_returns_a_new_config() -> None:
    base = Config()
    changed = base.override({"lsh.bands": "16"})
    assert base.lsh.bands == LSHConfig().bands
    assert changed.lsh.bands == 16
    assert base.override({}) == base


def test_config_override_validates_values() -> None:
    with pytest.raises(
        ConfigError,
        match=r"^The 'bands' parameter of LSHConfig must be an integer in \[1, 4096\]\. "
        r"Got 'abc' instead\.$",
    ):
        Config().override({"lsh.bands": "abc"})
    with pytest.raises(ConfigError, match=r"lsh\.bands \* lsh\.rows"):
        Config().override({"lsh.bands": "4000"})


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("lsh.bandz", "Unknown setting 'lsh.bandz'. Allowed: lsh.bands, lsh.rows, lsh.max_bucket."),
        (
            "lhs.bands",
            "Unknown setting 'lhs.bands'. Allowed: read.<field>, clean.<field>, normalize.<field>, "
            "shingle.<field>, minhash.<field>, lsh.<field>, verify.<field>, relation.<field>, "
            "stories.<field>, group.<field>, "
            "translate.<field>, run.<field>.",
        ),
        (
            "bands",
            "Unknown setting 'bands'. Allowed: read.<field>, clean.<field>, normalize.<field>, "
            "shingle.<field>, minhash.<field>, lsh.<field>, verify.<field>, relation.<field>, "
            "stories.<field>, group.<field>, translate.<field>, run.<field>.",
        ),
    ],
)
def test_config_override_unknown_key_lists_allowed_keys(key: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        Config().override({key: "3"})
    assert str(info.value) == message


def test_config_stage_names() -> None:
    assert str(NormalizeConfig()) == "norm1111"
    assert str(NormalizeConfig(casefold=False)) == "norm1011"
    assert str(ShingleConfig(size=3, stopwords="none")) == "sh3-none"
    assert str(MinHashConfig(num_perm=256, seed=7)) == "oph256-s7"
    assert str(MinHashConfig(num_perm=256, seed=7, scheme="kperm")) == "mh256-s7"


def test_config_fingerprint_id() -> None:
    config = Config(
        shingle=ShingleConfig(size=3, stopwords="multi"),
        minhash=MinHashConfig(num_perm=64, seed=9, scheme="kperm"),
        lsh=LSHConfig(bands=32, rows=2),
        normalize=NormalizeConfig(nfkc=False),
    )
    assert config.fingerprint_id == "v2-norm0111-sh3-multi-mh64-s9-lsh32x2"
    oph = dataclasses.replace(config, minhash=MinHashConfig(num_perm=64, seed=9))
    assert oph.fingerprint_id == "v2-norm0111-sh3-multi-oph64-s9-lsh32x2"


@pytest.mark.parametrize(
    "override",
    [
        {"shingle.size": "3"},
        {"shingle.stopwords": "none"},
        {"minhash.num_perm": "512"},
        {"minhash.seed": "2"},
        {"normalize.nfkc": "false"},
        {"normalize.collapse_whitespace": "false"},
    ],
)
def test_config_fingerprint_id_changes_with_what_changes_fingerprints(
    override: dict[str, str],
) -> None:
    assert Config().override(override).fingerprint_id != Config().fingerprint_id


@pytest.mark.parametrize(
    "override",
    [{"verify.near_jaccard": "0.9"}, {"group.representative": "id"}, {"run.workers": "2"}],
)
def test_config_fingerprint_id_ignores_later_stages(override: dict[str, str]) -> None:
    assert Config().override(override).fingerprint_id == Config().fingerprint_id


def test_config_defaults_are_valid_and_consistent() -> None:
    config = Config()
    assert config.lsh.bands * config.lsh.rows <= config.minhash.num_perm
    assert config.group.representative == "earliest"
    assert config.run.strict is False
