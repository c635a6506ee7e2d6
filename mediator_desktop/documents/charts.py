"""The trend charts (矛盾纠纷走势图) of the statistics report, drawn once for the window and the PDF.

matplotlib with its Agg backend (no Qt): each chart is a PNG of a given size, which the window
shows and the PDF embeds. The shipped CJK fonts are registered with matplotlib (文泉驿微米黑,
then 花園明朝 A/B as fallbacks), so no label loses a glyph on a PC without Chinese fonts.
matplotlib is imported only when a chart is drawn: the start-up never pays for it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mediator_desktop.paths import fonts_dir

if TYPE_CHECKING:
    from mediator_desktop.services.statistics import Trend


@dataclass(frozen=True)
class ChartKind:
    key: str
    title: str


CHARTS: tuple[ChartKind, ...] = (
    ChartKind("by_month", "各月受理纠纷（按类型）"),
    ChartKind("rate", "各月调解成功率"),
    ChartKind("types", "纠纷类型分布"),
    ChartKind("visits", "各月回访完成情况"),
)

#: Colours distinguishable in print and on a poor screen (matplotlib's tab20, dark tones first).
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
            "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94")

_lock = threading.Lock()
_families: list[str] = []


def _fonts() -> list[str]:
    """Register the shipped fonts with matplotlib once; their family names, preferred first."""
    with _lock:
        if not _families:
            from matplotlib import font_manager

            for name in ("wqy-microhei.ttc", "HanaMinA.ttf", "HanaMinB.ttf"):
                path = fonts_dir() / name
                if path.is_file():
                    before = {f.name for f in font_manager.fontManager.ttflist}
                    font_manager.fontManager.addfont(str(path))
                    added = [f.name for f in font_manager.fontManager.ttflist
                             if f.fname == str(path) and f.name not in before and "Mono" not in f.name]
                    _families.extend(n for n in added if n not in _families)
        return list(_families)


#: The charts' base font size (points) at scale 1; titles, legends and labels are sized relative
#: to it ("large", "small"), so ``scale`` enlarges every text of a chart together.
BASE_FONT_SIZE = 10.0


@contextmanager
def _style(scale: float = 1.0) -> Iterator[None]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    families = _fonts()
    with matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": [*families, "DejaVu Sans"],
                                "axes.unicode_minus": False, "font.size": BASE_FONT_SIZE * scale,
                                "axes.spines.top": False, "axes.spines.right": False}):
        yield


def render(trend: Trend, key: str, *, width: float = 6.4, height: float = 3.2, dpi: int = 150,
           scale: float = 1.0) -> bytes:
    """The chart ``key`` (see :data:`CHARTS`) as PNG bytes, ``width``×``height`` inches; its
    fonts ``scale`` times the base size (the window passes its font's size against the default)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with _style(scale):
        fig = figure(trend, key, width=width, height=height, dpi=dpi)
        out = io.BytesIO()
        FigureCanvasAgg(fig).print_png(out)  # type: ignore[no-untyped-call]
    return out.getvalue()


def figure(trend: Trend, key: str, *, width: float = 6.4, height: float = 3.2, dpi: int = 150) -> Any:
    """The chart ``key`` as a matplotlib Figure (drawn within :func:`_style`)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    {"by_month": _by_month, "rate": _rate, "types": _types, "visits": _visits}[key](ax, trend)
    if key in ("by_month", "visits") and ax.has_data():
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole
    if key == "types" and ax.has_data():
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(next(c.title for c in CHARTS if c.key == key), fontsize="large")
    return fig


def render_all(trend: Trend, **size: Any) -> list[tuple[str, bytes]]:
    """Every chart as (title, PNG)."""
    return [(c.title, render(trend, c.key, **size)) for c in CHARTS]


def _month_labels(trend: Trend) -> list[str]:
    many_years = len({m.year for m in trend.months}) > 1
    return [f"{m.year % 100:02d}年{m.month}月" if many_years else f"{m.month}月" for m in trend.months]


def _empty(ax: Any, text: str = "本期没有数据") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize="large", color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def _by_month(ax: Any, trend: Trend) -> None:
    labels = _month_labels(trend)
    used = [t for t in trend.types if any(m.by_type.get(t) for m in trend.months)]
    if not used:
        _empty(ax)
        return
    bottom = [0] * len(labels)
    for i, name in enumerate(used):
        values = [m.by_type.get(name, 0) for m in trend.months]
        ax.bar(labels, values, bottom=bottom, label=name.removesuffix("纠纷"), color=_PALETTE[i % len(_PALETTE)])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("件")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False, ncols=1 + len(used) // 9)
    ax.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0)


def _rate(ax: Any, trend: Trend) -> None:
    labels = _month_labels(trend)
    rates = [m.rate for m in trend.months]
    if all(r is None for r in rates):
        _empty(ax, "本期没有办结的案件")
        return
    xs = [i for i, r in enumerate(rates) if r is not None]
    ys = [r for r in rates if r is not None]
    ax.plot(xs, ys, marker="o", color=_PALETTE[0])
    for x, y in zip(xs, ys, strict=True):
        ax.annotate(f"{y:.1f}%", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize="small")
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0)
    # Half a month of room either side: the last point's label (“100.0%”) is not cut at the right.
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylim(0, 110)
    ax.set_ylabel("成功率（%）")


def _types(ax: Any, trend: Trend) -> None:
    totals = [(t, sum(m.by_type.get(t, 0) for m in trend.months)) for t in trend.types]
    totals = [(t, n) for t, n in totals if n]
    if not totals:
        _empty(ax)
        return
    names = [t for t, _ in reversed(totals)]
    values = [n for _, n in reversed(totals)]
    bars = ax.barh(names, values, color=_PALETTE[0])
    whole = sum(values)
    ax.bar_label(bars, labels=[f"{v} ({v * 100 / whole:.1f}%)" for v in values], fontsize="small", padding=3)
    ax.set_xlabel("件")
    ax.set_xlim(0, max(values) * 1.3)
    ax.tick_params(axis="y", labelsize="small")


def _visits(ax: Any, trend: Trend) -> None:
    labels = _month_labels(trend)
    due = [m.visits_due for m in trend.months]
    done = [m.visits_done for m in trend.months]
    if not any(due):
        _empty(ax, "本期没有应回访的记录")
        return
    xs = list(range(len(labels)))
    ax.bar([x - 0.2 for x in xs], due, width=0.4, label="应回访", color=_PALETTE[10])
    ax.bar([x + 0.2 for x in xs], done, width=0.4, label="按期回访", color=_PALETTE[2])
    ax.set_xticks(xs, labels, rotation=45 if len(labels) > 6 else 0)
    ax.set_ylabel("次")
    ax.legend(fontsize="small", frameon=False)


__all__ = ["BASE_FONT_SIZE", "CHARTS", "ChartKind", "figure", "render", "render_all"]
