"""A static HTML report of stories: biggest first, each with its timeline, sources and copy groups.

One self-contained file (inline CSS and SVG, no script, nothing loaded from elsewhere), so it
opens from disk and can be mailed. Titles, labels, sources and ids come from crawled pages and
are untrusted: every one goes through ``html.escape``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from html import escape

from newsdedup.atomic import StrPath, atomic_open
from newsdedup.types import Story, StoryResult, Topic

__all__ = ["sparkline", "story_report_html", "write_story_report"]

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin:.2rem 0}.story{border-top:1px solid #ddd;
padding:.8rem 0}.meta{color:#666;font-size:.85rem}.label span{display:inline-block;
background:#eef3ff;border-radius:.3rem;padding:0 .35rem;margin:0 .2rem .2rem 0;font-size:.8rem}
details{margin:.3rem 0}summary{cursor:pointer;color:#345}ul{margin:.2rem 0 .2rem 1.2rem;padding:0}
svg{vertical-align:middle}.orig{font-weight:600}
.topic{border-left:3px solid #c9d6f2;padding-left:.8rem;margin:1rem 0}
"""
_WIDTH, _HEIGHT = 160, 28


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def sparkline(timeline: tuple[tuple[str, int], ...]) -> str:
    """Daily article counts as a small inline SVG bar chart (days without articles left blank);
    nothing for a flat one (a single day, or the same count on every day in a row)."""
    if not timeline or _flat(timeline):
        return ""
    from datetime import date

    days = [date.fromisoformat(d) for d, _ in timeline]
    span = (days[-1] - days[0]).days + 1
    peak = max(n for _, n in timeline)
    bar = max(_WIDTH / span, 1.0)
    bars = "".join(
        f'<rect x="{(day - days[0]).days * _WIDTH / span:.1f}" '
        f'y="{_HEIGHT - n * _HEIGHT / peak:.1f}" width="{bar:.1f}" '
        f'height="{n * _HEIGHT / peak:.1f}" fill="#4a74d9"/>'
        for day, (_, n) in zip(days, timeline, strict=True)
    )
    title = f"{timeline[0][0]} to {timeline[-1][0]}, at most {peak} articles a day"
    return (
        f'<svg width="{_WIDTH}" height="{_HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{bars}</svg>"
    )


def _flat(timeline: tuple[tuple[str, int], ...]) -> bool:
    from datetime import date

    days = [date.fromisoformat(d) for d, _ in timeline]
    consecutive = (days[-1] - days[0]).days + 1 == len(days)
    return consecutive and len({n for _, n in timeline}) == 1


def _groups(story: Story, result: StoryResult, titles: Mapping[str, str]) -> str:
    members: dict[str, list[str]] = defaultdict(list)
    for doc in story.members:
        members[result.group_of.get(doc, doc)].append(doc)
    copied = [(g, docs) for g, docs in members.items() if len(docs) > 1]
    if not copied:
        return ""
    items = "".join(
        f"<li>copy group {escape(g)}: "
        + ", ".join(
            f'<span class="{"orig" if i == 0 else ""}">{escape(titles.get(d, d))}</span>'
            for i, d in enumerate(docs)
        )
        + "</li>"
        for g, docs in sorted(copied, key=lambda item: -len(item[1]))
    )
    return (
        f"<details><summary>{_plural(len(copied), 'copy group')}</summary><ul>{items}</ul>"
        "</details>"
    )


def _story(story: Story, result: StoryResult, titles: Mapping[str, str]) -> str:
    label = "".join(f"<span>{escape(term)}</span>" for term in story.label)
    seen = " to ".join(
        escape(t.date().isoformat()) for t in (story.first_seen, story.last_seen) if t is not None
    )
    sources = ", ".join(escape(s) for s in story.sources[:10])
    more = f" and {len(story.sources) - 10} more" if len(story.sources) > 10 else ""
    voices = len(set(story.groups))
    docs = "".join(f"<li>{escape(titles.get(d, d))}</li>" for d in story.members[:50])
    return (
        f'<section class="story" id="{escape(story.id)}">'
        f"<h2>{escape(story.headline or story.id)}</h2>"
        f'<div class="label">{label}</div>'
        f'<div class="meta">{_plural(story.size, "article")} · {_plural(voices, "voice")} · '
        f"{seen or 'undated'} {sparkline(story.timeline)}</div>"
        f'<div class="meta">{_plural(len(story.sources), "source")}'
        f"{': ' + sources if sources else ''}{more}</div>"
        f"{_groups(story, result, titles)}"
        f"<details><summary>articles</summary><ul>{docs}</ul></details></section>"
    )


def _topic(
    topic: Topic | None, stories: list[Story], result: StoryResult, titles: Mapping[str, str]
) -> str:
    """A topic and the stories of it shown (biggest first); stories without one stand alone."""
    inner = "\n".join(_story(s, result, titles) for s in stories)
    if topic is None or len(topic.stories) < 2:
        return inner
    label = "".join(f"<span>{escape(term)}</span>" for term in topic.label)
    return (
        f'<section class="topic" id="{escape(topic.id)}"><div class="meta">topic · '
        f"{_plural(len(topic.stories), 'story', 'stories')} · "
        f"{_plural(topic.size, 'article')}</div>"
        f'<div class="label">{label}</div>\n{inner}</section>'
    )


def story_report_html(
    result: StoryResult, *, titles: Mapping[str, str] | None = None, limit: int = 200
) -> str:
    """The report as a string: the ``limit`` biggest stories, biggest first."""
    titles = titles or {}
    ordered = sorted(result.stories, key=lambda s: (-s.size, s.id))[:limit]
    hidden = len(result.stories) - len(ordered)
    topics = {t.id: t for t in result.topics}
    held: dict[str | None, list[Story]] = {}
    for story in ordered:  # topics in the order of their biggest shown story
        held.setdefault(story.topic if story.topic in topics else None, []).append(story)
    shown = "\n".join(
        _topic(topics.get(tid) if tid else None, items, result, titles)
        for tid, items in held.items()
    )
    tail = (
        f"<p class='meta'>{_plural(hidden, 'smaller story', 'smaller stories')} not shown.</p>"
        if hidden
        else ""
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>newsdedup stories</title><style>{_STYLE}</style></head><body>\n"
        f"<h1>{_plural(len(result.topics), 'topic')}, "
        f"{_plural(len(result.stories), 'story', 'stories')}, "
        f"{_plural(len(result.story_of), 'article')}</h1>\n"
        f"{shown}\n{tail}</body></html>\n"
    )


def write_story_report(
    result: StoryResult,
    path: StrPath,
    *,
    titles: Mapping[str, str] | None = None,
    limit: int = 200,
) -> None:
    """Write the report atomically to ``path``."""
    with atomic_open(path, "w") as fh:
        fh.write(story_report_html(result, titles=titles, limit=limit))
