"""Behaviour of hmeimim.dates.find_dates: what is found, what it resolves to, and what is ignored."""

from __future__ import annotations

import datetime
import doctest
import json
import re
from pathlib import Path

import pytest

import hmeimim.dates as dates_module
from hmeimim.dates import LANGUAGES, DateMention, find_dates

D = datetime.date
THU_30 = D(2025, 10, 30)  # Thursday: the day Bloomberg published the original report
FRI_31 = D(2025, 10, 31)
ROOT = Path(__file__).resolve().parents[1]


def _only(text: str, lang: str = "en", published=None, ref_year=None) -> DateMention:
    found = find_dates(text, lang, published, ref_year)
    assert len(found) == 1, found
    return found[0]


# language, text, published, ref_year, as_written, date_start, date_end, kind
CASES = [
    # --- the real cases from the seed articles
    ("en", "three times between Friday and Wednesday", THU_30, None, "between Friday and Wednesday", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("en", "flew the route last Sunday.", THU_30, None, "last Sunday", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("en", "met his Syrian counterpart on Tuesday.", THU_30, None, "on Tuesday", D(2025, 10, 28), D(2025, 10, 28), "weekday"),
    ("en", "landed at Hmeimim three times between 24-29 October.", FRI_31, None, "between 24-29 October", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("en", "on three occasions between October 24 and October 26.", None, 2025, "between October 24 and October 26", D(2025, 10, 24), D(2025, 10, 26), "range"),
    ("en", "the route last Sunday.", None, None, "last Sunday", None, None, "weekday"),
    ("en", "since intervening in September 2015 on Assad's side", THU_30, None, "in September 2015", D(2015, 9, 1), D(2015, 9, 30), "month"),
    ("en", "fled to Moscow last December.", THU_30, None, "last December", D(2024, 12, 1), D(2024, 12, 31), "month"),
    ("en", "met Putin in Moscow on Oct. 15 to discuss", THU_30, None, "on Oct. 15", D(2025, 10, 15), D(2025, 10, 15), "date"),
    ("en", "made three landings between last Friday and Wednesday.", THU_30, None, "between last Friday and Wednesday", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("en", "On October 26, an Il-62M transport plane", None, 2025, "On October 26", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("en", "flew to Latakia on 26 October before", FRI_31, None, "on 26 October", D(2025, 10, 26), D(2025, 10, 26), "date"),
    # --- English forms
    ("en", "It was signed Oct 26, 2025 in Damascus.", None, None, "Oct 26, 2025", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("en", "on the 26th of October", THU_30, None, "on the 26th of October", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("en", "flights on October 24-29 were logged", THU_30, None, "on October 24-29", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("en", "from 24 to 29 October", THU_30, None, "from 24 to 29 October", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("en", "between 30 September and 2 October 2025", None, None, "between 30 September and 2 October 2025", D(2025, 9, 30), D(2025, 10, 2), "range"),
    ("en", "active since October 24", THU_30, None, "since October 24", D(2025, 10, 24), THU_30, "since"),
    ("en", "active since October 24", None, None, "since October 24", None, None, "since"),
    ("en", "a suspension that began in March 2025", THU_30, None, "in March 2025", D(2025, 3, 1), D(2025, 3, 31), "month"),
    ("en", "the civil war, which broke out in 2011.", THU_30, None, "in 2011", D(2011, 1, 1), D(2011, 12, 31), "year"),
    ("en", "Reported yesterday by Reuters", THU_30, None, "yesterday", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("en", "repelled an attack earlier this week", THU_30, None, "earlier this week", D(2025, 10, 27), THU_30, "relative"),
    ("en", "flights resumed last week", THU_30, None, "last week", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("en", "the final one on Wednesday", None, None, "on Wednesday", None, None, "weekday"),
    ("en", "Bloomberg reported Thursday", THU_30, None, "Thursday", THU_30, THU_30, "weekday"),
    ("en", "dated 2025-10-26 in the log", None, None, "2025-10-26", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("en", "dated 10/26/2025 in the log", None, None, "10/26/2025", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("en", "operated there between 2016 and 2024", None, None, "between 2016 and 2024", D(2016, 1, 1), D(2024, 12, 31), "range"),
    ("en", "On Sunday, October 26, 2025, the jet", None, None, "On Sunday, October 26, 2025", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("en", "troops arrived in late October", THU_30, None, "in late October", D(2025, 10, 1), D(2025, 10, 31), "month"),
    ("en", "the pause began in May 2025", THU_30, None, "in May 2025", D(2025, 5, 1), D(2025, 5, 31), "month"),
    ("en", "three landings between October 24 and 26", THU_30, None, "between October 24 and 26", D(2025, 10, 24), D(2025, 10, 26), "range"),
    ("en", "a log stamped 2025-10-26T10:00:00Z", None, None, "2025-10-26", D(2025, 10, 26), D(2025, 10, 26), "date"),
    # --- Russian
    ("ru", "Самолет прилетел 26 октября.", THU_30, None, "26 октября", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("ru", "Самолет прилетел 26 октября 2025 г. в Латакию", None, None, "26 октября 2025 г.", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("ru", "Полеты прекратились в марте 2025 года.", THU_30, None, "в марте 2025 года", D(2025, 3, 1), D(2025, 3, 31), "month"),
    ("ru", "Министр прилетел в среду.", THU_30, None, "в среду", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("ru", "Ил-62М летал в прошлое воскресенье.", THU_30, None, "в прошлое воскресенье", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("ru", "Об этом сообщили на прошлой неделе.", THU_30, None, "на прошлой неделе", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("ru", "Об этом сообщили вчера.", THU_30, None, "вчера", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("ru", "Ан-124 садился с 24 по 29 октября.", THU_30, None, "с 24 по 29 октября", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("ru", "Полеты идут с 24 октября.", THU_30, None, "с 24 октября", D(2025, 10, 24), THU_30, "since"),
    ("ru", "Война началась в 2011 году.", THU_30, None, "в 2011 году", D(2011, 1, 1), D(2011, 12, 31), "year"),
    ("ru", "Рейсы шли с пятницы по среду.", THU_30, None, "с пятницы по среду", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("ru", "Асад бежал в декабре прошлого года.", THU_30, None, "в декабре прошлого года", D(2024, 12, 1), D(2024, 12, 31), "month"),
    ("ru", "Документ от 26.10.2025 опубликован", None, None, "26.10.2025", D(2025, 10, 26), D(2025, 10, 26), "date"),
    # --- Ukrainian
    ("uk", "Літак прилетів 26 жовтня.", THU_30, None, "26 жовтня", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("uk", "Польоти припинилися у березні.", THU_30, None, "у березні", D(2025, 3, 1), D(2025, 3, 31), "month"),
    ("uk", "Міністр прибув у середу.", THU_30, None, "у середу", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("uk", "Рейс відбувся минулої неділі.", THU_30, None, "минулої неділі", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("uk", "Про це стало відомо минулого тижня.", THU_30, None, "минулого тижня", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("uk", "Ан-124 сідав з 24 по 29 жовтня.", THU_30, None, "з 24 по 29 жовтня", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("uk", "Про це повідомили вчора.", THU_30, None, "вчора", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    # --- German
    ("de", "Die Maschine landete am 26. Oktober.", THU_30, None, "am 26. Oktober", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("de", "Die Maschine landete am Mittwoch.", THU_30, None, "am Mittwoch", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("de", "Die Maschine landete letzten Sonntag.", THU_30, None, "letzten Sonntag", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("de", "Das meldete Bloomberg letzte Woche.", THU_30, None, "letzte Woche", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("de", "Das meldete Bloomberg gestern.", THU_30, None, "gestern", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("de", "Flüge vom 24. bis 29. Oktober", THU_30, None, "vom 24. bis 29. Oktober", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("de", "Flüge zwischen dem 24. und 29. Oktober", THU_30, None, "zwischen dem 24. und 29. Oktober", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("de", "Flüge seit dem 24. Oktober", THU_30, None, "seit dem 24. Oktober", D(2025, 10, 24), THU_30, "since"),
    ("de", "Russland ist seit 2015 dort.", THU_30, None, "seit 2015", D(2015, 1, 1), D(2015, 12, 31), "year"),
    ("de", "Die Pause begann im März 2025.", THU_30, None, "im März 2025", D(2025, 3, 1), D(2025, 3, 31), "month"),
    # --- French
    ("fr", "L'avion a atterri le 26 octobre.", THU_30, None, "le 26 octobre", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("fr", "Le ministre est arrivé mercredi.", THU_30, None, "mercredi", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("fr", "Le vol a eu lieu dimanche dernier.", THU_30, None, "dimanche dernier", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("fr", "Les vols ont repris la semaine dernière.", THU_30, None, "la semaine dernière", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("fr", "Bloomberg l'a rapporté hier.", THU_30, None, "hier", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("fr", "Trois vols du 24 au 29 octobre.", THU_30, None, "du 24 au 29 octobre", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("fr", "Trois vols entre le 24 et le 29 octobre.", THU_30, None, "entre le 24 et le 29 octobre", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("fr", "Des vols depuis le 24 octobre.", THU_30, None, "depuis le 24 octobre", D(2025, 10, 24), THU_30, "since"),
    ("fr", "La pause a commencé en mars 2025.", THU_30, None, "en mars 2025", D(2025, 3, 1), D(2025, 3, 31), "month"),
    # --- Italian
    ("it", "L'aereo è atterrato il 26 ottobre.", THU_30, None, "il 26 ottobre", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("it", "Il ministro è arrivato mercoledì.", THU_30, None, "mercoledì", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("it", "Il volo è avvenuto domenica scorsa.", THU_30, None, "domenica scorsa", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("it", "I voli sono ripresi la settimana scorsa.", THU_30, None, "la settimana scorsa", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("it", "Lo ha riferito ieri Bloomberg.", THU_30, None, "ieri", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("it", "Tre voli dal 24 al 29 ottobre.", THU_30, None, "dal 24 al 29 ottobre", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("it", "Tre voli tra il 24 e il 29 ottobre.", THU_30, None, "tra il 24 e il 29 ottobre", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("it", "Voli dall'8 ottobre.", THU_30, None, "dall'8 ottobre", D(2025, 10, 8), THU_30, "since"),
    # --- Spanish
    ("es", "El avión aterrizó el 26 de octubre.", THU_30, None, "el 26 de octubre", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("es", "El avión aterrizó el 26 de octubre de 2025.", None, None, "el 26 de octubre de 2025", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("es", "El ministro llegó el miércoles.", THU_30, None, "el miércoles", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("es", "El vuelo fue el domingo pasado.", THU_30, None, "el domingo pasado", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("es", "Los vuelos se reanudaron la semana pasada.", THU_30, None, "la semana pasada", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("es", "Lo informó ayer Bloomberg.", THU_30, None, "ayer", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("es", "Tres vuelos del 24 al 29 de octubre.", THU_30, None, "del 24 al 29 de octubre", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("es", "Tres vuelos entre el 24 y el 29 de octubre.", THU_30, None, "entre el 24 y el 29 de octubre", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("es", "Vuelos desde el 24 de octubre.", THU_30, None, "desde el 24 de octubre", D(2025, 10, 24), THU_30, "since"),
    # --- Portuguese
    ("pt", "O avião pousou em 26 de outubro.", THU_30, None, "em 26 de outubro", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("pt", "O ministro chegou na quarta-feira.", THU_30, None, "na quarta-feira", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("pt", "O voo foi no domingo passado.", THU_30, None, "no domingo passado", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("pt", "Os voos foram retomados na semana passada.", THU_30, None, "na semana passada", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("pt", "A Bloomberg informou ontem.", THU_30, None, "ontem", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("pt", "Três voos de 24 a 29 de outubro.", THU_30, None, "de 24 a 29 de outubro", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("pt", "Três voos entre 24 e 29 de outubro.", THU_30, None, "entre 24 e 29 de outubro", D(2025, 10, 24), D(2025, 10, 29), "range"),
    # --- Arabic (standard and Levantine month names, Arabic-Indic digits)
    ("ar", "هبطت الطائرة في 26 أكتوبر.", THU_30, None, "في 26 أكتوبر", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("ar", "هبطت الطائرة 26 تشرين الأول.", THU_30, None, "26 تشرين الأول", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("ar", "هبطت في 26 تشرين الأول/أكتوبر 2025.", None, None, "في 26 تشرين الأول/أكتوبر 2025", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("ar", "هبطت الطائرة ٢٦ أكتوبر", THU_30, None, "٢٦ أكتوبر", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("ar", "وصل الوزير الأربعاء.", THU_30, None, "الأربعاء", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("ar", "حلقت الطائرة الأحد الماضي.", THU_30, None, "الأحد الماضي", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("ar", "استؤنفت الرحلات الأسبوع الماضي.", THU_30, None, "الأسبوع الماضي", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("ar", "ذكرت الوكالة أمس.", THU_30, None, "أمس", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("ar", "هبطت ثلاث مرات بين 24 و29 أكتوبر.", THU_30, None, "بين 24 و29 أكتوبر", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("ar", "الرحلات مستمرة منذ 24 أكتوبر.", THU_30, None, "منذ 24 أكتوبر", D(2025, 10, 24), THU_30, "since"),
    ("ar", "هبطت ثلاث مرات بين الجمعة والأربعاء.", THU_30, None, "بين الجمعة والأربعاء", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("ar", "فر الأسد في ديسمبر الماضي.", THU_30, None, "في ديسمبر الماضي", D(2024, 12, 1), D(2024, 12, 31), "month"),
    # --- Chinese
    ("zh", "运输机于10月26日抵达。", THU_30, None, "于10月26日", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("zh", "运输机2025年10月26日抵达。", None, None, "2025年10月26日", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("zh", "部长星期三抵达。", THU_30, None, "星期三", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("zh", "部长周三抵达。", THU_30, None, "周三", D(2025, 10, 29), D(2025, 10, 29), "weekday"),
    ("zh", "该机上周日飞往莫斯科。", THU_30, None, "上周日", D(2025, 10, 26), D(2025, 10, 26), "weekday"),
    ("zh", "航班上周恢复。", THU_30, None, "上周", D(2025, 10, 20), D(2025, 10, 26), "relative"),
    ("zh", "彭博社昨天报道。", THU_30, None, "昨天", D(2025, 10, 29), D(2025, 10, 29), "relative"),
    ("zh", "在10月24日至29日期间三次降落。", THU_30, None, "在10月24日至29日", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("zh", "10月24日到10月29日三次降落。", THU_30, None, "10月24日到10月29日", D(2025, 10, 24), D(2025, 10, 29), "range"),
    ("zh", "自10月24日以来航班不断。", THU_30, None, "自10月24日以来", D(2025, 10, 24), THU_30, "since"),
    ("zh", "运输机十月二十六日抵达。", THU_30, None, "十月二十六日", D(2025, 10, 26), D(2025, 10, 26), "date"),
    ("zh", "阿萨德去年12月出逃。", THU_30, None, "去年12月", D(2024, 12, 1), D(2024, 12, 31), "month"),
    ("zh", "12月30日至1月2日有航班。", D(2026, 1, 5), None, "12月30日至1月2日", D(2025, 12, 30), D(2026, 1, 2), "range"),
]


@pytest.mark.parametrize(
    "lang, text, published, ref_year, as_written, date_start, date_end, kind",
    CASES,
    ids=[f"{c[0]}:{c[4]}" for c in CASES],
)
def test_expression_is_found_and_resolved(lang, text, published, ref_year, as_written, date_start, date_end, kind):
    m = _only(text, lang, published, ref_year)
    assert (m.as_written, m.date_start, m.date_end, m.kind) == (as_written, date_start, date_end, kind)
    assert text[m.start : m.end] == m.as_written


def test_languages_covered_by_the_table_include_all_ten():
    assert {c[0] for c in CASES} == set(LANGUAGES)


# --------------------------------------------------------------------------- year inference


def test_day_range_without_year_takes_publication_year_and_is_flagged_inferred():
    m = _only("three times between 24-29 October", "en", FRI_31)
    assert (m.year_inferred, m.resolved_from) == (True, "publication")


def test_dash_range_24_29_october_is_never_read_as_year_1929():
    for m in find_dates("between 24-29 October and 24-29 October 2025", "en", FRI_31):
        assert m.date_start.year == 2025 and m.date_end.year == 2025
        assert m.kind == "range"


def test_written_year_is_absolute_not_inferred():
    m = _only("on 26 October 2025", "en", THU_30)
    assert (m.year_inferred, m.resolved_from) == (False, "absolute")


def test_undated_article_uses_reference_year():
    m = _only("between October 24 and October 26", "en", None, 2025)
    assert (m.year_inferred, m.resolved_from) == (True, "reference_year")


def test_undated_article_without_reference_year_leaves_dates_unresolved_but_keeps_words():
    m = _only("On October 26, the plane left", "en")
    assert (m.as_written, m.date_start, m.date_end, m.resolved_from, m.year_inferred) == ("On October 26", None, None, "", False)


def test_publication_date_wins_over_reference_year():
    m = _only("on October 26", "en", D(2024, 11, 2), 2025)
    assert (m.date_start, m.resolved_from) == (D(2024, 10, 26), "publication")


def test_date_far_after_publication_moves_to_previous_year():
    m = _only("fled on December 28", "en", D(2026, 1, 3))
    assert m.date_start == D(2025, 12, 28)


def test_date_shortly_after_publication_stays_in_publication_year():
    m = _only("talks are planned for November 5", "en", THU_30)
    assert m.date_start == D(2025, 11, 5)


def test_range_across_new_year_puts_start_in_previous_year():
    m = _only("between December 28 and January 3", "en", D(2026, 1, 5))
    assert (m.date_start, m.date_end) == (D(2025, 12, 28), D(2026, 1, 3))


def test_last_month_name_is_the_most_recent_one_before_publication_month():
    assert _only("last October", "en", THU_30).date_start == D(2024, 10, 1)
    assert _only("last September", "en", THU_30).date_start == D(2025, 9, 1)


def test_french_date_with_dernier_is_in_the_past():
    m = _only("le 5 novembre dernier", "fr", THU_30)
    assert m.date_start == D(2024, 11, 5)


# --------------------------------------------------------------------------- weekdays and relative words


def test_bare_weekday_is_the_most_recent_such_day_on_or_before_publication():
    assert _only("Bloomberg reported Thursday", "en", THU_30).date_start == THU_30
    assert _only("it landed Friday", "en", THU_30).date_start == D(2025, 10, 24)


def test_last_weekday_is_strictly_before_publication():
    assert _only("last Thursday", "en", THU_30).date_start == D(2025, 10, 23)


def test_weekday_range_resolves_end_first_then_start_before_it():
    m = _only("between Wednesday and Wednesday", "en", THU_30)
    assert (m.date_start, m.date_end) == (D(2025, 10, 22), D(2025, 10, 29))


def test_weekdays_and_relative_words_need_a_publication_date():
    for text in ("last Sunday", "between last Friday and Wednesday", "yesterday", "last week", "on Tuesday"):
        m = _only(text, "en", None, 2025)
        assert (m.as_written, m.date_start, m.date_end, m.resolved_from) == (text, None, None, "")


def test_this_week_runs_from_monday_to_publication():
    m = _only("this week", "en", D(2025, 10, 27))  # a Monday
    assert (m.date_start, m.date_end) == (D(2025, 10, 27), D(2025, 10, 27))


def test_since_without_publication_keeps_start_and_leaves_end_open():
    m = _only("since October 24", "en", None, 2025)
    assert (m.date_start, m.date_end, m.kind) == (D(2025, 10, 24), None, "since")


# --------------------------------------------------------------------------- what is not a date


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "The An-124-100 Ruslan and an Il-62M, seen by Flightradar24."),
        ("en", "I1-62 and I1-26M transport planes"),
        ("en", "3 Su-24 jets and 12 May-class ships"),
        ("en", "Prices may be 24 percent higher."),
        ("en", "in 1850 and in 2300 nothing happened"),
        ("en", "the 1990s were different"),
        ("en", "Russia Today reported it."),
        ("en", "on 31 February 2025"),
        ("ru", "окружающая среда пострадала"),
        ("ru", "в 2000 километрах от базы"),
        ("pt", "pela quarta vez"),
        ("ar", "في اليوم التالي"),
        ("zh", "十二个人"),
    ],
)
def test_non_dates_are_ignored(lang, text):
    assert find_dates(text, lang, THU_30) == []


def test_invalid_day_inside_range_does_not_hide_the_valid_date():
    found = find_dates("between 31 February and 3 March 2025", "en", THU_30)
    assert [m.as_written for m in found] == ["3 March 2025"]


# --------------------------------------------------------------------------- API contract


def test_unknown_language_falls_back_to_english_and_numeric_patterns():
    found = find_dates("On 26 October, then 2025-10-27 and 28.10.2025", "xx", THU_30)
    assert [m.as_written for m in found] == ["On 26 October", "2025-10-27", "28.10.2025"]
    assert find_dates("On 26 October", None, THU_30)[0].date_start == D(2025, 10, 26)
    assert find_dates("26 октября", "ru-RU", THU_30)[0].date_start == D(2025, 10, 26)


def test_published_may_be_a_datetime():
    assert _only("last Sunday", "en", datetime.datetime(2025, 10, 30, 18, 5)).date_start == D(2025, 10, 26)


def test_empty_text_gives_no_mentions():
    assert find_dates("", "en", THU_30) == []


def test_mentions_are_sorted_non_overlapping_and_point_at_their_words():
    text = (ROOT / "seeds" / "003_bcc0908ea47da197.txt").read_text(encoding="utf-8")
    found = find_dates(text, "en", FRI_31)
    assert len(found) >= 8
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    assert all(text[m.start : m.end] == m.as_written for m in found)


def test_longest_match_wins_for_a_full_range():
    found = find_dates("between October 24 and October 26", "en", THU_30)
    assert [m.kind for m in found] == ["range"]


def test_date_mention_is_frozen():
    m = _only("on 26 October", "en", THU_30)
    with pytest.raises(AttributeError):
        m.start = 3  # type: ignore[misc]


def test_find_dates_compiles_no_regex_per_call(monkeypatch):
    for lang in LANGUAGES:
        find_dates("on 26 October", lang, THU_30)

    def no_compile(*args, **kwargs):
        raise AssertionError("regex compiled during find_dates")

    monkeypatch.setattr(re, "compile", no_compile)
    monkeypatch.setattr(re, "_compile", no_compile)
    for lang in LANGUAGES:
        find_dates("between 24-29 October, last Sunday, в прошлое воскресенье, 10月24日至29日", lang, THU_30)


def test_month_and_weekday_names_come_from_cldr_not_from_the_csv():
    csv_text = (ROOT / "hmeimim" / "lexicon" / "date_words.csv").read_text(encoding="utf-8")
    for word in ("October", "октября", "жовтня", "Oktober", "octobre", "ottobre", "octubre", "outubro", "Wednesday", "mercredi"):
        assert f",{word}," not in csv_text
    assert _only("Oktober 2025", "de").date_start == D(2025, 10, 1)


def test_docstring_examples_run():
    failures, tried = doctest.testmod(dates_module, verbose=False)
    assert tried > 0 and failures == 0


# --------------------------------------------------------------------------- seed articles


def _seed_cases():
    facts = json.loads((ROOT / "tests" / "seed_facts.json").read_text(encoding="utf-8"))
    for article in facts["articles"]:
        published = D.fromisoformat(article["published"]) if article.get("published") else None
        for flight in article.get("flights", []):
            if flight.get("date_as_written"):
                yield pytest.param(article["id"], published, flight, id=f"{article['id'][:3]}:{flight['date_as_written']}")


@pytest.mark.parametrize("article_id, published, flight", list(_seed_cases()))
def test_seed_flight_dates_are_found_as_written(article_id, published, flight):
    text = (ROOT / "seeds" / f"{article_id}.txt").read_text(encoding="utf-8")
    # undated seed articles are resolved by the analysts against the reference year 2025
    found = find_dates(text, "en", published, None if published else 2025)
    normalised = lambda s: " ".join(s.replace("–", "-").split())  # noqa: E731  (PDF line breaks, en dash)
    matches = [m for m in found if normalised(m.as_written) == normalised(flight["date_as_written"])]
    assert matches, [m.as_written for m in found]
    if "date_start" in flight:
        assert any(
            (str(m.date_start), str(m.date_end)) == (flight["date_start"], flight["date_end"]) for m in matches
        )
    else:
        assert all(m.date_start is None for m in matches)
