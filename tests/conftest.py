"""Shared fixtures of the test suite (keep every fixture here, as the house style asks)."""

from __future__ import annotations

import dataclasses
import os
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings

from newsdedup import Article
from newsdedup.fingerprint.stopwords import stopwords

SEEDS_DIR = Path(__file__).parents[1].parent / "shared" / "seeds"

# No timing threshold in the suite (speed lives in benchmarks/): hypothesis's per-example
# deadline (200 ms) failed a property test on a busy 2-core machine, so it is off everywhere.
settings.register_profile("newsdedup", deadline=None)
settings.load_profile("newsdedup")

# Every JVM the tests start (the Spark session, spark-submit, the CLI's local master, the
# standalone cluster) inherits this: its small jobs are mostly the JIT compiling Spark itself
# (38 CPU s of C2 threads in one 300-document job), so the quick C1 compiler alone and the
# serial collector fit a 2-core machine better. tests/spark on 2 workers: 345, 315 s without,
# 241, 248 s with (docs/benchmarks.md). Tests only: a long job may want C2's code.
os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")

_CONSONANTS = "bcdfghjklmnpqrstvwxz"
_VOWELS = "aeiou"


def _pseudo_words(count: int, seed: int) -> list[str]:
    """Distinct made-up content words (never stopwords), such as 'bakote'."""
    rng = random.Random(seed)
    stop = set(stopwords("multi"))
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        word = "".join(
            rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 4))
        )
        if word not in seen and word not in stop:
            seen.add(word)
            words.append(word)
    return words


VOCABULARY = _pseudo_words(5000, seed=7)


@pytest.fixture
def make_words() -> Callable[[int, int], list[str]]:
    """``make_words(n, seed)``: n words drawn from the vocabulary, reproducibly."""

    def make(n: int, seed: int = 0) -> list[str]:
        rng = random.Random(seed)
        return [rng.choice(VOCABULARY) for _ in range(n)]

    return make


@pytest.fixture
def unique_words() -> Callable[[int, int], list[str]]:
    """``unique_words(n, start)``: n distinct words (a sequence with no repeated shingle)."""

    def make(n: int, start: int = 0) -> list[str]:
        assert start + n <= len(VOCABULARY)
        return VOCABULARY[start : start + n]

    return make


@pytest.fixture
def article_factory() -> Callable[..., Article]:
    """``article_factory(text, id=None, day=None, **fields)``: an Article with a fresh id.

    ``day`` (an int) sets ``published`` to that many days after 2024-01-01 UTC.
    """
    counter = iter(range(10**9))

    def make(text: str, id: str | None = None, day: int | None = None, **fields: object) -> Article:
        published = None if day is None else datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=day)
        return Article(
            id=id if id is not None else f"doc{next(counter):04d}",
            text=text,
            published=published,
            **fields,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def seeds_dir() -> Path:
    """The five seed articles in /work/shared/seeds (skips when they are not there)."""
    if not SEEDS_DIR.is_dir() or not any(SEEDS_DIR.glob("*.txt")):
        pytest.skip(
            f"seed corpus not found at {SEEDS_DIR}: it lives beside the checkout, not in the "
            "repository; tests that need news articles use tests/fixtures/news (news_records)"
        )
    return SEEDS_DIR


#: The project's own five news articles (invented names and events), one file each; the id is
#: the file stem. 001 is an original analysis, 000 a scraped machine rewrite of it (ad lines
#: inserted, "6,000 square kilometers" written as "3,000"); 003 and 004 report the same
#: meeting, so 000, 001, 003 and 004 are one story; 002 has the same leaders months later.
NEWS_DIR = Path(__file__).parent / "fixtures" / "news"
#: Short name to (source, published) of each article of NEWS_DIR; the sources are those the
#: tests gave the seeds (the outlets' names only: the texts are the project's own).
NEWS_META = {
    "000": ("scraper.example", "2022-09-15T08:00:00+00:00"),
    "001": ("cnn", "2022-09-14T10:00:00+00:00"),
    "002": ("cnn", "2023-03-18T09:00:00+00:00"),
    "003": ("guardian", "2022-09-15T12:00:00+00:00"),
    "004": ("ap", "2022-09-16T07:30:00+00:00"),
}


def news_records() -> list[dict[str, str]]:
    """The articles of NEWS_DIR as POST /articles records: id (the file stem), text, title
    (the first line), source, published and url."""
    out = []
    for path in sorted(NEWS_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        source, published = NEWS_META[path.stem[:3]]
        out.append(
            {
                "id": path.stem,
                "text": text,
                "title": text.strip().splitlines()[0][:100],
                "source": source,
                "published": published,
                "url": f"https://{source.removesuffix('.example')}.example/{path.stem[:3]}",
            }
        )
    return out


@pytest.fixture(scope="session")
def news_corpus() -> tuple[dict[str, str], ...]:
    """``news_records()`` for the whole session (copy a record before changing it)."""
    records = news_records()
    assert [r["id"][:3] for r in records] == list(NEWS_META), f"expected five files in {NEWS_DIR}"
    return tuple(records)


@pytest.fixture
def seeds(seeds_dir: Path) -> list[Article]:
    """The five seeds as Articles with ids 000..004 (text only: dates come from the text)."""
    files = sorted(seeds_dir.glob("*.txt"))
    if [p.name[:3] for p in files] != ["000", "001", "002", "003", "004"]:
        pytest.skip(f"expected the five seeds in {seeds_dir}")
    return [Article(id=p.name[:3], text=p.read_text(encoding="utf-8")) for p in files]


@pytest.fixture
def dated_seeds(seeds: list[Article]) -> list[Article]:
    """The seeds with the source and publication date a crawler records (NEWS_META: 002 came
    out in March 2023, before the visit it announces; the others in September 2022)."""
    return [
        dataclasses.replace(
            a, source=NEWS_META[a.id][0], published=datetime.fromisoformat(NEWS_META[a.id][1])
        )
        for a in seeds
    ]


def rewrite_of(words: list[str], fresh: list[str], block: int = 10) -> list[str]:
    """Every other block of ``block`` words replaced by fresh ones: about half aligns, in order."""
    out = list(words)
    for start in range(block, len(words), 2 * block):
        out[start : start + block] = fresh[start : start + block]
    return out


@pytest.fixture
def copy_texts() -> dict[str, str]:
    """One text of each relation to ``base`` (300 distinct words), and an unrelated one.

    near: 2 words changed; excerpt: words 100-199 of base; rewrite: every other block of 10
    words replaced (half aligns); exact: base upper-cased with other whitespace.
    """
    base = VOCABULARY[:300]
    near = list(base)
    near[10], near[200] = "zzqq", "qqzz"
    return {
        "base": " ".join(base),
        "exact": "  " + "\n".join(base).upper() + "\n",
        "near": " ".join(near),
        "excerpt": " ".join(base[100:200]),
        "rewrite": " ".join(rewrite_of(base, VOCABULARY[1000:1300])),
        "other": " ".join(VOCABULARY[2000:2200]),
    }


@pytest.fixture
def kinds_corpus(
    copy_texts: dict[str, str], article_factory: Callable[..., Article]
) -> list[Article]:
    """Articles base, exact, near, excerpt, rewrite, other, published on days 0 to 5."""
    return [
        article_factory(text, id=name, day=day)
        for day, (name, text) in enumerate(copy_texts.items())
    ]


@pytest.fixture
def txt_folder(tmp_path: Path, copy_texts: dict[str, str]) -> Path:
    """A folder of .txt files, one per text of ``copy_texts`` (ids are the file stems)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in copy_texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def jsonl_file(tmp_path: Path, copy_texts: dict[str, str]) -> Path:
    """A JSONL file with one record per text of ``copy_texts``, dated one day apart."""
    import orjson

    path = tmp_path / "articles.jsonl"
    with path.open("wb") as fh:
        for day, (name, text) in enumerate(copy_texts.items()):
            record = {
                "id": name,
                "text": text,
                "title": name.title(),
                "published": f"2024-01-0{day + 1}",
            }
            fh.write(orjson.dumps(record) + b"\n")
    return path


@pytest.fixture
def restore_numba_threads() -> Iterator[None]:
    """Put numba's thread count back after a test that runs with ``run.workers`` set."""
    import numba

    yield
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)


NAV = "Home | World | Business | Sport | Subscribe now"
FOOTER = "Copyright Example Media. All rights reserved. Privacy policy."


@pytest.fixture
def news_page() -> Callable[..., bytes]:
    """``news_page(*paragraphs, title=, date=, author=, site=, canonical=, lang=, charset=)``:
    the bytes of a news page with navigation and a footer around the article (``NAV``,
    ``FOOTER``); the metadata goes in the usual meta tags, and only what is given is written."""

    def make(
        *paragraphs: str,
        title: str = "A headline",
        date: str | None = None,
        author: str | None = None,
        site: str | None = None,
        canonical: str | None = None,
        lang: str | None = None,
        charset: str = "utf-8",
    ) -> bytes:
        meta = [f'<meta charset="{charset}">', f"<title>{title}</title>"]
        if date:
            meta.append(f'<meta property="article:published_time" content="{date}">')
        if author:
            meta.append(f'<meta name="author" content="{author}">')
        if site:
            meta.append(f'<meta property="og:site_name" content="{site}">')
        if canonical:
            meta.append(f'<link rel="canonical" href="{canonical}">')
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = (
            f"<!DOCTYPE html><html{f' lang={lang!r}' if lang else ''}><head>{''.join(meta)}"
            f"</head><body><nav><ul><li>{NAV}</li></ul></nav><main><article><h1>{title}</h1>"
            f"{body}</article></main><footer><p>{FOOTER}</p></footer></body></html>"
        )
        return html.encode(charset)

    return make


@pytest.fixture
def story() -> Callable[[int], tuple[str, str]]:
    """``story(n)``: two paragraphs of story ``n``, in words an extractor takes for article text."""

    def make(n: int) -> tuple[str, str]:
        first = f"Story {n} begins: the city council met on Tuesday to discuss the budget. " * 3
        second = " ".join(f"Detail {n}-{i} of the report was read aloud." for i in range(8))
        return first.strip(), second

    return make


from dataclasses import dataclass  # noqa: E402


@dataclass(frozen=True, slots=True)
class PlantedPair:
    """A copy ``a`` of a source ``b`` with planted edits and their exact character offsets."""

    a: str
    b: str
    inserted: tuple[tuple[int, int], ...]  # lines only in A (offsets into A)
    deleted: tuple[tuple[int, int], ...]  # lines only in B (offsets into B)
    numbers: tuple[tuple[str, str], ...]  # (value in A, value in B) of each changed figure


def _planted(seed: int) -> PlantedPair:
    """Twelve lines of distinct words; A drops line 4, gains a caption after line 7 and writes
    another figure in line 9 (the unit stays). Offsets are recorded while A and B are built."""
    rng = random.Random(seed)
    words = iter(rng.sample(VOCABULARY[:3000], 12 * 14))
    lines = [" ".join(next(words) for _ in range(14)) + "." for _ in range(12)]
    old, new = f"{rng.randint(100, 999)},500", f"{rng.randint(1000, 9999)},250"
    lines[9] = lines[9].replace(".", f" across {old} square kilometers.")
    caption = " ".join(rng.sample(VOCABULARY[3000:], 9)).capitalize() + "."
    b_parts, a_parts = [], []
    for k, line in enumerate(lines):
        b_parts.append((line, "deleted" if k == 4 else None))
        if k != 4:
            a_parts.append((line.replace(old, new) if k == 9 else line, None))
        if k == 7:
            a_parts.append((caption, "inserted"))
    a, inserted = _joined(a_parts)
    b, deleted = _joined(b_parts)
    return PlantedPair(a=a, b=b, inserted=inserted, deleted=deleted, numbers=((new, old),))


def _joined(parts: list[tuple[str, str | None]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    text, marked = "", []
    for line, mark in parts:
        if mark:
            marked.append((len(text), len(text) + len(line)))
        text += line + "\n\n"
    return text, tuple(marked)


@pytest.fixture
def planted_pair() -> Callable[[int], PlantedPair]:
    """``planted_pair(seed)``: a PlantedPair (see ``_planted``)."""
    return _planted


@pytest.fixture
def read_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Every call of the read stage by the run path (``pipeline.read_articles``), recorded."""
    import newsdedup.pipeline as pipeline

    calls: list[tuple[object, ...]] = []
    real = pipeline.read_articles

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_articles", counted)
    return calls
