"""The faster scans find what the plain regexes find: the date starter searched from the character
before (``_Grammar.lead``) and the aircraft scans that skip to first characters (``flights._Scan``)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hmeimim import dates, flights

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_FIRST_WORDS = sorted({w for lang in dates.LANGUAGES for w in dates._first_words(dates._lexicon(lang))})
_GLUE = ["", " ", "  ", "-", ".", ",", "'", "’", "/", ":", "\n", "و", "ب", "ال", "x", "É", "7", "26", "十", "2025"]
_DATE_TEXT = st.lists(st.one_of(st.sampled_from(_FIRST_WORDS), st.sampled_from(_GLUE), st.text(max_size=2)),
                      max_size=30).map("".join)


def _starts_plain(grammar, text):
    out, pos = [], 0
    while (s := grammar.starter.search(text, pos)) is not None:
        out.append((s.start(), s.lastgroup, s.group()))
        pos = s.start() + 1
    return out


def _starts_lead(grammar, text):
    out, pos = [], 0
    while True:
        if pos:
            s = grammar.lead.search(text, pos - 1)
        else:
            s = grammar.starter.match(text, 0) or grammar.lead.search(text, 0)
        if s is None:
            return out
        kind = s.lastgroup
        out.append((s.start(kind), kind, s.group(kind)))
        pos = s.start(kind) + 1


@SETTINGS
@given(text=_DATE_TEXT, lang=st.sampled_from(dates.LANGUAGES))
def test_dates_lead_finds_the_starter_starts(text, lang):
    grammar = dates._grammar(lang)
    assert _starts_lead(grammar, text) == _starts_plain(grammar, text)


_AIRCRAFT_TOKENS = ["Il-76", "Il-62M", "Ил-76МД", "Ан-124-100", "An-124", "Tu-154", "Ilyushin", "Antonov", "Ruslan",
                    "«Руслан»", "\"Ruslan\"", "إيل-76", "وإيل-76", "伊尔-76", "安-124", "Su 24", "Il 76", "I1-26M",
                    "Il-76s", "Il-76's", "MiG-29", "A-50", "Boeing", "Airbus A320", "76", "-", " ", "", "x", ".", "\n"]
_AIRCRAFT_TEXT = st.lists(st.one_of(st.sampled_from(_AIRCRAFT_TOKENS), st.text(max_size=2)), max_size=25).map("".join)


@SETTINGS
@given(text=_AIRCRAFT_TEXT)
def test_flights_scan_finds_what_finditer_finds(text):
    lex = flights._aircraft_lex()
    for scan in (lex.designator, lex.standalone):
        assert [(m.span(), m.groupdict()) for m in scan.finditer(text)] == \
            [(m.span(), m.groupdict()) for m in scan.regex.finditer(text)]
