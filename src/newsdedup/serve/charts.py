"""Geometry for the UI's inline SVG charts. Only numbers, day strings and the records given come
out; the templates draw them (and escape every text).

Every chart counts an article by its own publication date (``StoredArticle.published``, read
as UTC when it has no zone): an article without one is *undated*, left off the charts and
counted apart, so a chart never shows more articles than the dated ones listed beside it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from newsdedup.store.contract import StoredArticle

__all__ = [
    "Bar",
    "Chart",
    "Dot",
    "OutletRow",
    "OutletTimeline",
    "Tick",
    "daily",
    "day_counts",
    "outlet_timeline",
    "sparkline",
    "timeline_chart",
    "utc",
]

#: Longest span of days drawn day by day; longer timelines keep only their dated points.
MAX_DAYS = 366


def utc(when: datetime) -> datetime:
    """``when`` in UTC (a naive date is read as UTC, as the story stage reads it)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def day_counts(published: Iterable[datetime | None]) -> tuple[tuple[tuple[str, int], ...], int]:
    """(UTC day, articles) in day order for the dated, and how many are undated."""
    known: dict[str, int] = {}
    undated = 0
    for when in published:
        if when is None:
            undated += 1
            continue
        day = utc(when).date().isoformat()
        known[day] = known.get(day, 0) + 1
    return tuple(sorted(known.items())), undated


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str
    count: int


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    points: str  #: the sparkline's polyline points ("x,y x,y ...")
    peak: int
    first: str | None
    last: str | None
    flat: bool  #: every day drawn has the same count (one day, or a level line): nothing to see


def daily(timeline: tuple[tuple[str, int], ...] | list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The timeline with the days in between filled with zeros, so gaps show as gaps."""
    known: dict[str, int] = {}
    for day, count in timeline:
        known[day] = known.get(day, 0) + int(count)
    try:
        days = sorted(date.fromisoformat(d) for d in known)
    except ValueError:  # not ISO days: draw the points as given
        return sorted(known.items())
    if not days or (days[-1] - days[0]).days > MAX_DAYS:
        return sorted(known.items())
    span = (days[-1] - days[0]).days + 1
    every = (days[0] + timedelta(days=n) for n in range(span))
    return [(d.isoformat(), known.get(d.isoformat(), 0)) for d in every]


def _chart(series: list[tuple[str, int]], width: int, height: int, pad: float) -> Chart:
    peak = max((c for _, c in series), default=0)
    n = max(len(series), 1)
    step = width / n
    bars = []
    coords = []
    for i, (day, count) in enumerate(series):
        h = 0.0 if peak == 0 else (height - pad) * count / peak
        bars.append(Bar(i * step + step * 0.1, height - h, step * 0.8, h, day, count))
        coords.append(f"{i * step + step / 2:.1f},{height - h:.1f}")
    return Chart(
        width=width,
        height=height,
        bars=tuple(bars),
        points=" ".join(coords),
        peak=peak,
        first=series[0][0] if series else None,
        last=series[-1][0] if series else None,
        flat=len({c for _, c in series}) <= 1,
    )


def sparkline(timeline: tuple[tuple[str, int], ...], width: int = 100, height: int = 20) -> Chart:
    """A small line per story on the stories page (the template hides a flat one)."""
    return _chart(daily(timeline), width, height, pad=2)


def timeline_chart(
    timeline: tuple[tuple[str, int], ...], width: int = 600, height: int = 120
) -> Chart:
    """The bar chart of articles per day on a story page."""
    return _chart(daily(timeline), width, height, pad=14)


# --- the timeline by outlet -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dot:
    """One article at its publication time on its outlet's row."""

    x: float
    y: float
    article: StoredArticle
    when: str  #: "YYYY-MM-DD HH:MM" UTC
    group: int  #: its copy group's number on this page (colour class), 0 for the first group
    copied: bool  #: its copy group has other members in the story


@dataclass(frozen=True, slots=True)
class OutletRow:
    name: str  #: the source, or "" for articles without one
    y: float
    dots: tuple[Dot, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"  #: SVG text-anchor of the label


@dataclass(frozen=True, slots=True)
class OutletTimeline:
    width: int
    height: int
    left: int  #: x where the time axis starts (outlet names sit left of it)
    right: int  #: x where it ends
    axis_y: float
    rows: tuple[OutletRow, ...]
    ticks: tuple[Tick, ...]
    undated: tuple[StoredArticle, ...]


_ROW = 26
_TOP = 14
_LEFT = 150
_RIGHT_PAD = 24
#: Longest span, in days, that gets a tick at every UTC midnight.
_MIDNIGHTS = 14

_Dated = tuple[StoredArticle, datetime]
_Place = Callable[[datetime], float]


def outlet_timeline(members: Sequence[StoredArticle], width: int = 720) -> OutletTimeline:
    """Rows = outlets (earliest first; articles without a source last), a dot per dated article
    at its publication time; undated articles are returned apart, not drawn."""
    dated = sorted(
        ((a, utc(a.published)) for a in members if a.published is not None),
        key=lambda item: (item[1], item[0].id),
    )
    groups = {g: n for n, g in enumerate(dict.fromkeys(a.group for a in members))}
    sizes = Counter(a.group for a in members)
    outlets = list(dict.fromkeys(a.source or "" for a, _ in dated))
    if "" in outlets:  # the unknown outlet last
        outlets = [o for o in outlets if o] + [""]
    right = width - _RIGHT_PAD
    place = _time_scale([t for _, t in dated], _LEFT + 10, right - 10)
    rows = []
    for n, name in enumerate(outlets):
        y = _TOP + n * _ROW + _ROW / 2
        dots = tuple(
            Dot(place(t), y, a, t.strftime("%Y-%m-%d %H:%M"), groups[a.group], sizes[a.group] > 1)
            for a, t in dated
            if (a.source or "") == name
        )
        rows.append(OutletRow(name, y, dots))
    axis_y = _TOP + len(outlets) * _ROW + 4
    return OutletTimeline(
        width=width,
        height=int(axis_y + 30),
        left=_LEFT,
        right=right,
        axis_y=axis_y,
        rows=tuple(rows),
        ticks=_ticks([t for _, t in dated], place),
        undated=tuple(a for a in members if a.published is None),
    )


def _time_scale(times: Sequence[datetime], x0: float, x1: float) -> _Place:
    if not times or times[-1] <= times[0]:  # nothing, or one moment: in the middle
        return lambda t: (x0 + x1) / 2
    t0, t1 = times[0].timestamp(), times[-1].timestamp()
    return lambda t: x0 + (x1 - x0) * (t.timestamp() - t0) / (t1 - t0)


def _ticks(times: Sequence[datetime], place: _Place) -> tuple[Tick, ...]:
    """The first and the last publication time, and the UTC midnights between them when the
    span is short (labelled by day, where they do not crowd the ends)."""
    if not times:
        return ()
    first, last = times[0], times[-1]
    if last <= first:
        return (Tick(place(first), first.strftime("%Y-%m-%d %H:%M")),)
    ends = [
        Tick(place(first), first.strftime("%Y-%m-%d %H:%M"), "start"),
        Tick(place(last), last.strftime("%Y-%m-%d %H:%M"), "end"),
    ]
    if (last - first).days > _MIDNIGHTS:
        return tuple(ends)
    day = datetime.combine(first.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    middle = []
    while day < last:
        x = place(day)
        crowded = any(abs(x - end.x) < 90 for end in ends)
        middle.append(Tick(x, "" if crowded else day.strftime("%m-%d")))
        day += timedelta(days=1)
    return (ends[0], *middle, *ends[1:])
