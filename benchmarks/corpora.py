# ruff: noqa: RUF001, SIM905  (Cyrillic letters and typographic quotes are meant)
"""A family of generated corpora with different word distributions, lengths and scripts.

Each kind is written as a JSONL corpus (``id``, ``text``, ``published``) and a truth file
(``id``, ``cluster``, ``kind``, ``parent``: ``cluster`` is the id of the cluster's original,
``kind`` one of ``original``, ``exact``, ``near``, ``rewrite``, ``excerpt``), the same truth
fields ``benchmarks/bench_dedup.py`` scores against. Everything is drawn from one seed: the
same kind, size and seed give the same bytes.

    python benchmarks/corpora.py zipf-1.3 --docs 20000 --out bench-data/family

Kinds:

``zipf-1.0``, ``zipf-1.3``
    ~300-800-word articles (uniform) whose words are drawn independently from a Zipf law of
    that exponent (p(rank) ~ rank^-s) over 200,000 pronounceable pseudo-words (``kool``,
    ``tryndshean``; frequent ranks are short words, none is in newsdedup's stop word lists),
    so the head of the distribution plays the role of stop words that no list removes. 10%
    of an original's words come instead from its topic: 40 words of rank 1,000 or more, one
    topic per original, topics drawn by a Zipf law (big stories), as articles on one event
    share names. Sentences are 6-28 words, capitalised with a full stop, sometimes a comma;
    paragraphs 2-5 sentences.
``short``, ``long``
    As ``zipf-1.0``, with 60-120-word and 1,800-2,200-word articles.
``cyrillic``
    As ``zipf-1.0``, with the pseudo-words spelled in Cyrillic syllables, and Russian
    boilerplate lines in rewrites.
``real``
    Real English sentences, resampled: the pool is every sentence of 6 to 60 words of the
    982 ECB+ articles, the English WMT news documents (one text per translation group) and
    the 181 gold article bodies of the extraction benchmark, read in place from
    ``../shared/data`` (never copied), deduplicated after lower-casing (22,997
    sentences, 484,000 words). An original is 300-800 words of sentences drawn uniformly from
    the pool, so its text is real news prose (with its stop words), but unrelated originals
    share a whole sentence now and then (each sentence is used about 20 times over 20,000
    articles; a few pairs share 2 to 5): such pairs are not planted copies and count against
    a tool's precision. The pool does not scale: at 1,000,000 documents each sentence is used
    about 1,000 times, unrelated documents share many, and newsdedup's precision against the
    planted truth falls to 0.08 (docs/benchmarks.md); generating it past
    ``REAL_REUSE_WARNING`` uses a sentence says so. Replacement words in
    copies are drawn from the pool's word frequencies. Without ``../shared/data`` this kind
    is skipped with a message.

Planted copies (the same plan for every kind): 10% of the documents are copies, in clusters
of 1 original and 1 to 19 copies (P(copies = c) ~ c^-1.5, mean about 3.4), plus one cluster
of an original "viral wire story" and 200 copies of it (200 at 2,000 documents or more; a
tenth of the corpus below). Positions are a random permutation of the cluster labels; the
first position of a cluster holds its original and every later one a copy of it (copies
come after their original, anywhere later in the file). Each copy's kind is drawn with the
weights of ``newsdedup.synth``'s default mix:

- ``exact`` (0.2): the original's text, sometimes with a trailing newline or doubled spaces;
- ``near`` (0.3): 0.5-2% of the words (at least one) substituted, deleted or inserted, and a
  quarter of the time a boilerplate line appended;
- ``rewrite`` (0.3): 30-40% of the words substituted by words drawn from the corpus's own
  distribution, the sentences of each paragraph shuffled and two paragraphs swapped, and 2-4
  boilerplate lines ("Advertisement", "Read more: ...") inserted between paragraphs;
- ``excerpt`` (0.2): a contiguous span of 30-60% of the original's words, from a sentence
  start to a sentence end.

Every copy's parent is its cluster's original (no chains). ``published`` runs from
2026-01-01 over one year in file order, with up to an hour of jitter.
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson

KINDS = ("zipf-1.0", "zipf-1.3", "short", "long", "cyrillic", "real")
COPY_KINDS = {"exact": 0.2, "near": 0.3, "rewrite": 0.3, "excerpt": 0.2}
COPY_RATE = 0.10
VIRAL = 200
MAX_CLUSTER = 20  # original + copies
VOCABULARY = 200_000
#: uses of one pool sentence (an original's mean words over the pool's words) past
#: which generating ``real`` warns that its precision figures mean little (about 23 at 20,000)
REAL_REUSE_WARNING = 50
TOPIC_SHARE = 0.10
TOPIC_WORDS = 40
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

BOILERPLATE = {
    "latin": (
        "Advertisement",
        "- Advertisement -",
        "Share this article",
        "Sign up for our newsletter",
        "Related Stories",
        "Story continues below advertisement",
        "Follow us on social media",
        "Click here to subscribe",
    ),
    "cyrillic": (
        "Реклама",
        "- Реклама -",
        "Поделиться",
        "Подпишитесь на нашу рассылку",
        "Читайте также",
        "Продолжение после рекламы",
        "Мы в социальных сетях",
    ),
}
READ_MORE = {"latin": "Read more:", "cyrillic": "Читайте также:"}

Sentence = list[str]
Doc = list[list[Sentence]]  # paragraphs of sentences of tokens (punctuation glued on)


@dataclass(frozen=True)
class Spec:
    """One kind of corpus: where its words come from and how long its articles are."""

    words: tuple[int, int]  # article length range, uniform
    exponent: float = 1.0  # Zipf exponent of the pseudo-word draw
    script: str = "latin"  # "latin", "cyrillic" or "real"


SPECS = {
    "zipf-1.0": Spec((300, 800), 1.0),
    "zipf-1.3": Spec((300, 800), 1.3),
    "short": Spec((60, 120), 1.0),
    "long": Spec((1800, 2200), 1.0),
    "cyrillic": Spec((300, 800), 1.0, "cyrillic"),
    "real": Spec((300, 800), script="real"),
}


# --- vocabularies ----------------------------------------------------------------------------

_SYLLABLES = {
    "latin": (
        "b c d f g h j k l m n p r s t v w z br cr dr fr gr pr tr bl cl fl gl pl sl st sp sk "
        "sh ch th qu".split(),
        "a e i o u y ai ea ie oo ou oi".split(),
        ["", "", "", "n", "r", "s", "t", "l", "m", "ck", "st", "nd", "ng", "sh", "x"],
    ),
    "cyrillic": (
        "б в г д ж з к л м н п р с т ф х ц ч ш щ бр вр гр др кр пр тр ст сл зв".split(),
        "а е и о у ы я ю э ё".split(),
        ["", "", "", "н", "р", "с", "т", "л", "м", "й", "к", "ст", "нь"],
    ),
}


def pseudo_vocabulary(size: int, script: str, seed: int) -> list[str]:
    """``size`` distinct pseudo-words, most frequent rank first: 1 syllable for the first 60
    ranks, 1-2 up to rank 2,000, 2-4 after (frequent words are short, as in a language).
    None is in newsdedup's stop word lists ("multi" includes "en"), so none is dropped."""
    from newsdedup.fingerprint.stopwords import stopwords

    onsets, vowels, codas = _SYLLABLES[script]
    stop = set(stopwords("multi"))
    rng = random.Random(f"vocab-{script}-{seed}")
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < size:
        rank = len(out)
        if rank < 60:
            syllables = 1
        elif rank < 2000:
            syllables = rng.choice((1, 2, 2))
        else:
            syllables = rng.choice((2, 2, 3, 3, 4))
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)
        )
        if word not in seen and word not in stop:
            seen.add(word)
            out.append(word)
    return out


def _zipf_cdf(n: int, exponent: float) -> np.ndarray:
    weights = np.arange(1, n + 1, dtype=np.float64) ** -exponent
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


class Words:
    """Draws word ids from a fixed distribution and names them."""

    def __init__(self, vocab: list[str], cdf: np.ndarray) -> None:
        self.vocab = np.array(vocab, dtype=object)
        self.cdf = cdf

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, rng.random(n), side="right"), len(self.cdf) - 1)

    def one(self, rng: np.random.Generator) -> str:
        return str(self.vocab[self.draw(rng, 1)[0]])


# --- real sentences --------------------------------------------------------------------------

_TOKEN = re.compile(r'<token [^>]*sentence="(\d+)"[^>]*>([^<]*)</token>')
_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z])")
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "”", "n't"}


def _detokenize(tokens: list[str]) -> str:
    out: list[str] = []
    for t in tokens:
        t = html.unescape(t).replace("``", "“").replace("''", "”")
        glued = t in _NO_SPACE_BEFORE or (t.startswith("'") and len(t) <= 3)
        if out and (glued or out[-1] in ("(", "[", "“", "$")):
            out[-1] += t
        else:
            out.append(t)
    return " ".join(out)


def _ecb_sentences(root: Path) -> Iterator[str]:
    for path in sorted(root.glob("ECB+/*/*.xml")):
        by_sentence: dict[int, list[str]] = {}
        for sent, tok in _TOKEN.findall(path.read_text(encoding="utf-8")):
            by_sentence.setdefault(int(sent), []).append(tok)
        for tokens in by_sentence.values():
            text = _detokenize(tokens)
            if "http" not in text and "www." not in text:
                yield text


def _split_text(text: str) -> Iterator[str]:
    for para in text.splitlines():
        yield from _SPLIT.split(para.strip())


def real_sentences(shared: Path) -> list[str]:
    """The pool of real sentences (see the module docstring), in a fixed order."""
    texts: list[str] = list(_ecb_sentences(shared / "ecb-plus"))
    seen_groups: set[str] = set()
    truth = orjson.loads((shared / "wmt-news-dev" / "truth.json").read_bytes())
    with open(shared / "wmt-news-dev" / "docs.jsonl", "rb") as fh:
        rows = [orjson.loads(line) for line in fh]
    rows = [r for r in rows if r["lang"] == "en"]
    rows.sort(key=lambda r: (r["kind"] != "original", r["kind"] != "human:A", r["id"]))
    for r in rows:  # one English text per translation group: translations share content
        group = truth.get(r["id"], r["id"])
        if group not in seen_groups:
            seen_groups.add(group)
            texts.extend(_split_text(r["text"]))
    gold = orjson.loads(
        (shared / "article-extraction-benchmark" / "ground-truth.json").read_bytes()
    )
    for key in sorted(gold):
        texts.extend(_split_text(gold[key]["articleBody"]))
    pool: list[str] = []
    seen: set[str] = set()
    for s in texts:
        s = " ".join(s.split())
        key = s.lower()
        letters = [c for c in s if c.isalpha()]
        latin = sum(c.isascii() for c in letters) >= 0.95 * len(letters)
        if 6 <= len(s.split()) <= 60 and latin and key not in seen:
            seen.add(key)
            pool.append(s)
    return pool


# --- the plan: which position holds which cluster's original or copy --------------------------


@dataclass(frozen=True)
class Slot:
    cluster: int  # position of the cluster's original
    kind: str  # "original" or a copy kind


def plan(n: int, seed: int) -> list[Slot]:
    """The role of each of ``n`` positions (see the module docstring)."""
    rng = np.random.default_rng([seed, 1])
    viral = VIRAL if n >= 10 * VIRAL else n // 10
    target = round(COPY_RATE * n)
    c = np.arange(1, MAX_CLUSTER)
    p = c**-1.5
    p /= p.sum()
    sizes: list[int] = []
    while sum(sizes) < target:
        sizes.append(min(int(rng.choice(c, p=p)), target - sum(sizes)))
    if viral:
        sizes.append(viral)
    singles = n - sum(sizes) - len(sizes)
    if singles < 0:
        raise ValueError(f"{n} documents are too few for the planted clusters")
    labels = np.concatenate(
        [np.full(s + 1, i, np.int64) for i, s in enumerate(sizes)]
        + [np.arange(len(sizes), len(sizes) + singles, dtype=np.int64)]
    )
    labels = labels[rng.permutation(n)]
    names = list(COPY_KINDS)
    weights = np.array(list(COPY_KINDS.values()))
    kinds = rng.choice(len(names), size=n, p=weights / weights.sum())
    first: dict[int, int] = {}
    out: list[Slot] = []
    for pos, label in enumerate(labels.tolist()):
        if label in first:
            out.append(Slot(first[label], names[kinds[pos]]))
        else:
            first[label] = pos
            out.append(Slot(pos, "original"))
    return out


# --- making originals ------------------------------------------------------------------------


class Maker:
    """Makes the originals and the edits of one kind of corpus."""

    def __init__(
        self,
        kind: str,
        n: int,
        seed: int,
        shared: Path = SHARED_DATA,
        vocabulary: int = VOCABULARY,
    ) -> None:
        self.spec = SPECS[kind]
        self.rng = np.random.default_rng([seed, 2, KINDS.index(kind)])
        self.r = random.Random(f"{kind}-{seed}")
        script = self.spec.script
        self.boiler_script = "cyrillic" if script == "cyrillic" else "latin"
        if script == "real":
            if not (shared / "ecb-plus").is_dir():
                raise FileNotFoundError(f"no real text: {shared} is absent")
            self.pool = real_sentences(shared)
            counts: dict[str, int] = {}
            for s in self.pool:
                for w in s.split():
                    w = w.strip(".,;:!?\"“”‘’'()[]").lower()
                    if w.isalpha():
                        counts[w] = counts.get(w, 0) + 1
            ranked = sorted(counts, key=lambda w: (-counts[w], w))
            freq = np.array([counts[w] for w in ranked], np.float64)
            self.words = Words(ranked, np.cumsum(freq) / freq.sum())
        else:
            vocab = pseudo_vocabulary(vocabulary, script, seed)
            self.words = Words(vocab, _zipf_cdf(len(vocab), self.spec.exponent))
            n_topics = max(50, n // 20)
            self.topics = self.rng.integers(1000, len(vocab), size=(n_topics, TOPIC_WORDS))
            self.topic_cdf = _zipf_cdf(n_topics, 1.0)

    def original(self) -> Doc:
        lo, hi = self.spec.words
        target = self.r.randint(lo, hi)
        if self.spec.script == "real":
            return self._real(target)
        rng = self.rng
        ids = self.words.draw(rng, target)
        topic = min(int(np.searchsorted(self.topic_cdf, rng.random())), len(self.topic_cdf) - 1)
        mask = rng.random(target) < TOPIC_SHARE
        ids[mask] = self.topics[topic][rng.integers(0, TOPIC_WORDS, int(mask.sum()))]
        tokens: list[str] = self.words.vocab[ids].tolist()
        sentences: list[Sentence] = []
        at = 0
        while at < target:
            size = min(self.r.randint(6, 28), target - at)
            s = tokens[at : at + size]
            at += size
            s[0] = s[0].capitalize()
            if len(s) > 8 and self.r.random() < 0.4:
                k = self.r.randint(3, len(s) - 3)
                s[k] += ","
            s[-1] += "."
            sentences.append(s)
        return self._paragraphs(sentences)

    def _real(self, target: int) -> Doc:
        sentences: list[Sentence] = []
        words = 0
        while words < target:
            s = self.pool[self.r.randrange(len(self.pool))].split()
            sentences.append(s)
            words += len(s)
        return self._paragraphs(sentences)

    def _paragraphs(self, sentences: list[Sentence]) -> Doc:
        doc: Doc = []
        at = 0
        while at < len(sentences):
            size = self.r.randint(2, 5)
            doc.append(sentences[at : at + size])
            at += size
        return doc

    # --- copies -------------------------------------------------------------------------------

    def word(self) -> str:
        return self.words.one(self.rng)

    def copy(self, kind: str, doc: Doc) -> Doc | str:
        if kind == "exact":
            return self.exact(doc)
        if kind == "near":
            return self.near(doc)
        if kind == "rewrite":
            return self.rewrite(doc)
        if kind == "excerpt":
            return self.excerpt(doc)
        raise ValueError(kind)

    def exact(self, doc: Doc) -> str:
        text = render(doc)
        roll = self.r.random()
        if roll < 0.2:
            return text + "\n"
        if roll < 0.4:
            return text.replace(". ", ".  ")
        return text

    def _substitute(self, old: str) -> str:
        core = old.rstrip('.,;:!?"”’)')
        lead = len(core) - len(core.lstrip('"“‘(['))
        new = self.word()
        if core[lead : lead + 1].isupper():
            new = new.capitalize()
        return old[:lead] + new + old[len(core) :]

    def near(self, doc: Doc) -> Doc:
        out = [[list(s) for s in p] for p in doc]
        spots = [(pi, si) for pi, p in enumerate(out) for si in range(len(p))]
        words = sum(len(s) for p in out for s in p)
        for _ in range(max(1, round(self.r.uniform(0.005, 0.02) * words))):
            pi, si = self.r.choice(spots)
            s = out[pi][si]
            ti = self.r.randrange(len(s))
            roll = self.r.random()
            if roll < 0.5 or len(s) < 4:
                s[ti] = self._substitute(s[ti])
            elif roll < 0.75 and 0 < ti < len(s) - 1:
                del s[ti]
            else:
                s.insert(max(ti, 1), self.word())
        if self.r.random() < 0.25:
            out.append([self._boilerplate().split()])
        return out

    def _boilerplate(self) -> str:
        if self.r.random() < 0.3:
            headline = " ".join(self.word() for _ in range(self.r.randint(4, 8)))
            return f"{READ_MORE[self.boiler_script]} {headline.capitalize()}"
        return self.r.choice(BOILERPLATE[self.boiler_script])

    def rewrite(self, doc: Doc) -> Doc:
        rate = self.r.uniform(0.30, 0.40)
        out: Doc = []
        for p in doc:
            para = [[self._substitute(w) if self.r.random() < rate else w for w in s] for s in p]
            self.r.shuffle(para)
            out.append(para)
        if len(out) >= 2:
            i, j = self.r.sample(range(len(out)), 2)
            out[i], out[j] = out[j], out[i]
        for _ in range(self.r.randint(2, 4)):
            out.insert(self.r.randint(1, len(out)), [self._boilerplate().split()])
        return out

    def excerpt(self, doc: Doc) -> Doc:
        flat = [(pi, s) for pi, p in enumerate(doc) for s in p]
        total = sum(len(s) for _, s in flat)
        want = self.r.uniform(0.30, 0.60) * total
        starts = []
        tail = 0
        for i in range(len(flat) - 1, -1, -1):  # sentences from which ``want`` words remain
            tail += len(flat[i][1])
            if tail >= want:
                starts.append(i)
        start = self.r.choice(starts) if starts else 0
        picked: list[tuple[int, Sentence]] = []
        got = 0
        for pi, s in flat[start:]:
            if got >= want:
                break
            picked.append((pi, list(s)))
            got += len(s)
        out: Doc = []
        last = None
        for pi, s in picked:
            if pi != last:
                out.append([])
                last = pi
            out[-1].append(s)
        return out


def render(doc: Doc) -> str:
    return "\n\n".join(" ".join(" ".join(s) for s in p) for p in doc)


# --- writing ---------------------------------------------------------------------------------


def _words(sentences: list[str]) -> int:
    return sum(len(s.split()) for s in sentences) or 1


def _mean_words(kind: str) -> float:
    """An original's mean length in words (its spec draws it uniformly)."""
    return sum(SPECS[kind].words) / 2


def write_corpus(
    kind: str,
    path: Path,
    truth_path: Path,
    n: int,
    seed: int = 0,
    shared: Path = SHARED_DATA,
    vocabulary: int = VOCABULARY,
) -> None:
    """Write ``n`` documents of ``kind`` to ``path`` and their truth to ``truth_path``, each
    whole or not at all."""
    slots = plan(n, seed)
    last_use: dict[int, int] = {}
    for pos, slot in enumerate(slots):
        last_use[slot.cluster] = pos
    maker = Maker(kind, n, seed, shared, vocabulary)
    if kind == "real" and (uses := n * _mean_words(kind) / _words(maker.pool)) > REAL_REUSE_WARNING:
        print(
            f"real: at {n:,} documents each pool sentence is used about {uses:,.0f} times, so "
            "unrelated documents share verbatim sentences and the engine may rightly call them "
            "copies: precision against the planted truth means little at this size",
            file=sys.stderr,
        )
    jitter = random.Random(f"time-{seed}")
    held: dict[int, Doc] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    ttmp = truth_path.with_name(f".{truth_path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out, open(ttmp, "wb") as truth:
            for pos, slot in enumerate(slots):
                if slot.kind == "original":
                    doc = maker.original()
                    text = render(doc)
                    if last_use[pos] > pos:
                        held[pos] = doc
                else:
                    made = maker.copy(slot.kind, held[slot.cluster])
                    text = made if isinstance(made, str) else render(made)
                    if last_use[slot.cluster] == pos:
                        del held[slot.cluster]
                when = EPOCH + YEAR * (pos / n) + timedelta(seconds=jitter.randrange(3600))
                doc_id = _id(pos)
                rec = {"id": doc_id, "text": text, "published": when.isoformat()}
                out.write(orjson.dumps(rec) + b"\n")
                parent = None if slot.kind == "original" else _id(slot.cluster)
                t = {"id": doc_id, "cluster": _id(slot.cluster), "kind": slot.kind}
                t["parent"] = parent
                truth.write(orjson.dumps(t) + b"\n")
        os.replace(tmp, path)
        os.replace(ttmp, truth_path)
    finally:
        tmp.unlink(missing_ok=True)
        ttmp.unlink(missing_ok=True)


def _id(pos: int) -> str:
    return f"d{pos:07d}"


def corpus_paths(data: Path, kind: str, n: int, seed: int) -> tuple[Path, Path]:
    stem = f"family-{kind}-{n}-{seed}"
    return data / f"{stem}.jsonl", data / f"{stem}.truth.jsonl"


def ensure(
    kind: str, data: Path, n: int, seed: int, shared: Path = SHARED_DATA
) -> tuple[Path, Path]:
    """The corpus and truth paths of ``kind``, generated first if absent."""
    inp, truth = corpus_paths(data, kind, n, seed)
    if not inp.exists() or not truth.exists():
        start = time.perf_counter()
        write_corpus(kind, inp, truth, n, seed, shared)
        seconds = time.perf_counter() - start
        print(f"generated {kind}: {n:,} documents in {seconds:.1f} s", file=sys.stderr)
    return inp, truth


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("kinds", nargs="*", default=list(KINDS), help=f"of {', '.join(KINDS)}")
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("bench-data/family"))
    ap.add_argument("--shared-data", type=Path, default=SHARED_DATA)
    args = ap.parse_args()
    for kind in args.kinds:
        path, truth = ensure(kind, args.out, args.docs, args.seed, args.shared_data)
        print(path, truth)


if __name__ == "__main__":
    main()
