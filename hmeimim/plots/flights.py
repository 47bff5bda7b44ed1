"""Flight charts: the date windows each article claims, and how many flights each claims.

Each chart has a function computing its tidy table (what a report saves as CSV) and one drawing
that table. Both take the ``flights`` table of :func:`hmeimim.flights.find_flights` (and, when
given, the ``articles`` table for outlet and publication date), empty or not. Rows that only
restate a flight described elsewhere in the same article are left out: they add no flights.

>>> import pandas as pd
>>> fl = pd.DataFrame({"article_id": ["a", "a", "b"], "aircraft": ["An-124-100", "An-124", "An-124-100"],
...                    "aircraft_as_written": ["An-124-100 Ruslan", "An-124", "Ан-124-100"], "count": [3, 1, 2],
...                    "date_start": ["2025-10-24", None, "2025-10-24"], "date_end": ["2025-10-29", None, "2025-10-26"],
...                    "date_as_written": ["between 24-29 October", None, "с 24 по 26 октября"],
...                    "restates": [False, True, False], "contradiction": ["", "", ""], "aircraft_flag": ["", "", ""]})
>>> claimed_counts(fl).to_dict("records")
[{'aircraft': 'An-124-100', 'count': 2, 'articles': 1}, {'aircraft': 'An-124-100', 'count': 3, 'articles': 1}]
>>> aircraft_spellings(fl)[["aircraft", "as_written", "articles"]].to_dict("records")
[{'aircraft': 'An-124-100', 'as_written': 'An-124-100 Ruslan', 'articles': 1}, {'aircraft': 'An-124-100', 'as_written': 'Ан-124-100', 'articles': 1}]
"""
from __future__ import annotations

import pandas as pd

from .common import COLORS, date_axis, finish, legend_above, new_figure, period_text, short_label

__all__ = ["counted", "flight_windows", "plot_flight_windows", "claimed_counts", "plot_claimed_counts",
           "aircraft_spellings"]

_WINDOW_COLUMNS = ["article_id", "published", "outlet", "aircraft", "aircraft_as_written", "count", "date_start",
                   "date_end", "date_as_written", "contradiction"]


def counted(flights: pd.DataFrame) -> pd.DataFrame:
    """The rows that add flights (not restatements)."""
    if flights is None or flights.empty:
        return pd.DataFrame(columns=list(flights.columns) if flights is not None else [])
    if "restates" not in flights:
        return flights
    return flights[~flights["restates"].fillna(False).astype(bool)]


def _text(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


def flight_windows(flights: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per dated flight claim: article (with outlet and publication date when
    ``articles`` is given), aircraft, count and the claimed date window, sorted by window."""
    fl = counted(flights)
    if fl.empty:
        return pd.DataFrame(columns=_WINDOW_COLUMNS)
    fl = fl[fl["date_start"].notna() | fl["date_end"].notna()].copy()
    fl["date_start"] = fl["date_start"].fillna(fl["date_end"])
    fl["date_end"] = fl["date_end"].fillna(fl["date_start"])
    if articles is not None and len(articles):
        meta = articles.set_index("article_id")
        fl["published"] = fl["article_id"].map(meta["published"]) if "published" in meta else pd.NA
        fl["outlet"] = fl["article_id"].map(meta["outlet"]) if "outlet" in meta else pd.NA
    for col in _WINDOW_COLUMNS:
        if col not in fl:
            fl[col] = pd.NA
    fl["contradiction"] = fl["contradiction"].map(_text)
    return (fl[_WINDOW_COLUMNS].sort_values(["date_start", "date_end", "aircraft", "article_id"], kind="stable")
            .reset_index(drop=True))


def plot_flight_windows(windows: pd.DataFrame, *, source: str = "articles' flight claims", limit: int = 30):
    """Horizontal bars: the date window each article gives for each aircraft's flights; a red
    edge marks a claim that contradicts another statement of the same article."""
    fig, ax = new_figure(9.5, max(2.8, 1.6 + 0.34 * min(len(windows), limit)))
    if windows.empty:
        ax.text(0.5, 0.5, "No flight claim gives a date.", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return finish(fig, ax, title="Claimed flight windows", xlabel="date", ylabel="", source=source, period="")
    drawn = windows.head(limit)
    starts = pd.to_datetime(drawn["date_start"])
    ends = pd.to_datetime(drawn["date_end"]) + pd.Timedelta(days=1)
    ys = list(range(len(drawn)))[::-1]
    for y, s, e, r in zip(ys, starts, ends, drawn.itertuples()):
        bad = bool(_text(r.contradiction))
        ax.barh(y, (e - s).days, left=s, height=0.6, color=COLORS["week"], alpha=0.85,
                edgecolor=COLORS["accent"] if bad else "none", linewidth=2 if bad else 0)
        ax.annotate(f"\u00d7{int(r.count)}" if pd.notna(r.count) else "", (e, y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    who = drawn["outlet"].map(_text).where(drawn["outlet"].map(_text) != "", drawn["article_id"].map(_text))
    ax.set_yticks(ys, [f"{short_label(a, 14)} \u00b7 {short_label(o, 26)}" for a, o in zip(drawn["aircraft"], who)])
    lo, hi = starts.min() - pd.Timedelta(days=1), ends.max() + pd.Timedelta(days=1)
    ax.set_xlim(lo, hi)
    date_axis(ax, lo, hi)
    from matplotlib.patches import Patch
    note = f"Only the first {limit} of {len(windows)} dated claims are drawn." if len(windows) > limit else ""
    finish(fig, ax, title="Claimed flight windows", xlabel="date of the claimed flights",
           ylabel="aircraft \u00b7 article", source=source,
           period=period_text(windows["date_start"].min(), windows["date_end"].max()), note=note)
    legend_above(ax, [Patch(color=COLORS["week"], label="claimed window (\u00d7 flights)"),
                      Patch(facecolor="white", edgecolor=COLORS["accent"], linewidth=2,
                            label="contradicted in the same article")], ncols=2)
    return fig


def claimed_counts(flights: pd.DataFrame) -> pd.DataFrame:
    """How many articles claim each number of flights for each aircraft (``aircraft``,
    ``count``, ``articles``); an article claiming one count twice counts once."""
    fl = counted(flights)
    if fl.empty:
        return pd.DataFrame(columns=["aircraft", "count", "articles"])
    fl = fl[fl["aircraft"].notna() & fl["count"].notna()]
    out = (fl.groupby(["aircraft", "count"])["article_id"].nunique().rename("articles").reset_index())
    out["count"] = out["count"].astype(int)
    out["articles"] = out["articles"].astype(int)
    return out.sort_values(["aircraft", "count"], kind="stable").reset_index(drop=True)


def plot_claimed_counts(table: pd.DataFrame, *, source: str = "articles' flight claims", period: str = ""):
    """Stacked bars per aircraft: how many articles claim 1, 2, 3 ... flights."""
    fig, ax = new_figure(8.0, max(2.6, 1.4 + 0.4 * table["aircraft"].nunique()) if len(table) else 2.6)
    if table.empty:
        ax.text(0.5, 0.5, "No flight claims.", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return finish(fig, ax, title="Flights claimed per aircraft", xlabel="articles", ylabel="",
                      source=source, period=period)
    wide = table.pivot_table(index="aircraft", columns="count", values="articles", aggfunc="sum", fill_value=0)
    wide = wide.loc[wide.sum(axis=1).sort_values().index]
    palette = [COLORS["week"], COLORS["before"], COLORS["green"], COLORS["accent"], COLORS["undated"]]
    left = pd.Series(0, index=wide.index)
    for i, c in enumerate(wide.columns):
        ax.barh([short_label(a, 20) for a in wide.index], wide[c], left=left, color=palette[i % len(palette)],
                label=f"{c} flight{'s' if c != 1 else ''}")
        left = left + wide[c]
    ax.xaxis.get_major_locator().set_params(integer=True)
    finish(fig, ax, title="Flights claimed per aircraft", xlabel="articles (count)", ylabel="aircraft type",
           source=source, period=period,
           note="Each article counts once per claimed number; restatements are left out.")
    legend_above(ax, ncols=min(5, len(wide.columns)))
    return fig


def aircraft_spellings(flights: pd.DataFrame) -> pd.DataFrame:
    """Each canonical aircraft with the spellings articles use for it (``as_written``), in how
    many articles, and the flags the reading raised (a nonexistent designator, ...)."""
    fl = counted(flights)
    cols = ["aircraft", "as_written", "articles", "flags"]
    if fl.empty:
        return pd.DataFrame(columns=cols)
    fl = fl.assign(as_written=fl["aircraft_as_written"].map(_text),
                   flag=fl["aircraft_flag"].map(_text) if "aircraft_flag" in fl else "")
    g = fl.groupby(["aircraft", "as_written"])
    out = pd.DataFrame({
        "articles": g["article_id"].nunique().astype(int),
        "flags": g["flag"].agg(lambda s: ", ".join(sorted({x for x in s if x}))),
    }).reset_index()
    return out[cols].sort_values(["aircraft", "as_written"], kind="stable").reset_index(drop=True)
