"""Flight charts: the date windows each article claims, and how many flights each claims.

Notebook 02 uses the lane chart (:func:`claim_lanes` -> :func:`plot_claim_lanes`: one panel per
aircraft, one lane per article, windows as spans with their counts, unresolved dates in lanes of
their own), what the articles agree on (:func:`agreed_flights`, :func:`claims_vs_agreed`,
:func:`plot_counts_vs_agreed`) and :func:`flights_per_day`; :func:`save_readme_figure` redraws
``docs/flights_over_time.png``.

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

from .common import (COLORS, article_label, date_axis, empty_chart, finish, legend_above, ltr_isolate, _ltr_label,
                    new_figure, period_text, _rtl, short_id, short_label)

__all__ = ["counted", "flight_windows", "plot_flight_windows", "claimed_counts", "plot_claimed_counts",
           "aircraft_spellings", "short_id", "article_label", "claims_source", "claims_period", "claim_lanes",
           "agreed_flights", "claims_vs_agreed", "flights_per_day", "plot_claim_lanes", "plot_counts_vs_agreed",
           "save_readme_figure"]

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
        return empty_chart(fig, ax, "No flight claim gives a date.", title="Claimed flight windows", xlabel="date", ylabel="", source=source, period="")
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
        return empty_chart(fig, ax, "No flight claims.", title="How many articles claim each number of flights?", xlabel="articles", ylabel="",
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
    finish(fig, ax, title="How many articles claim each number of flights?", xlabel="articles (count)",
           ylabel="aircraft type",
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


# --- claims per article, what the articles agree on, and the lane chart ---------------------

LANE_COLUMNS = ["aircraft", "article_id", "article", "published", "outlet", "aircraft_as_written", "aircraft_flag",
                "count", "count_as_written", "date_start", "date_end", "date_as_written", "dated",
                "date_year_inferred", "contradiction", "hedged"]
AGREED_COLUMNS = ["aircraft", "articles", "dated_articles", "agreed_start", "agreed_end", "earliest_start",
                  "latest_end", "count", "count_articles", "other_counts", "contradicted_in", "written_as_nonexistent"]
VERSUS_COLUMNS = ["aircraft", "article_id", "article", "count", "agreed_count", "count_agrees", "window",
                  "date_as_written", "window_vs_agreed", "date_year_inferred", "contradiction", "written_as"]
PER_DAY_COLUMNS = ["aircraft", "day", "weekday", "articles", "dated_articles", "in_agreed_window",
                   "flights_on_day", "flights_at_most"]


def claims_source(articles: pd.DataFrame, corpus_name: str) -> str:
    """The caption's data source: ``5 articles in seeds/, published 2025-10-30 – 2025-10-31
    (3 undated); claims as extracted by hmeimim``."""
    from .corpus import corpus_period, dated

    n = 0 if articles is None else len(articles)
    where = f"{n} article{'s' if n != 1 else ''} in {corpus_name.rstrip('/')}/"
    if n and dated(articles).any():
        where += f", published {corpus_period(articles)}"
    elif n:
        where = f"{n} undated article{'s' if n != 1 else ''} in {corpus_name.rstrip('/')}/"
    return f"{where}; claims as extracted by hmeimim"


def claims_period(lanes: pd.DataFrame) -> str:
    """The days the dated claims span, for captions: ``2025-10-24 – 2025-10-29 (claimed flight
    dates)``; '' when no claim is dated."""
    d = lanes[lanes["dated"]] if lanes is not None and len(lanes) else None
    if d is None or d.empty:
        return ""
    return f"{period_text(d['date_start'].min(), d['date_end'].max())} (claimed flight dates)"


def claim_lanes(flights: pd.DataFrame, articles: pd.DataFrame | None = None, *, family: bool = False) -> pd.DataFrame:
    """Every flight claim that adds flights, dated or not, with what a reader needs beside it.

    In: the ``flights`` table (and the ``articles`` table for outlet and publication date).
    Out: one row per non-restating flight row, columns :data:`LANE_COLUMNS`: ``article`` is a
    short label (:func:`article_label`), ``dated`` says whether the claim has a resolved window
    (a one-sided window is closed with its other end), ``date_year_inferred`` whether that
    window's year was not written. Claims whose date could not be resolved are kept with
    ``dated=False``. Sorted by aircraft, dated before unresolved, publication date (undated
    articles last), article and window. With ``family=True`` the ``aircraft`` column holds the
    aircraft family (An-124 for An-124-100), so an article writing "An-124" and one writing
    "An-124-100" about the same landings share a panel and an agreement.
    """
    fl = counted(flights)
    if fl is None or fl.empty:
        return pd.DataFrame(columns=LANE_COLUMNS)
    fl = fl.copy()
    for col in LANE_COLUMNS:
        if col not in fl:
            fl[col] = pd.NA
    if articles is not None and len(articles):
        meta = articles.drop_duplicates("article_id").set_index("article_id")
        for col in ("published", "outlet"):
            if col in meta:
                fl[col] = fl["article_id"].map(meta[col])
    for col in ("date_start", "date_end"):
        fl[col] = fl[col].map(_text).replace("", pd.NA).astype("string")
    fl["date_start"] = fl["date_start"].fillna(fl["date_end"])
    fl["date_end"] = fl["date_end"].fillna(fl["date_start"])
    fl["dated"] = fl["date_start"].notna()
    fl["date_year_inferred"] = fl["date_year_inferred"].fillna(False).astype(bool) & fl["dated"]
    fl["hedged"] = fl["hedged"].fillna(False).astype(bool)
    for col in ("contradiction", "aircraft_flag", "aircraft_as_written", "date_as_written", "count_as_written",
                "outlet", "published"):
        fl[col] = fl[col].map(_text)
    fl["aircraft"] = fl["aircraft"].map(_text)
    if family and "aircraft_family" in fl:
        fam = fl["aircraft_family"].map(_text)
        fl["aircraft"] = fam.where(fam != "", fl["aircraft"])
    fl["count"] = pd.to_numeric(fl["count"], errors="coerce").fillna(1).astype(int)
    fl["article"] = [article_label(a, p, o) for a, p, o in zip(fl["article_id"], fl["published"], fl["outlet"])]
    fl["_pub"] = fl["published"].replace("", "9999-99-99")
    fl["_undated"] = ~fl["dated"]
    order = ["aircraft", "_undated", "_pub", "article_id", "date_start", "date_end"]
    if "start" in fl:
        order.append("start")
    fl = fl.sort_values(order, kind="stable", na_position="last")
    return fl[LANE_COLUMNS].reset_index(drop=True)


def _per_article(lanes: pd.DataFrame) -> pd.DataFrame:
    """One row per aircraft and article: its total flights and the span of its dated windows."""
    g = lanes.groupby(["aircraft", "article_id"], sort=True)
    dated = lanes[lanes["dated"]]
    gd = dated.groupby(["aircraft", "article_id"], sort=True)
    out = pd.DataFrame({"count": g["count"].sum(), "article": g["article"].first()})
    out["start"] = gd["date_start"].min()
    out["end"] = gd["date_end"].max()
    return out.reset_index()


def agreed_flights(lanes: pd.DataFrame) -> pd.DataFrame:
    """What the articles agree on, per aircraft: the window every dated article's claim covers
    and the number of flights most articles give.

    In: :func:`claim_lanes`. Out: one row per aircraft, columns :data:`AGREED_COLUMNS`, most
    claimed aircraft first. ``agreed_start``/``agreed_end`` are the intersection of the articles'
    windows (an article with several dated claims of one aircraft spans them all); both are
    empty when the windows share no day. ``earliest_start``/``latest_end`` are their union.
    ``count`` is the total of flights that most articles claim (a tie goes to the smaller
    number, the more cautious reading) and ``count_articles`` how many articles claim it;
    ``other_counts`` lists the rest ("2 (1 article)"). ``contradicted_in`` lists the articles
    whose claim contradicts another statement of the same article, ``written_as_nonexistent``
    the spellings that name no real type.
    """
    if lanes is None or lanes.empty:
        return pd.DataFrame(columns=AGREED_COLUMNS)
    per = _per_article(lanes)
    rows = []
    for aircraft, g in per.groupby("aircraft", sort=True):
        d = g[g["start"].notna()]
        lo, hi = (d["start"].max(), d["end"].min()) if len(d) else (pd.NA, pd.NA)
        if len(d) and lo > hi:
            lo = hi = pd.NA
        tally = g["count"].value_counts()
        best = min(tally.index, key=lambda c: (-tally[c], c))
        others = ", ".join(f"{c} ({tally[c]} article{'s' if tally[c] != 1 else ''})"
                           for c in sorted(tally.index) if c != best)
        la = lanes[lanes["aircraft"] == aircraft]
        rows.append({
            "aircraft": aircraft,
            "articles": int(g["article_id"].nunique()),
            "dated_articles": int(d["article_id"].nunique()),
            "agreed_start": lo, "agreed_end": hi,
            "earliest_start": d["start"].min() if len(d) else pd.NA,
            "latest_end": d["end"].max() if len(d) else pd.NA,
            "count": int(best), "count_articles": int(tally[best]), "other_counts": others,
            "contradicted_in": ", ".join(sorted({short_id(a) for a in la.loc[la["contradiction"] != "", "article_id"]})),
            "written_as_nonexistent": ", ".join(sorted(set(
                la.loc[la["aircraft_flag"] == "nonexistent_designator", "aircraft_as_written"]))),
        })
    out = pd.DataFrame(rows, columns=AGREED_COLUMNS)
    for col in ("agreed_start", "agreed_end", "earliest_start", "latest_end"):
        out[col] = out[col].astype("string")
    out = out.assign(_n=-out["articles"]).sort_values(["_n", "aircraft"], kind="stable").drop(columns="_n")
    return out.reset_index(drop=True)


def _days_between(a: str, b: str) -> int:
    return (pd.Timestamp(b) - pd.Timestamp(a)).days


def _plural_days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _window_text(start, end) -> str:
    s, e = _text(start), _text(end)
    if not s:
        return ""
    return s if s == e else f"{s} \u2013 {e}"


def claims_vs_agreed(lanes: pd.DataFrame, agreed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each article's claim next to what the articles agree on (:func:`agreed_flights`).

    Out: one row per aircraft and article, columns :data:`VERSUS_COLUMNS`: the flights it
    claims (``count``, summed over its claims of that aircraft) against ``agreed_count``; its
    ``window`` (ISO dates; empty when unresolved) and how that window differs from the agreed
    one (``window_vs_agreed``: "same as agreed", "ends 2 days later", "date not resolved", ...);
    whether its year was inferred, its contradiction, and how it wrote the aircraft when that
    names no real type (``written_as``). Sorted like :func:`claim_lanes`.
    """
    if lanes is None or lanes.empty:
        return pd.DataFrame(columns=VERSUS_COLUMNS)
    agreed = agreed_flights(lanes) if agreed is None else agreed
    ag = agreed.set_index("aircraft")
    per = _per_article(lanes).set_index(["aircraft", "article_id"])
    rows = []
    for (aircraft, aid), g in lanes.groupby(["aircraft", "article_id"], sort=False):
        p = per.loc[(aircraft, aid)]
        a = ag.loc[aircraft] if aircraft in ag.index else None
        agreed_count = int(a["count"]) if a is not None else pd.NA
        s, e = _text(p["start"]), _text(p["end"])
        lo, hi = (_text(a["agreed_start"]), _text(a["agreed_end"])) if a is not None else ("", "")
        if not s:
            vs = "date not resolved"
        elif not lo:
            vs = "the windows share no day" if a is not None and int(a["dated_articles"]) > 1 else ""
        else:
            diffs = []
            if s < lo:
                diffs.append(f"starts {_plural_days(_days_between(s, lo))} earlier")
            if e > hi:
                diffs.append(f"ends {_plural_days(_days_between(hi, e))} later")
            vs = ", ".join(diffs) or "same as agreed"
        bad = g.loc[g["aircraft_flag"] == "nonexistent_designator", "aircraft_as_written"]
        rows.append({
            "aircraft": aircraft, "article_id": aid, "article": g["article"].iloc[0],
            "count": int(p["count"]), "agreed_count": agreed_count,
            "count_agrees": bool(agreed_count is not pd.NA and int(p["count"]) == agreed_count),
            "window": _window_text(s, e),
            "date_as_written": "; ".join(x for x in g["date_as_written"] if x),
            "window_vs_agreed": vs,
            "date_year_inferred": bool(g["date_year_inferred"].any()),
            "contradiction": "; ".join(x for x in g["contradiction"] if x),
            "written_as": ", ".join(sorted(set(bad))),
        })
    return pd.DataFrame(rows, columns=VERSUS_COLUMNS)


def flights_per_day(lanes: pd.DataFrame, agreed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Claimed flights per day and aircraft, without spreading a window's flights over its days.

    Out: one row per aircraft and day that some dated claim covers, columns
    :data:`PER_DAY_COLUMNS`: the weekday; how many articles' windows cover the day (of
    ``dated_articles``); whether the day is in the agreed window; ``flights_on_day``, the most
    flights any article pins to that very day (a one-day window); ``flights_at_most``, the most
    flights any article's windows covering the day allow for it. A three-flight claim over
    24-29 October gives 0 and 3 on each of those days: the article does not say which days.
    """
    if lanes is None or lanes.empty or not lanes["dated"].any():
        return pd.DataFrame(columns=PER_DAY_COLUMNS)
    agreed = agreed_flights(lanes) if agreed is None else agreed
    ag = agreed.set_index("aircraft")
    dated = lanes[lanes["dated"]].copy()
    dated["_s"] = pd.to_datetime(dated["date_start"])
    dated["_e"] = pd.to_datetime(dated["date_end"])
    rows = []
    for aircraft, g in dated.groupby("aircraft", sort=True):
        lo, hi = _text(ag.loc[aircraft, "agreed_start"]), _text(ag.loc[aircraft, "agreed_end"])
        n_dated = int(g["article_id"].nunique())
        for day in pd.date_range(g["_s"].min(), g["_e"].max(), freq="D"):
            cover = g[(g["_s"] <= day) & (g["_e"] >= day)]
            if cover.empty:
                continue  # a day between two claims that no claim covers
            single = cover[cover["_s"] == cover["_e"]]
            iso = day.date().isoformat()
            rows.append({
                "aircraft": aircraft, "day": iso, "weekday": day.strftime("%a"),
                "articles": int(cover["article_id"].nunique()), "dated_articles": n_dated,
                "in_agreed_window": bool(lo and lo <= iso <= hi),
                "flights_on_day": int(single.groupby("article_id")["count"].sum().max()) if len(single) else 0,
                "flights_at_most": int(cover.groupby("article_id")["count"].sum().max()),
            })
    return pd.DataFrame(rows, columns=PER_DAY_COLUMNS)


def _quoted(s: str) -> str:
    """‘s’ in typographic quotes, kept left to right around right-to-left words."""
    return _ltr_label(["\u2018", s, "\u2019"], "") if _rtl(s) else f"\u2018{s}\u2019"


def _contradiction_short(text: str) -> str:
    """``but also says 'on Wednesday'`` from the contradiction column's explanation."""
    import re

    m = re.match(r"\s*'([^']+)'", text)
    return f"but also says {_quoted(m.group(1))}" if m else "contradicted in the same article"


def plot_claim_lanes(lanes: pd.DataFrame, agreed: pd.DataFrame | None = None, *, source: str = "",
                     period: str = "", width: float = 10.0, max_aircraft: int = 6, max_lanes: int = 20,
                     title: str = "When do the articles say the flights happened?"):
    """The lane chart: one panel per aircraft, one lane per article, each claimed window drawn as
    a span with the flights claimed in it, the days all dated claims cover shaded behind.

    In: :func:`claim_lanes` (and :func:`agreed_flights`, computed when not given). Right of the
    plot, each lane shows the date as the article writes it and, in red, what is wrong with the
    claim: a window the same article contradicts (also outlined in red) or an aircraft written
    as a type that does not exist. Hatched spans have a date whose year (or, for "last Sunday",
    whole date) the text does not give. Claims whose date could not be resolved get grey lanes
    of their own under a dotted line instead of being dropped. At most ``max_aircraft`` panels
    (the most claimed aircraft) of ``max_lanes`` lanes each are drawn; the caption says what was
    left out. Out: a :class:`matplotlib.figure.Figure`.
    """
    from matplotlib.patches import Patch

    from .common import caption_text, new_figure

    agreed = agreed_flights(lanes) if agreed is None else agreed
    xlabel = "date of the claimed flights"
    if lanes is None or lanes.empty:
        fig, ax = new_figure(width, 2.8)
        return empty_chart(fig, ax, "No flight claims.", title=title, xlabel=xlabel, ylabel="article", source=source, period=period)
    panels, notes = [], []
    for aircraft in agreed["aircraft"].head(max_aircraft):
        la = lanes[lanes["aircraft"] == aircraft]
        keys = list(dict.fromkeys(zip(la["dated"], la["article_id"])))
        keys = [k for k in keys if k[0]] + [k for k in keys if not k[0]]
        if len(keys) > max_lanes:
            notes.append(f"{aircraft}: {max_lanes} of {len(keys)} lanes drawn.")
            keys = keys[:max_lanes]
        panels.append((aircraft, la, keys))
    if len(agreed) > max_aircraft:
        notes.append(f"The {max_aircraft} most claimed of {len(agreed)} aircraft types are drawn.")
    n_lanes = [len(k) for _, _, k in panels]
    # the first row holds the legend, under the title and above every panel it explains
    fig, axes = new_figure(width, 2.0 + sum(0.4 * n + 0.55 for n in n_lanes), nrows=len(panels) + 1,
                           squeeze=False, gridspec_kw={"height_ratios": [1.3] + [n + 0.6 for n in n_lanes]})
    key_ax, axes = axes[0, 0], list(axes[1:, 0])
    fig.get_layout_engine().set(w_pad=8 / 72)  # the notes column ends at the figure's edge otherwise
    dated = lanes[lanes["dated"]]
    if len(dated):
        lo = pd.Timestamp(dated["date_start"].min()) - pd.Timedelta(days=1)
        last = pd.Timestamp(dated["date_end"].max()) + pd.Timedelta(days=1)
    else:  # nothing to place on a calendar: an empty week keeps the lanes readable
        lo, last = pd.Timestamp("2000-01-01"), pd.Timestamp("2000-01-08")
    ag = agreed.set_index("aircraft")
    grey, dark = "#555555", "#222222"
    counts_at = []  # (x where a count label starts, the label): the axis is widened until they fit
    used = set()  # legend entries worth showing
    for ax, (aircraft, la, keys) in zip(axes, panels):
        a = ag.loc[aircraft]
        ys = {k: len(keys) - 1 - i for i, k in enumerate(keys)}
        if _text(a["agreed_start"]):
            used.add("shade")
            ax.axvspan(pd.Timestamp(a["agreed_start"]), pd.Timestamp(a["agreed_end"]) + pd.Timedelta(days=1),
                       color=COLORS["shade"], zorder=0, lw=0)
        n_unresolved = sum(1 for k in keys if not k[0])
        if 0 < n_unresolved < len(keys):
            ax.axhline(n_unresolved - 0.5, color=COLORS["undated"], lw=0.8, ls=":")
        lanes_here: dict = {}  # y -> {"words", "flags", "counts", "end"}: what is written beside the lane
        for r in la.itertuples():
            key = (r.dated, r.article_id)
            if key not in ys:
                continue
            y = ys[key]
            lane = lanes_here.setdefault(y, {"words": [], "flags": [], "counts": [], "end": None})
            lane["counts"].append(int(r.count))
            if r.dated:
                s = pd.Timestamp(r.date_start)
                e = pd.Timestamp(r.date_end) + pd.Timedelta(days=1)
                bad = bool(r.contradiction)
                used.update({"hatch"} if r.date_year_inferred else set(), {"bad"} if bad else set())
                ax.barh(y, (e - s).days, left=s, height=0.56, color=COLORS["week"], zorder=2,
                        hatch="////" if r.date_year_inferred else None, hatchcolor="white",
                        edgecolor=COLORS["accent"] if bad else COLORS["week"], linewidth=2.2 if bad else 0.5)
                lane["end"] = e if lane["end"] is None else max(lane["end"], e)
            if r.date_as_written:
                lane["words"].append(_quoted(short_label(r.date_as_written, 34)))
            if r.aircraft_flag == "nonexistent_designator":
                lane["flags"].append(f"written {_quoted(short_label(r.aircraft_as_written, 16))}: no such type")
            if r.contradiction:
                lane["flags"].append(_contradiction_short(r.contradiction))
        # one count label per lane, after its last span ("1 + 2 flights" for two claims of one
        # article); right of the plot, the words behind the lane's dates and what is wrong
        for y, lane in lanes_here.items():
            counts = lane["counts"]
            n = " + ".join(map(str, counts)) + (" flights" if sum(counts) != 1 else " flight")
            if lane["end"] is not None:
                counts_at.append((lane["end"], ax.annotate(n, (lane["end"], y), xytext=(4, 0),
                                                           textcoords="offset points", va="center", fontsize=8.5,
                                                           color=dark)))
            else:
                ax.annotate(f"date not resolved \u00b7 {n}", (0, y), xycoords=("axes fraction", "data"),
                            xytext=(6, 0), textcoords="offset points", va="center", fontsize=8.5,
                            style="italic", color=grey)
            flags = lane["flags"]
            ax.annotate(", ".join(lane["words"]) or "(no date given)", (1, y), xycoords=("axes fraction", "data"),
                        xytext=(10, 5.5 if flags else 0), textcoords="offset points", va="center", fontsize=8.5,
                        color=grey)
            if flags:
                ax.annotate(" \u00b7 ".join(flags), (1, y), xycoords=("axes fraction", "data"), xytext=(10, -5.5),
                            textcoords="offset points", va="center", fontsize=8.5, color=COLORS["accent"],
                            fontweight="bold")
        labels = [next(iter(la.loc[la["article_id"] == k[1], "article"]), k[1]) for k in keys]
        ax.set_yticks([ys[k] for k in keys], labels)
        for k, lab in zip(keys, ax.get_yticklabels()):
            if not k[0]:
                lab.set_color(grey)
                lab.set_style("italic")
        ax.set_ylim(-0.6, len(keys) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_ylabel("article", color=grey)
        ax.set_title(_panel_title(aircraft, a), loc="left", fontsize=10, fontweight="bold")
    hi = _fit_labels(fig, axes[-1], lo, last + pd.Timedelta(days=1), counts_at)
    for ax in axes:
        ax.set_xlim(lo, hi)
        if len(dated):
            _day_ticks(ax, lo, hi, last, labels=ax is axes[-1])
        else:
            ax.set_xticks([])
    axes[-1].set_xlabel(f"{xlabel} ({_years(dated)})" if len(dated) else f"{xlabel} (no date could be resolved)")
    fig.suptitle(title, x=0.0, ha="left", fontsize=12, fontweight="bold")
    handles = [Patch(facecolor=COLORS["week"], label="claimed window (flights claimed beside it)")]
    if "shade" in used:
        handles.append(Patch(facecolor=COLORS["shade"], label="days every dated claim covers"))
    if "hatch" in used:
        handles.append(Patch(facecolor=COLORS["week"], hatch="////", hatchcolor="white", edgecolor=COLORS["week"],
                             label="year (or whole date) not written: inferred"))
    if "bad" in used:
        handles.append(Patch(facecolor=COLORS["week"], edgecolor=COLORS["accent"], linewidth=2,
                             label="window the same article contradicts"))
    key_ax.axis("off")
    key_ax.legend(handles=handles, loc="center left", bbox_to_anchor=(0.0, 0.5), ncols=2, handlelength=1.6,
                  columnspacing=1.6, fontsize=8.5, borderaxespad=0)
    note = " ".join(["Right of the chart: each claim's date as the article writes it and, in red, what is wrong "
                     "with the claim. Restatements of a flight already described in the same article are left "
                     "out."] + notes)
    cap = caption_text(source, period, note)
    if cap:
        import textwrap

        fig.supxlabel("\n".join(textwrap.wrap(cap, max(60, int(width * 13)))), x=0.0, ha="left", fontsize=8.5,
                      color=grey, fontweight="normal")
    return fig


def plot_counts_vs_agreed(versus: pd.DataFrame, *, source: str = "", period: str = "", width: float = 8.0,
                          max_aircraft: int = 6, max_lanes: int = 20,
                          title: str = "How many flights does each article claim?"):
    """One panel per aircraft, one bar per article: the flights it claims, against the number
    most articles give (dashed line). Bars that differ from it are drawn in the accent colour.

    In: :func:`claims_vs_agreed`. Out: a :class:`matplotlib.figure.Figure`; at most
    ``max_aircraft`` panels (in the table's order) of ``max_lanes`` bars each.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .common import caption_text, new_figure

    xlabel = "flights claimed (per article, all its claims of the aircraft)"
    if versus is None or versus.empty:
        fig, ax = new_figure(width, 2.6)
        return empty_chart(fig, ax, "No flight claims.", title=title, xlabel=xlabel, ylabel="article", source=source, period=period)
    aircraft = list(dict.fromkeys(versus["aircraft"]))
    notes = [f"The first {max_aircraft} of {len(aircraft)} aircraft types are drawn."] if len(aircraft) > max_aircraft else []
    panels = []
    for name in aircraft[:max_aircraft]:
        v = versus[versus["aircraft"] == name]
        if len(v) > max_lanes:
            notes.append(f"{name}: {max_lanes} of {len(v)} articles drawn.")
        panels.append((name, v.head(max_lanes)))
    sizes = [len(v) for _, v in panels]
    fig, axes = new_figure(width, 1.5 + sum(0.3 * n + 0.55 for n in sizes), nrows=len(panels), squeeze=False,
                           sharex=True, gridspec_kw={"height_ratios": [n + 0.8 for n in sizes]})
    axes = list(axes[:, 0])
    top = max(int(versus["count"].max()), int(pd.to_numeric(versus["agreed_count"], errors="coerce").max() or 0), 1)
    for ax, (name, v) in zip(axes, panels):
        ys = list(range(len(v)))[::-1]
        colours = [COLORS["week"] if ok else COLORS["accent"] for ok in v["count_agrees"]]
        ax.barh(ys, v["count"], height=0.6, color=colours)
        for y, n in zip(ys, v["count"]):
            ax.annotate(str(int(n)), (n, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8.5)
        agreed_n = v["agreed_count"].iloc[0]
        if pd.notna(agreed_n):
            ax.axvline(int(agreed_n), color="#222222", lw=1.2, ls="--")
        ax.set_yticks(ys, v["article"].tolist())
        ax.set_ylim(-0.6, len(v) - 0.4)
        ax.grid(axis="y", visible=False)
        ax.set_ylabel("article", color="#555555")
        n_agree = int(v["count_agrees"].sum())
        ax.set_title(f"{name}: {n_agree} of {len(v)} article{'s' if len(v) != 1 else ''} "
                     f"claim{'s' if len(v) == 1 else ''} {int(agreed_n)} "
                     f"flight{'s' if int(agreed_n) != 1 else ''}" if pd.notna(agreed_n) else name,
                     loc="left", fontsize=10, fontweight="bold")
    axes[-1].set_xlim(0, top + 0.6)
    axes[-1].xaxis.get_major_locator().set_params(integer=True)
    axes[-1].set_xlabel(xlabel)
    fig.suptitle(title, x=0.0, ha="left", fontsize=12, fontweight="bold")
    handles = [Patch(color=COLORS["week"], label="as most articles")]
    if not versus["count_agrees"].all():
        handles.append(Patch(color=COLORS["accent"], label="differs"))
    handles.append(Line2D([], [], color="#222222", ls="--", lw=1.2, label="count most articles give"))
    axes[0].legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, borderaxespad=0.3,
                   fontsize=8.5)
    axes[0].set_title(axes[0].get_title(loc="left"), loc="left", fontsize=10, fontweight="bold", pad=22)
    cap = caption_text(source, period, " ".join(notes))
    if cap:
        import textwrap

        fig.supxlabel("\n".join(textwrap.wrap(cap, max(60, int(width * 13)))), x=0.0, ha="left", fontsize=8.5,
                      color="#555555", fontweight="normal")
    return fig


def _panel_title(aircraft: str, a) -> str:
    """``An-124-100: 5 of 5 articles claim 3 flights; all 4 dated claims cover 24–26 Oct``."""
    n = int(a["count"])
    m = int(a["articles"])
    head = (f"{aircraft}: {int(a['count_articles'])} of {m} article{'s' if m != 1 else ''} claim{'s' if m == 1 else ''} "
            f"{n} flight{'s' if n != 1 else ''}")
    k = int(a["dated_articles"])
    if _text(a["agreed_start"]):
        when = _short_window(a["agreed_start"], a["agreed_end"])
        return head + (f"; the one dated claim: {when}" if k == 1 else f"; all {k} dated claims cover {when}")
    return head + ("; the dated claims share no day" if k > 1 else "; no claim is dated")


def _short_window(start, end) -> str:
    s, e = pd.Timestamp(_text(start)), pd.Timestamp(_text(end))
    if s == e:
        return s.strftime("%d %b").lstrip("0")
    if s.month == e.month:
        return f"{s.day}\u2013{e.day} {e.strftime('%b')}"
    return f"{s.strftime('%d %b').lstrip('0')} \u2013 {e.strftime('%d %b').lstrip('0')}"


def _years(dated: pd.DataFrame) -> str:
    ys = sorted({str(x)[:4] for x in list(dated["date_start"]) + list(dated["date_end"])})
    return ys[0] if len(ys) == 1 else f"{ys[0]}\u2013{ys[-1]}"


def _fit_labels(fig, ax, lo, hi, labels_at, margin_px: float = 8.0):
    """Widen the x axis to the right until every label drawn beside a span ends inside it; the
    new right limit. A label starting at date ``x`` and ``w`` pixels long fits when
    ``(x - lo) / (hi - lo) * W + w <= W`` for an axis ``W`` pixels wide."""
    import matplotlib.dates as mdates

    ax.set_xlim(lo, hi)
    if not labels_at:
        return hi
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)  # measuring text needs a renderer; Agg draws the PNGs anyway
    fig.draw_without_rendering()  # settle the constrained layout: the axis's real width
    renderer = fig.canvas.get_renderer()
    width = ax.get_window_extent(renderer).width
    lo_n, need = mdates.date2num(lo), mdates.date2num(hi)
    for x, text in labels_at:
        w = text.get_window_extent(renderer).width + 5 + margin_px
        if w >= width * 0.9:
            w = width * 0.9  # a label wider than the axis: let it run into the margin
        need = max(need, lo_n + (mdates.date2num(x) - lo_n) * width / (width - w))
    hi = pd.Timestamp(mdates.num2date(need).replace(tzinfo=None))
    ax.set_xlim(lo, hi)
    return hi


def _day_ticks(ax, lo, hi, last, labels: bool = True) -> None:
    """Day ticks up to the last claimed day (none in the room right of it kept for labels): a
    label with the weekday, which articles often give instead of the date, at the middle of
    each day and a grid line at each midnight, so a span covers exactly its days' labels."""
    import matplotlib.dates as mdates

    days = (last - lo).days
    if days > 21:
        date_axis(ax, lo, hi)
        ticks = [t for t in ax.get_xticks() if mdates.num2date(t).replace(tzinfo=None) <= last.to_pydatetime()]
        ax.set_xticks(ticks)
        if not labels:
            ax.tick_params(labelbottom=False)
        return
    # a "Wed / 29 Oct" label needs about 46 px: label every day, every other day, ... as room allows
    px_per_day = ax.get_window_extent().width / max((hi - lo).total_seconds() / 86400, 1)
    step = next((k for k in (1, 2, 3, 7) if k * px_per_day >= 46 * ax.figure.dpi / 100), 7)
    first, final = lo + pd.Timedelta(days=1), last - pd.Timedelta(days=1)
    mids = pd.date_range(first, final, freq=f"{step}D") + pd.Timedelta(hours=12)
    ax.set_xticks(mids, [f"{t.strftime('%a')}\n{t.day} {t.strftime('%b')}" for t in mids] if labels else [])
    ax.tick_params(axis="x", length=0)
    ax.set_xticks(pd.date_range(first, last, freq="D"), minor=True)
    ax.grid(axis="x", which="major", visible=False)
    ax.grid(axis="x", which="minor", visible=True, color="#e6e6e6", linewidth=0.8)


def save_readme_figure(corpus, path, *, width_px: int = 1200) -> str:
    """Draw the lane chart of ``corpus`` (a :class:`hmeimim.Corpus`) and save it as a PNG about
    ``width_px`` wide at ``path`` (the README picture, ``docs/flights_over_time.png``). Run by
    hand when the seeds or the chart change; returns the path written."""
    from pathlib import Path

    from .common import png

    lanes = claim_lanes(corpus.flights, corpus.articles)
    agreed = agreed_flights(lanes)
    width = 10.0
    fig = plot_claim_lanes(lanes, agreed, width=width, source=claims_source(corpus.articles, Path(corpus.root).name),
                           period=claims_period(lanes))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(png(fig, dpi=int(round(width_px / width))))
    return str(out)
