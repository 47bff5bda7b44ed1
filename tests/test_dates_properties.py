"""Property tests for hmeimim.dates.find_dates: it never crashes and its output keeps its invariants."""

from __future__ import annotations

import datetime
import time

from babel.dates import get_day_names, get_month_names
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hmeimim.dates import LANGUAGES, find_dates

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LANGS = st.sampled_from(LANGUAGES + ("xx", "", "en-GB"))
PUBLISHED = st.one_of(
    st.none(),
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)),
    st.dates(),  # the ends of the calendar too: 0001-01-01 .. 9999-12-31
)
REF_YEAR = st.one_of(st.none(), st.integers(min_value=1800, max_value=2200), st.integers())

# Words that trigger the grammar: CLDR month and weekday names in every language, cue words, numbers.
_TOKENS = sorted(
    {name for lang in LANGUAGES for width in ("wide", "abbreviated") for name in get_month_names(width, "format", lang).values()}
    | {name for lang in LANGUAGES for name in get_day_names("wide", "format", lang).values()}
    | {
        "between", "and", "from", "to", "since", "last", "on", "in", "the", "of", "yesterday", "last week",
        "с", "по", "в", "прошлое", "года", "г.", "минулої", "vom", "bis", "seit", "dem", "du", "au", "le",
        "dal", "al", "tra", "il", "del", "de", "el", "entre", "y", "e", "a", "بين", "و", "منذ", "في", "الماضي",
        "年", "月", "日", "至", "自", "以来", "上", "周", "十", "二十六", "-", "–", "—", ".", ",", "/", "'", "  ", "\n",
        "0", "00", "1", "12", "24", "29", "31", "32", "99", "1899", "1900", "2025", "2100", "2101", "9999", "٢٦", "１０",
    }
)
TOKEN_TEXT = st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=3)), max_size=25).map(" ".join)
NO_SPACE_TOKEN_TEXT = st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), TOKEN_TEXT, NO_SPACE_TOKEN_TEXT)


def _check_invariants(text: str, mentions) -> None:
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.as_written
        assert m.start >= previous_end, "mentions overlap or are unsorted"
        previous_end = m.end
        assert m.kind in {"date", "range", "weekday", "relative", "since", "month", "year"}
        assert m.resolved_from in {"absolute", "publication", "reference_year", ""}
        for d in (m.date_start, m.date_end):
            assert d is None or (isinstance(d, datetime.date) and 1900 <= d.year <= 2100)
        if m.date_start is not None and m.date_end is not None:
            assert m.date_start <= m.date_end
        if m.date_start is None:
            assert m.date_end is None
        if m.resolved_from == "":
            assert m.date_start is None and not m.year_inferred


@SETTINGS
@given(text=st.text(), language=LANGS, published=PUBLISHED, ref_year=REF_YEAR)
def test_arbitrary_unicode_never_crashes_and_keeps_invariants(text, language, published, ref_year):
    _check_invariants(text, find_dates(text, language, published, ref_year))


@SETTINGS
@given(text=ANY_TEXT, language=LANGS, published=PUBLISHED, ref_year=REF_YEAR)
def test_text_with_month_names_cues_and_digits_keeps_invariants(text, language, published, ref_year):
    _check_invariants(text, find_dates(text, language, published, ref_year))


@SETTINGS
@given(
    prefix=st.text(max_size=30),
    suffix=st.text(max_size=30),
    day=st.integers(min_value=0, max_value=40),
    month=st.integers(min_value=1, max_value=12),
    year=st.integers(min_value=1000, max_value=9999),
)
def test_numeric_dates_resolve_exactly_when_valid_and_in_range(prefix, suffix, day, month, year):
    text = f"{prefix} {year:04d}-{month:02d}-{day:02d} {suffix}"
    mentions = find_dates(text, "en", None)
    _check_invariants(text, mentions)
    iso = [m for m in mentions if m.as_written.endswith(f"{year:04d}-{month:02d}-{day:02d}")]
    try:
        expected = datetime.date(year, month, day) if 1900 <= year <= 2100 else None
    except ValueError:
        expected = None
    if expected is None:
        assert iso == []
    else:
        assert [m.date_start for m in iso] == [expected]


@SETTINGS
@given(language=st.sampled_from(LANGUAGES), published=PUBLISHED, text=TOKEN_TEXT)
def test_result_does_not_depend_on_earlier_calls(language, published, text):
    first = find_dates(text, language, published)
    find_dates("between 24-29 October, last Sunday, 上周日, الأحد الماضي", language, published)
    assert find_dates(text, language, published) == first


def test_pathological_whitespace_and_digit_runs_stay_fast():
    texts = [
        "1" + " " * 20_000 + "-",
        "24 -" * 5_000 + " October",
        "between " * 3_000 + "24",
        "October " * 3_000,
        "1." * 10_000,
        "في " * 5_000 + "24",
    ]
    for lang in ("en", "ar", "de"):
        for text in texts:
            t0 = time.perf_counter()
            _check_invariants(text, find_dates(text, lang, datetime.date(2025, 10, 30)))
            assert time.perf_counter() - t0 < 5.0, (lang, text[:20])
