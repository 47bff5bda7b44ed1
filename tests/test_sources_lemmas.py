"""The precomputed simplemma lemma table of the sources stage (``lexicon/source_lemmas.tsv``)."""
from __future__ import annotations

import pytest

from hmeimim import sources as S
from hmeimim.text import make_doc


@pytest.mark.parametrize("lang", sorted(S._LEMMA_LANGS))
def test_lemma_table_is_built_from_the_lexicons_as_they_are(lang):
    # fails when a sources lexicon changed without `python tools/build_source_lemmas.py`
    # (results stay right, through simplemma, but every process then loads its dictionary)
    assert S._text_forms(lang) is not None, f"rebuild lexicon/{S._LEMMA_TABLE}"
    words = S._lemma_tables()[lang][0]
    for r in S.lexicons.load("source_aliases"):
        if r["lang"] == lang and lang != "en":  # English lexicon phrases are not lemmatised
            for t in S._split(r["alias"]):
                assert not t[:1].isalpha() or t in words or S._is_arabic(t), (lang, t)


def test_lemma_table_answers_as_simplemma():
    simplemma = pytest.importorskip("simplemma")
    forms = S._lemma_tables()["en"][1]
    sample = sorted(forms)[::7]
    for f in sample:
        if "'" not in f and not f.isnumeric():
            assert simplemma.lemmatize(f, "en") == forms[f], f
    for w in ("said", "Said", "SAID", "reported", "officials", "Hmeimim"):
        assert S._lemma(w, "en") == S._fold(simplemma.lemmatize(w, "en")) or \
            S._fold(simplemma.lemmatize(w, "en")) not in S._lexicon_keys(S._lexicon("en")), w


def test_stage_does_not_load_simplemma_for_most_languages():
    S._simplemma_raw.cache_clear()
    for lang, text in (("en", "According to Bloomberg, officials said two jets landed."),
                       ("de", "Laut Bloomberg sagten Beamte, zwei Jets seien gelandet."),
                       ("fr", "Selon Bloomberg, des responsables ont déclaré que deux avions ont atterri.")):
        S.sources_for_doc(make_doc("x", text, language=lang))
    assert S._simplemma_raw.cache_info().currsize == 0
