"""Shared chart styling: one look for every chart of the notebooks and the weekly report.

Every chart has a title, labelled axes with units and a caption naming the data's source and
period (:func:`finish`). Labels come from article data in many scripts, so the font list
falls back from DejaVu Sans (Latin, Cyrillic) to Noto Sans CJK (Chinese) and Noto Sans Arabic;
matplotlib 3.11+ shapes Arabic and lays it out right to left. Labels are never parsed as
mathtext (an outlet name with ``$`` in it stays text).

Figures are plain :class:`matplotlib.figure.Figure` objects, not pyplot figures, so a helper
that returns one never draws it twice in a notebook; :func:`png` renders one to PNG bytes.

>>> period_text("2025-10-27", "2025-11-02")
'2025-10-27 – 2025-11-02'
>>> short_label("Transport flights to the Syrian coast resume after a pause", 30)
'Transport flights to the Syri…'
"""
from __future__ import annotations

import io
import os
import textwrap
import warnings
from datetime import date
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["COLORS", "FONT_STACK", "ChartFigure", "font_families", "use_style", "new_figure", "finish", "caption_text",
           "period_text", "date_axis", "empty_chart", "legend_above", "short_label", "png", "repo_path", "language_name",
           "short_id", "article_label", "ltr_isolate"]

# Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print.
COLORS = {
    "week": "#0072B2",      # the report's week / the main series
    "before": "#E69F00",    # earlier articles
    "undated": "#999999",   # no known date
    "accent": "#D55E00",
    "green": "#009E73",
    "shade": "#DCEBF7",     # background span of the report's week
}

# Latin+Cyrillic first, then CJK and Arabic fallbacks (Debian: fonts-dejavu-core, fonts-noto-core,
# fonts-noto-cjk). DejaVu Sans ships with matplotlib, so the stack is never empty.
FONT_STACK = ("DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans Arabic",
              "Noto Naskh Arabic", "Noto Sans")

_styled = False


def font_families() -> list[str]:
    """The fonts of :data:`FONT_STACK` installed on this machine, in fallback order."""
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in FONT_STACK if f in have] or ["DejaVu Sans"]


def use_style() -> None:
    """Set the project's chart style (fonts with script fallbacks, no mathtext, quiet axes).

    Idempotent; :func:`new_figure` calls it, so calling it yourself is only needed for charts
    made without the helpers."""
    global _styled
    matplotlib.rcParams.update({
        "font.family": font_families(),
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": "#e6e6e6",
        "grid.linewidth": 0.8,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.frameon": False,
        "legend.fontsize": 9,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "text.parse_math": False,   # untrusted labels with '$' must stay plain text
        "svg.hashsalt": "hmeimim",  # deterministic SVG ids, should anyone save SVG
    })
    # A glyph missing from every installed font draws as a box; say it once, not per label.
    warnings.filterwarnings("once", message="Glyph .* missing from font", category=UserWarning)
    _styled = True


class ChartFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that shows itself in Jupyter as a PNG (whatever the
    backend, pyplot imported or not), at 100 px per inch however finely it is rendered."""

    def _repr_png_(self):
        return png(self), {"width": int(round(self.get_figwidth() * 100))}


def new_figure(width: float = 9.0, height: float = 4.0, **subplots) -> tuple[Figure, object]:
    """A styled figure and its axes (``Figure.subplots(**subplots)``), constrained layout."""
    if not _styled:
        use_style()
    fig = ChartFigure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots(**subplots)


def empty_chart(fig, ax, message: str, **finish_kwargs):
    """A chart with nothing to draw: ``message`` in the middle, no ticks, and the usual title,
    labels and caption (:func:`finish` with ``finish_kwargs``)."""
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])
    return finish(fig, ax, **finish_kwargs)


def legend_above(ax, handles=None, ncols: int = 3) -> None:
    """A one-row legend between the title and the plot, where it never hides data."""
    kw = {"handles": handles} if handles is not None else {}
    ax.legend(**kw, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=ncols, borderaxespad=0.3,
              handlelength=1.6, columnspacing=1.6)
    ax.set_title(ax.get_title(loc="left"), loc="left", pad=24)


def date_axis(ax, lo, hi) -> None:
    """Readable day ticks between two timestamps: every day for up to 10 days, every other day
    up to 3 weeks, Mondays (the start of an ISO week) up to 10 weeks, months beyond."""
    import matplotlib.dates as mdates

    span = (hi - lo).days
    if span <= 10:
        ax.xaxis.set_major_locator(mdates.DayLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%a\n%d %b"))
    elif span <= 21:
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    elif span <= 70:
        ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("Mon\n%d %b"))
    else:
        loc = mdates.AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(loc)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc, show_offset=False))


def period_text(start, end) -> str:
    """``start – end`` as ISO dates (a single date if they are equal; '' if both unknown)."""
    s, e = _iso(start), _iso(end)
    if not s and not e:
        return ""
    if s == e or not e:
        return s
    if not s:
        return e
    return f"{s} – {e}"


def _iso(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, date):
        return v.isoformat()
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return str(v)[:10]


def caption_text(source: str, period: str, note: str = "") -> str:
    """``Data: <source>. Period: <period>. <note>`` (the caption every chart carries)."""
    parts = [f"Data: {source}." if source else "", f"Period: {period}." if period else "", note]
    return " ".join(p.strip() for p in parts if p and p.strip())


def finish(fig: Figure, ax, *, title: str, xlabel: str, ylabel: str, source: str, period: str,
           note: str = "") -> Figure:
    """Title, axis labels (with units) and the source/period caption under the chart."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    cap = caption_text(source, period, note)
    if cap:
        width_chars = max(60, int(fig.get_figwidth() * 13))
        fig.supxlabel("\n".join(textwrap.wrap(cap, width_chars)), x=0.0, ha="left", fontsize=8.5,
                      color="#555555", fontweight="normal")
    return fig


def short_label(value, n: int = 40) -> str:
    """A one-line label of at most ``n`` characters (cut with '…'); empty values -> '(none)'."""
    if value is None or (isinstance(value, float) and value != value):
        return "(none)"
    try:
        import pandas as pd

        if value is pd.NA:
            return "(none)"
    except ImportError:  # pragma: no cover
        pass
    s = " ".join(str(value).split())  # newlines and control whitespace -> single spaces
    s = "".join(ch for ch in s if ch.isprintable())
    if not s:
        return "(none)"
    return s if len(s) <= n else s[: n - 1] + "…"


def png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (deterministic: no timestamp or version in the metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


def repo_path(path: str | os.PathLike) -> Path:
    """``path`` as given if it exists, else the first match relative to the current folder's
    ancestors (so a notebook in ``notebooks/`` finds the repository's ``seeds``)."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    for parent in Path.cwd().resolve().parents:
        if (parent / p).exists():
            return parent / p
    return p


_LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "de": "German", "fr": "French",
                   "it": "Italian", "es": "Spanish", "pt": "Portuguese", "ar": "Arabic", "zh": "Chinese"}


def language_name(code) -> str:
    """``'Russian (ru)'`` for ``'ru'``; unknown or empty codes are shown as they are."""
    c = short_label(code, 20)
    if c == "(none)":
        return "unknown language"
    name = _LANGUAGE_NAMES.get(c)
    if name is None:
        try:
            from babel import Locale

            name = Locale("en").languages.get(c)
        except Exception:  # babel missing or a code it does not know
            name = None
    return f"{name} ({c})" if name else c


# -- article labels shared by the charts ---------------------------------------------------


def _text(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


def short_id(article_id) -> str:
    """A short, still unique-looking name for an article id: the part before the first ``_`` of
    ids such as ``017_5f2a9c0e41d7b3aa`` (a sequence number then a hash), else the id cut to 14
    characters."""
    aid = _text(article_id)
    head, sep, _ = aid.partition("_")
    return head if sep and 0 < len(head) <= 6 else short_label(aid, 14)


def _day_label(iso) -> str:
    s = _text(iso)
    return pd.Timestamp(s).strftime("%d %b %Y").lstrip("0") if s else ""


def _rtl(s: str) -> bool:
    return any("\u0590" <= ch <= "\u08ff" or "\ufb1d" <= ch <= "\ufeff" for ch in s)


def ltr_isolate(s: str) -> str:
    """``s`` wrapped in Unicode first-strong isolates when it holds right-to-left script, so a
    label mixing an Arabic outlet with Latin text keeps its left-to-right order; else ``s``."""
    return f"\u2068{s}\u2069" if _rtl(s) else s


def _ltr_label(parts: list[str], sep: str) -> str:
    """Parts joined by ``sep``, each right-to-left part isolated and the whole marked
    left-to-right (a label starting with Latin text must not be laid out right to left)."""
    text = sep.join(ltr_isolate(p) for p in parts)
    return "\u200e" + text if any(_rtl(p) for p in parts) else text


def article_label(article_id, published=None, outlet=None) -> str:
    """``003 · Euromaidan Press · 31 Oct 2025`` (``000 · undated`` when nothing else is known).
    An outlet in Arabic script is isolated so the label still reads left to right."""
    parts = [short_id(article_id)]
    if _text(outlet):
        parts.append(short_label(outlet, 22))
    parts.append(_day_label(published) or "undated")
    return _ltr_label(parts, " \u00b7 ")
