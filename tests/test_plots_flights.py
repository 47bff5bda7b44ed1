"""The flight charts of notebook 02: the tables behind them on a small hand-made flights table,
and figures that carry a title, labelled axes, a caption and labels that stay inside the picture."""
from __future__ import annotations

import struct
from types import SimpleNamespace

import pandas as pd
import pytest

from hmeimim.plots import flights as P
from hmeimim.plots.common import png

# Three articles about the same An-124-100 landings and one Il-62M flight, written the way the
# seeds write them: a narrow window, a wider one, an unresolved one; a restatement; a garbled
# designator; a contradiction; a one-sided window.
FLIGHTS = pd.DataFrame([
    # article_id, aircraft, as written, count, start, end, as written, restates, flag, year inferred, contradiction
    ("a_1", "An-124-100", "An-124-100 Ruslan", 3, "2025-10-24", "2025-10-26", "between October 24 and October 26",
     False, None, True, "'on Wednesday' (sentence 3) is a Wednesday, but 'between October 24 and October 26' ..."),
    ("a_1", "An-124", "An-124", 1, None, None, None, True, None, False, None),
    ("a_1", "Il-62M", "Il-62M", 1, "2025-10-26", "2025-10-26", "On October 26", False, None, True, None),
    ("b_2", "An-124-100", "Antonov An-124-100", 3, "2025-10-24", "2025-10-29", "between 24-29 October",
     False, None, False, None),
    ("b_2", "Il-62M", "Il-26M", 1, None, "2025-10-26", "last Sunday", False, "nonexistent_designator", True, None),
    ("c_3", "An-124-100", "An-124-100", 2, None, None, "between last Friday and Wednesday", False, None, False, None),
], columns=["article_id", "aircraft", "aircraft_as_written", "count", "date_start", "date_end", "date_as_written",
            "restates", "aircraft_flag", "date_year_inferred", "contradiction"])
FLIGHTS["start"] = range(len(FLIGHTS))
ARTICLES = pd.DataFrame({"article_id": ["a_1", "b_2", "c_3"], "published": [None, "2025-10-30", None],
                         "outlet": [None, "The Moscow Times", None]})


@pytest.fixture()
def lanes():
    return P.claim_lanes(FLIGHTS, ARTICLES)


# --- tables -------------------------------------------------------------------------------------


def test_lanes_keep_unresolved_claims_drop_restatements_and_close_one_sided_windows(lanes):
    assert len(lanes) == 5  # the restating "An-124" row adds no flights
    got = lanes[["aircraft", "article_id", "dated", "date_start", "date_end"]].astype(object).where(
        lanes[["aircraft", "article_id", "dated", "date_start", "date_end"]].notna(), None).values.tolist()
    assert got == [  # per aircraft: dated claims by publication date (undated articles last), then unresolved
        ["An-124-100", "b_2", True, "2025-10-24", "2025-10-29"],
        ["An-124-100", "a_1", True, "2025-10-24", "2025-10-26"],
        ["An-124-100", "c_3", False, None, None],
        ["Il-62M", "b_2", True, "2025-10-26", "2025-10-26"],
        ["Il-62M", "a_1", True, "2025-10-26", "2025-10-26"],
    ]
    assert lanes["article"].tolist()[:3] == ["b · The Moscow Times · 30 Oct 2025", "a · undated", "c · undated"]


def test_agreed_window_is_the_intersection_and_the_count_the_one_most_articles_give(lanes):
    agreed = P.agreed_flights(lanes).set_index("aircraft")
    an = agreed.loc["An-124-100"]
    assert (an["articles"], an["dated_articles"]) == (3, 2)
    assert (an["agreed_start"], an["agreed_end"]) == ("2025-10-24", "2025-10-26")
    assert (an["earliest_start"], an["latest_end"]) == ("2025-10-24", "2025-10-29")
    assert (an["count"], an["count_articles"], an["other_counts"]) == (3, 2, "2 (1 article)")
    assert an["contradicted_in"] == "a"
    il = agreed.loc["Il-62M"]
    assert (il["agreed_start"], il["agreed_end"], il["count"]) == ("2025-10-26", "2025-10-26", 1)
    assert il["written_as_nonexistent"] == "Il-26M"
    assert agreed.index.tolist() == ["An-124-100", "Il-62M"]  # most claimed first


def test_windows_that_share_no_day_have_no_agreed_window_and_count_ties_go_to_the_smaller_number():
    fl = pd.DataFrame({"article_id": ["x", "y"], "aircraft": ["Il-76", "Il-76"], "count": [2, 1],
                       "date_start": ["2025-11-01", "2025-11-05"], "date_end": ["2025-11-02", "2025-11-05"]})
    agreed = P.agreed_flights(P.claim_lanes(fl))
    row = agreed.iloc[0]
    assert pd.isna(row["agreed_start"]) and pd.isna(row["agreed_end"])
    assert (row["earliest_start"], row["latest_end"]) == ("2025-11-01", "2025-11-05")
    assert (row["count"], row["count_articles"]) == (1, 1)
    versus = P.claims_vs_agreed(P.claim_lanes(fl))
    assert versus["window_vs_agreed"].tolist() == ["the windows share no day"] * 2


def test_each_claim_against_the_agreed_one(lanes):
    versus = P.claims_vs_agreed(lanes)
    rows = {(r.aircraft, r.article_id): r for r in versus.itertuples()}
    assert rows[("An-124-100", "b_2")].window == "2025-10-24 – 2025-10-29"
    assert rows[("An-124-100", "b_2")].window_vs_agreed == "ends 3 days later"
    assert rows[("An-124-100", "a_1")].window_vs_agreed == "same as agreed"
    assert rows[("An-124-100", "a_1")].contradiction.startswith("'on Wednesday'")
    c = rows[("An-124-100", "c_3")]
    assert (c.window, c.window_vs_agreed, c.count, c.agreed_count, c.count_agrees) == (
        "", "date not resolved", 2, 3, False)
    assert rows[("Il-62M", "b_2")].written_as == "Il-26M"
    assert rows[("Il-62M", "b_2")].date_year_inferred


def test_flights_per_day_never_spreads_a_window_over_its_days(lanes):
    per_day = P.flights_per_day(lanes)
    an = per_day[per_day["aircraft"] == "An-124-100"]
    assert an["day"].tolist() == [f"2025-10-{d}" for d in range(24, 30)]
    assert an["weekday"].tolist() == ["Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    assert an["articles"].tolist() == [2, 2, 2, 1, 1, 1]
    assert an["in_agreed_window"].tolist() == [True, True, True, False, False, False]
    assert an["flights_on_day"].tolist() == [0] * 6 and an["flights_at_most"].tolist() == [3] * 6
    il = per_day[per_day["aircraft"] == "Il-62M"]
    assert il[["day", "articles", "flights_on_day"]].values.tolist() == [["2025-10-26", 2, 1]]


def test_family_groups_an_article_writing_the_short_type_with_the_full_one():
    fl = pd.DataFrame({"article_id": ["x", "y"], "aircraft": ["An-124", "An-124-100"],
                       "aircraft_family": ["An-124", "An-124"], "count": [3, 3],
                       "date_start": ["2025-10-24", "2025-10-24"], "date_end": ["2025-10-29", "2025-10-26"]})
    assert P.claim_lanes(fl)["aircraft"].nunique() == 2
    agreed = P.agreed_flights(P.claim_lanes(fl, family=True))
    assert agreed[["aircraft", "articles", "agreed_end"]].values.tolist() == [["An-124", 2, "2025-10-26"]]


def test_window_table_of_the_original_chart(lanes):
    windows = P.flight_windows(FLIGHTS, ARTICLES)
    assert windows[["article_id", "aircraft", "date_start", "date_end"]].values.tolist() == [
        ["a_1", "An-124-100", "2025-10-24", "2025-10-26"],
        ["b_2", "An-124-100", "2025-10-24", "2025-10-29"],
        ["a_1", "Il-62M", "2025-10-26", "2025-10-26"],
        ["b_2", "Il-62M", "2025-10-26", "2025-10-26"],
    ]
    assert windows.loc[0, "contradiction"] and windows.loc[1, "published"] == "2025-10-30"


def test_captions_name_the_articles_and_the_claimed_days(lanes):
    assert P.claims_source(ARTICLES, "seeds") == (
        "3 articles in seeds/, published 2025-10-30 (2 undated); claims as extracted by hmeimim")
    assert P.claims_period(lanes) == "2025-10-24 – 2025-10-29 (claimed flight dates)"
    assert P.short_id("003_bcc0908ea47da197") == "003" and P.short_id("reuters-2025-10-30") == "reuters-2025-…"


def test_empty_input_gives_empty_tables_with_their_columns():
    empty = P.claim_lanes(FLIGHTS.iloc[0:0])
    assert list(empty.columns) == P.LANE_COLUMNS
    assert list(P.agreed_flights(empty).columns) == P.AGREED_COLUMNS
    assert list(P.claims_vs_agreed(empty).columns) == P.VERSUS_COLUMNS
    assert list(P.flights_per_day(empty).columns) == P.PER_DAY_COLUMNS


# --- figures --------------------------------------------------------------------------------------


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


def _drawn_texts(fig):
    """The text artists a render shows: every visible text except tick labels outside the view."""
    tick_labels, shown = set(), set()
    for ax in fig.axes:
        for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(lim)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    tick_labels.add(id(label))
                    if lo <= tick.get_loc() <= hi:
                        shown.add(id(label))
    for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible() and bool(a.get_text())):
        if id(t) not in tick_labels or id(t) in shown:
            yield t


def _assert_inside(fig):
    """Every piece of text ends inside the picture (no cut labels)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # lay the figure out as it is saved
    renderer = canvas.get_renderer()
    box = fig.bbox
    for t in _drawn_texts(fig):
        ext = t.get_window_extent(renderer)
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1, f"text cut at the side: {t.get_text()!r}"
        assert ext.y0 >= box.y0 - 1 and ext.y1 <= box.y1 + 1, f"text cut at the top/bottom: {t.get_text()!r}"


def test_lane_chart_has_title_labelled_axes_caption_and_flags(lanes):
    fig = P.plot_claim_lanes(lanes, source="3 articles in test/", period=P.claims_period(lanes))
    assert fig.get_suptitle() == "When do the articles say the flights happened?"
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(panels) == 2
    assert all(ax.get_title(loc="left") and ax.get_ylabel() == "article" for ax in panels)
    assert panels[0].get_title(loc="left").startswith("An-124-100: 2 of 3 articles claim 3 flights")
    assert panels[-1].get_xlabel() == "date of the claimed flights (2025)"
    texts = _texts(fig)
    assert any(t.startswith("Data: 3 articles in test/") and "2025-10-24" in t for t in texts)
    assert "date not resolved · 2 flights" in texts  # c_3 keeps a lane
    assert "written ‘Il-26M’: no such type" in texts
    assert "but also says ‘on Wednesday’" in texts
    assert [t.get_text() for t in panels[-1].get_xticklabels()][-1] == "Wed\n29 Oct"
    _assert_inside(fig)


def test_lane_chart_without_dates_or_claims(lanes):
    undated = lanes.assign(dated=False, date_start=pd.NA, date_end=pd.NA)
    fig = P.plot_claim_lanes(undated, source="x")
    assert fig.axes[-1].get_xlabel() == "date of the claimed flights (no date could be resolved)"
    assert list(fig.axes[-1].get_xticks()) == []
    _assert_inside(fig)
    fig = P.plot_claim_lanes(P.claim_lanes(FLIGHTS.iloc[0:0]), source="x")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()
    assert "No flight claims." in _texts(fig)


def test_many_articles_in_many_scripts_stay_readable():
    rows = []
    outlets = ["РИА Новости", "الجزيرة", "新华社", "A Very Long Outlet Name That Goes On And On"]
    for i in range(24):
        rows.append({"article_id": f"{i:03d}_abcdef", "aircraft": ["An-124-100", "Il-76MD"][i % 2], "count": 1 + i % 3,
                     "date_start": f"2025-10-{20 + i % 5}", "date_end": f"2025-10-{25 + i % 5}",
                     "date_as_written": "с 24 по 29 октября, якобы, по данным источников в Минобороны"})
    arts = pd.DataFrame({"article_id": [r["article_id"] for r in rows], "published": "2025-10-30",
                         "outlet": [outlets[i % 4] for i in range(24)]})
    lanes = P.claim_lanes(pd.DataFrame(rows), arts)
    fig = P.plot_claim_lanes(lanes, source="x", max_lanes=10)
    assert any("10 of 12 lanes drawn" in t for t in _texts(fig))
    _assert_inside(fig)


def test_count_chart_has_title_labelled_axes_and_marks_a_different_count(lanes):
    versus = P.claims_vs_agreed(lanes)
    fig = P.plot_counts_vs_agreed(versus, source="x", period="p")
    assert fig.get_suptitle() == "How many flights does each article claim?"
    panels = fig.axes
    assert panels[0].get_title(loc="left") == "An-124-100: 2 of 3 articles claim 3 flights"
    assert panels[-1].get_xlabel().startswith("flights claimed")
    assert all(ax.get_ylabel() == "article" for ax in panels)
    bar_colours = {tuple(round(c, 3) for c in b.get_facecolor()[:3]) for b in panels[0].patches}
    assert len(bar_colours) == 2  # c_3's two flights stand out
    _assert_inside(fig)
    empty = P.plot_counts_vs_agreed(P.claims_vs_agreed(P.claim_lanes(FLIGHTS.iloc[0:0])))
    assert empty.axes[0].get_title(loc="left") and empty.axes[0].get_xlabel()


def test_original_charts_have_titles_and_labelled_axes():
    for fig in (P.plot_flight_windows(P.flight_windows(FLIGHTS, ARTICLES)),
                P.plot_claimed_counts(P.claimed_counts(FLIGHTS))):
        ax = fig.axes[0]
        assert ax.get_title(loc="left") and ax.get_xlabel() and ax.get_ylabel()


def test_readme_figure_is_about_1200_pixels_wide(tmp_path):
    corpus = SimpleNamespace(flights=FLIGHTS, articles=ARTICLES, root=tmp_path / "seeds")
    out = P.save_readme_figure(corpus, tmp_path / "docs" / "flights_over_time.png")
    data = open(out, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 1150 <= width <= 1250 and height > 400
