"""Source charts: who the articles cite, directly or second-hand, by type and over time.

The unit is a *citation*: one article citing one source, however many times it does. A source
is cited *directly* when the article attributes something to it itself, *second-hand* when
through another source (``via``: "Bloomberg, citing Flightradar24" cites Flightradar24 via
Bloomberg); one article can do both. A source that "did not respond to a request for comment"
(``stance`` ``no_comment``) is counted apart: that is not a citation. A denial (``denied``) is
a citation (the article reports the source's own words) and is also counted in ``denied``.

Each chart has a function computing its tidy table and one drawing it. All take the
``sources`` table of :func:`hmeimim.sources.find_sources` (and the ``articles`` table where
publication dates or the text are needed), empty or not.

>>> import pandas as pd
>>> src = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b"],
...                     "source": ["Bloomberg", "Flightradar24", "Defense Ministry", "Bloomberg", "Flightradar24"],
...                     "source_type": ["news agency", "flight-tracking data", "official body", "news agency",
...                                     "flight-tracking data"],
...                     "via": ["", "Bloomberg", "", "", ""],
...                     "stance": ["cited", "cited", "no_comment", "cited", "cited"]})
>>> source_counts(src)[["source", "articles", "direct", "second_hand", "no_comment"]].to_dict("records")[1:]
[{'source': 'Flightradar24', 'articles': 2, 'direct': 1, 'second_hand': 1, 'no_comment': 0}, {'source': 'Defense Ministry', 'articles': 0, 'direct': 0, 'second_hand': 0, 'no_comment': 1}]
>>> citation_chains(src)[["source", "via", "articles"]].to_dict("records")
[{'source': 'Flightradar24', 'via': 'Bloomberg', 'articles': 1}]
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .common import COLORS, article_label, empty_chart, finish, legend_above, new_figure, period_text, short_label

__all__ = ["CITED", "NO_COMMENT", "DENIED", "UNDATED", "PAIR_COLUMNS", "COUNT_COLUMNS", "TYPE_COLUMNS",
           "DAY_COLUMNS", "EVIDENCE_COLUMNS", "CHAIN_COLUMNS", "article_citations", "source_counts",
           "type_counts", "citations_per_day", "citation_evidence", "citation_chains", "plot_source_counts",
           "plot_type_counts", "plot_citations_per_day", "plot_citation_chains"]

CITED, NO_COMMENT, DENIED = "cited", "no_comment", "denied"
UNDATED = "undated"

PAIR_COLUMNS = ["article_id", "source", "source_type", "cited", "direct", "second_hand", "via", "no_comment",
                "denied", "mentions"]
COUNT_COLUMNS = ["source", "source_type", "articles", "direct", "second_hand", "both", "via", "no_comment",
                 "denied", "mentions"]
TYPE_COLUMNS = ["source_type", "sources", "articles", "direct", "second_hand", "both", "no_comment", "mentions"]
DAY_COLUMNS = ["day", "articles", "citations", "direct", "second_hand", "both", "no_comment", "sources"]
EVIDENCE_COLUMNS = ["source", "article", "how", "phrase", "cue", "as_written", "article_id", "sentence_id",
                    "start", "end"]
CHAIN_COLUMNS = ["source", "source_type", "via", "chain", "articles", "mentions", "article_ids"]

# direct only / both / second-hand only: the three parts a bar of citations is split into
_PARTS = (("direct only", "#0072B2", "directly"),
          ("both", "#56B4E9", "both ways"),
          ("second-hand only", COLORS["before"], "only second-hand"))
_PARTS_NOTE = ("Directly: the article attributes to the source itself; second-hand: through another source "
               "('Bloomberg, citing Flightradar24').")
_GREY = "#555555"
_BOOLS = frozenset({"cited", "direct", "second_hand", "no_comment", "denied"})
_INTS = frozenset({"articles", "direct", "second_hand", "both", "no_comment", "denied", "mentions", "sources",
                   "citations", "sentence_id", "start", "end"})


# -- tables --------------------------------------------------------------------------------------


def _clean(sources: pd.DataFrame | None) -> pd.DataFrame:
    """The columns the tables use, as plain strings: ``via`` '' when direct, ``stance`` 'cited'
    when missing, rows without a source dropped."""
    cols = ["article_id", "source", "source_type", "via", "stance"]
    if sources is None or sources.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols})
    df = pd.DataFrame({"article_id": sources["article_id"].astype("string").fillna("").astype(str),
                       "source": sources["source"].astype("string").fillna("").str.strip().astype(str)})
    for col, default in (("source_type", ""), ("via", ""), ("stance", CITED)):
        s = sources[col].astype("string").fillna(default).str.strip() if col in sources else \
            pd.Series(default, index=sources.index, dtype="string")
        df[col] = s.replace("", default).astype(str)
    for col in ("sentence_id", "start", "end"):
        if col in sources:
            df[col] = sources[col]
    return df[df["source"] != ""]


def _type_of(df: pd.DataFrame) -> dict[str, str]:
    """Each source's type: the one most of its rows give (ties: alphabetical); '' if none."""
    t = df[df["source_type"] != ""]
    if t.empty:
        return {}
    n = t.groupby(["source", "source_type"]).size().reset_index(name="n")
    n = n.sort_values(["source", "n", "source_type"], ascending=[True, False, True], kind="stable")
    return dict(n.drop_duplicates("source")[["source", "source_type"]].itertuples(index=False, name=None))


def _join(values) -> str:
    return ", ".join(sorted({v for v in values if v}))


def article_citations(sources: pd.DataFrame | None) -> pd.DataFrame:
    """One row per article and source: does the article cite the source, how, and how often.

    In: the ``sources`` table. Out: :data:`PAIR_COLUMNS`, sorted by article and source:
    ``cited`` (any ``cited`` or ``denied`` row), ``direct`` (one of them without ``via``),
    ``second_hand`` (one with a ``via``), ``via`` (the sources it came through, comma-joined),
    ``no_comment`` (the article says the source did not comment), ``denied``, and
    ``mentions`` (the attribution rows that cite it).
    """
    df = _clean(sources)
    if df.empty:
        return _typed(None, PAIR_COLUMNS, bools=True)
    says = df["stance"] != NO_COMMENT
    df = df.assign(
        _cited=says, _direct=says & (df["via"] == ""), _second=says & (df["via"] != ""),
        _via=df["via"].where(says, ""), _nc=df["stance"] == NO_COMMENT, _denied=df["stance"] == DENIED)
    g = df.groupby(["article_id", "source"], sort=True).agg(
        cited=("_cited", "any"), direct=("_direct", "any"), second_hand=("_second", "any"),
        via=("_via", _join), no_comment=("_nc", "any"), denied=("_denied", "any"), mentions=("_cited", "sum"))
    g = g.reset_index()
    g.insert(2, "source_type", g["source"].map(_type_of(df)).fillna(""))
    return _typed(g, PAIR_COLUMNS, bools=True)


def _typed(df: pd.DataFrame, columns: list[str], bools: bool = False) -> pd.DataFrame:
    """``df[columns]`` with explicit dtypes (flags bool when ``bools``, counts int64, text
    str), the index reset; an empty frame with those columns when ``df`` is None."""
    if df is None:
        df = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    types = {c: ("bool" if bools and c in _BOOLS else "int64" if c in _INTS else str) for c in columns}
    return df[columns].astype(types).reset_index(drop=True)


def _count(pairs: pd.DataFrame, by: str) -> pd.DataFrame:
    """Articles per ``by`` value (a source, a type): citing it, directly, second-hand, both
    (an article citing one source of a type directly and another second-hand cites the type
    both ways), without comment, denied; and the attribution rows that cite it."""
    rows = {}
    for key, g in pairs.groupby(by, sort=True):
        ids = {col: set(g.loc[g[col], "article_id"]) for col in ("cited", "direct", "second_hand", "no_comment",
                                                                  "denied")}
        rows[key] = {"articles": len(ids["cited"]), "direct": len(ids["direct"]),
                     "second_hand": len(ids["second_hand"]), "both": len(ids["direct"] & ids["second_hand"]),
                     "no_comment": len(ids["no_comment"]), "denied": len(ids["denied"]),
                     "mentions": int(g["mentions"].sum())}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(by)


def source_counts(sources: pd.DataFrame | None) -> pd.DataFrame:
    """How often each source is cited: articles citing it, directly and second-hand.

    In: the ``sources`` table. Out: one row per source, :data:`COUNT_COLUMNS`: ``articles``
    citing it (``direct`` + ``second_hand`` - ``both``, since one article can cite a source
    both ways), ``via`` the sources it was relayed through, ``no_comment`` articles saying it
    did not comment (not a citation: a source only ever silent has ``articles`` 0),
    ``denied`` articles reporting its denial, ``mentions`` attribution rows. Sorted by
    articles, direct citations and no-comment articles (most first), then by name.
    """
    pairs = article_citations(sources)
    if pairs.empty:
        return _typed(None, COUNT_COLUMNS)
    df = _clean(sources)
    relayed = df[(df["stance"] != NO_COMMENT) & (df["via"] != "")]
    g = _count(pairs, "source")
    g["via"] = relayed.groupby("source")["via"].agg(_join)
    g = g.reset_index().fillna({"via": ""})
    g["source_type"] = g["source"].map(_type_of(df)).fillna("")
    g = g.sort_values(["articles", "direct", "no_comment", "source"], ascending=[False, False, False, True],
                      kind="stable")
    return _typed(g, COUNT_COLUMNS)


def type_counts(sources: pd.DataFrame | None) -> pd.DataFrame:
    """How often each type of source is cited (news agency, anonymous source, ...).

    In: the ``sources`` table. Out: one row per ``source_type``, :data:`TYPE_COLUMNS`:
    ``sources`` of that type cited at least once, ``articles`` citing at least one of them
    (directly, second-hand, both), ``no_comment`` articles where one of them did not comment,
    ``mentions`` attribution rows. Sorted by articles (most first), then type. A source
    without a type is ``(no type)``.
    """
    pairs = article_citations(sources)
    if pairs.empty:
        return _typed(None, TYPE_COLUMNS)
    pairs = pairs.assign(source_type=pairs["source_type"].replace("", "(no type)"))
    g = _count(pairs, "source_type")
    g["sources"] = pairs[pairs["cited"]].groupby("source_type")["source"].nunique()
    g = g.reset_index().fillna({"sources": 0})
    g = g.sort_values(["articles", "direct", "no_comment", "source_type"], ascending=[False, False, False, True],
                      kind="stable")
    return _typed(g, TYPE_COLUMNS)


def _published(articles: pd.DataFrame | None) -> dict[str, str]:
    """article_id -> ISO publication day, for the articles that have one."""
    if articles is None or articles.empty or "published" not in articles:
        return {}
    pub = articles["published"].astype("string").fillna("").str.slice(0, 10)
    ok = pub.str.match(r"^\d{4}-\d{2}-\d{2}$").astype(bool)
    return dict(zip(articles.loc[ok, "article_id"].astype(str), pub[ok].astype(str)))


def citations_per_day(sources: pd.DataFrame | None, articles: pd.DataFrame | None) -> pd.DataFrame:
    """Citations per publication day, undated articles apart.

    In: the ``sources`` and ``articles`` tables. Out: :data:`DAY_COLUMNS`, one row per day
    from the first to the last dated article (zeros filled in), then one ``undated`` row when
    some article has no date (an article missing from ``articles`` counts as undated):
    ``articles`` published that day, ``citations`` (article-source pairs) and how many of
    them are ``direct``, ``second_hand`` or ``both``, ``no_comment`` pairs (not citations),
    ``sources`` distinct sources cited.
    """
    pairs = article_citations(sources)
    days = _published(articles)
    ids = set(articles["article_id"].astype(str)) if articles is not None and "article_id" in articles else set()
    ids |= set(pairs["article_id"])
    day_of = {a: days.get(a, UNDATED) for a in ids}
    pairs = pairs.assign(day=pairs["article_id"].map(day_of))
    pairs = pairs.assign(_both=pairs["direct"] & pairs["second_hand"])
    rows = []
    dated = sorted(set(days.values()))
    d, hi = (date.fromisoformat(dated[0]), date.fromisoformat(dated[-1])) if dated else (None, None)
    order = []
    while d is not None and d <= hi:
        order.append(d.isoformat())
        d += timedelta(days=1)
    if any(v == UNDATED for v in day_of.values()):
        order.append(UNDATED)
    n_articles = pd.Series(list(day_of.values()), dtype=object).value_counts()
    for day in order:
        p = pairs[pairs["day"] == day]
        c = p[p["cited"]]
        rows.append({"day": day, "articles": int(n_articles.get(day, 0)), "citations": len(c),
                     "direct": int(c["direct"].sum()), "second_hand": int(c["second_hand"].sum()),
                     "both": int(c["_both"].sum()), "no_comment": int(p["no_comment"].sum()),
                     "sources": int(c["source"].nunique())})
    return _typed(pd.DataFrame(rows, columns=DAY_COLUMNS), DAY_COLUMNS)


def _how(stance: str, via: str) -> str:
    head = {NO_COMMENT: "no comment", DENIED: "denied"}.get(stance, "direct" if not via else "")
    if via and stance != NO_COMMENT:
        return f"{head}, via {via}" if head else f"via {via}"
    return head


def citation_evidence(sources: pd.DataFrame | None, articles: pd.DataFrame | None, *, top: int = 5,
                      only: list[str] | None = None) -> pd.DataFrame:
    """The words behind the counts: every attribution of the ``top`` most cited sources (or of
    the sources named in ``only``), no-comment ones included.

    In: the ``sources`` table and the ``articles`` table (its ``text``, ``outlet`` and
    ``published``). Out: :data:`EVIDENCE_COLUMNS`, one row per attribution: ``article`` a
    short label (id, outlet, day), ``how`` (``direct``, ``via Bloomberg``, ``no comment``,
    ``denied``), ``phrase`` the attribution as written (``text[start:end]``), ``cue`` and the
    source's words ``as_written``. Sorted like :func:`source_counts`, then by article and
    position.
    """
    sources = sources.reset_index(drop=True) if sources is not None else None  # rows are picked by position
    df = _clean(sources)
    if df.empty:
        return _typed(None, EVIDENCE_COLUMNS)
    names = list(only) if only is not None else source_counts(sources)["source"].head(top).tolist()
    rank = {s: i for i, s in enumerate(names)}
    sel = sources.loc[df.index[df["source"].isin(rank)]]
    df = df.loc[sel.index]
    arts = articles.set_index(articles["article_id"].astype(str)) if articles is not None and len(articles) else None
    days = _published(articles)

    def meta(aid: str, col: str):
        if arts is None or col not in arts or aid not in arts.index:
            return None
        v = arts.at[aid, col]
        return v if isinstance(v, str) else None

    texts = {a: meta(a, "text") or "" for a in df["article_id"].unique()}
    out = pd.DataFrame({
        "source": df["source"],
        "article": [article_label(a, days.get(a), meta(a, "outlet")) for a in df["article_id"]],
        "how": [_how(s, v) for s, v in zip(df["stance"], df["via"])],
        "phrase": [texts[a][int(s):int(e)] for a, s, e in zip(df["article_id"], sel["start"], sel["end"])],
        "cue": sel["cue"].astype("string").fillna("").astype(str) if "cue" in sel else "",
        "as_written": sel["as_written"].astype("string").fillna("").astype(str) if "as_written" in sel else "",
        "article_id": df["article_id"],
        "sentence_id": sel["sentence_id"].astype("int64") if "sentence_id" in sel else 0,
        "start": sel["start"].astype("int64"), "end": sel["end"].astype("int64"),
    })
    out = out.assign(_rank=out["source"].map(rank))
    out = out.sort_values(["_rank", "article_id", "start", "end"], kind="stable").drop(columns="_rank")
    return _typed(out, EVIDENCE_COLUMNS)


def citation_chains(sources: pd.DataFrame | None) -> pd.DataFrame:
    """Who is cited through whom: one row per source and the source it was relayed through.

    In: the ``sources`` table. Out: :data:`CHAIN_COLUMNS`, sorted by articles (most first),
    then ``via`` and ``source``: ``articles`` citing ``source`` via ``via``, ``mentions`` such
    attributions, ``article_ids`` (comma-joined) and ``chain``, the longest relay chain the
    articles write ("Flightradar24 via Bloomberg", or "X via Y via Z" when Y is itself cited
    via Z in the same article; several are joined with '; ').
    """
    df = _clean(sources)
    df = df[(df["stance"] != NO_COMMENT)]
    if df.empty or not (df["via"] != "").any():
        return _typed(None, CHAIN_COLUMNS)
    relay: dict[tuple[str, str], set[str]] = {}  # (article, source) -> what the article relays it through
    for a, s, v in df[df["via"] != ""][["article_id", "source", "via"]].itertuples(index=False, name=None):
        relay.setdefault((a, s), set()).add(v)

    def chains(aid: str, src: str, seen: tuple) -> list[list[str]]:
        ups = sorted(relay.get((aid, src), set()) - set(seen) - {src})
        if not ups:
            return [[src]]
        return [[src] + c for u in ups for c in chains(aid, u, seen + (src,))]

    types = _type_of(df)
    rows = []
    second = df[df["via"] != ""]
    for (s, v), g in second.groupby(["source", "via"], sort=True):
        found = {tuple([s] + c) for a in sorted(set(g["article_id"])) for c in chains(a, v, (s,))}
        longest = max(len(c) for c in found)
        rows.append({"source": s, "source_type": types.get(s, ""), "via": v,
                     "chain": "; ".join(sorted(" via ".join(c) for c in found if len(c) == longest)),
                     "articles": g["article_id"].nunique(), "mentions": len(g),
                     "article_ids": ", ".join(sorted(set(g["article_id"])))})
    out = pd.DataFrame(rows, columns=CHAIN_COLUMNS)
    out = out.sort_values(["articles", "via", "source"], ascending=[False, True, True], kind="stable")
    return _typed(out, CHAIN_COLUMNS)


# -- charts --------------------------------------------------------------------------------------


def _parts(t: pd.DataFrame) -> list[list[int]]:
    """Direct only, both, second-hand only: the three parts that add up to ``articles``."""
    both = t["both"].astype(int)
    return [(t["direct"].astype(int) - both).tolist(), both.tolist(), (t["second_hand"].astype(int) - both).tolist()]


def _stacked(ax, y, parts, *, label_totals: bool = True, horizontal: bool = True, zeros: bool = True) -> None:
    """Bars split into :data:`_PARTS` at ``y`` (or ``x`` when not ``horizontal``), each total
    written at its end; a zero total in grey (``zeros``) or not at all."""
    base = [0] * len(y)
    for (key, colour, label), vals in zip(_PARTS, parts):
        if horizontal:
            ax.barh(y, vals, left=base, height=0.62, color=colour, label=label)
        else:
            ax.bar(y, vals, bottom=base, width=0.7, color=colour, label=label)
        base = [b + v for b, v in zip(base, vals)]
    if label_totals:
        for yi, tot in zip(y, base):
            if not tot and not zeros:
                continue
            xy, off = ((tot, yi), (3, 0)) if horizontal else ((yi, tot), (0, 2))
            ax.annotate(str(int(tot)), xy, xytext=off, textcoords="offset points", fontsize=8.5,
                        color="#222222" if tot else "#888888", va="center" if horizontal else "bottom",
                        ha="left" if horizontal else "center")


def _count_chart(table: pd.DataFrame, labels: list[str], *, title: str, xlabel: str, ylabel: str, source: str,
                 period: str, note: str, empty: str):
    """Stacked bars of articles citing each row (direct only / both / second-hand only) and,
    when any, a narrow grey panel of the articles saying the row's source did not comment."""
    n = len(table)
    silent = n > 0 and int(table["no_comment"].sum()) > 0
    height = max(3.0, 2.1 + 0.34 * n)
    if silent:
        fig, (ax, ax_nc) = new_figure(10.0, height, ncols=2, sharey=True, gridspec_kw={"width_ratios": [4.0, 1]})
        note = note + " Right: articles saying the source did not respond to a request for comment (not a citation)."
    else:
        fig, ax = new_figure(9.5, height)
        ax_nc = None
    if n == 0:
        return empty_chart(fig, ax, empty, title=title, xlabel=xlabel, ylabel=ylabel, source=source, period=period, note=note)
    y = list(range(n))[::-1]  # the first row on top
    _stacked(ax, y, _parts(table))
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.6, n - 0.4)
    top = max(int(table["articles"].max()), 1)
    ax.set_xlim(0, top * 1.08 + 0.4)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    if ax_nc is not None:
        nc = table["no_comment"].astype(int).tolist()
        ax_nc.barh(y, nc, height=0.62, color=COLORS["undated"], hatch="//", edgecolor="white")
        for yi, v in zip(y, nc):
            if v:
                ax_nc.annotate(str(v), (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5)
        ax_nc.set_xlim(0, max(max(nc), 1) * 1.3 + 0.3)
        ax_nc.xaxis.get_major_locator().set_params(integer=True)
        ax_nc.grid(axis="y", visible=False)
        ax_nc.tick_params(axis="y", left=False)
        ax_nc.set_xlabel("articles (count)")
        ax_nc.set_title("no comment", loc="left", fontsize=10, fontweight="bold", color=_GREY, pad=24)
    finish(fig, ax, title=title, xlabel=xlabel, ylabel=ylabel, source=source, period=period, note=note)
    legend_above(ax, ncols=3)
    return fig


def plot_source_counts(counts: pd.DataFrame, *, source: str = "sources table", period: str = "", top: int = 25,
                       title: str = "Which sources do the articles cite?"):
    """Horizontal bars, one per source (the ``top`` first rows of :func:`source_counts`): the
    articles citing it, split into directly only, both ways, and only second-hand; a grey
    panel beside counts the articles saying the source did not comment. Out: a Figure."""
    shown = counts.head(top)
    note = "A source counts once per article, however often it is cited. " + _PARTS_NOTE
    if len(counts) > top:
        note += f" The {top} most cited of {len(counts)} sources are drawn."
    return _count_chart(shown, [short_label(s, 38) for s in shown["source"]], title=title,
                        xlabel="articles citing the source (count)", ylabel="source", source=source, period=period,
                        note=note, empty="No source is cited.")


def plot_type_counts(by_type: pd.DataFrame, *, source: str = "sources table", period: str = "",
                     title: str = "Which kinds of source do the articles cite?"):
    """Horizontal bars, one per source type (:func:`type_counts`): the articles citing at least
    one source of that type, directly only, both ways or only second-hand; a grey panel beside
    counts the articles where a source of that type did not comment. Out: a Figure."""
    labels = [f"{short_label(t, 24)} ({int(s)} source{'s' if int(s) != 1 else ''})"
              for t, s in zip(by_type["source_type"], by_type["sources"])]
    return _count_chart(by_type, labels, title=title, xlabel="articles citing a source of this type (count)",
                        ylabel="source type (sources cited)", source=source, period=period,
                        note="An article counts once per type, however many sources of the type it cites. "
                             + _PARTS_NOTE,
                        empty="No source is cited.")


def plot_citations_per_day(per_day: pd.DataFrame, *, source: str = "sources and articles tables",
                           title: str = "How many citations did each publication day bring?"):
    """Stacked bars per publication day (:func:`citations_per_day`): citations (one article
    citing one source) made directly only, both ways or only second-hand; undated articles in
    a panel of their own, never placed on a day. Out: a Figure."""
    dated = per_day[per_day["day"] != UNDATED].reset_index(drop=True)
    undated = per_day[per_day["day"] == UNDATED].reset_index(drop=True)
    n_days = max(len(dated), 1)
    width = min(11.0, max(8.5, 5.0 + 0.3 * n_days))
    fig, (ax, ax_u) = new_figure(width, 4.4, ncols=2, sharey=True,
                                 gridspec_kw={"width_ratios": [max(n_days, 4), max(1.1, n_days / 8)]})
    if len(dated):
        x = list(range(len(dated)))
        _stacked(ax, x, _parts(dated), horizontal=False, zeros=False)
        step = 1 if len(dated) <= 8 else 2 if len(dated) <= 16 else max(7, -(-len(dated) // 12))  # ~80 px a label
        labels = [f"{pd.Timestamp(d).strftime('%a %d %b')}\n({_n_articles(k)})"
                  for d, k in zip(dated["day"], dated["articles"])]
        ax.set_xticks(x[::step], labels[::step])
        pad = max(0.6, (4 - len(dated)) / 2 + 0.1)  # a day or two: keep the bars slim, centred
        ax.set_xlim(-pad, len(dated) - 1 + pad)
    else:
        ax.text(0.5, 0.5, "no dated articles", transform=ax.transAxes, ha="center", va="center", color="#777777")
        ax.set_xticks([])
    if len(undated):
        _stacked(ax_u, [0], _parts(undated), horizontal=False)
        ax_u.set_xticks([0], [f"undated\n({_n_articles(undated['articles'].iloc[0])})"])
    else:
        ax_u.set_xticks([0], ["undated\n(none)"])
    ax_u.set_xlim(-0.7, 0.7)
    ax_u.set_facecolor("#f4f4f4")
    ax_u.tick_params(axis="y", left=False)
    for a in (ax, ax_u):
        a.grid(axis="x", visible=False)
    top = max(int(per_day["citations"].max()) if len(per_day) else 0, 1)
    ax.set_ylim(0, top * 1.15 + 0.5)
    ax.yaxis.get_major_locator().set_params(integer=True)
    period = period_text(dated["day"].iloc[0], dated["day"].iloc[-1]) if len(dated) else "no dated articles"
    n_nc = int(per_day["no_comment"].sum())
    note = ("A citation is one article citing one source, however often. Undated articles are not placed on any "
            f"day. {n_nc} no-comment statement{'s are' if n_nc != 1 else ' is'} not counted. " + _PARTS_NOTE)
    finish(fig, ax, title=title, xlabel="publication date (day)", ylabel="citations (article–source pairs, count)",
           source=source, period=period, note=note)
    if len(per_day):
        legend_above(ax, ncols=3)
    return fig


def _n_articles(k) -> str:
    return f"{int(k)} article{'s' if int(k) != 1 else ''}"


def plot_citation_chains(chains: pd.DataFrame, *, source: str = "sources table", period: str = "", top: int = 20,
                         title: str = "Who is cited through whom?"):
    """The relay graph (:func:`citation_chains`): relaying sources on the left, the sources
    they relay on the right, a line per pair as thick as the articles citing it that way (the
    number on the line). At most ``top`` pairs, the most cited first. Out: a Figure."""
    shown = chains.head(top)
    left = list(dict.fromkeys(shown["via"]))
    right = sorted(dict.fromkeys(shown["source"]),
                   key=lambda s: (min(left.index(v) for v in shown.loc[shown["source"] == s, "via"]),
                                  -int(shown.loc[shown["source"] == s, "articles"].max()), s))
    n = max(len(left), len(right), 1)
    fig, ax = new_figure(9.0, max(2.8, 1.9 + 0.42 * n))
    xlabel = "relayed by (left) \u2192 cited second-hand (right); line width and number: articles (count)"
    note = "A pair counts once per article. " + (f"The {top} most cited of {len(chains)} pairs are drawn."
                                                 if len(chains) > top else "")
    if shown.empty:
        return empty_chart(fig, ax, "No source is cited through another.", title=title, xlabel=xlabel, ylabel="",
                           source=source, period=period, note=note)

    def ys(names):  # spread the names over the same height, centred
        k = len(names)
        return {s: (n - 1) / 2 + (k - 1) / 2 - i for i, s in enumerate(names)}

    yl, yr = ys(left), ys(right)
    most = max(int(shown["articles"].max()), 1)
    for r in shown.itertuples():
        y0, y1 = yl[r.via], yr[r.source]
        ax.plot([0, 1], [y0, y1], color=COLORS["before"], lw=1 + 5 * r.articles / most, alpha=0.8,
                solid_capstyle="butt")
        ax.annotate(str(int(r.articles)), (0.78, y0 + 0.78 * (y1 - y0)), ha="center", va="center", fontsize=8.5,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none"})
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_yticks(list(yl.values()), [short_label(s, 40) for s in yl])
    ax.set_xticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax2 = ax.twinx()
    ax2.set_ylim(ax.get_ylim())
    ax2.set_yticks(list(yr.values()), [short_label(s, 40) for s in yr])
    ax2.tick_params(axis="y", length=0)
    ax2.grid(False)
    for side in ("left", "right", "top", "bottom"):
        ax2.spines[side].set_visible(False)
    ax2.set_ylabel("source cited second-hand", color=_GREY)
    finish(fig, ax, title=title, xlabel=xlabel, ylabel="relaying source (via)", source=source, period=period,
           note=note)
    ax.yaxis.label.set_color(_GREY)
    return fig
