"""Normalisation and sentence splitting on real, ugly text."""
from __future__ import annotations

import pytest

from hmeimim.text import make_doc, normalize, split_sentences
from splitter_cases import CASES

from conftest import SEEDS


def test_hard_wrapped_pdf_lines_are_rejoined_but_paragraphs_kept():
    raw = (SEEDS / "004_8c8b87712b2a0ce4.txt").read_text(encoding="utf-8")
    t = normalize(raw)
    assert "Bloomberg reported Thursday, citing flight tracking data." in t
    assert "Russia’s full-scale invasion" in t  # line-end hyphen of a compound rejoined
    assert t.startswith("Russia Resumes Military Flights to Syria as Post-Assad Ties Thaw")
    # the indented line after the title starts a new paragraph
    assert "Thaw — Bloomberg\nRussia has restarted" in t


def test_ocr_i1_in_designators_is_repaired_but_not_elsewhere():
    assert normalize("An I1-62 and the I1-26M landed") == "An Il-62 and the Il-26M landed"
    assert normalize("Model I1 was fine; room 11-62") == "Model I1 was fine; room 11-62"


def test_dash_variants_and_nbsp_are_folded_em_dash_kept():
    assert normalize("Ан-124\u2212100 on 24\u201329\u00a0October — then") == "Ан-124-100 on 24-29 October — then"


def test_lookalike_cyrillic_letter_inside_latin_word_is_folded():
    # 'Flightrаdar24' with a Cyrillic а, and 'Il-62М' with a Cyrillic М
    assert normalize("Flightr\u0430dar24 saw the Il-62\u041c") == "Flightradar24 saw the Il-62M"
    # and the other way round: Latin letters inside a Cyrillic word
    assert normalize("Ил-62M прилетел в Хмeймим") == "Ил-62М прилетел в Хмеймим"


def test_pure_scripts_are_untouched():
    s = "Ан-124 «Руслан» приземлился в Латакии. The An-124 landed."
    assert normalize(s) == s


@pytest.mark.parametrize("lang", sorted(CASES))
def test_splitter_on_tricky_cases(lang):
    cases = CASES[lang]
    ok = sum([[t[s:e] for s, e in split_sentences(t)] == exp for t, exp in cases])
    # Measured: en 15/15, ru 5/6 ("3,5 т." before a capital is ambiguous), ar 4/4, zh 4/4.
    assert ok >= len(cases) - 1


def test_every_seed_sentence_satisfies_the_offset_rule(seeds_corpus):
    arts = seeds_corpus.articles.set_index("article_id")["text"]
    for r in seeds_corpus.sentences.itertuples():
        assert arts[r.article_id][r.start:r.end] == r.text
        assert r.text == r.text.strip() and r.text


def test_make_doc_sentences_point_into_normalised_text():
    d = make_doc("x", "Gen. Smith said the I1-62 landed.\nIt left on 24\u201329 Oct.")
    assert [d.sentence_text(s) for s in d.sentences] == ["Gen. Smith said the Il-62 landed.", "It left on 24-29 Oct."]


def test_ocr_repairs_are_recorded_so_the_file_spelling_can_be_shown():
    d = make_doc("x", "The I1-26M transport plane flew.\nAn I1-62 landed.")
    assert d.text == "The Il-26M transport plane flew.\nAn Il-62 landed."
    assert [d.text[s:e] for s, e, _ in d.repairs] == ["Il", "Il"]
    assert d.as_in_file(4, 10) == "I1-26M" and d.as_in_file(0, len(d.text)).count("I1") == 2
    assert make_doc("y", "An Il-62 landed.").repairs == ()
