"""Every similarity figure of one pair, and its verdict, by the same code the engine runs.

The copy kinds come from the engine's fingerprints and rule; a pair that is not a copy is
``translation`` when its two languages differ and it passes the translation stage's pair gates
(relate/translate.py), else ``same_story`` or ``unrelated`` by the story rule (relate/kind.py),
so the verdict is never empty and its reasons name the figures that decided it. Across two
languages the passages are aligned paragraphs (relate/crosslingual.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from newsdedup.config import Config, TranslateConfig
from newsdedup.fingerprint.batch import Fingerprints, fingerprint_articles
from newsdedup.relate.kind import (
    FEATURES,
    KIND_CODES,
    classify,
    copy_probability,
    derivation_features,
    derivation_model,
    story_kind,
)
from newsdedup.relate.story import StoryFigures, story_figures
from newsdedup.relate.verify import SCORE_COLUMNS, score_pairs
from newsdedup.types import Alignment, Article, Kind

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The verdict on two articles (any kind but ``original``) and its figures."""

    a: str
    b: str
    kind: Kind
    scores: dict[str, float]
    reasons: list[str]
    #: the aligned passages (relate/passages.py) with offsets into the texts as given, their
    #: word match and quoted share, and the start of each side's text
    passages: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind.value,
            "scores": self.scores,
            "reasons": self.reasons,
            "passages": self.passages,
        }


def _figures(fp: Fingerprints, config: Config) -> dict[str, float]:
    row = score_pairs(fp, np.array([[0, 1]]), size=config.shingle.size, min_containment=0.0)[0]
    keys_shared = int((fp.keys[0] == fp.keys[1]).sum())
    bands = fp.keys.shape[1]
    return {
        **{name: float(v) for name, v in zip(SCORE_COLUMNS, row, strict=True)},
        "words_a": float(fp.n_words[0]),
        "words_b": float(fp.n_words[1]),
        "content_words_a": float(fp.n_content[0]),
        "content_words_b": float(fp.n_content[1]),
        "lsh_bands_shared": float(keys_shared),
        "lsh_bands": float(bands),
    }


def _reasons(kind: Kind | None, s: dict[str, float], config: Config) -> list[str]:
    """The derivation verdict's evidence: each figure, what it weighs, and the kind rule."""
    v = config.verify
    model = derivation_model(v.model)
    lens = np.array([s["content_words_a"]]), np.array([s["content_words_b"]])
    row = np.array([[s[name] for name in SCORE_COLUMNS]])
    feats = derivation_features(row, *lens)[0]
    p = float(copy_probability(feats[None, :], model)[0])
    z = (feats - np.asarray(model.mean)) / np.asarray(model.scale) * np.asarray(model.coef)
    short = "A" if s["content_words_a"] <= s["content_words_b"] else "B"
    verdict = "a copy" if p >= model.threshold else "not a copy"
    lines = [
        f"derivation model: p(copy) {p:.3f} (a copy at >= {model.threshold:.3f}): {verdict}",
        f"derived narration (aligned spans, quotes left out): {s['derived_a']:.3f} of A and "
        f"{s['derived_b']:.3f} of B; the shorter text is {short}",
        f"aligned bigram coverage {s['coverage_a']:.3f} of A and {s['coverage_b']:.3f} of B; "
        f"largest verbatim block {s['block_a']:.3f} of A and {s['block_b']:.3f} of B",
        f"quotation: {s['quoted']:.3f} of the reused spans; order kept by "
        f"{s['order']:.3f} of the shared anchors",
        "contributions to the log-odds: "
        + ", ".join(f"{name} {value:+.2f}" for name, value in zip(FEATURES, z, strict=True)),
        f"shingle Jaccard {s['jaccard']:.3f} (near copy at >= {v.near_jaccard})",
        f"shorter text is {feats[FEATURES.index('length_ratio')]:.2f} of the longer (condensed "
        f"at <= {v.condensed_max_ratio}; excerpt at <= {v.excerpt_max_ratio} with >= "
        f"{v.excerpt_block} of it in one verbatim block)",
        f"{int(s['lsh_bands_shared'])} of {int(s['lsh_bands'])} LSH bands shared "
        f"({'a candidate pair' if s['lsh_bands_shared'] else 'not an LSH candidate'})",
    ]
    if kind is Kind.EXACT:
        lines.insert(0, "identical after normalisation")
    return lines


def _story_scores(f: StoryFigures) -> dict[str, float]:
    out = {
        "story_similarity": f.similarity,
        "shared_names": float(len(f.shared_names)),
        "shared_rare_names": float(len(f.rare_names)),
        "shared_dates": float(len(f.shared_dates)),
        "shared_numbers": float(len(f.shared_numbers)),
    }
    if f.days_apart is not None:
        out["days_apart"] = f.days_apart
    return out


def _listed(label: str, items: tuple[str, ...], limit: int = 12) -> str:
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return f"{label}: {', '.join(items[:limit]) or 'none'}{more}"


def _story_reasons(kind: Kind, f: StoryFigures, config: Config) -> list[str]:
    """Why a pair that is not a copy is, or is not, the same story: the deciding figure first."""
    c = config.relation
    sim = f"story similarity {f.similarity:.3f}"
    corroborated = bool(f.shared_dates) or len(f.rare_names) >= c.min_rare_names
    window = config.stories.window_days
    if f.days_apart is not None and f.days_apart > window:
        lead = f"published {f.days_apart:.0f} days apart (> {window:g}): unrelated"
    elif f.similarity >= c.similarity:
        lead = f"{sim} >= {c.similarity}: same story"
    elif f.similarity >= c.corroborated and corroborated:
        why = "a shared date" if f.shared_dates else f"{len(f.rare_names)} shared rare names"
        lead = f"{sim} >= {c.corroborated} with {why}: same story"
    elif f.similarity >= c.corroborated:
        lead = (
            f"{sim} < {c.similarity}, and no shared date nor {c.min_rare_names} shared rare "
            "names to corroborate it: unrelated"
        )
    else:
        lead = f"{sim} < {c.corroborated}: unrelated"
    assert (kind is Kind.SAME_STORY) == lead.endswith("same story")  # one rule, told once
    return [
        "not a copy: no copy rule holds (copy figures below)",
        lead,
        _listed("shared names", f.shared_names),
        _listed(f"shared rare names (Zipf < {c.rare_zipf})", f.rare_names),
        _listed("shared dates", f.shared_dates),
        _listed("shared numbers", f.shared_numbers),
    ]


def compare(a: Article, b: Article, config: Config | None = None) -> Comparison:
    """Compare two articles with the engine's own fingerprints, scores and kind rule."""
    config = config or Config()
    fp = fingerprint_articles([a, b], config)
    s = _figures(fp, config)
    copy_kind: Kind | None
    if (fp.exact[0] == fp.exact[1]).all():
        copy_kind = Kind.EXACT
    else:
        row = np.array([[s[name] for name in SCORE_COLUMNS]])
        code = classify(row, fp.n_content[[0]], fp.n_content[[1]], config.verify)[0]
        copy_kind = KIND_CODES[code]
    s["exact"] = float(copy_kind is Kind.EXACT)
    story = story_figures(a.text, b.text, config.relation, a.published, b.published)
    s.update(_story_scores(story))
    kind = copy_kind or story_kind(story, config.relation, config.stories.window_days)
    reasons = _reasons(copy_kind, s, config)
    # a copy shares words, so it is in one language whatever the guesses say
    across = None if copy_kind else _across(a, b, config.translate)
    if across is None:
        passages = _passages(a.text, b.text)
        quoted = sum(p["quoted"] >= 0.5 for p in passages)  # type: ignore[operator]
        reasons.append(
            f"{len(passages)} aligned passages, {quoted} of them quotations (listed in --json)"
        )
    else:
        passages = _passages(a.text, b.text, across.alignment)
        s.update(across.scores)
        reasons.append(
            f"{len(passages)} aligned paragraphs across the languages, "
            f"{len(across.alignment.changes)} changed facts (listed by diff --json)"
        )
    if across is not None and across.translation:
        kind = Kind.TRANSLATION
        reasons = across.reasons + reasons
    elif copy_kind is None:  # the story figures decided: they come first, the copy figures after
        reasons = _story_reasons(kind, story, config) + (across.reasons if across else []) + reasons
    return Comparison(
        a=a.id,
        b=b.id,
        kind=kind,
        scores={k: round(v, 4) for k, v in s.items()},
        reasons=reasons,
        passages=passages,
    )


def _passages(
    a: str, b: str, alignment: Alignment | None = None, preview: int = 80
) -> list[dict[str, object]]:
    """The passages of ``alignment`` (by default ``align(a, b)``) as plain data, each with the
    start of both sides."""
    from newsdedup.relate.passages import align

    if alignment is None:
        alignment = align(a, b)
    return [
        {
            "a": [p.a_start, p.a_end],
            "b": [p.b_start, p.b_end],
            "similarity": round(p.similarity, 4),
            "quoted": p.quoted,
            "text_a": a[p.a_start : min(p.a_end, p.a_start + preview)],
            "text_b": b[p.b_start : min(p.b_end, p.b_start + preview)],
        }
        for p in alignment.passages
    ]


@dataclass(frozen=True, slots=True)
class _Across:
    """Two articles in two languages: the translation stage's pair figures and gates."""

    translation: bool
    scores: dict[str, float]
    reasons: list[str]
    alignment: Alignment


def _across(a: Article, b: Article, t: TranslateConfig) -> _Across | None:
    """The translation verdict on a pair in two known languages (None otherwise): the pair
    gates of relate/translate.py, with the anchor overlap as a plain cosine of the key sets."""

    from newsdedup.fingerprint.multilingual import (
        encode_leads,
        encoder_settings,
        split_lead_and_tail,
    )
    from newsdedup.relate.crosslingual import align_translation
    from newsdedup.relate.translate import (
        ALPHABETIC,
        ENCODED,
        article_features,
        both_tails,
        language_of,
        same_text,
        tails_disagree,
    )

    lang_a, lang_b = language_of(a), language_of(b)
    if not t.enabled or not lang_a or not lang_b or lang_a == lang_b:
        return None
    (_, keys_a, lead_a), (_, keys_b, lead_b) = (
        article_features(x, t, lang) for x, lang in ((a, lang_a), (b, lang_b))
    )
    settings = encoder_settings(t)

    def encode(leads: list[str]) -> NDArray[np.float32]:
        return encode_leads(leads, **settings)

    shared = len(np.intersect1d(keys_a, keys_b))
    anchors = shared / math.sqrt(len(keys_a) * len(keys_b)) if shared else 0.0
    read = lang_a in ENCODED and lang_b in ENCODED
    (head_a, tail_a), (head_b, tail_b) = split_lead_and_tail(lead_a), split_lead_and_tail(lead_b)
    cosine = tail_cosine = math.nan
    if read:
        tails = both_tails(tail_a, tail_b)
        vectors = encode([head_a, head_b, tail_a, tail_b] if tails else [head_a, head_b])
        cosine = float(vectors[0] @ vectors[1])
        if tails:
            tail_cosine = float(vectors[2] @ vectors[3])
    score = t.anchor_weight * anchors + (cosine if read else t.unread_cosine)
    one_text = read and same_text(head_a, head_b, t)
    if read:
        gate = cosine >= t.min_cosine and not one_text and not tails_disagree(score, tail_cosine, t)
    else:
        gate = lang_a in ALPHABETIC and lang_b in ALPHABETIC and anchors >= t.min_anchor
    translation = gate and score >= t.min_score
    scores = {"translation_anchors": anchors, "translation_score": score}
    if read:
        scores["translation_cosine"] = cosine
    if not math.isnan(tail_cosine):
        scores["translation_tail_cosine"] = tail_cosine
    reasons = _across_reasons(
        (a, b),
        (lang_a, lang_b),
        (cosine, anchors, score, tail_cosine),
        translation=translation,
        t=t,
    )
    if one_text:
        reasons.append(
            f"the two leads share {t.max_lead_overlap} or more of their word pairs: one text "
            "guessed in two languages (a quoted passage, a mixed-language text), not a "
            "translation"
        )
    alignment = align_translation(a.text, b.text, lang_a=lang_a, lang_b=lang_b, encode=encode)
    return _Across(translation, scores, reasons, alignment)


def _across_reasons(
    articles: tuple[Article, Article],
    langs: tuple[str, str],
    figures: tuple[float, float, float, float],
    *,
    translation: bool,
    t: TranslateConfig,
) -> list[str]:
    """Why a pair in two languages is, or is not, a translation: the gates, figure by figure."""
    from newsdedup.relate.translate import ALPHABETIC, ENCODED

    cosine, anchors, score, tail_cosine = figures
    told = ["given" if x.lang else "guessed from the text" for x in articles]
    lines = [
        f"languages: A {langs[0]} ({told[0]}), B {langs[1]} ({told[1]}): judged by the "
        "translation stage's pair gates (relate/translate.py)",
        f"anchor overlap {anchors:.3f}: the plain cosine of the two texts' anchor keys (numbers, "
        "name skeletons); a corpus weights each key by its rarity, which a lone pair cannot",
    ]
    if not math.isnan(cosine):
        ok = "passes" if cosine >= t.min_cosine else "fails"
        lines.append(
            f"encoder cosine of the leads (title and {t.lead_chars} characters) {cosine:.3f}: "
            f"{ok} >= {t.min_cosine}"
        )
        if not math.isnan(tail_cosine):
            if score >= t.tail_below:
                ok = f"not needed at a score of {t.tail_below} or more"
            else:
                ok = ("passes" if tail_cosine >= t.min_tail_cosine else "fails") + (
                    f" >= {t.min_tail_cosine}"
                )
            lines.append(
                f"encoder cosine of the tails (last {t.tail_chars} characters) "
                f"{tail_cosine:.3f}: {ok} (a report of the same event in another language "
                "opens alike but ends elsewhere)"
            )
    else:
        unread = ", ".join(lg for lg in langs if lg not in ENCODED)
        alpha = all(lg in ALPHABETIC for lg in langs)
        ok = "passes" if alpha and anchors >= t.min_anchor else "fails"
        lines.append(
            f"the encoder does not read {unread}: its cosine counts as {t.unread_cosine}, and "
            f"the pair stands on its anchors ({'both' if alpha else 'not both'} alphabetic, "
            f"overlap >= {t.min_anchor}): {ok}"
        )
    used = cosine if not math.isnan(cosine) else t.unread_cosine
    verdict = "a translation" if translation else "not a translation"
    lines += [
        f"translation score {t.anchor_weight} x {anchors:.3f} + {used:.3f} = {score:.3f} "
        f"(>= {t.min_score} needed): {verdict}",
        f"in a corpus the verdict also needs each to be the other's best match in its language "
        f"by {t.margin} or more (the nearest-neighbour margin), which a lone pair cannot show",
    ]
    return lines
