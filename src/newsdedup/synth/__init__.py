"""A labelled test corpus: synthetic news articles with planted copies and hard negatives.

The text is the generator's own (pseudo-words from syllables, real function words at English
frequencies), organised in stories whose articles share names, figures and quotes without being
copies, plus copies whose ground truth is recorded::

    corpus = generate_corpus(2_000, seed=1)
    corpus.copy_pairs({"rewrite"})     # pairs a deduplicator should find
    corpus.same_story_pairs()          # pairs it should not call copies

Copy kinds (``KINDS``, closest first): exact, near, repost, excerpt, house, rewrite, condensed.
The default mix is the first four the generator had (exact, near, rewrite, excerpt), so a
default corpus stays byte-identical as phenomena are added; the others are real forms of news
text reuse that each defeat a different shortcut, and are asked for by name::

    generate_corpus(2_000, seed=1, kinds={"rewrite": 0.3, "condensed": 0.3, "house": 0.2,
                                          "repost": 0.2}, shared_quotes=0.2)

- "condensed": a 40-120-word brief cut from a long article (contained in it, not similar);
- "house": the whole article restyled by another outlet (spelling, figures, honorifics,
  attributions, a few clauses and sentences), recognisable sentence by sentence;
- "repost": press releases reposted by many sites, some from other reposts, each with its own
  intro and closing lines; the family is one cluster;
- ``shared_quotes``: originals that quote the same long passages verbatim as another original
  of their story, a third of their text, and are still not copies
  (``SynthCorpus.shared_quote_pairs``, a subset of ``same_story_pairs``).

``iter_corpus`` streams (Article, TruthRecord) pairs at any size and ``write_corpus_jsonl``
writes them to disk. The same seed always gives byte-identical output.
"""

from newsdedup.synth.generate import (
    article_record,
    generate_corpus,
    iter_corpus,
    write_corpus_jsonl,
)
from newsdedup.synth.plan import parse_kinds
from newsdedup.synth.truth import (
    KINDS,
    SynthCorpus,
    TruthRecord,
    containment,
    jaccard,
    normalize,
    pair_kind,
    word_ngrams,
)

__all__ = [
    "KINDS",
    "SynthCorpus",
    "TruthRecord",
    "article_record",
    "containment",
    "generate_corpus",
    "iter_corpus",
    "jaccard",
    "normalize",
    "pair_kind",
    "parse_kinds",
    "word_ngrams",
    "write_corpus_jsonl",
]
