"""Press releases and the sites that repost them.

A release is formulaic: "FOR IMMEDIATE RELEASE", a dateline with the wire's name, the news, a
quote from an executive, an "About <Company>" paragraph the company puts under every release it
issues, contact lines and "###". Aggregators and small sites repost it whole, each with an intro
line and closing lines of its own, often without the About and contact block, now and then
lightly edited, and often from another repost rather than from the release. The whole family is
one copy cluster: its members differ mostly in the lines around a shared body, and the About
paragraph they share with the company's other releases is not what makes them copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdedup.synth import edits
from newsdedup.synth.rand import Draws
from newsdedup.synth.story import Story
from newsdedup.synth.text import (
    Doc,
    _quote_paragraph,
    sentence_lengths,
    story_sentences,
)
from newsdedup.synth.vocab import Vocabulary

__all__ = ["Release", "about_block", "repost", "repost_title", "write_release"]

_WIRES = ("PRNewswire", "Business Wire", "GLOBE NEWSWIRE", "ACCESSWIRE", "EIN Presswire")
_HEADER = ["FOR", "IMMEDIATE", "RELEASE"]
_END = ["###"]
_INTROS = (
    "The following press release was distributed by {wire}.",
    "Press release from {org}:",
    "This is a paid press release. Contact the distributor directly with any inquiries.",
    "(PRESS RELEASE)",
    "Published via {wire}.",
    "NEWS PROVIDED BY {org}",
    "Editor's note: this content is a press release and has not been edited by our staff.",
)
_TRAILERS = (
    "Source link",
    "Read more:",
    "View source version on {wire}.",
    "Originally published by {wire}.",
    "Disclaimer: The above press release comes to you from {wire}. We take no editorial "
    "responsibility for its content.",
    "Related Stories",
    "Share this article",
)
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Release:
    """What reposts of a release name in their own lines."""

    org: str
    wire: str


def about_block(vocab: Vocabulary, d: Draws, org: str) -> list[str]:
    """The company's standing description: three sentences and its web address.

    ``d`` should be seeded by the company alone, so that every release of one company carries
    the same paragraph; plain ``vocab.word`` draws keep that stream small.
    """
    words = [org, "is", "a"]
    for n in (d.between(10, 18), d.between(12, 22), d.between(8, 16)):
        sentence = [vocab.word(d) for _ in range(n)]
        sentence[-1] += "."
        if words[-1].endswith("."):
            sentence[0] = vocab.caps.get(sentence[0], sentence[0])
        words.extend(sentence)
    site = _SLUG.sub("", org.lower())
    return [*words, "For", "more", "information,", "visit", f"www.{site}.example."]


def write_release(
    vocab: Vocabulary, d: Draws, story: Story, words: int, about: list[str], org: str
) -> tuple[Doc, Release]:
    """A press release of about ``words`` words on ``story`` issued by ``org``."""
    wire = d.pick(_WIRES)
    date = story.date
    dateline = [
        d.pick(story.places).upper() + ",",
        f"{date:%B} {date.day},",
        f"{date.year}",
        f"/{wire}/",
        "--",
        org,
        "today",
        "announced",
    ]
    facts = [d.pick(f) for f in story.facts]
    body = story_sentences(vocab, d, story, sentence_lengths(d, max(20, words - 90)), facts)
    lead = body[0]
    if lead[0] in vocab.known:
        lead[0] = lead[0].lower()
    paras: Doc = [list(_HEADER), dateline + lead]
    i = 1
    while i < len(body):
        n = d.between(2, 3)
        paras.append([w for s in body[i : i + n] for w in s])
        i += n
    quote = _quote_paragraph(d, story, 80)
    if quote:
        paras.insert(min(3, len(paras)), quote)
    person = next((p for p in story.people if p.org == org), story.people[0])
    site = _SLUG.sub("", org.lower())
    contact = [
        ["Media", "contact:"],
        [person.full + ",", person.role],
        [f"{person.first.lower()}.{person.last.lower()}@{site}.example"],
        [f"+1 555 01{d.between(0, 99):02d}"],
    ]
    paras += [["About", org], list(about), *contact, list(_END)]
    return paras, Release(org, wire)


def _block(doc: Doc, release: Release) -> tuple[int, int] | None:
    """Where the About paragraph starts and the contact lines end ("###"), if still there."""
    start = next((i for i, p in enumerate(doc) if p == ["About", release.org]), None)
    if start is None:
        return None
    end = next((i for i in range(start, len(doc)) if doc[i] == _END), len(doc) - 1)
    return start, end


def repost(vocab: Vocabulary, doc: Doc, d: Draws, release: Release) -> Doc:
    """A site's repost of ``doc`` (the release or another repost of it)."""
    out = [list(p) for p in doc]
    if d.chance(0.4) and (span := _block(out, release)):
        del out[span[0] : span[1] + 1]
    if d.chance(0.5) and _HEADER in out:
        out.remove(_HEADER)
    if d.chance(0.3):
        out = edits.near(vocab, out, d, d.uniform(0.002, 0.01))
    fill = {"wire": release.wire, "org": release.org}
    out.insert(0, d.pick(_INTROS).format(**fill).split())
    for _ in range(d.between(1, 2)):
        out.append(d.pick(_TRAILERS).format(**fill).split())
    return out


def repost_title(title: str, d: Draws, release: Release) -> str:
    """The release's headline, sometimes tagged as a release or with the wire's name."""
    roll = d.u()
    if roll < 0.2:
        return f"Press Release: {title}"
    if roll < 0.35:
        return f"{title} | {release.wire}"
    return title
