"""The source charts of notebook 03: the tables behind them count direct, second-hand and
no-comment citations right on a small hand-made sources table, and the figures carry a title,
labelled axes, a caption and labels that stay inside the picture."""
from __future__ import annotations

import pandas as pd
import pytest

from hmeimim.plots import sources as P

# Three articles written the way the seeds write their sources: Bloomberg relaying Flightradar24
# and a Kremlin source, an article that also names Flightradar24 itself, a two-step relay (a
# source via TASS via Bloomberg), a denial, ministries that did not comment; a fourth article
# cites nobody. Missing via / stance values must read as "direct" / "cited".
TEXTS = {
    "a_1": ("According to Bloomberg, citing Flightradar24 data and a Kremlin source, two jets landed. "
            "The data from Flightradar24 reveals two aircraft. Bloomberg said more flights followed. "
            "The Defense Ministry did not respond to a request for comment."),
    "b_2": ("Bloomberg, citing TASS, reported that a source close to the Kremlin told TASS the flights resumed, "
            "citing Flightradar24."),
    "c_3": "Peskov denied the report. The Defense Ministry declined to comment.",
    "d_4": "Nobody is cited here.",
}
ROWS = [  # article, phrase (its text[start:end]), source, type, via, stance
    ("a_1", "According to Bloomberg", "Bloomberg", "news agency", "", "cited"),
    ("a_1", "citing Flightradar24", "Flightradar24", "flight-tracking data", "Bloomberg", "cited"),
    ("a_1", "a Kremlin source", "anonymous Kremlin source", "anonymous source", "Bloomberg", "cited"),
    ("a_1", "Flightradar24 reveals", "Flightradar24", "flight-tracking data", "", "cited"),
    ("a_1", "Bloomberg said", "Bloomberg", "news agency", "", None),
    ("a_1", "The Defense Ministry did not respond", "Defense Ministry", "official body", "", "no_comment"),
    ("b_2", "Bloomberg, citing TASS, reported", "Bloomberg", "news agency", "", "cited"),
    ("b_2", "citing TASS", "TASS", "news agency", "Bloomberg", "cited"),
    ("b_2", "a source close to the Kremlin told TASS", "anonymous Kremlin source", "anonymous source", "TASS",
     "cited"),
    ("b_2", "citing Flightradar24", "Flightradar24", "flight-tracking data", "Bloomberg", "cited"),
    ("c_3", "Peskov denied", "Dmitry Peskov", "named person", None, "denied"),
    ("c_3", "The Defense Ministry declined to comment", "Defense Ministry", "official body", "", "no_comment"),
]


def _sources() -> pd.DataFrame:
    rows = []
    for aid, phrase, source, stype, via, stance in ROWS:
        start = TEXTS[aid].index(phrase)
        rows.append({"article_id": aid, "sentence_id": TEXTS[aid][:start].count(". "), "start": start,
                     "end": start + len(phrase), "source": source, "source_type": stype,
                     "as_written": phrase.split()[-1], "cue": phrase.split()[0], "via": via, "stance": stance})
    df = pd.DataFrame(rows)
    return df.astype({"via": "string", "stance": "string", "source": "string", "article_id": "string"})


SOURCES = _sources()
ARTICLES = pd.DataFrame({"article_id": list(TEXTS), "text": list(TEXTS.values()),
                         "published": ["2025-10-30", "2025-11-01", None, None],
                         "outlet": ["The Moscow Times", None, None, None]})


def _records(df: pd.DataFrame, cols: list[str]) -> list[list]:
    return df[cols].values.tolist()


# --- tables -------------------------------------------------------------------------------------


def test_a_source_counts_once_per_article_split_direct_second_hand_and_both():
    counts = P.source_counts(SOURCES)
    assert list(counts.columns) == P.COUNT_COLUMNS
    assert _records(counts, ["source", "articles", "direct", "second_hand", "both", "via", "no_comment", "denied",
                             "mentions"]) == [
        ["Bloomberg", 2, 2, 0, 0, "", 0, 0, 3],                      # a missing stance is a citation
        ["Flightradar24", 2, 1, 2, 1, "Bloomberg", 0, 0, 3],         # a_1 names it itself and via Bloomberg
        ["anonymous Kremlin source", 2, 0, 2, 0, "Bloomberg, TASS", 0, 0, 2],
        ["Dmitry Peskov", 1, 1, 0, 0, "", 0, 1, 1],                  # a denial is on record: a citation
        ["TASS", 1, 0, 1, 0, "Bloomberg", 0, 0, 1],
        ["Defense Ministry", 0, 0, 0, 0, "", 2, 0, 0],               # no comment is not a citation
    ]
    assert (counts["articles"] == counts["direct"] + counts["second_hand"] - counts["both"]).all()
    assert counts["source_type"].tolist()[:2] == ["news agency", "flight-tracking data"]


def test_article_citations_are_one_row_per_article_and_source():
    pairs = P.article_citations(SOURCES)
    assert list(pairs.columns) == P.PAIR_COLUMNS
    assert len(pairs) == pairs[["article_id", "source"]].drop_duplicates().shape[0] == 10
    f24 = pairs[(pairs["article_id"] == "a_1") & (pairs["source"] == "Flightradar24")].iloc[0]
    assert (f24["cited"], f24["direct"], f24["second_hand"], f24["via"], f24["mentions"]) == (
        True, True, True, "Bloomberg", 2)
    mod = pairs[pairs["source"] == "Defense Ministry"]
    assert not mod["cited"].any() and mod["no_comment"].all() and (mod["mentions"] == 0).all()


def test_types_count_articles_not_sources_and_keep_silent_bodies_apart():
    by_type = P.type_counts(SOURCES)
    assert list(by_type.columns) == P.TYPE_COLUMNS
    assert _records(by_type, ["source_type", "sources", "articles", "direct", "second_hand", "both",
                              "no_comment"]) == [
        ["news agency", 2, 2, 2, 1, 1, 0],  # b_2 cites Bloomberg itself and TASS via Bloomberg
        ["flight-tracking data", 1, 2, 1, 2, 1, 0],
        ["anonymous source", 1, 2, 0, 2, 0, 0],
        ["named person", 1, 1, 1, 0, 0, 0],
        ["official body", 0, 0, 0, 0, 0, 2],
    ]
    assert (by_type["articles"] == by_type["direct"] + by_type["second_hand"] - by_type["both"]).all()


def test_citations_per_day_fill_empty_days_and_keep_undated_articles_apart():
    per_day = P.citations_per_day(SOURCES, ARTICLES)
    assert list(per_day.columns) == P.DAY_COLUMNS
    assert _records(per_day, P.DAY_COLUMNS) == [
        ["2025-10-30", 1, 3, 2, 2, 1, 1, 3],
        ["2025-10-31", 0, 0, 0, 0, 0, 0, 0],
        ["2025-11-01", 1, 4, 1, 3, 0, 0, 4],
        ["undated", 2, 1, 1, 0, 0, 1, 1],   # c_3 and d_4: not dropped, not placed on a day
    ]
    assert per_day["articles"].sum() == len(ARTICLES)
    assert per_day["citations"].sum() == int(P.article_citations(SOURCES)["cited"].sum())


def test_evidence_shows_the_words_behind_each_count():
    ev = P.citation_evidence(SOURCES, ARTICLES, top=2)
    assert list(ev.columns) == P.EVIDENCE_COLUMNS
    assert ev["source"].unique().tolist() == ["Bloomberg", "Flightradar24"]
    for r in ev.itertuples():
        assert r.phrase == TEXTS[r.article_id][r.start:r.end]
    f24 = ev[ev["source"] == "Flightradar24"]
    assert _records(f24, ["article", "how", "phrase"]) == [
        ["a · The Moscow Times · 30 Oct 2025", "via Bloomberg", "citing Flightradar24"],
        ["a · The Moscow Times · 30 Oct 2025", "direct", "Flightradar24 reveals"],
        ["b · 1 Nov 2025", "via Bloomberg", "citing Flightradar24"],
    ]
    silent = P.citation_evidence(SOURCES, ARTICLES, only=["Defense Ministry", "Dmitry Peskov"])
    assert _records(silent, ["article", "how"]) == [["a · The Moscow Times · 30 Oct 2025", "no comment"],
                                                    ["c · undated", "no comment"], ["c · undated", "denied"]]


def test_chains_follow_a_relay_through_every_step():
    chains = P.citation_chains(SOURCES)
    assert list(chains.columns) == P.CHAIN_COLUMNS
    assert _records(chains, ["source", "via", "articles", "chain"]) == [
        ["Flightradar24", "Bloomberg", 2, "Flightradar24 via Bloomberg"],
        ["TASS", "Bloomberg", 1, "TASS via Bloomberg"],
        ["anonymous Kremlin source", "Bloomberg", 1, "anonymous Kremlin source via Bloomberg"],
        ["anonymous Kremlin source", "TASS", 1, "anonymous Kremlin source via TASS via Bloomberg"],
    ]
    assert chains.loc[0, "article_ids"] == "a_1, b_2"


def test_relay_cycles_end():
    loop = pd.DataFrame({"article_id": ["x", "x"], "source": ["A", "B"], "source_type": ["outlet", "outlet"],
                         "via": ["B", "A"], "stance": ["cited", "cited"], "start": [0, 1], "end": [1, 2]})
    assert sorted(P.citation_chains(loop)["chain"]) == ["A via B", "B via A"]


@pytest.mark.parametrize("empty", [None, SOURCES.iloc[0:0], SOURCES.iloc[0:0][["article_id", "source"]]])
def test_empty_input_gives_empty_tables_with_their_columns(empty):
    assert list(P.article_citations(empty).columns) == P.PAIR_COLUMNS
    assert list(P.source_counts(empty).columns) == P.COUNT_COLUMNS
    assert list(P.type_counts(empty).columns) == P.TYPE_COLUMNS
    assert list(P.citation_evidence(empty, ARTICLES).columns) == P.EVIDENCE_COLUMNS
    assert list(P.citation_chains(empty).columns) == P.CHAIN_COLUMNS
    per_day = P.citations_per_day(empty, ARTICLES)
    assert per_day["day"].tolist() == ["2025-10-30", "2025-10-31", "2025-11-01", "undated"]
    assert per_day["citations"].sum() == 0 and per_day["articles"].sum() == 4


def test_tables_are_deterministic_whatever_the_row_order():
    shuffled = SOURCES.sample(frac=1, random_state=3)
    for fn in (P.source_counts, P.type_counts, P.citation_chains, P.article_citations):
        pd.testing.assert_frame_equal(fn(shuffled), fn(SOURCES))
    pd.testing.assert_frame_equal(P.citation_evidence(shuffled, ARTICLES), P.citation_evidence(SOURCES, ARTICLES))


# --- figures --------------------------------------------------------------------------------------


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def _assert_inside(fig):
    """Every visible text (tick labels in view included) ends inside the picture."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    hidden = set()
    for ax in fig.axes:
        for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(lim)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not lo <= tick.get_loc() <= hi:
                    hidden |= {id(tick.label1), id(tick.label2)}
    box = fig.bbox
    for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible() and bool(a.get_text())):
        if id(t) in hidden:
            continue
        ext = t.get_window_extent(renderer)
        assert box.x0 - 1 <= ext.x0 and ext.x1 <= box.x1 + 1, f"text cut at the side: {t.get_text()!r}"
        assert box.y0 - 1 <= ext.y0 and ext.y1 <= box.y1 + 1, f"text cut at the top/bottom: {t.get_text()!r}"


def _assert_labelled(fig, title: str, xlabel: str, ylabel: str | None = None):
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == title
    assert ax.get_xlabel() == xlabel
    assert ax.get_ylabel() if ylabel is None else ax.get_ylabel() == ylabel
    assert any(t.startswith("Data: test sources.") and "Period:" in t for t in _texts(fig)), "caption"
    _assert_inside(fig)


def test_source_chart_stacks_to_the_articles_and_shows_no_comment_apart():
    counts = P.source_counts(SOURCES)
    fig = P.plot_source_counts(counts, source="test sources", period="2025-10-30 – 2025-11-01 (2 undated)")
    _assert_labelled(fig, "Which sources do the articles cite?", "articles citing the source (count)", "source")
    ax, ax_nc = fig.axes[:2]
    # each bar's parts add up to the articles citing the source; the ministry's bar is empty
    ends = {}
    for patch in ax.patches:
        y = round(patch.get_y() + patch.get_height() / 2)
        ends[y] = max(ends.get(y, 0), patch.get_x() + patch.get_width())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == counts["source"].tolist()  # most cited on top
    assert [ends.get(i, 0) for i in range(len(counts))][::-1] == counts["articles"].tolist()
    assert [p.get_width() for p in ax_nc.patches] == counts["no_comment"].tolist()  # drawn top first
    assert ax_nc.get_xlabel() == "articles (count)" and ax_nc.get_title(loc="left") == "no comment"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["directly", "both ways", "only second-hand"]


def test_type_chart_and_day_chart_are_labelled():
    fig = P.plot_type_counts(P.type_counts(SOURCES), source="test sources", period="p")
    _assert_labelled(fig, "Which kinds of source do the articles cite?",
                     "articles citing a source of this type (count)", "source type (sources cited)")
    assert "news agency (2 sources)" in _texts(fig)
    fig = P.plot_citations_per_day(P.citations_per_day(SOURCES, ARTICLES), source="test sources")
    _assert_labelled(fig, "How many citations did each publication day bring?", "publication date (day)",
                     "citations (article–source pairs, count)")
    ticks = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
    assert ticks == ["Thu 30 Oct\n(1 article)", "Fri 31 Oct\n(0 articles)", "Sat 01 Nov\n(1 article)",
                     "undated\n(2 articles)"]
    assert any("2 no-comment statements are not counted" in t.replace("\n", " ") for t in _texts(fig))


def test_chain_graph_draws_one_line_per_pair_with_its_count():
    chains = P.citation_chains(SOURCES)
    fig = P.plot_citation_chains(chains, source="test sources", period="p")
    _assert_labelled(fig, "Who is cited through whom?",
                     "relayed by (left) → cited second-hand (right); line width and number: articles (count)",
                     "relaying source (via)")
    ax = fig.axes[0]
    assert len(ax.lines) == len(chains)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Bloomberg", "TASS"]
    assert sorted(t.get_text() for t in fig.axes[1].get_yticklabels()) == [
        "Flightradar24", "TASS", "anonymous Kremlin source"]


def test_empty_charts_say_so():
    for fig, msg in ((P.plot_source_counts(P.source_counts(None), source="test sources", period="p"),
                      "No source is cited."),
                     (P.plot_type_counts(P.type_counts(None), source="test sources", period="p"),
                      "No source is cited."),
                     (P.plot_citation_chains(P.citation_chains(None), source="test sources", period="p"),
                      "No source is cited through another.")):
        assert msg in _texts(fig)
        ax = fig.axes[0]
        assert ax.get_title(loc="left") and ax.get_xlabel()
    fig = P.plot_citations_per_day(P.citations_per_day(None, ARTICLES.iloc[0:0]), source="test sources")
    assert "no dated articles" in _texts(fig)


def test_many_sources_in_many_scripts_stay_inside_the_picture():
    names = ["Министерство обороны Российской Федерации", "وكالة الأنباء السورية سانا", "新华社",
             "A Very Long Anonymous Source Description That Goes On And On", "Flightradar24"]
    rows = []
    for i in range(40):
        src = f"{names[i % len(names)]} {i}"
        rows.append({"article_id": f"{i % 7:03d}_x", "source": src, "source_type": "outlet",
                     "via": names[(i + 1) % len(names)] if i % 3 else "",
                     "stance": "no_comment" if i % 5 == 0 else "cited",
                     "start": 0, "end": 1})
    df = pd.DataFrame(rows)
    fig = P.plot_source_counts(P.source_counts(df), source="test sources", period="p", top=25)
    assert any("The 25 most cited of 40 sources are drawn." in t.replace("\n", " ") for t in _texts(fig))
    _assert_inside(fig)
    _assert_inside(P.plot_citation_chains(P.citation_chains(df), source="test sources", period="p"))
    arts = pd.DataFrame({"article_id": [f"{i:03d}_x" for i in range(7)],
                         "published": [f"2025-10-{1 + 4 * i:02d}" for i in range(6)] + [None]})
    _assert_inside(P.plot_citations_per_day(P.citations_per_day(df, arts), source="test sources"))
