"""The streaming generator: originals about stories, and planted copies of them.

``iter_corpus`` yields one (Article, TruthRecord) at a time and holds only the current and the
previous block of 1,000 documents (about 15 MB), whatever the size of the corpus.
Everything is drawn from generators seeded by (seed, block), so one seed gives one corpus,
byte for byte.

The phenomena added after the first four kinds (briefs, house-style copies, press releases and
their reposts, shared quotes) draw only on paths the default mix never takes, which is what
keeps a default corpus identical to the one made before they existed.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsdedup.synth import brief, edits, house, release, testimony
from newsdedup.synth.plan import BLOCK, BlockPlan, CorpusSpec, plan_block
from newsdedup.synth.rand import Draws, derive
from newsdedup.synth.release import Release
from newsdedup.synth.story import Story, Topic, make_story, make_topic
from newsdedup.synth.text import PARA, Doc, paragraphs, render, render_flat, write_article
from newsdedup.synth.text import title as headline
from newsdedup.synth.truth import TruthRecord
from newsdedup.synth.vocab import Vocabulary, make_vocabulary
from newsdedup.types import Article

__all__ = ["CorpusGenerator"]

_PLAN = 1  # derive() namespaces
_TEXT = 2
_ABOUT = 3  # a company's "About" paragraph, the same under each of its releases
_RECUR_RATE = 0.15  # share of stories that revisit an earlier topic
_RECUR_GAP = timedelta(days=60)
_RESERVOIR = 4096
_DELAY_MIN = math.log(720.0)  # copies appear 12 minutes to 30 days after their parent
_DELAY_MAX = math.log(2_592_000.0)
_SLUG = re.compile(r"[^a-z0-9]+")
_STRENGTH = ("rewrite", "house")  # edits drawn with a strength from CorpusSpec.intensity
_BRIEF_SOURCE = 300  # words: a brief is cut from a long article when one is at hand
_BRIEF_TRIES = 8
_REPOST_OF_REPOST = 0.4  # share of reposts made from an earlier repost of the family
#: For a copy of kind K made from a copy of kind P: which P are possible, and the edit to apply.
#: Reposts are not here: they follow their family (see ``_repost``).
_CHAINS: dict[str, dict[str, tuple[str, ...]]] = {
    "exact": {"exact": ("exact",)},
    "near": {"exact": ("near",), "near": ("exact", "exact", "near")},
    "rewrite": {"exact": ("rewrite",), "near": ("rewrite",), "rewrite": ("exact", "near")},
    "excerpt": {"exact": ("excerpt",), "near": ("excerpt",), "excerpt": ("exact", "near")},
    "house": {"exact": ("house",), "near": ("house",), "house": ("exact", "near")},
    "condensed": {"exact": ("condensed",), "near": ("condensed",), "condensed": ("exact", "near")},
}


@dataclass(slots=True, eq=False)
class _Item:
    """A generated article kept while later ones may copy it."""

    index: int
    id: str
    kind: str
    cluster: str
    story: Story
    title: str
    text: str
    doc: Doc | None  # None until first needed, for originals (most are never copied)
    published: datetime  # the true time, even when the article shows none
    source: int
    popularity: float = 0.0  # weight of an original when copies pick their parent
    flat: list[str] | None = None  # an original's tokens, see text.write_article
    release: Release | None = None  # for a press release and its reposts
    quotes: str | None = None  # see TruthRecord.quotes

    def document(self) -> Doc:
        if self.doc is None:
            self.doc = paragraphs(self.flat or [])
            self.flat = None
        return self.doc


class _Window:
    """The articles of the current and previous block, indexed for drawing parents."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self.by_kind: dict[str, list[_Item]] = {}
        self.originals: list[_Item] = []
        self.weights: list[float] = []  # running sum of the originals' popularity

    def advance(self, lo: int) -> None:
        """Forget everything before the previous block."""
        kept = [it for it in self.items if it.index >= lo - BLOCK]
        self.items, self.by_kind, self.originals, self.weights = [], {}, [], []
        for it in kept:
            self.add(it)

    def add(self, item: _Item) -> None:
        self.items.append(item)
        self.by_kind.setdefault(item.kind, []).append(item)
        if item.kind == "original":
            self.originals.append(item)
            self.weights.append((self.weights[-1] if self.weights else 0.0) + item.popularity)

    def popular_original(self, d: Draws) -> _Item:
        """An original, the popular ones (wire stories) far more often than the rest.

        Press releases weigh nothing (their copies are their reposts), unless nothing else is
        there to copy."""
        if self.weights[-1] <= 0.0:
            return d.pick(self.originals)
        target = d.u() * self.weights[-1]
        return self.originals[bisect.bisect_right(self.weights, target)]


class CorpusGenerator:
    """Yields a corpus article by article; see ``iter_corpus``."""

    def __init__(self, spec: CorpusSpec) -> None:
        self.spec = spec
        self.vocab: Vocabulary = make_vocabulary(spec.seed)
        self.width = max(6, len(str(max(spec.n_articles - 1, 0))))
        self.n_sources = max(8, min(2000, spec.n_articles // 100))
        self.window = _Window()
        self.reservoir: list[tuple[Topic, datetime]] = []
        self.seen_topics = 0
        self.next_story = 0
        self.families: dict[int, list[_Item]] = {}  # this block's releases and their reposts
        self.testimony: dict[int, testimony.Testimony] = {}  # by story id, this block only

    def __iter__(self) -> Iterator[tuple[Article, TruthRecord]]:
        for block in range(math.ceil(self.spec.n_articles / BLOCK)):
            plan = plan_block(self.spec, derive(self.spec.seed, _PLAN, block), block)
            yield from self._block(plan, Draws(derive(self.spec.seed, _TEXT, block)))

    def _block(self, plan: BlockPlan, d: Draws) -> Iterator[tuple[Article, TruthRecord]]:
        self.window.advance(plan.lo)
        self.families, self.testimony = {}, {}
        stories = self._stories(plan, d)
        for offset, kind in enumerate(plan.kinds):
            index = plan.lo + offset
            family = plan.families.get(offset)
            if kind == "original":
                story = stories[plan.stories[offset]]
                if family is not None:
                    yield self._release(index, story, family, d)
                else:
                    yield self._original(index, story, d, offset in plan.quoting)
            elif kind == "repost":  # the plan gives every repost a family
                yield self._repost(index, plan.families[offset], d)
            else:
                yield self._copy(index, kind, d)

    def _stories(self, plan: BlockPlan, d: Draws) -> list[Story]:
        """The stories this block opens, each on a new topic or, sometimes, a recurring one."""
        out = []
        seconds = (plan.end - plan.start).total_seconds()
        for _ in range(plan.n_stories):
            date = plan.start + timedelta(seconds=int(seconds * d.u()))
            story_id, self.next_story = self.next_story, self.next_story + 1
            topic = self._topic(story_id, date, d)
            out.append(make_story(self.vocab, d, story_id, topic, date))
        return out

    def _topic(self, story_id: int, date: datetime, d: Draws) -> Topic:
        """A new topic or, for 15% of stories, one at least two months old, drawn from a
        uniform sample (reservoir) of all topics so far."""
        if self.reservoir and d.chance(_RECUR_RATE):
            old, when = d.pick(self.reservoir)
            if when <= date - _RECUR_GAP:
                return old
        topic = make_topic(self.vocab, d, story_id)
        self.seen_topics += 1
        if len(self.reservoir) < _RESERVOIR:
            self.reservoir.append((topic, date))
        elif (slot := d.below(self.seen_topics)) < _RESERVOIR:
            self.reservoir[slot] = (topic, date)
        return topic

    def _length(self, d: Draws) -> int:
        return max(30, min(3 * self.spec.words, round(self.spec.words * d.gen.gamma(8.0) / 8.0)))

    def _original(
        self, index: int, story: Story, d: Draws, quoting: bool = False
    ) -> tuple[Article, TruthRecord]:
        words = self._length(d)
        quotes = self._testimony(story, self._id(index), words, d) if quoting else None
        if quotes is None:
            title, flat = write_article(self.vocab, d, story, words)
        else:  # the narration is sized so that the passages are about a third of the article
            share = testimony.quoted_share(d)
            narration = max(30, round(quotes.words * (1.0 - share) / share))
            title, flat = write_article(self.vocab, d, story, narration)
            testimony.quote_passages(d, story, flat, quotes)
        if d.chance(0.1) and (other := self._other_title(story, d)):
            cuts = [i for i, w in enumerate(flat) if w == PARA] or [len(flat)]
            at = d.pick(cuts)
            flat[at:at] = [PARA, *edits.caption(other, d)]  # a video caption, as its own line
        published = story.date + timedelta(seconds=int(d.u() * 172_800))
        source = self._source(d, -1)
        item_id = self._id(index)
        item = _Item(
            index, item_id, "original", item_id, story, title, render_flat(flat), None,
            published, source, flat=flat, quotes=None if quotes is None else quotes.first,
        )  # fmt: skip
        # Pareto popularity: a few originals (wire stories) get many copies.
        item.popularity = (1.0 - d.u()) ** -0.7
        self.window.add(item)
        return self._emit(item, None, None, None, d)

    def _testimony(self, story: Story, item_id: str, words: int, d: Draws) -> testimony.Testimony:
        """The passages this story's quoting originals share, made by the first of them."""
        found = self.testimony.get(story.id)
        if found is None:
            quoted = round(words * testimony.quoted_share(d))
            found = testimony.make_testimony(self.vocab, d, story, item_id, quoted)
            self.testimony[story.id] = found
        return found

    def _release(
        self, index: int, story: Story, family: int, d: Draws
    ) -> tuple[Article, TruthRecord]:
        """A press release: an original that only its family of reposts copies."""
        org_index = d.below(len(story.orgs))
        org = story.orgs[org_index]
        about_draws = Draws(derive(self.spec.seed, _ABOUT, story.topic, org_index), 256)
        about = release.about_block(self.vocab, about_draws, org)
        doc, meta = release.write_release(self.vocab, d, story, self._length(d), about, org)
        published = story.date + timedelta(seconds=int(d.u() * 172_800))
        item_id = self._id(index)
        item = _Item(
            index, item_id, "original", item_id, story, headline(self.vocab, d, story),
            render(doc), doc, published, self._source(d, -1), release=meta,
        )  # fmt: skip
        self.window.add(item)
        self.families[family] = [item]
        return self._emit(item, None, None, None, d)

    def _repost(self, index: int, family: int, d: Draws) -> tuple[Article, TruthRecord]:
        """A site's repost of the family's release, or of an earlier repost of it."""
        members = self.families[family]
        parent = members[0]
        if len(members) > 1 and d.chance(_REPOST_OF_REPOST):
            parent = d.pick(members[1:])
        meta = parent.release
        assert meta is not None  # every member of a family carries its release
        doc = release.repost(self.vocab, parent.document(), d, meta)
        delay = timedelta(seconds=round(math.exp(d.uniform(_DELAY_MIN, _DELAY_MAX))))
        item = _Item(
            index, self._id(index), "repost", parent.cluster, parent.story,
            release.repost_title(parent.title, d, meta), render(doc), doc,
            parent.published + delay, self._source(d, parent.source), release=meta,
        )  # fmt: skip
        self.window.add(item)
        members.append(item)
        return self._emit(item, parent, "repost", None, d)

    def _copy(self, index: int, kind: str, d: Draws) -> tuple[Article, TruthRecord]:
        parent, edit = self._parent(kind, d)
        intensity = d.uniform(*self.spec.intensity) if edit in _STRENGTH else None
        title, text, doc = self._apply(edit, parent, d, intensity or 0.0)
        delay = timedelta(seconds=round(math.exp(d.uniform(_DELAY_MIN, _DELAY_MAX))))
        item = _Item(
            index, self._id(index), kind, parent.cluster, parent.story, title, text, doc,
            parent.published + delay, self._source(d, parent.source),
        )  # fmt: skip
        self.window.add(item)
        return self._emit(item, parent, edit, intensity, d)

    def _parent(self, kind: str, d: Draws) -> tuple[_Item, str]:
        """The article to copy and the edit that turns it into a copy of ``kind``."""
        if d.chance(self.spec.chain_rate):
            options = [it for k in _CHAINS[kind] for it in self.window.by_kind.get(k, ())]
            if options:
                parent = d.pick(options)
                return parent, d.pick(_CHAINS[kind][parent.kind])
        if kind == "condensed":
            return self._long_original(d), kind
        return self.window.popular_original(d), kind

    def _long_original(self, d: Draws) -> _Item:
        """A popular original long enough to cut a brief from, else the longest one drawn."""
        best: _Item | None = None
        for _ in range(_BRIEF_TRIES):
            item = self.window.popular_original(d)
            size = item.text.count(" ")
            if size >= _BRIEF_SOURCE:
                return item
            if best is None or size > best.text.count(" "):
                best = item
        assert best is not None
        return best

    def _apply(self, edit: str, parent: _Item, d: Draws, strength: float) -> tuple[str, str, Doc]:
        """Title, text and document of a copy of ``parent`` made by ``edit``."""
        vocab, story = self.vocab, parent.story
        if edit == "exact":
            title, text = edits.exact(parent.title, parent.text, d)
            return title, text, parent.document()
        if edit == "near":
            doc = edits.near(vocab, parent.document(), d, d.uniform(0.01, 0.03))
            return parent.title, render(doc), doc
        if edit == "excerpt":
            title, doc = edits.excerpt(
                vocab, parent.document(), d, story=story, title_text=parent.title
            )
            return title, render(doc), doc
        if edit == "condensed":
            doc = brief.condense(vocab, parent.document(), d)
            return brief.condensed_title(vocab, d, story, parent.title), render(doc), doc
        if edit == "house":
            doc, style = house.house(vocab, parent.document(), d, story=story, strength=strength)
            return house.house_title(vocab, parent.title, style), render(doc), doc
        captions = [t for _ in range(d.between(0, 2)) if (t := self._other_title(story, d))]
        doc = edits.rewrite(
            vocab, parent.document(), d, story=story, intensity=strength, captions=captions
        )
        return edits.rewrite_title(vocab, parent.title, d, strength), render(doc), doc

    def _other_title(self, story: Story, d: Draws) -> str | None:
        """The headline of a random recent article about another story, if there is one."""
        if not self.window.items:
            return None
        other = d.pick(self.window.items)
        return None if other.story is story else other.title

    def _source(self, d: Draws, avoid: int) -> int:
        """A site, drawn from a Zipf law (a few big sites), other than ``avoid``."""
        site = int((self.n_sources + 1) ** d.u()) - 1
        return (site + 1) % self.n_sources if site == avoid else site

    def _id(self, index: int) -> str:
        return f"a{index:0{self.width}d}"

    def _emit(
        self, item: _Item, parent: _Item | None, edit: str | None, intensity: float | None, d: Draws
    ) -> tuple[Article, TruthRecord]:
        """The article as a reader sees it (a copy may lose its date) and its truth record."""
        dated = parent is None or not d.chance(self.spec.undated_rate)
        source = f"site{item.source}.example"
        slug = _SLUG.sub("-", item.title.lower()[:60]).strip("-")
        published = item.published if dated else None
        folder = f"{published.year}/{published.month:02d}" if published else "news"
        article = Article(
            id=item.id,
            text=item.text,
            title=item.title,
            url=f"https://{source}/{folder}/{slug}-{item.index}",
            source=source,
            published=published,
            lang="en",
        )
        truth = TruthRecord(
            id=item.id,
            story=f"s{item.story.id:06d}",
            topic=f"t{item.story.topic:06d}",
            cluster=item.cluster,
            kind=item.kind,
            parent=None if parent is None else parent.id,
            edit=edit,
            intensity=None if intensity is None else round(intensity, 4),
            quotes=item.quotes,
        )
        return article, truth
