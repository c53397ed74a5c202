"""A labelled test corpus: synthetic news articles with planted copies and hard negatives.

The text is the generator's own (pseudo-words from syllables, real function words at English
frequencies), organised in stories whose articles share names, figures and quotes without being
copies, plus copies of four kinds whose ground truth is recorded::

    corpus = generate_corpus(2_000, seed=1)
    corpus.copy_pairs({"rewrite"})     # pairs a deduplicator should find
    corpus.same_story_pairs()          # pairs it should not call copies

``iter_corpus`` streams (Article, TruthRecord) pairs at any size and ``write_corpus_jsonl``
writes them to disk. The same seed always gives byte-identical output.
"""

from newsdedup.synth.generate import (
    article_record,
    generate_corpus,
    iter_corpus,
    write_corpus_jsonl,
)
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
    "word_ngrams",
    "write_corpus_jsonl",
]
