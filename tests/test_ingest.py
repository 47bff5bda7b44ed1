"""Ingest: encodings, HTML, metadata, inference, duplicates and rejects."""
from __future__ import annotations

import shutil

import pytest

import hmeimim
from hmeimim.ingest import (IngestError, date_from_url, decode_bytes, detect_language, parse_published,
                            title_from_text)

from conftest import FIXTURES, SEEDS

RU = ("Российские военные самолеты возобновили полеты на авиабазу Хмеймим в Сирии. "
      "Об этом сообщает Bloomberg со ссылкой на данные Flightradar24. ") * 3


def test_seeds_give_five_articles_with_known_dates(seeds_corpus):
    a = seeds_corpus.articles.set_index("article_id")
    assert len(a) == 5 and seeds_corpus.rejects.empty
    assert a.loc["003_bcc0908ea47da197", "published"] == "2025-10-31"
    assert a.loc["004_8c8b87712b2a0ce4", "published"] == "2025-10-30"
    assert a["published"].isna().sum() == 3
    assert set(a["language"]) == {"en"}
    assert a.loc["003_bcc0908ea47da197", "outlet"] == "Euromaidan Press"
    assert a.loc["000_9004a9fd18155c9d", "title"].startswith("Russia Reactivates Military Operations")
    assert pd_isna(a.loc["001_e28acc740dab09bc", "title"])  # its first line is a paragraph


def pd_isna(v):
    import pandas as pd

    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16", "utf-16-le", "utf-8-sig", "utf-8"])
def test_russian_text_in_legacy_and_unicode_encodings_decodes_to_cyrillic(encoding):
    text, enc = decode_bytes(RU.encode(encoding))
    assert "Хмеймим" in text and "\ufeff" not in text


def test_latin1_german_text_decodes():
    raw = "Die Maschine landete in Latakia, berichtete die Agentur. Überraschung für Müller und Söhne. " * 3
    text, _ = decode_bytes(raw.encode("latin-1"))
    assert "Überraschung für Müller" in text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"   \n\t  ", "only whitespace"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    (bytes(range(256)) * 40, "binary"),
])
def test_unusable_bytes_raise_a_readable_reason(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode_bytes(data)


def test_language_identifier_tells_russian_from_ukrainian():
    assert detect_language("Россия возобновила военные полеты на авиабазу Хмеймим в Сирии.") == "ru"
    assert detect_language("Росія відновила військові польоти на авіабазу Хмеймім у Сирії.") == "uk"
    assert detect_language("هبطت طائرة روسية في قاعدة حميميم") == "ar"
    assert detect_language("俄罗斯恢复飞往赫梅米姆空军基地的军事航班") == "zh"
    assert detect_language("1234 ---") == ""


def test_multilingual_fixture_corpus_gets_languages_dates_and_titles():
    c = hmeimim.load_corpus(FIXTURES / "multilingual", extract=False, workers=1)
    a = c.articles.set_index("article_id")
    assert dict(a["language"]) == {"ar_style": "ar", "de_style": "de", "ru_interfax_style": "ru",
                                   "uk_unn_style": "uk", "zh_style": "zh"}
    # HTML: page chrome gone, title without the site name, date from the page metadata
    assert "Cookies" not in a.loc["de_style", "text"] and "Startseite" not in a.loc["de_style", "text"]
    assert a.loc["de_style", "title"] == "Russland nimmt Militärflüge nach Syrien wieder auf"
    assert (a.loc["de_style", "published"], a.loc["de_style", "published_from"]) == ("2025-10-31", "html")
    # date in the URL (metadata gives only the URL)
    assert (a.loc["zh_style", "published"], a.loc["zh_style", "published_from"]) == ("2025-10-31", "url")
    assert a.loc["zh_style", "outlet"] == "example.cn"


def test_datelines_in_russian_and_ukrainian_give_the_publication_date():
    pytest.importorskip("hmeimim.dates")
    c = hmeimim.load_corpus(FIXTURES / "multilingual", extract=False, workers=1)
    a = c.articles.set_index("article_id")
    assert (a.loc["ru_interfax_style", "published"], a.loc["ru_interfax_style", "published_from"]) == ("2025-10-30", "dateline")
    assert a.loc["uk_unn_style", "published"] == "2025-10-30"


def test_leading_date_marker_is_metadata_not_text(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2025-10-31 Russian aircraft returned to Hmeimim. More text here.", encoding="utf-8")
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    r = c.articles.iloc[0]
    assert (r["published"], r["published_from"]) == ("2025-10-31", "date marker")
    assert r["text"].startswith("Russian aircraft returned")


def test_metadata_wins_and_its_problems_are_reported(tmp_path):
    for f in SEEDS.glob("00[34]*.txt"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "metadata.csv").write_text(
        "id,published,outlet,colour\n"
        "003_bcc0908ea47da197,2025-11-02,Someone,red\n"
        "004_8c8b87712b2a0ce4,yesterday,,\n"
        "999_missing,2025-10-01,,\n", encoding="utf-8")
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    a = c.articles.set_index("article_id")
    assert a.loc["003_bcc0908ea47da197", "published"] == "2025-11-02"  # metadata beats the marker
    assert a.loc["003_bcc0908ea47da197", "published_from"] == "metadata"
    reasons = " | ".join(c.rejects["reason"])
    assert "bad published date 'yesterday'" in reasons
    assert "no article file has that id" in reasons
    assert "colour" in reasons
    assert set(c.rejects["kind"]) == {"metadata"}


def test_every_file_is_an_article_or_a_reject(tmp_path):
    shutil.copy(SEEDS / "000_9004a9fd18155c9d.txt", tmp_path / "a.txt")
    shutil.copy(SEEDS / "000_9004a9fd18155c9d.txt", tmp_path / "b.txt")  # exact copy
    (tmp_path / "c.txt").write_text((SEEDS / "000_9004a9fd18155c9d.txt").read_text(encoding="utf-8").upper(), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "scripts.html").write_text("<html><head><script>x()</script><style>p{}</style></head><body><iframe src='x'></iframe></body></html>", encoding="utf-8")
    (tmp_path / "ru cp1251 Хмеймим.txt").write_bytes(RU.encode("cp1251"))
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    files = c.rejects[c.rejects["kind"] == "file"]
    assert c.n_files == 8 == len(c.articles) + len(files)
    a = c.articles.set_index("article_id")
    assert a.loc["b", "duplicate_of"] == "a" and a.loc["c", "duplicate_of"] == "a"
    assert "Хмеймим" in a.loc["ru cp1251 Хмеймим", "text"] and a.loc["ru cp1251 Хмеймим", "encoding"] == "cp1251"
    reasons = dict(zip(files["path"], files["reason"]))
    assert set(reasons) == {"empty.txt", "image.txt", "notes.pdf", "scripts.html"}
    assert "empty" in reasons["empty.txt"] and "PNG" in reasons["image.txt"]
    assert "unsupported file type" in reasons["notes.pdf"] and "without article text" in reasons["scripts.html"]


def test_inference_helpers():
    assert date_from_url("https://x.com/news/20251030-hmeimim") == "2025-10-30"
    assert date_from_url("https://x.com/2025/13/45/x") is None
    assert parse_published("2025-10-30T14:05:00Z") == "2025-10-30"
    assert parse_published("30.10.2025") == "2025-10-30"
    assert parse_published("someday") is None
    assert title_from_text("Russia Resumes Flights | The Moscow Times\nBody.") == "Russia Resumes Flights"
    assert title_from_text("A whole first paragraph that ends with a period.\nBody.") is None


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        hmeimim.load_corpus(tmp_path / "nope")
