"""Bulletin charts as PNG bytes: quota completion by unit and daily trends, in Chinese."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bulletins._font import cjk_family
from domain.pace import Pace, standing

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import Transform

__all__ = [
    "Bar",
    "completion_chart",
    "completion_figure",
    "png",
    "prepare",
    "trend_chart",
    "trend_figure",
]

_DPI = 100
_WIDTH_IN = 10.0
# Each unit gets a fixed row so 200 units stay as legible as 5: the figure grows instead.
_ROW_IN = 0.22
_MIN_ROWS = 4
_BAR_HEIGHT = 0.72  # of a row
_HEADER_IN = 0.8  # title and legend above the plot
_FOOTER_IN = 0.45  # the tick labels below it
_RIGHT_IN = 0.25
_LABEL_GAP_IN = 0.08
_TREND_HEIGHT_IN = 5.2
_TREND_LEFT_IN = 0.75
# Bars past this share are drawn to it (the note keeps the true figure): one unit at 600 %
# must not squash everybody else's bar.
_CAP = 1.5
# Room right of the longest bar for its note, as a share of the axis.
_NOTE_ROOM = 1.3

_TITLE_PT = 15
_TEXT_PT = 10
_NOTE_PT = 9

_TRACK = "#e3e6ea"
_DONE = "#2f7bbf"
_BEHIND = "#e0813a"
_EXPECTED = "#c62828"
_GRID = "#d0d4d9"
_SERIES = ("#2f7bbf", "#e0813a", "#3f9e5a", "#8e5bb5", "#c62828", "#6d747d")


@dataclass(frozen=True, slots=True)
class Bar:
    """One unit's row: visits done against its quota (走访任务数; 0 = none set)."""

    label: str
    done: float
    quota: float
    # The share to draw; None means done / quota. Pass domain.pace.completion's capped share
    # so the bar agrees with the bulletin's text.
    share: float | None = None

    def completion(self) -> float | None:
        if self.share is not None:
            return self.share
        return self.done / self.quota if self.quota > 0 else None


def completion_chart(
    title: str,
    bars: Sequence[Bar],
    done_label: str,
    quota_label: str,
    expected: float | None = None,
    expected_label: str = "",
    behind_label: str = "",
) -> bytes:
    """Horizontal bars: completion of quota by unit (in the order given), as a PNG."""
    figure = completion_figure(
        title, bars, done_label, quota_label, expected, expected_label, behind_label
    )
    return png(figure)


def trend_chart(
    title: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    day_label: Callable[[date], str] | None = None,
) -> bytes:
    """A daily trend, one line per (name, values) series over the days, as a PNG."""
    return png(trend_figure(title, days, series, day_label))


def completion_figure(
    title: str,
    bars: Sequence[Bar],
    done_label: str,
    quota_label: str,
    expected: float | None = None,
    expected_label: str = "",
    behind_label: str = "",
) -> Figure:
    """The completion chart as a Figure; the height grows with the number of bars.

    `expected` is the share of the quota the calendar expects by now (domain.pace.expected_share),
    drawn as a dashed line. With `behind_label` too, units behind that pace are coloured apart.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    family = cjk_family()
    rows = max(len(bars), _MIN_ROWS)
    height = _HEADER_IN + rows * _ROW_IN + _FOOTER_IN
    fig = _figure(height)
    label_font = _font(family, _TEXT_PT)
    left = _widest([bar.label for bar in bars], label_font) + 2 * _LABEL_GAP_IN
    ax = _axes(fig, left, height)

    shares = [bar.completion() for bar in bars]
    lengths = [min(share or 0.0, _CAP) * 100 for share in shares]
    behind = [
        bool(behind_label) and expected is not None and standing(s, expected).pace is Pace.BEHIND
        for s in shares
    ]
    tracks = [(row, 100.0) for row, share in enumerate(shares) if share is not None]
    _bars(ax, tracks, [_TRACK] * len(tracks))
    _bars(ax, list(enumerate(lengths)), [_BEHIND if b else _DONE for b in behind])
    if expected is not None:
        ax.axvline(expected * 100, color=_EXPECTED, linestyle="--", linewidth=1.4, zorder=3)

    names = _beside(ax, fig, -_LABEL_GAP_IN)
    notes = _beside(ax, fig, _LABEL_GAP_IN, data_x=True)
    note_font = _font(family, _NOTE_PT)
    for row, (bar, share, length) in enumerate(zip(bars, shares, lengths, strict=True)):
        ax.text(
            0,
            row,
            bar.label,
            transform=names,
            ha="right",
            va="center",
            parse_math=False,
            fontproperties=label_font,
        )
        end = length if share is None else max(length, 100.0)
        ax.text(
            end,
            row,
            _bar_note(bar, share),
            transform=notes,
            va="center",
            parse_math=False,
            fontproperties=note_font,
        )

    top = max([100.0, *lengths])
    ax.set_xlim(0, top * _NOTE_ROOM)
    ax.set_ylim(rows - 0.5, -0.5)
    ticks = list(range(0, int(top) + 1, 25))
    ax.set_xticks(ticks, [f"{t}%" for t in ticks], fontproperties=label_font)
    ax.set_yticks([])
    ax.grid(axis="x", color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)

    handles: list[Artist] = [Patch(color=_DONE, label=done_label)]
    if any(behind):
        handles.append(Patch(color=_BEHIND, label=behind_label))
    handles.append(Patch(color=_TRACK, label=quota_label))
    if expected is not None and expected_label:
        handles.append(Line2D([], [], color=_EXPECTED, linestyle="--", label=expected_label))
    _header(fig, family, title, handles, left, height)
    return fig


def trend_figure(
    title: str,
    days: Sequence[date],
    series: Sequence[tuple[str, Sequence[int]]],
    day_label: Callable[[date], str] | None = None,
) -> Figure:
    """The trend chart as a Figure; days are labelled "M/D" unless `day_label` says otherwise."""
    from matplotlib.ticker import MaxNLocator

    for name, values in series:
        if len(values) != len(days):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(days)} days")
    family = cjk_family()
    fig = _figure(_TREND_HEIGHT_IN)
    ax = _axes(fig, _TREND_LEFT_IN, _TREND_HEIGHT_IN)
    text_font = _font(family, _TEXT_PT)
    note_font = _font(family, _NOTE_PT)
    at = list(range(len(days)))
    lines: list[Artist] = []
    for index, (name, values) in enumerate(series):
        colour = _SERIES[index % len(_SERIES)]
        (line,) = ax.plot(at, list(values), color=colour, linewidth=2, marker="o", markersize=3.5)
        line.set_label(name)
        lines.append(line)
        if values:
            ax.annotate(
                str(values[-1]),
                (at[-1], values[-1]),
                xytext=(5, 0),
                color=colour,
                textcoords="offset points",
                parse_math=False,
                va="center",
                fontproperties=note_font,
            )

    step = max(1, -(-len(days) // 12))  # about a dozen day labels at most
    shown = at[::step]
    label = day_label or _month_day
    ax.set_xticks(shown, [label(days[i]) for i in shown], fontproperties=text_font)
    ax.set_xlim(-0.5, len(days) + 0.3)
    highest = max((max(values) for _, values in series if values), default=0)
    ticks = [float(t) for t in MaxNLocator(nbins=6, integer=True).tick_values(0, max(highest, 1))]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks], fontproperties=text_font)
    ax.set_ylim(0, ticks[-1])
    ax.grid(axis="y", color=_GRID, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _header(fig, family, title, lines, _TREND_LEFT_IN, _TREND_HEIGHT_IN)
    return fig


def prepare() -> None:
    """Load matplotlib and the font before the first chart (e.g. in a thread after start-up)."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure
    import matplotlib.textpath  # noqa: F401

    cjk_family()


def png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes with the Agg backend, touching no global pyplot state."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI)
    return buffer.getvalue()


def _figure(height_in: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH_IN, height_in), dpi=_DPI)
    FigureCanvasAgg(fig)
    return fig


def _axes(fig: Figure, left_in: float, height_in: float) -> Axes:
    """The plot area, placed in inches: a layout engine costs more than the drawing itself."""
    width = _WIDTH_IN - left_in - _RIGHT_IN
    plot_height = height_in - _HEADER_IN - _FOOTER_IN
    return fig.add_axes(
        (
            left_in / _WIDTH_IN,
            _FOOTER_IN / height_in,
            width / _WIDTH_IN,
            plot_height / height_in,
        )
    )


def _bars(ax: Axes, rows: Sequence[tuple[int, float]], colours: Sequence[str]) -> None:
    """Draw (row, length) bars as one collection: a patch per bar costs more than the chart."""
    from matplotlib.collections import PolyCollection

    half = _BAR_HEIGHT / 2
    shapes = [
        [(0.0, row - half), (length, row - half), (length, row + half), (0.0, row + half)]
        for row, length in rows
    ]
    ax.add_collection(PolyCollection(shapes, facecolors=colours, linewidths=0), autolim=False)


def _header(
    fig: Figure,
    family: str,
    title: str,
    handles: Sequence[Artist],
    left_in: float,
    height_in: float,
) -> None:
    fig.text(
        0.1 / _WIDTH_IN,
        1 - 0.12 / height_in,
        title,
        va="top",
        parse_math=False,
        fontproperties=_font(family, _TITLE_PT),
    )
    if handles:
        legend = fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(left_in / _WIDTH_IN, 1 - (_HEADER_IN - 0.05) / height_in),
            ncols=len(handles),
            frameon=False,
            borderaxespad=0,
            prop=_font(family, _TEXT_PT),
        )
        for text in legend.get_texts():
            text.set_parse_math(False)  # labels are plain text, "$" included


def _widest(labels: Sequence[str], font: FontProperties) -> float:
    """Width in inches of the widest label set in `font`."""
    from matplotlib.textpath import TextToPath

    measure = TextToPath().get_text_width_height_descent
    points = max((measure(label, font, ismath=False)[0] for label in set(labels)), default=0.0)
    return points / 72


def _beside(ax: Axes, fig: Figure, shift_in: float, data_x: bool = False) -> Transform:
    """x at the axis' left edge (or at a data x), y at a row, shifted sideways by `shift_in`."""
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    base = blended_transform_factory(ax.transData if data_x else ax.transAxes, ax.transData)
    return base + ScaledTranslation(shift_in, 0, fig.dpi_scale_trans)


def _bar_note(bar: Bar, share: float | None) -> str:
    if share is None:
        return _number(bar.done)
    return f"{_number(bar.done)}/{_number(bar.quota)}  {share * 100:.0f}%"


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _month_day(day: date) -> str:
    return f"{day.month}/{day.day}"


def _font(family: str, size: float) -> FontProperties:
    from matplotlib.font_manager import FontProperties

    return FontProperties(family=family, size=size)
