"""Geometry for the UI's inline SVG charts, from ``Story.timeline`` ((ISO day, count) pairs).
Only numbers and day strings come out; the templates draw them (and escape the days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Bar", "Chart", "daily", "sparkline", "timeline_chart"]

#: Longest span of days drawn day by day; longer timelines keep only their dated points.
MAX_DAYS = 366


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
    if len(coords) == 1:  # one day: a flat line across, so it is visible
        y = coords[0].split(",")[1]
        coords = [f"0,{y}", f"{width},{y}"]
    return Chart(
        width=width,
        height=height,
        bars=tuple(bars),
        points=" ".join(coords),
        peak=peak,
        first=series[0][0] if series else None,
        last=series[-1][0] if series else None,
    )


def sparkline(timeline: tuple[tuple[str, int], ...], width: int = 100, height: int = 20) -> Chart:
    """A small line per story on the stories page."""
    return _chart(daily(timeline), width, height, pad=2)


def timeline_chart(
    timeline: tuple[tuple[str, int], ...], width: int = 600, height: int = 120
) -> Chart:
    """The bar chart of articles per day on a story page."""
    return _chart(daily(timeline), width, height, pad=14)
