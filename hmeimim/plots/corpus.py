"""Corpus overview charts: articles per day (undated apart), per outlet, per language; rejects.

Each chart has two functions: one that computes the tidy table behind it (what the report
saves as CSV) and one that draws that table. Both accept the ``articles`` / ``rejects``
tables of :class:`hmeimim.Corpus`, empty or not.

>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b", "c"], "published": ["2025-10-30", "2025-10-31", None],
...                      "outlet": ["X", "X", None], "language": ["en", "ru", "en"]})
>>> articles_per_day(arts).to_dict("records")
[{'day': '2025-10-30', 'articles': 1}, {'day': '2025-10-31', 'articles': 1}, {'day': 'undated', 'articles': 1}]
>>> articles_per_outlet(arts)["outlet"].tolist()
['X', '(unknown outlet)']
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from .common import COLORS, date_axis, finish, language_name, new_figure, period_text, short_label

__all__ = ["UNDATED", "articles_per_day", "plot_articles_per_day", "articles_per_outlet",
           "plot_articles_per_outlet", "articles_per_language", "plot_articles_per_language",
           "rejects_by_reason", "plot_rejects", "corpus_period", "dated"]

UNDATED = "undated"
UNKNOWN_OUTLET = "(unknown outlet)"


def dated(articles: pd.DataFrame) -> pd.Series:
    """Boolean mask of articles with a publication date."""
    if "published" not in articles or articles.empty:
        return pd.Series(False, index=articles.index, dtype=bool)
    return articles["published"].astype("string").fillna("").str.match(r"^\d{4}-\d{2}-\d{2}$").astype(bool)


def corpus_period(articles: pd.DataFrame) -> str:
    """The publication period of the dated articles, e.g. ``2025-10-30 – 2025-10-31``, plus
    how many are undated."""
    mask = dated(articles)
    days = sorted(articles.loc[mask, "published"].astype(str)) if mask.any() else []
    text = period_text(days[0], days[-1]) if days else "no dated articles"
    n_undated = int((~mask).sum())
    return f"{text} ({n_undated} undated)" if n_undated else text


def articles_per_day(articles: pd.DataFrame, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Articles per publication day (``day``, ``articles``), every day from the first to the
    last (or ``start``..``end``) with zeros filled in, then one ``undated`` row if any."""
    mask = dated(articles)
    counts = articles.loc[mask, "published"].astype(str).value_counts()
    days = sorted(counts.index)
    lo = start or (date.fromisoformat(days[0]) if days else None)
    hi = end or (date.fromisoformat(days[-1]) if days else None)
    rows = []
    if lo and hi:
        d = lo
        while d <= hi:
            rows.append({"day": d.isoformat(), "articles": int(counts.get(d.isoformat(), 0))})
            d += timedelta(days=1)
    n_undated = int((~mask).sum())
    if n_undated:
        rows.append({"day": UNDATED, "articles": n_undated})
    return pd.DataFrame(rows, columns=["day", "articles"]).astype({"articles": "int64"})


def plot_articles_per_day(per_day: pd.DataFrame, *, source: str = "articles table",
                          highlight: tuple[date, date] | None = None, highlight_label: str = "",
                          title: str = "Articles per publication day"):
    """Bars per day; undated articles in a grey panel of their own (never placed on a day).
    ``highlight`` shades a date range (the report's week)."""
    dated_rows = per_day[per_day["day"] != UNDATED]
    n_undated = int(per_day.loc[per_day["day"] == UNDATED, "articles"].sum())
    n_days = max(len(dated_rows), 1)
    width = min(11.0, max(7.0, 4.5 + 0.22 * n_days))
    fig, (ax, ax_u) = new_figure(width, 3.8, ncols=2, sharey=True,
                                 gridspec_kw={"width_ratios": [max(n_days, 3), 1.2]})
    x = pd.to_datetime(dated_rows["day"]) if len(dated_rows) else pd.Series([], dtype="datetime64[ns]")
    if highlight:
        lo, hi = pd.Timestamp(highlight[0]) - pd.Timedelta(hours=12), pd.Timestamp(highlight[1]) + pd.Timedelta(hours=12)
        ax.axvspan(lo, hi, color=COLORS["shade"], zorder=0)
        if highlight_label:
            ax.annotate(highlight_label, (lo, 1), xycoords=("data", "axes fraction"), xytext=(4, -4),
                        textcoords="offset points", ha="left", va="top", fontsize=9, color=COLORS["week"],
                        fontweight="bold")
    if len(dated_rows):
        ax.bar(x, dated_rows["articles"], width=0.8, color=COLORS["week"])
        for xi, yi in zip(x, dated_rows["articles"]):
            if yi:
                ax.annotate(str(int(yi)), (xi, yi), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                            textcoords="offset points")
        _date_axis(ax, x.min(), x.max())
    else:
        ax.text(0.5, 0.5, "no dated articles", transform=ax.transAxes, ha="center", va="center", color="#777777")
        ax.set_xticks([])
    ax_u.bar([0], [n_undated], width=0.6, color=COLORS["undated"], hatch="//", edgecolor="white")
    if n_undated:
        ax_u.annotate(str(n_undated), (0, n_undated), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                      textcoords="offset points")
    ax_u.set_xticks([0], ["undated"])
    ax_u.set_xlim(-0.8, 0.8)
    ax_u.grid(axis="x", visible=False)
    ax_u.tick_params(axis="y", left=False)
    top = max(int(per_day["articles"].max()) if len(per_day) else 0, 1)
    ax.set_ylim(0, top * 1.18 + 0.3)
    ax.yaxis.get_major_locator().set_params(integer=True)
    n_dated = int(dated_rows["articles"].sum())
    period = period_text(dated_rows["day"].iloc[0], dated_rows["day"].iloc[-1]) if len(dated_rows) else "no dated articles"
    finish(fig, ax, title=title, xlabel="publication date (day)", ylabel="articles (count)", source=source,
           period=period, note=f"{n_dated} dated and {n_undated} undated articles; undated ones are not placed on any day.")
    return fig


def _date_axis(ax, lo, hi) -> None:
    date_axis(ax, lo, hi)
    pad = pd.Timedelta(hours=18)
    ax.set_xlim(lo - pad, hi + pad)
    ax.grid(axis="x", visible=False)


def articles_per_outlet(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per outlet (``outlet``, ``articles``, ``languages``), most first then by name;
    a missing outlet is ``(unknown outlet)`` and sorts last."""
    if articles.empty:
        return pd.DataFrame(columns=["outlet", "articles", "languages"]).astype({"articles": "int64"})
    df = pd.DataFrame({
        "outlet": articles["outlet"].astype("string").fillna(UNKNOWN_OUTLET).replace("", UNKNOWN_OUTLET),
        "language": articles["language"].astype("string").fillna("?") if "language" in articles else "?",
    })
    g = df.groupby("outlet", sort=False).agg(articles=("language", "size"),
                                             languages=("language", lambda s: ", ".join(sorted(set(s)))))
    g = g.reset_index()
    g["_unknown"] = g["outlet"] == UNKNOWN_OUTLET
    g = g.sort_values(["_unknown", "articles", "outlet"], ascending=[True, False, True], kind="stable")
    return g.drop(columns="_unknown").reset_index(drop=True).astype({"outlet": str, "articles": "int64"})


def plot_articles_per_outlet(per_outlet: pd.DataFrame, *, source: str = "articles table", period: str = "",
                             top: int = 20, title: str = "Articles per outlet"):
    """Horizontal bars, one per outlet (the ``top`` largest; the rest summed as 'other outlets')."""
    df = per_outlet
    note = ""
    if len(df) > top:
        rest = df.iloc[top:]
        df = pd.concat([df.iloc[:top], pd.DataFrame([{"outlet": f"{len(rest)} other outlets",
                                                      "articles": int(rest["articles"].sum())}])])
        note = f"Only the {top} largest outlets are named."
    return _hbars(df["outlet"].map(lambda s: short_label(s, 36)).tolist(), df["articles"].tolist(),
                  title=title, xlabel="articles (count)", ylabel="outlet", source=source, period=period, note=note)


def articles_per_language(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles per language (``language`` code, ``name``, ``articles``), most first."""
    if articles.empty:
        return pd.DataFrame(columns=["language", "name", "articles"]).astype({"articles": "int64"})
    codes = articles["language"].astype("string").fillna("").astype(str)
    g = codes.value_counts().rename_axis("language").reset_index(name="articles")
    g = g.sort_values(["articles", "language"], ascending=[False, True], kind="stable").reset_index(drop=True)
    g.insert(1, "name", g["language"].map(language_name))
    return g.astype({"articles": "int64"})


def plot_articles_per_language(per_language: pd.DataFrame, *, source: str = "articles table", period: str = "",
                               title: str = "Articles per language"):
    """Horizontal bars, one per language, labelled with the language's English name and code."""
    return _hbars(per_language["name"].tolist(), per_language["articles"].tolist(), title=title,
                  xlabel="articles (count)", ylabel="language", source=source, period=period,
                  note="Languages are detected from the text unless metadata.csv names them.")


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+(?:\.\d+)?")


def reject_category(reason: str) -> str:
    """The kind of a rejection reason, without the file-specific parts ('binary file',
    'unsupported file type', 'metadata row for id …, but no article file has that id')."""
    r = _QUOTED.sub("…", str(reason or "unknown"))
    r = re.split(r"[:(]", r, maxsplit=1)[0].strip(" ,;.")
    return r or "unknown"


def rejects_by_reason(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected inputs per kind of reason (``kind``, ``reason``, ``inputs``, ``examples``)."""
    cols = ["kind", "reason", "inputs", "examples"]
    if rejects is None or rejects.empty:
        return pd.DataFrame(columns=cols).astype({"inputs": "int64"})
    df = pd.DataFrame({
        "kind": rejects["kind"].astype("string").fillna("file").astype(str) if "kind" in rejects else "file",
        "reason": rejects["reason"].map(reject_category),
        "path": rejects["path"].astype(str),
    })
    g = df.groupby(["kind", "reason"], sort=False).agg(
        inputs=("path", "size"), examples=("path", lambda s: ", ".join(sorted(s)[:3]) + (" …" if len(s) > 3 else "")))
    g = g.reset_index().sort_values(["inputs", "kind", "reason"], ascending=[False, True, True], kind="stable")
    return g.reset_index(drop=True)[cols].astype({"inputs": "int64"})


def plot_rejects(by_reason: pd.DataFrame, *, source: str = "rejects table", period: str = "",
                 title: str = "Inputs rejected, by reason"):
    """Horizontal bars, one per kind of reason (file or metadata problem)."""
    labels = [f"{short_label(r, 48)} ({k})" for k, r in zip(by_reason["kind"], by_reason["reason"])]
    return _hbars(labels, by_reason["inputs"].tolist(), title=title, xlabel="inputs (count)",
                  ylabel="reason", source=source, period=period, color=COLORS["accent"])


def _hbars(labels: list[str], values: list[int], *, title: str, xlabel: str, ylabel: str, source: str,
           period: str, note: str = "", color: str = COLORS["week"]):
    n = len(labels)
    fig, ax = new_figure(9.0, max(2.4, 1.3 + 0.32 * n))
    if n:
        y = list(range(n))[::-1]  # first row on top
        ax.barh(y, values, color=color, height=0.65)
        ax.set_yticks(y, labels)
        for yi, v in zip(y, values):
            ax.annotate(str(int(v)), (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        ax.set_xlim(0, max(values) * 1.12 + 0.5)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", visible=False)
    else:
        ax.text(0.5, 0.5, "nothing to show", transform=ax.transAxes, ha="center", va="center", color="#777777")
        ax.set_yticks([])
    return finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source, period=period, note=note)
