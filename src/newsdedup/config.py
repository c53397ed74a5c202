"""One typed configuration, made of one dataclass per stage.

Every default below was chosen from measurements on the labelled generated corpus and the seeds;
docs/design.md gives the figures. ``Config.from_toml`` reads a file with one table per stage and
``Config.override`` applies dotted ``stage.field=value`` overrides (the CLI's ``--set``).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_type_hints

from newsdedup.errors import ConfigError, invalid_param

__all__ = [
    "DEFAULT_CLEAN",
    "ENGINES",
    "EXTRACTORS",
    "FINGERPRINT_SCHEME",
    "CleanConfig",
    "Config",
    "GroupConfig",
    "LSHConfig",
    "MinHashConfig",
    "NormalizeConfig",
    "ReadConfig",
    "RelationConfig",
    "RunConfig",
    "ShingleConfig",
    "StoriesConfig",
    "TranslateConfig",
    "VerifyConfig",
]

#: Version of the tokenising and hashing scheme. Bump it whenever a change would alter any
#: fingerprint value, so persisted signatures of an old scheme are never mixed with new ones.
FINGERPRINT_SCHEME = 2  # 2: positions carry a quote flag


def _check_range(owner: object, name: str, lo: float, hi: float) -> None:
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise invalid_param(name, type(owner).__name__, f"a number in [{lo}, {hi}]", value)


def _check_int(owner: object, name: str, lo: int, hi: int) -> None:
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise invalid_param(name, type(owner).__name__, f"an integer in [{lo}, {hi}]", value)


def _check_bools(owner: object) -> None:
    for f in dataclasses.fields(owner):  # type: ignore[arg-type]
        value = getattr(owner, f.name)
        if f.type in (bool, "bool") and not isinstance(value, bool):
            raise invalid_param(f.name, type(owner).__name__, "true or false", value)


def _check_choice(owner: object, name: str, choices: tuple[str, ...]) -> None:
    value = getattr(owner, name)
    if value not in choices:
        allowed = "one of " + ", ".join(repr(c) for c in choices)
        raise invalid_param(name, type(owner).__name__, allowed, value)


#: Main-text extractors for web pages (see clean/extract.py and benchmarks/bench_extract.py).
EXTRACTORS: tuple[str, ...] = (
    "trafilatura",
    "trafilatura-balanced",
    "trafilatura-recall",
    "readability",
)


@dataclass(frozen=True, kw_only=True)
class ReadConfig:
    """Where each part of an article sits in the input records, and the input format (the read
    stage). A field left at its default also accepts the names scrapers use for it
    (``newsdedup.read.fields.ALIASES``); a name set here must be in every record."""

    format: str = ""  #: "" tells each file's format from its name, else its first bytes
    id: str = "id"  #: when absent, the id becomes "<file stem>:<line>"
    text: str = "text"  #: the article body; required
    title: str = "title"
    date: str = "published"  #: ISO 8601, RFC 2822 or epoch seconds/milliseconds
    url: str = "url"
    source: str = "source"  #: publisher name or domain

    def __post_init__(self) -> None:
        if not isinstance(self.format, str):
            raise invalid_param("format", "ReadConfig", 'a format name or ""', self.format)
        for f in dataclasses.fields(self)[1:]:
            value = getattr(self, f.name)
            if not isinstance(value, str) or not value:
                raise invalid_param(f.name, "ReadConfig", "a non-empty field name", value)


@dataclass(frozen=True, kw_only=True)
class CleanConfig:
    """Turning raw pages and scraped text into article text (the clean stage).

    Web pages go through a main-text extractor; then lines of boilerplate are removed: built-in
    lines and patterns ("- Advertisement -", video captions with a duration, chat widgets),
    read-more lists at the end, and short lines the corpus itself shows to recur across
    unrelated articles. A line repeated only by copies of one article is never boilerplate: a
    learned line must occur in ``min_voices`` different voices (copy groups; see
    clean/boilerplate.py).
    """

    extractor: str = "trafilatura"  #: one of EXTRACTORS
    max_page_bytes: int = 8 << 20  #: pages larger than this are rejected ("too_large")
    boilerplate: bool = True  #: remove built-in boilerplate lines, patterns and read-more tails
    learn: bool = True  #: also remove lines learned from the corpus (needs a first pass)
    min_voices: int = 5  #: distinct voices (copy groups) a learned line must recur in
    learn_max_words: int = 12  #: longer lines are never learned (a shared quote is not boilerplate)
    read_more_tail: float = 0.4  #: a read-more heading in this last share of a text cuts the rest
    language: bool = True  #: identify the language (needs the "web" extra: lingua)
    dates_from_text: bool = True  #: without a date field, take the publication date from the text

    def __post_init__(self) -> None:
        _check_choice(self, "extractor", EXTRACTORS)
        _check_int(self, "max_page_bytes", 1024, 1 << 34)
        _check_int(self, "min_voices", 2, 10**9)
        _check_int(self, "learn_max_words", 1, 1000)
        _check_range(self, "read_more_tail", 0.0, 1.0)
        _check_bools(self)

    def __str__(self) -> str:
        return f"clean{int(self.boilerplate)}"


#: The CleanConfig used when none is given.
DEFAULT_CLEAN = CleanConfig()


@dataclass(frozen=True, kw_only=True)
class NormalizeConfig:
    """Text normalisation applied before any hashing."""

    nfkc: bool = True  #: Unicode NFKC (folds ligatures, full-width forms, compatibility digits)
    casefold: bool = True  #: case folding (a stronger lower-casing)
    unify_punctuation: bool = True  #: curly quotes to straight ones, all dashes to "-"
    collapse_whitespace: bool = True  #: runs of whitespace to one space, stripped

    def __post_init__(self) -> None:
        _check_bools(self)

    def __str__(self) -> str:
        flags = "".join(str(int(v)) for v in dataclasses.astuple(self))
        return f"norm{flags}"


@dataclass(frozen=True, kw_only=True)
class ShingleConfig:
    """How a text becomes a sequence of shingles.

    Shingles are word n-grams over *content words* (stopwords removed): on the seeds, content
    bigrams give the rewritten copy a Jaccard of 0.35 against at most 0.021 for other articles on
    the same event, a wider margin for banding than word 3- or 5-grams (0.31/0.014, 0.19/0.002).
    """

    size: int = 2  #: words per shingle
    stopwords: str = "en"  #: built-in list name ("en", "multi") or "none"

    def __post_init__(self) -> None:
        _check_int(self, "size", 1, 16)
        _check_choice(self, "stopwords", ("en", "multi", "none"))

    def __str__(self) -> str:
        return f"sh{self.size}-{self.stopwords}"


@dataclass(frozen=True, kw_only=True)
class MinHashConfig:
    """MinHash signature of the shingle set.

    ``scheme`` "oph" hashes each shingle once into one of ``num_perm`` bins and keeps each bin's
    least value (one-permutation hashing), filling an empty bin from another chosen by a hash of
    its index (optimal densification, Shrivastava 2017): two signatures agree in a position with
    probability the sets' Jaccard, as with ``num_perm`` hash functions ("kperm", the scheme of
    indexes built before 2026-12-07), at about a tenth of the cost (docs/benchmarks.md).
    """

    num_perm: int = 256  #: signature length: bins ("oph") or hash functions ("kperm")
    seed: int = 1  #: seed of the hash-function parameters
    scheme: str = "oph"  #: "oph" (one hash a shingle, densified) or "kperm" (a hash a position)

    def __post_init__(self) -> None:
        _check_int(self, "num_perm", 1, 4096)
        _check_int(self, "seed", 0, 2**31 - 1)
        _check_choice(self, "scheme", ("oph", "kperm"))

    def __str__(self) -> str:
        prefix = "mh" if self.scheme == "kperm" else "oph"
        return f"{prefix}{self.num_perm}-s{self.seed}"


@dataclass(frozen=True, kw_only=True)
class LSHConfig:
    """Banding of the signature into bucket keys; a shared key makes a candidate pair.

    The default 128 bands of 2 rows has its 50% point at Jaccard 0.074 and finds a pair of
    Jaccard 0.15 with probability 0.95, 0.2 with 0.995 and 0.35 (the seed rewrite) with
    1 - 1e-7; an unrelated pair of Jaccard 0.01 becomes a candidate with probability 0.013.
    """

    bands: int = 128  #: number of bands; bands * rows must not exceed minhash.num_perm
    rows: int = 2  #: signature rows per band
    max_bucket: int = 200  #: buckets larger than this are capped and reported (boilerplate)

    def __post_init__(self) -> None:
        _check_int(self, "bands", 1, 4096)
        _check_int(self, "rows", 1, 64)
        _check_int(self, "max_bucket", 2, 10**7)

    def __str__(self) -> str:
        return f"lsh{self.bands}x{self.rows}"


@dataclass(frozen=True, kw_only=True)
class TranslateConfig:
    """Translated copies across languages (relate/translate.py, docs/evaluation.md).

    A pair of articles in two languages is a translation when it is each one's best match in
    the other's language, by ``anchor_weight`` times the rarity-weighted overlap of their
    numbers and names plus the cosine of their multilingual vectors, by at least ``margin``
    over the runner-up, and, where the encoder reads both languages, their tails are alike
    (``min_tail_cosine``). Every figure was chosen on the even half of the WMT development set
    (eval/translations.py) and is reported on the odd half.
    """

    enabled: bool = True  #: find translations when the corpus holds more than one language
    lead_chars: int = 200  #: characters of text (after the title) the encoder reads
    #: characters at the end of the text the encoder reads to confirm a translation of two
    #: languages it reads (0: no check): another language's report of the same event opens
    #: like the article but ends elsewhere (eval/stories_crosslingual.py). Tuning half: 150
    #: lost 0.4% of the translations, 200 and 250 none and left the same share grouped
    tail_chars: int = 200
    #: the least cosine of the two tails' vectors, for such a pair (tuning half: 0.3 and 0.35
    #: lost no translation, 0.4 lost 0.4%; articles grouped in corpora with no translation
    #: 3.2% -> 1.2%, 1.4% at 0.25)
    min_tail_cosine: float = 0.3
    #: ... checked only for a pair scoring under this (``min_score`` scale): the look-alikes of
    #: the tuning half scored 0.99 at most, 27% of its translations under 1.1, and each tail
    #: read costs about 2 ms on a core
    tail_below: float = 1.1
    #: which pairs the encoder reads: "all" (every pair in two languages it knows), "scripts"
    #: (only those with a side whose names do not transliterate: kana, Han, Arabic...; two
    #: alphabets stand on their anchors) or "auto" ("scripts", and pairs of two alphabets
    #: whose anchors leave the best match open by less than ``anchor_lead``)
    encoder: str = "auto"
    anchor_lead: float = 0.4  #: the anchor score lead that settles a match without the encoder
    anchor_weight: float = 2.0  #: weight of the anchor overlap beside the encoder's cosine
    #: a pair the encoder reads in both languages needs at least this cosine (unrelated cross-
    #: language pairs: median 0.11, 99th percentile 0.34; translations: 10th percentile 0.54)
    min_cosine: float = 0.4
    #: a pair in a language the encoder does not read (cs, hr, is...) stands on its anchors:
    #: at least this overlap, both texts in an alphabet whose names transliterate
    min_anchor: float = 0.1
    unread_cosine: float = 0.3  #: the cosine such a pair counts in its score
    min_score: float = 0.7  #: the least score of a translation
    #: a pair the encoder reads whose two leads share this share of their word bigrams or more
    #: (of the shorter lead's) is one text guessed in two languages, not a translation: two
    #: articles opening on the same quoted passage, or a mixed-language text. WMT translation
    #: pairs' leads share at most 0.237 (tuning half; held-out 0.278, median 0)
    max_lead_overlap: float = 0.5
    margin: float = 0.1  #: the best match's lead over the runner-up
    #: how far the partner's own best match in the first article's language may lead it
    tolerance: float = 0.5
    #: ... and rank it among its this many best in that language: an original's translations
    #: into one language (WMT tuning half: ranks 0 to 2; a lone Ukrainian article among
    #: Russian ones was the default best of hundreds)
    per_language: int = 3
    #: partners per article and language, by anchor overlap, that the encoder checks (a pair
    #: is among both sides' best)
    candidates: int = 8
    max_anchor_df: int = 500  #: anchor keys in more articles than this find no candidates
    #: the encoder's threads (0: every core), each running whole batches of the numpy pass on
    #: one BLAS thread, so none spins waiting for a busy core (WMT's 1,268 leads: 1.7-1.9x one
    #: thread's speed on 2 quiet cores, 1.2-1.4x beside one or two busy processes); the same
    #: vectors for any count
    threads: int = 0
    #: where the encoder runs: "auto" (a GPU when PyTorch, from the "embed" extra, sees one;
    #: else the CPU), "cpu" (the package's numpy pass), or a torch device ("cuda", "cuda:1")
    device: str = "auto"

    def __post_init__(self) -> None:
        _check_bools(self)
        _check_choice(self, "encoder", ("auto", "scripts", "all"))
        if not re.fullmatch(r"auto|cpu|cuda(:\d+)?", self.device):
            allowed = "'auto', 'cpu', 'cuda' or 'cuda:N'"
            raise invalid_param("device", type(self).__name__, allowed, self.device)
        _check_int(self, "lead_chars", 1, 1 << 20)
        _check_int(self, "tail_chars", 0, 1 << 20)
        _check_int(self, "candidates", 1, 1000)
        _check_int(self, "per_language", 1, 1000)
        _check_int(self, "max_anchor_df", 1, 1 << 40)
        _check_int(self, "threads", 0, 1024)
        for name in (
            "min_cosine",
            "min_anchor",
            "unread_cosine",
            "margin",
            "tolerance",
            "min_tail_cosine",
        ):
            _check_range(self, name, -1.0, 1.0)
        _check_range(self, "anchor_weight", 0.0, 100.0)
        _check_range(self, "anchor_lead", 0.0, 100.0)
        _check_range(self, "tail_below", 0.0, 100.0)
        _check_range(self, "min_score", -100.0, 100.0)
        _check_range(self, "max_lead_overlap", 0.0, 1.0)


@dataclass(frozen=True, kw_only=True)
class VerifyConfig:
    """What turns a candidate pair into a relation kind (see relate/kind.py).

    Whether a pair is a copy is decided by the derivation model (``model``), fitted on real
    news pairs labelled by reading (eval/copy_pairs.py, docs/evaluation.md); the fields below
    only name the kind of a copy, and bound the work.
    """

    near_jaccard: float = 0.75  #: shingle-set Jaccard at or above which a pair is a near copy
    excerpt_max_ratio: float = 0.80  #: an excerpt is at most this share of the longer's length
    #: share of an excerpt inside one verbatim block of the longer (this and the next chosen
    #: on the odd ECB+ topics: eval/copy_pairs.py prints the agreement)
    excerpt_block: float = 0.40
    condensed_max_ratio: float = 0.70  #: a shorter copy at most this share of the longer's
    #: length is ``condensed`` (a brief or summary written from it), unless it is an excerpt
    min_candidate_containment: float = 0.10  #: pairs below this set containment are not aligned
    model: str = ""  #: a derivation model JSON (eval/copy_pairs.py --fit); "" = the built-in one
    short_doc_words: int = 150  #: documents with at most this many content words are also
    #: matched by shared shingles (candidates/contained.py): a brief's Jaccard with its source is
    #: too small for LSH; 0 turns the path off
    short_doc_max_bucket: int = 50  #: a shingle in more documents than this is no evidence of
    #: reuse (a name in every report of a story): skipped, which bounds the path's pairs
    #: two longer documents are verified only when they share this many LSH band keys: one
    #: shared band is what a frequent phrase makes in a corpus without stop words, while real
    #: copies of long texts share 3 or more (eval/candidate_bands.py); 1 verifies every pair
    min_bands: int = 2
    #: the same for a pair with a short side (``short_doc_words``): 1 verifies every such pair.
    #: 2 leaves a one-band pair to the short-document path, which finds a short text's copies by
    #: their shingles (every short-side ECB+ copy, the 16 sharing under 2 bands too:
    #: eval/candidate_bands.py) but skips shingles in over ``short_doc_max_bucket`` documents,
    #: so members of a large cluster of short copies can go unlinked. A corpus of short texts
    #: runs much faster with 2 (1,000,000 short generated documents: 71 -> 42 s, 51.5 million
    #: one-band pairs not checked) for a little recall (copies 0.8466 -> 0.8462 there; the
    #: real-sentence family at 20,000: 0.9123 -> 0.9105, pairs 0.874 -> 0.848; docs/benchmarks.md)
    short_doc_bands: int = 1
    #: an LSH pair is verified only when its shared shingles make this share of the smaller
    #: set (candidates/overlap.py): in a corpus no stop-word list covers, unrelated texts share
    #: frequent bigrams (containment 0.10-0.25) and collide in the bands. Chosen on the odd
    #: ECB+ topics as 2/3 of their least-overlapping copy (0.317), rounded down to 0.05; the
    #: even topics' least is 0.309 (eval/candidate_bands.py). 0 verifies every pair kept
    min_pair_containment: float = 0.2

    def __post_init__(self) -> None:
        for name in (
            "near_jaccard",
            "min_pair_containment",
            "excerpt_max_ratio",
            "excerpt_block",
            "condensed_max_ratio",
            "min_candidate_containment",
        ):
            _check_range(self, name, 0.0, 1.0)
        _check_int(self, "short_doc_words", 0, 1_000_000)
        _check_int(self, "short_doc_max_bucket", 2, 1_000_000_000)
        _check_int(self, "min_bands", 1, 1_000)
        _check_int(self, "short_doc_bands", 1, 1_000)

    @property
    def counts_bands(self) -> bool:
        """Whether a band pair needs more than one shared band key on either rule."""
        return max(self.min_bands, self.short_doc_bands) > 1


@dataclass(frozen=True, kw_only=True)
class RelationConfig:
    """When two articles that are not copies report the same story, judged from the two texts
    alone (``newsdedup compare``; relate/kind.py). Publication dates further apart than
    ``stories.window_days`` are never the same story, as in the story graph.

    Two articles alone give no corpus statistics, so words are weighted by how rare they are in
    general English (wordfreq's Zipf scale). The thresholds were chosen on the odd topics of ECB+
    under the constraint that the seeds come out right; docs/evaluation.md ("Relation verdict")
    reports them on the held-out even topics.
    """

    #: word weights: by rarity in general English ("wordfreq"), or all equal ("uniform")
    weights: Literal["wordfreq", "uniform"] = "wordfreq"
    similarity: float = 0.32  #: weighted cosine of content words at or above which: same story
    corroborated: float = 0.22  #: lower cosine that is enough with a shared date or rare names
    min_rare_names: int = 3  #: shared rare name words that corroborate a lower cosine
    rare_zipf: float = 3.5  #: a name word is rare below this Zipf frequency (1 in ~300,000)

    def __post_init__(self) -> None:
        _check_choice(self, "weights", ("wordfreq", "uniform"))
        for name in ("similarity", "corroborated"):
            _check_range(self, name, 0.0, 1.0)
        _check_int(self, "min_rare_names", 1, 1000)
        _check_range(self, "rare_zipf", 0.0, 8.0)


@dataclass(frozen=True, kw_only=True)
class StoriesConfig:
    """Stories and topics: the levels above copy groups (group/stories/graph.py, docs/stories.md).

    One voice per copy group; voices sharing a key term are scored by the weighted mean of their
    text, names and lead cosines (and, with an embedder, the dense one); stories are the
    average-link clusters of those within ``window_days``, cut at ``story_similarity``, and
    topics continue the clustering over every edge down to ``topic_similarity``. The
    thresholds and weights were chosen on ECB+'s odd topics (docs/evaluation.md, "Stories").
    """

    story_similarity: float = 0.28  #: mean similarity of two clusters' voices: one story
    topic_similarity: float = 0.03  #: mean similarity of two stories' voices: one topic
    text_weight: float = 1.0  #: weight of the content-word cosine in a pair's similarity
    names_weight: float = 2.0  #: weight of the name-and-number cosine
    lead_weight: float = 0.25  #: weight of the title (or first line) cosine
    dense_weight: float = 0.15  #: weight of the embedding cosine (only with an embedder)
    #: embedding cosine that counts as nothing shared: sentence models put any two news
    #: articles near 0.2-0.4, so the cosine is rescaled from this floor to 1 before weighting
    dense_floor: float = 0.6
    edge_floor: float = 0.1  #: pairs less alike than this are no edge (they count 0)
    window_days: float = 14.0  #: voices further apart in time are never one story
    max_terms: int = 100  #: heaviest terms kept per article vector and channel
    index_terms: int = 12  #: heaviest content words and names of a voice it is paired on
    key_postings: int = 100  #: a key term held by more voices than this pairs nobody
    label_size: int = 6  #: names and keywords in a story's label
    dates_from_text: bool = True  #: undated articles take the date written in their text

    def __post_init__(self) -> None:
        for name in ("story_similarity", "topic_similarity", "edge_floor"):
            _check_range(self, name, 0.0, 1.0)
        for name in ("text_weight", "names_weight", "lead_weight", "dense_weight"):
            _check_range(self, name, 0.0, 1000.0)
        if self.text_weight + self.names_weight + self.lead_weight <= 0:
            raise invalid_param("text_weight", "StoriesConfig", "a positive channel weight", 0.0)
        _check_range(self, "dense_floor", 0.0, 0.99)
        _check_range(self, "window_days", 0.0, 1e6)
        for name in ("max_terms", "index_terms", "label_size"):
            _check_int(self, name, 1, 100_000)
        _check_int(self, "key_postings", 2, 10**9)
        _check_bools(self)


@dataclass(frozen=True, kw_only=True)
class GroupConfig:
    """How copy groups and their representatives are chosen."""

    #: "earliest": earliest published, then longest, then id; "longest": longest, then
    #: earliest, then id; "id": smallest id.
    representative: Literal["earliest", "longest", "id"] = "earliest"

    def __post_init__(self) -> None:
        _check_choice(self, "representative", ("earliest", "longest", "id"))


#: The executors ``newsdedup.pipeline.run`` can hand a run to.
ENGINES: tuple[str, ...] = ("local", "spark")


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    """Which executor runs the stages, and how."""

    engine: str = "local"  #: "local": this process and its workers; "spark": a Spark job
    #: with engine "spark": the master (local[2], spark://host:7077, yarn); "" is local[*], or
    #: under spark-submit the master spark-submit was given
    master: str = ""
    #: with engine "spark": extra Spark settings, "KEY=VALUE" each
    spark_conf: tuple[str, ...] = ()
    #: cores for kernel threads and worker processes (reading, fingerprinting); 0: all of them
    workers: int = 0
    batch_size: int = 2048  #: documents per fingerprinting batch (and per index transaction)
    strict: bool = False  #: raise on the first unreadable record instead of counting it

    def __post_init__(self) -> None:
        _check_choice(self, "engine", ENGINES)
        if isinstance(self.spark_conf, list):  # TOML arrays arrive as lists
            object.__setattr__(self, "spark_conf", tuple(self.spark_conf))
        for item in self.spark_conf:
            if not isinstance(item, str) or "=" not in item:
                raise invalid_param("spark_conf", "RunConfig", '"KEY=VALUE" strings', item)
        if not isinstance(self.master, str):
            raise invalid_param("master", "RunConfig", 'a Spark master URL or ""', self.master)
        _check_int(self, "workers", 0, 1024)
        _check_int(self, "batch_size", 1, 10**6)
        _check_bools(self)

    @property
    def spark_settings(self) -> dict[str, str]:
        """``spark_conf`` as a mapping."""
        pairs = (item.partition("=") for item in self.spark_conf)
        return {key.strip(): value.strip() for key, _, value in pairs}


@dataclass(frozen=True, kw_only=True)
class Config:
    """The whole configuration; every part has documented defaults."""

    read: ReadConfig = field(default_factory=ReadConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    lsh: LSHConfig = field(default_factory=LSHConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    relation: RelationConfig = field(default_factory=RelationConfig)
    stories: StoriesConfig = field(default_factory=StoriesConfig)
    group: GroupConfig = field(default_factory=GroupConfig)
    translate: TranslateConfig = field(default_factory=TranslateConfig)
    run: RunConfig = field(default_factory=RunConfig)

    def __post_init__(self) -> None:
        if self.lsh.bands * self.lsh.rows > self.minhash.num_perm:
            raise ConfigError(
                f"The LSH layout needs lsh.bands * lsh.rows <= minhash.num_perm. Got "
                f"{self.lsh.bands} * {self.lsh.rows} > {self.minhash.num_perm}: lower the bands "
                "or rows, or raise minhash.num_perm."
            )

    def earlier_scheme_hint(self, stored: str) -> str:
        """How to open signatures of fingerprint id ``stored`` (an index, a fingerprint file)
        made with the MinHash scheme of earlier releases, where this configuration's is the
        default one-permutation scheme; "" otherwise."""
        if "-mh" in stored and self.minhash.scheme == "oph":
            return (
                " They were made with the MinHash scheme of earlier releases: add "
                "--set minhash.scheme=kperm (Config.minhash.scheme = 'kperm')."
            )
        return ""

    @property
    def fingerprint_id(self) -> str:
        """Names everything that changes a fingerprint; persisted signatures carry it."""
        return f"v{FINGERPRINT_SCHEME}-{self.normalize}-{self.shingle}-{self.minhash}-{self.lsh}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        parts: dict[str, Any] = {}
        hints = get_type_hints(cls)
        for name, value in data.items():
            if name not in hints:
                raise _unknown("section", name, list(hints))
            if not isinstance(value, dict):
                raise invalid_param(name, "Config", "a table of settings", value)
            parts[name] = _build(hints[name], value)
        return cls(**parts)

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        try:
            with open(path, "rb") as fh:
                return cls.from_dict(tomllib.load(fh))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read the config file {path}: {exc}") from exc

    def with_read(self, **given: str | None) -> Config:
        """This config with the ``read`` settings given (format, field names); None leaves a
        setting as it is, so a front end passes its options straight through."""
        set_ = {name: value for name, value in given.items() if value is not None}
        return dataclasses.replace(self, read=dataclasses.replace(self.read, **set_))

    def override(self, assignments: dict[str, str]) -> Config:
        """Apply dotted overrides such as ``{"lsh.bands": "32"}`` (values parsed as TOML)."""
        data = _as_nested_dict(self)
        for key, raw in assignments.items():
            section, _, name = key.partition(".")
            if section not in data or not name:
                raise _unknown("setting", key, [f"{s}.<field>" for s in data])
            if name not in data[section]:
                raise _unknown("setting", key, [f"{section}.{f}" for f in data[section]])
            data[section][name] = _parse_value(raw)
        return Config.from_dict(data)


def _build(section_cls: type, values: dict[str, Any]) -> Any:
    names = [f.name for f in dataclasses.fields(section_cls)]
    for name in values:
        if name not in names:
            raise _unknown(f"field of {section_cls.__name__}", name, names)
    try:
        return section_cls(**values)
    except TypeError as exc:
        raise ConfigError(f"Invalid {section_cls.__name__}: {exc}") from exc


def _as_nested_dict(config: Config) -> dict[str, dict[str, Any]]:
    return {f.name: dataclasses.asdict(getattr(config, f.name)) for f in dataclasses.fields(config)}


def _parse_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw  # a bare word such as longest is taken as a string


def _unknown(what: str, name: str, allowed: list[str]) -> ConfigError:
    return ConfigError(f"Unknown {what} {name!r}. Allowed: {', '.join(allowed)}.")
