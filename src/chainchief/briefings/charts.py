"""The briefings' charts as PNG images (matplotlib, no screen), with Chinese labels in a CJK font.

Both the Word and the PDF file embed the same images. Fonts are looked up by family, falling back glyph by
glyph: Noto Sans CJK (Debian ``fonts-noto-cjk``) first, then the fonts Chinese desktops carry.
"""
import io

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager  # noqa: E402  (the backend is chosen first)
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CJK_FAMILIES = ["Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei",
                "Microsoft YaHei", "DejaVu Sans"]
STATUS_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "unknown": "#9e9e9e"}
INK, GRID, LAST_YEAR = "#263238", "#cfd8dc", "#90a4ae"
DPI = 200

_INSTALLED = {f.name for f in font_manager.fontManager.ttflist}
# Only installed families are named: matplotlib warns once per glyph for every family it cannot find.
plt.rcParams.update({"font.family": [f for f in CJK_FAMILIES if f in _INSTALLED] or ["DejaVu Sans"], "axes.unicode_minus": False, "font.size": 9})


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _frame(ax):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(GRID)
    ax.spines["bottom"].set_color(GRID)
    ax.tick_params(colors=INK, length=0)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def trend(series, *, title, unit="亿元", width=6.3, height=2.4):
    """Year-to-date revenue by month: this year's line over last year's. ``series``: {"2020": [12 values], …}."""
    fig = Figure(figsize=(width, height))
    ax = fig.subplots()
    months = list(range(1, 13))
    years = sorted(series)
    for i, year in enumerate(years):
        values = series[year]
        points = [(m, v) for m, v in zip(months, values) if v is not None]
        if not points:
            continue
        latest = i == len(years) - 1
        ax.plot([m for m, _ in points], [v for _, v in points], marker="o", markersize=3,
                linewidth=2 if latest else 1.2, color="#1565c0" if latest else LAST_YEAR, label=f"{year}年")
        if latest:
            m, v = points[-1]
            ax.annotate(f"{v:,.2f}", (m, v), textcoords="offset points", xytext=(0, 6), ha="center",
                        color="#1565c0", fontsize=8)
    ax.set_xticks(months, [f"{m}月" for m in months])
    ax.set_ylabel(unit, color=INK)
    ax.set_title(title, color=INK, fontsize=10, loc="left")
    _frame(ax)
    if years:
        ax.legend(frameon=False, loc="upper left", fontsize=8)
    return _png(fig)


def progress(rows, *, title, width=6.3):
    """Each chain's progress to its target (trailing twelve months ÷ target), coloured by status, with 100%."""
    rows = [r for r in rows if r.get("progress") is not None]
    height = max(1.4, 0.24 * len(rows) + 0.8)
    fig = Figure(figsize=(width, height))
    ax = fig.subplots()
    if not rows:
        ax.text(0.5, 0.5, "暂无设定目标的产业链", ha="center", va="center", color=INK, transform=ax.transAxes)
        ax.set_axis_off()
        return _png(fig)
    names = [r["name"] for r in rows][::-1]
    values = [r["progress"] * 100 for r in rows][::-1]
    colours = [STATUS_COLOURS.get(r["status"], STATUS_COLOURS["unknown"]) for r in rows][::-1]
    bars = ax.barh(names, values, color=colours, height=0.6)
    for bar, v in zip(bars, values):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{v:.1f}%", va="center", fontsize=7,
                color=INK)
    ax.axvline(100, color=INK, linewidth=0.8, linestyle="--")
    ax.set_xlim(0, max(110, max(values) * 1.12))
    ax.set_xlabel("目标进度（%）", color=INK)
    ax.set_title(title, color=INK, fontsize=10, loc="left")
    _frame(ax)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    return _png(fig)
