"""Main-text extraction benchmark: newsdedup's extractors against their peers, in one process.

Scores every extractor on the scrapinghub article-extraction-benchmark (181 real news and blog
pages with gold article bodies) with the upstream metric: precision and recall over word 4-gram
shingles of the extracted text against the gold body, averaged over pages, F1 of the two means,
and a bootstrap 95% interval. The data is read from ``--data`` and never copied.

    python benchmarks/bench_extract.py
    python benchmarks/bench_extract.py --out extract.json --extractors trafilatura ours

Rows: the peers called as upstream calls them (trafilatura, readability-lxml, justext, all
visible text) plus trafilatura's precision and recall modes; ``ours:<name>`` is
``newsdedup.clean.extract.extract_html`` with each ``CleanConfig.extractor`` choice; and
``ours+clean`` is the default extractor followed by the corpus-level clean stage
(``newsdedup.clean.pipeline.clean_corpus``) over all pages as one corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsdedup.config import EXTRACTORS, CleanConfig

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "article-extraction-benchmark"

#: F1 published by the benchmark's README (name there -> F1), shown beside our figures.
PUBLISHED: dict[str, float] = {
    "trafilatura 2.0": 0.958,
    "newspaper4k": 0.949,
    "readability.js": 0.947,
    "readability-lxml": 0.922,
    "dragnet": 0.907,
    "boilerpipe": 0.860,
    "justext": 0.804,
    "all visible text": 0.665,
}
#: Our rows that run the same tool as a published row.
PUBLISHED_ROW = {
    "trafilatura": "trafilatura 2.0",
    "readability-lxml": "readability-lxml",
    "justext": "justext",
    "all-visible-text": "all visible text",
}

# --- the upstream metric (scrapinghub/article-extraction-benchmark, evaluate.py) ------------

Counts = tuple[float, float, float]  #: (tp, fp, fn) of one page, normalised to sum 1
_TOKEN = re.compile(r"\w+")


def tokenize(text: str | None) -> list[str]:
    """Word tokens as upstream takes them: every run of word characters, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word ``n``-gram shingles as a multiset; a text shorter than ``n`` is one short shingle."""
    tokens = tokenize(text)
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def match(true: str | None, pred: str | None, n: int = 4) -> Counts:
    """Shingle (tp, fp, fn) of one page, divided by their sum so every page weighs the same."""
    gold, got = shingles(true, n), shingles(pred, n)
    tp = float(sum((gold & got).values()))
    fp = float(sum((got - gold).values()))
    fn = float(sum((gold - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total > 0 else (tp, fp, fn)


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics(counts: Sequence[Counts]) -> dict[str, float]:
    """Mean precision over pages that predicted something, mean recall over pages with gold
    text, and F1 of the two means (upstream ``metrics_from_tp_fp_fns``)."""
    precisions = [precision_score(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [recall_score(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"precision": p, "recall": r, "f1": f1}


def bootstrap(counts: Sequence[Counts], *, n: int = 1000, seed: int = 0) -> dict[str, float]:
    """Half-width of the 95% interval of each metric: 1.96 standard deviations over ``n``
    resamples of the pages with replacement (upstream's method, here seeded)."""
    rng = random.Random(seed)
    values: dict[str, list[float]] = {}
    for _ in range(n):
        sample = [counts[rng.randrange(len(counts))] for _ in counts]
        for key, value in metrics(sample).items():
            values.setdefault(key, []).append(value)
    return {f"{k}_ci": 1.96 * statistics.stdev(v) for k, v in values.items()}


def bootstrap_difference(
    counts: Sequence[Counts], other: Sequence[Counts], *, n: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Paired bootstrap of ``counts`` minus ``other`` on the same pages (upstream's
    ``--bootstrap-differences``): mean difference of each metric and its 95% half-width."""
    rng = random.Random(seed)
    diffs: dict[str, list[float]] = {}
    for _ in range(n):
        picks = [rng.randrange(len(counts)) for _ in counts]
        ours, theirs = metrics([counts[i] for i in picks]), metrics([other[i] for i in picks])
        for key in ours:
            diffs.setdefault(key, []).append(ours[key] - theirs[key])
    return {k: (statistics.fmean(v), 1.96 * statistics.stdev(v)) for k, v in diffs.items()}


def evaluate(
    gold: dict[str, str], pred: dict[str, str | None], *, n_bootstrap: int = 1000, seed: int = 0
) -> tuple[dict[str, float], dict[str, Counts]]:
    """Upstream ``evaluate``: the metrics with intervals, and each page's counts."""
    if gold.keys() != pred.keys():
        raise ValueError("The predictions must cover exactly the pages of the gold set.")
    per_page = {key: match(gold[key], pred[key]) for key in gold}
    counts = list(per_page.values())
    return {**metrics(counts), **bootstrap(counts, n=n_bootstrap, seed=seed)}, per_page


# --- extractors ------------------------------------------------------------------------------

Extractor = Callable[[str, str], "str | None"]  #: (html, url) -> text


def _trafilatura(**options: Any) -> Extractor:
    import trafilatura

    return lambda html, url: trafilatura.extract(html, include_comments=False, **options)


def _visible_text(html: str) -> str:
    """All visible text, one line per block (our stand-in for the html-text package, which
    upstream uses for the all-text baseline and to turn readability's HTML into text)."""
    from newsdedup.clean.extract import html_text

    return html_text(html)


def _readability() -> Extractor:
    from readability import Document

    return lambda html, url: _visible_text(Document(html).summary(html_partial=True))


def _justext() -> Extractor:
    import justext

    stoplist = justext.get_stoplist("English")

    def run(html: str, url: str) -> str:
        paragraphs = justext.justext(html.encode("utf-8"), stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def _ours(name: str) -> Extractor:
    from newsdedup.clean.extract import extract_html

    def run(html: str, url: str) -> str | None:
        found = extract_html(html, url=url, extractor=name)
        return None if found is None else found.text

    return run


def extractors() -> dict[str, Callable[[], Extractor]]:
    """Every row but ours+clean, each as a factory that imports its tool."""

    rows: dict[str, Callable[[], Extractor]] = {
        "trafilatura": lambda: _trafilatura(),
        "trafilatura-precision": lambda: _trafilatura(favor_precision=True),
        "trafilatura-recall": lambda: _trafilatura(favor_recall=True),
        "readability-lxml": _readability,
        "justext": _justext,
        "all-visible-text": lambda: lambda html, url: _visible_text(html),
    }
    for name in EXTRACTORS:
        rows[f"ours:{name}"] = lambda name=name: _ours(name)  # type: ignore[misc]
    return rows


# --- running ---------------------------------------------------------------------------------


def load(data: Path) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Gold bodies, URLs and HTML of every page, by page id."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {k: v.get("articleBody", "") for k, v in truth.items()}
    urls = {k: v.get("url", "") for k, v in truth.items()}
    pages = {}
    for key in truth:
        with gzip.open(data / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as fh:
            pages[key] = fh.read()
    return gold, urls, pages


def run_extractor(
    extractor: Extractor, pages: dict[str, str], urls: dict[str, str]
) -> tuple[dict[str, str | None], float]:
    """Each page's text and the pages per second (the tool's import not counted)."""
    start = time.perf_counter()
    texts = {key: extractor(html, urls[key]) for key, html in pages.items()}
    return texts, len(pages) / (time.perf_counter() - start)


def clean_row(
    texts: dict[str, str | None], urls: dict[str, str]
) -> tuple[dict[str, str | None], float] | None:
    """The default extraction cleaned as one corpus by the clean stage, or None when the
    clean pipeline is not there."""
    try:
        from newsdedup.clean.pipeline import clean_corpus
        from newsdedup.config import CleanConfig
        from newsdedup.types import Article
    except ImportError as exc:
        print(f"ours+clean: skipped, newsdedup.clean.pipeline.clean_corpus not importable ({exc})")
        return None
    articles = [
        Article(id=key, text=text, url=urls[key], source=urlsplit(urls[key]).hostname)
        for key, text in texts.items()
        if text
    ]
    start = time.perf_counter()
    cleaned = {a.id: a.text for a in clean_corpus(articles, config=CleanConfig())}
    speed = len(texts) / (time.perf_counter() - start)
    return {key: cleaned.get(key) for key in texts}, speed


def _row(name: str, result: dict[str, float], speed: float) -> str:
    published = PUBLISHED.get(PUBLISHED_ROW.get(name, ""))
    pub = f"{published:.3f}" if published is not None else ""
    return (
        f"{name:<26} {result['precision']:.3f} ± {result['precision_ci']:.3f}  "
        f"{result['recall']:.3f} ± {result['recall_ci']:.3f}  "
        f"{result['f1']:.3f} ± {result['f1_ci']:.3f}  {speed:8.1f}  {pub:>9}"
    )


def print_table(rows: dict[str, tuple[dict[str, float], float]]) -> None:
    head = f"{'extractor':<26} {'precision':<13}  {'recall':<13}  {'F1':<13}  {'pages/s':>8}"
    print(f"{head}  {'published':>9}")
    for name, (result, speed) in sorted(rows.items(), key=lambda kv: -kv[1][0]["f1"]):
        print(_row(name, result, speed))
    print("\npublished F1 (benchmark README, not run here):")
    for name, f1 in PUBLISHED.items():
        print(f"  {name:<22} {f1:.3f}")


def print_differences(
    report: dict[str, Any], peers: Sequence[str], args: argparse.Namespace
) -> dict[str, dict[str, tuple[float, float]]]:
    """Paired bootstrap of each of our rows minus each peer that ran."""
    found: dict[str, dict[str, tuple[float, float]]] = {}
    ours = [name for name in report if name.startswith("ours")]
    if ours and any(p in report for p in peers):
        print("\npaired bootstrap, ours minus peer (mean ± 95% half-width):")
    for name in ours:
        for peer in (p for p in peers if p in report):
            a, b = (_counts(report[n]) for n in (name, peer))
            diff = bootstrap_difference(a, b, n=args.n_bootstrap, seed=args.seed)
            found[f"{name} - {peer}"] = diff
            figures = "  ".join(f"{k} {m:+.3f} ± {ci:.3f}" for k, (m, ci) in diff.items())
            print(f"  {name:<26} - {peer:<17} {figures}")
    return found


def _counts(row: dict[str, Any]) -> list[Counts]:
    return [tuple(page["tp_fp_fn"]) for _, page in sorted(row["pages"].items())]


def _per_page(per_page: dict[str, Counts]) -> dict[str, dict[str, Any]]:
    return {
        key: {"precision": precision_score(*c), "recall": recall_score(*c), "tp_fp_fn": list(c)}
        for key, c in per_page.items()
    }


def _chosen(name: str, wanted: Sequence[str]) -> bool:
    return any(name == w or name.startswith(f"{w}:") for w in wanted)


def _score(
    gold: dict[str, str], texts: dict[str, str | None], speed: float, args: argparse.Namespace
) -> tuple[tuple[dict[str, float], float], dict[str, Any]]:
    result, per_page = evaluate(gold, texts, n_bootstrap=args.n_bootstrap, seed=args.seed)
    return (result, speed), {**result, "pages_per_s": speed, "pages": _per_page(per_page)}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--out", type=Path, help="write metrics and per-page figures as JSON")
    parser.add_argument(
        "--extractors", nargs="*", help='rows to run, "ours" for all ours:* (default: all)'
    )
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(None if argv is None else list(argv))
    if not (args.data / "ground-truth.json").is_file():
        print(f"Skipped: no benchmark data at {args.data.resolve()} (give its folder with --data).")
        return 0
    gold, urls, pages = load(args.data)
    print(f"{len(pages)} pages from {args.data.resolve()}\n")
    factories = extractors()
    wanted = args.extractors or [*factories, "ours+clean"]
    rows: dict[str, tuple[dict[str, float], float]] = {}
    report: dict[str, Any] = {}
    texts_by_row: dict[str, dict[str, str | None]] = {}
    speeds: dict[str, float] = {}
    default = f"ours:{CleanConfig().extractor}"
    for name, factory in factories.items():
        if not _chosen(name, wanted) and not (name == default and "ours+clean" in wanted):
            continue
        texts, speed = run_extractor(factory(), pages, urls)
        texts_by_row[name], speeds[name] = texts, speed
        if _chosen(name, wanted):
            rows[name], report[name] = _score(gold, texts, speed, args)
    if default in texts_by_row and "ours+clean" in wanted:
        cleaned = clean_row(texts_by_row[default], urls)
        if cleaned is not None:
            speed = 1 / (1 / speeds[default] + 1 / cleaned[1])  # extraction, then cleaning
            rows["ours+clean"], report["ours+clean"] = _score(gold, cleaned[0], speed, args)
    print_table(rows)
    report["differences"] = print_differences(report, ("trafilatura", "readability-lxml"), args)
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")
    return 0 if all(math.isfinite(r["f1"]) for r, _ in rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
