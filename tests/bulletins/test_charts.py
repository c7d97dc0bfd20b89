"""Bulletin charts: the shipped font covers the Chinese they show, and the PNGs hold what was asked."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from PIL import Image

from bulletins._font import cjk_family, font_path
from bulletins.charts import (
    Bar,
    completion_chart,
    completion_figure,
    png,
    trend_chart,
    trend_figure,
)

ROOT = Path(__file__).resolve().parents[2]

TITLE = "11月走访进度通报（截至11月25日）"
DONE, QUOTA, EXPECTED, BEHIND = "已走访", "走访任务数", "应达进度", "滞后"
UNITS = (
    "红山街道",
    "湖东路派出所",
    "花山区司法局",
    "雨山区人民法院",
    "当涂县市场监督管理局",
    "含山县",
    "和县",
    "博望区",
    "郑蒲港新区",
    "慈湖高新区",
)
TREND_TITLE = "每日走访与新增问题"
SERIES_NAMES = ("走访户数", "新增问题")
NOV_1 = date(2026, 11, 1)


def bars(count: int) -> list[Bar]:
    return [
        Bar(f"{UNITS[i % len(UNITS)]}{i}", done=(i * 37) % 130, quota=(0, 80, 100)[i % 3])
        for i in range(count)
    ]


def png_image(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(data)).verify()  # checks every chunk's CRC
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


def legend_texts(fig: Figure) -> list[str]:
    return [text.get_text() for legend in fig.legends for text in legend.get_texts()]


def bar_lengths(fig: Figure) -> list[list[float]]:
    """The right edge of every bar, per collection (tracks first, then the done bars)."""
    collections = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    return [
        [float(np.asarray(path.vertices)[:, 0].max()) for path in c.get_paths()]
        for c in collections
    ]


@pytest.fixture(scope="module")
def charset() -> set[int]:
    return set(FT2Font(str(font_path())).get_charmap())


def test_the_font_covers_every_gb2312_character(charset: set[int]) -> None:
    gb2312 = []
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                gb2312.append(bytes((first, second)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(gb2312) == 7445  # 6,763 hanzi and 682 symbols
    assert [c for c in gb2312 if ord(c) not in charset] == []


def test_the_font_covers_every_label_these_tests_draw(charset: set[int]) -> None:
    labels = [TITLE, DONE, QUOTA, EXPECTED, BEHIND, *UNITS, TREND_TITLE, *SERIES_NAMES]
    used = {c for label in labels for c in label} | set("0123456789/%")
    assert sorted(c for c in used if ord(c) not in charset) == []


def test_the_family_resolves_to_the_shipped_file_with_no_fallback() -> None:
    found = findfont(FontProperties(family=cjk_family()), fallback_to_default=False)
    assert Path(found) == font_path()


def test_a_completion_chart_is_a_png_with_every_unit_and_its_figures() -> None:
    given = [
        Bar("红山街道", 37, 50),
        Bar("湖东路派出所", 120, 100),
        Bar("雨山区人民法院", 50, 0),
        Bar("含山县", 10, 60),
    ]
    fig = completion_figure(TITLE, given, DONE, QUOTA, 0.6, EXPECTED, BEHIND)

    assert texts(fig) == [
        "红山街道",
        "37/50  74%",
        "湖东路派出所",
        "120/100  120%",
        "雨山区人民法院",
        "50",
        "含山县",
        "10/60  17%",
    ]
    tracks, done = bar_lengths(fig)
    assert tracks == [100.0, 100.0, 100.0]  # none for the unit without a quota
    assert done == pytest.approx([74.0, 120.0, 0.0, 100 * 10 / 60])
    assert legend_texts(fig) == [DONE, BEHIND, QUOTA, EXPECTED]
    (line,) = fig.axes[0].get_lines()
    assert np.asarray(line.get_xdata(), dtype=float).tolist() == [60.0, 60.0]

    image = png_image(completion_chart(TITLE, given, DONE, QUOTA, 0.6, EXPECTED, BEHIND))
    assert image.size == (1000, 80 + 4 * 22 + 45)
    assert np.asarray(image.convert("L")).min() < 100  # ink was drawn, not a blank canvas


def test_only_units_behind_the_expected_pace_are_marked_and_only_when_asked() -> None:
    given = [Bar("红山街道", 59, 100), Bar("含山县", 50, 100)]  # 5 points of tolerance

    marked = completion_figure(TITLE, given, DONE, QUOTA, 0.6, EXPECTED, BEHIND)
    unmarked = completion_figure(TITLE, given, DONE, QUOTA, 0.6, EXPECTED)

    done_colours = np.asarray(marked.axes[0].collections[1].get_facecolor())
    assert done_colours[0].tolist() != done_colours[1].tolist()
    assert legend_texts(marked) == [DONE, BEHIND, QUOTA, EXPECTED]
    assert legend_texts(unmarked) == [DONE, QUOTA, EXPECTED]


def test_a_given_share_wins_over_done_by_quota() -> None:
    fig = completion_figure(TITLE, [Bar("红山街道", 120, 100, share=0.9)], DONE, QUOTA)

    assert texts(fig)[1] == "120/100  90%"
    assert bar_lengths(fig)[1] == pytest.approx([90.0])
    assert legend_texts(fig) == [DONE, QUOTA]  # no pace line was given


def test_a_runaway_unit_is_drawn_to_the_cap_but_labelled_with_its_true_share() -> None:
    fig = completion_figure(TITLE, [Bar("红山街道", 600, 100), Bar("和县", 50, 100)], DONE, QUOTA)

    assert texts(fig)[1] == "600/100  600%"
    assert bar_lengths(fig)[1] == pytest.approx([150.0, 50.0])
    assert fig.axes[0].get_xlim()[1] < 200


def test_two_hundred_units_each_keep_a_row_and_render() -> None:
    many = bars(200)

    image = png_image(completion_chart("全市走访进度", many, DONE, QUOTA, 0.6, EXPECTED, BEHIND))

    assert image.size == (1000, 80 + 200 * 22 + 45)
    few = png_image(completion_chart("全市走访进度", many[:10], DONE, QUOTA))
    assert few.size == (1000, 80 + 10 * 22 + 45)


def test_a_label_the_font_cannot_draw_is_caught_by_the_warning_filter() -> None:
    with pytest.warns(UserWarning, match="missing from font"):
        completion_chart("走访进度 \N{GRINNING FACE}", [Bar("红山街道", 1, 2)], DONE, QUOTA)


def test_a_trend_chart_draws_one_line_per_series_over_the_days() -> None:
    days = [NOV_1 + timedelta(days=i) for i in range(31)]
    visits = [100 + (i * 53) % 200 for i in range(31)]
    problems = [(i * 7) % 40 for i in range(31)]
    series = [(SERIES_NAMES[0], visits), (SERIES_NAMES[1], problems)]

    fig = trend_figure(TREND_TITLE, days, series)

    lines = fig.axes[0].get_lines()
    assert [np.asarray(line.get_ydata()).tolist() for line in lines] == [visits, problems]
    assert legend_texts(fig) == list(SERIES_NAMES)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[:3] == ["11/1", "11/4", "11/7"]
    assert len(ticks) <= 12
    assert texts(fig) == [str(visits[-1]), str(problems[-1])]
    assert fig.axes[0].get_ylim()[1] >= max(visits)

    image = png_image(trend_chart(TREND_TITLE, days, series))
    assert image.size == (1000, 520)


def test_day_labels_can_come_from_the_caller() -> None:
    days = [NOV_1, NOV_1 + timedelta(days=1)]

    fig = trend_figure(TREND_TITLE, days, [("走访户数", [1, 2])], lambda d: f"{d.day}日")

    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["1日", "2日"]


def test_a_series_that_does_not_match_the_days_is_refused() -> None:
    with pytest.raises(ValueError, match="走访户数"):
        trend_chart(TREND_TITLE, [NOV_1, NOV_1], [("走访户数", [1, 2, 3])])


def test_dollar_signs_in_labels_stay_plain_text() -> None:
    bars_ = [Bar("$1 $2", 1, 2)]
    completion = completion_figure("$标题$", bars_, "$已走访$", QUOTA, 0.5, EXPECTED)
    trend = trend_figure("$标题$", [NOV_1], [("$走访户数$", [1])])

    for fig in (completion, trend):
        drawn = [*fig.texts, *fig.axes[0].texts, *fig.legends[0].get_texts()]
        assert [t.get_text() for t in drawn if t.get_parse_math()] == []
        png_image(png(fig))


def test_empty_charts_still_render() -> None:
    png_image(completion_chart(TITLE, [], DONE, QUOTA))
    png_image(trend_chart(TREND_TITLE, [], []))


def test_importing_costs_no_matplotlib_and_rendering_leaves_no_global_state() -> None:
    script = """
import sys
import bulletins.charts as charts
assert "matplotlib" not in sys.modules, "imported at start-up"
import matplotlib
def settings():  # read underneath: asking for "backend" would itself import pyplot
    return {k: repr(dict.__getitem__(matplotlib.rcParams, k)) for k in dict.keys(matplotlib.rcParams)}
charts.prepare()
assert "matplotlib.figure" in sys.modules
before = settings()
charts.completion_chart("进度", [charts.Bar("红山街道", 1, 2)], "已走访", "走访任务数")
assert "matplotlib.pyplot" not in sys.modules
assert settings() == before
"""
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
