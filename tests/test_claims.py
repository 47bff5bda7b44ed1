"""Claims stage: which statements are check-worthy, their kind, and their facts in a form that
matches across languages."""
from __future__ import annotations

import datetime
import json

import pytest

from hmeimim import claims, flights, sources
from hmeimim.text import make_doc

PUB = datetime.date(2025, 10, 30)


def _claims(text: str, lang: str = "en", published=PUB) -> list[dict]:
    d = make_doc("x", text, lang, published, 2025)
    rows = claims.claims_for_doc(d, sources.sources_for_doc(d), flights.flights_for_doc(d))
    for r in rows:  # every claim points at its words
        assert d.text[r["start"]:r["end"]] == r["text"]
        assert list(r)[:6] == ["article_id", "sentence_id", "start", "end", "text", "kind"]
        assert list(r) == claims.CLAIM_COLUMNS  # every column, in order (the rows are built in that order)
    return rows


def test_commentary_and_datelines_are_not_claims():
    rows = _claims("15:24, 30 октября 2025\n\nThe strategic significance of the base cannot be overstated.")
    assert rows == []


def test_two_flights_in_one_sentence_are_two_flight_claims_with_their_own_facts():
    rows = _claims("On October 26, an Il-62M flew from Libya to Latakia, and an An-124 landed at Hmeimim "
                   "three times between October 24 and 29.")
    assert [r["kind"] for r in rows] == ["flight", "flight"]
    il, an = rows
    assert (il["aircraft_family"], il["date_start"], il["places"]) == ("Il-62", "2025-10-26", "Libya|Latakia")
    assert (an["aircraft_family"], an["count"], an["count_explicit"]) == ("An-124", 3, True)
    assert (an["date_start"], an["date_end"]) == ("2025-10-24", "2025-10-29")
    assert il["claim_id"] == "x#0.0" and an["claim_id"] == "x#0.1"


def test_the_aircraft_as_written_keeps_its_span_for_mutation_evidence():
    text = "Additionally, the Il-26M transport aircraft flew a route from Libya to Latakia last Sunday."
    (r,) = _claims(text)
    a = json.loads(r["facts"])["aircraft"][0]
    assert (a["v"], a["w"], a["d"], a["flag"]) == ("Il-62M", "Il-26M", "Il-26M", "nonexistent_designator")
    assert text[a["span"][0]:a["span"][1]] == "Il-26M"


def test_meetings_name_people_across_scripts_with_one_canonical_name():
    en = _claims("Ahmed al-Sharaa met President Vladimir Putin in Moscow on Oct. 15 to discuss the bases.")
    ru = _claims("Путин встретился с Ахмедом аш-Шараа в Москве 15 октября.", "ru")
    ar = _claims("التقى بوتين بالشرع في موسكو في 15 أكتوبر.", "ar")
    zh = _claims("普京于10月15日在莫斯科会见了沙拉。", "zh")
    for rows in (en, ru, ar, zh):
        (r,) = rows
        assert r["kind"] == "meeting" and r["concepts"] == "meet"
        assert set(r["people"].split("|")) == {"Ahmed al-Sharaa", "Vladimir Putin"}
        assert "Moscow" in r["places"] and r["date_start"] == "2025-10-15"


def test_the_same_pause_reads_as_six_months_in_every_language():
    texts = {"en": "Russia has resumed flights to its air base in Syria after a six-month hiatus.",
             "ru": "Россия возобновила полеты на авиабазу в Сирии после полугодового перерыва.",
             "uk": "Росія відновила польоти на авіабазу в Сирії після шестимісячної перерви.",
             "de": "Russland hat nach einer sechsmonatigen Pause die Flüge nach Syrien wieder aufgenommen.",
             "fr": "La Russie a repris ses vols vers la Syrie après une pause de six mois.",
             "ar": "استأنفت روسيا رحلاتها إلى سوريا بعد توقف دام ستة أشهر.",
             "zh": "俄罗斯在中断六个月后恢复了飞往叙利亚的航班。"}
    for lang, text in texts.items():
        (r,) = _claims(text, lang)
        assert r["kind"] == "event", lang
        assert "6mo" in r["durations"].split("|"), lang
        assert {"resume", "pause"} <= set(r["concepts"].split("|")), lang


def test_an_unknown_given_name_before_a_known_surname_is_another_person():
    (r,) = _claims("The period coincided with the ousting of former President Bashar al-Assad's chief rival, "
                   "Maher al-Assad, from the military command.")
    assert r["people"].split("|") == ["Bashar al-Assad", "Maher al-Assad"]
    assert claims.person_key("Maher al-Assad") != claims.person_key("Bashar al-Assad")


def test_names_the_lexicons_do_not_know_are_found_by_capitals_but_not_titles_or_headlines():
    (r,) = _claims("Government forces have intensified operations in the northwestern Idlib province.")
    assert r["kind"] == "event" and r["entities"] == "Idlib"
    rows = _claims("Russia Reactivates Military Operations at Hmeimim Air Base in Syria, Signaling Geopolitical Shift")
    assert all(r["entities"] == "" and r["people"] == "" for r in rows)
    (r,) = _claims("Syrian Defense Minister Major General Murhaf Abu Qusra led a three-day visit, SANA reported.")
    assert r["people"] == "Murhaf Abu Qasra" and r["people_as_written"] == "Murhaf Abu Qusra"


def test_names_with_digits_and_dates_are_not_numbers_but_counts_and_sums_are():
    (r,) = _claims("Flightradar24 counted 28 sorties by two squadrons on 26 October 2025.")
    assert set(r["numbers"].split("|")) == {"28", "2"}


def test_attribution_checkable_sources_context_and_channel():
    rows = _claims("Bloomberg said a source close to the Kremlin confirmed the resumption of flights. "
                   "Troops at Hmeimim repelled an attack, Russian military sources have confirmed.\n\n"
                   "Gunmen attacked Tartus on 29 October.")
    first, second, third = rows
    assert first["attributed"] and "anonymous Kremlin source" in first["source"] and first["channel"] == "Bloomberg"
    # a vague group asserted as confirming is cited, but it is not a checkable source ...
    assert "Russian military sources" in second["source"] and not second["attributed"]
    # ... while its neighbour in the paragraph is
    assert second["context_attributed"]
    assert not third["attributed"] and not third["context_attributed"]
    assert third["channel"] == "Bloomberg"  # the article's most-cited outlet


def test_no_comment_is_a_fact_of_the_claim():
    (r,) = _claims("Russia's Defense Ministry did not respond to a request for comment.")
    assert r["kind"] == "attribution" and "no_comment" in r["concepts"]


@pytest.mark.parametrize("written,canonical,key", [("Ил-26М", "Il-62M", "Il-26M"), ("I1-62", "Il-62M", "Il-62"),
                                                   ("An-124-100 'Ruslan'", "An-124-100", "An-124-100"),
                                                   ("إليوشن-26", "Il-62", "Il-26"), ("伊尔-62M", "Il-62M", "Il-62M")])
def test_designator_keys_compare_what_was_written_in_latin_letters(written, canonical, key):
    assert claims.designator_key(written, canonical) == key


def test_the_claims_codebook_lists_every_column_the_stage_writes():
    assert claims.CLAIM_COLUMNS[6:] == [c for c, _, _ in claims.CLAIMS_SCHEMA_EXTRA]
