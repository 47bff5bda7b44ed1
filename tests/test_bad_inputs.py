"""A corpus of bad inputs loses nothing and explains itself.

Every file is either an article (decoded correctly: the Russian ones read as Cyrillic) or a
``rejects`` row whose reason a person understands; the run goes on, and
``n_files == n_articles + n_rejects(kind == "file")``. The inputs are generated into
``tmp_path`` at test time (nothing large is committed).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import hmeimim
from hmeimim import ingest
from hmeimim.cli import main as cli_main
from hmeimim.output import read_tables

from conftest import SEEDS

RU = ("Российские военные самолеты возобновили полеты на авиабазу Хмеймим в Сирии после "
      "полугодового перерыва. Об этом сообщает агентство Bloomberg со ссылкой на данные сервиса "
      "Flightradar24. Транспортный самолет Ан-124 трижды приземлялся в Латакии, а Ил-62М "
      "вылетел из Ливии. В Министерстве обороны России запрос не прокомментировали.\n\n"
      "Источник, близкий к Кремлю, подтвердил возобновление полетов.\n")
RU_WORDS = ("Хмеймим", "самолеты", "Латакии", "Министерстве обороны")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256)) * 8
EN = (SEEDS / "000_9004a9fd18155c9d.txt").read_text(encoding="utf-8")

# name -> words every reason must contain (rejected), or None (ingested)
EXPECTED_REJECTS = {
    "empty.txt": ["empty file"],
    "blank.txt": ["only whitespace"],
    "image.txt": ["binary file", "PNG image"],
    "scripts.html": ["HTML page without article text", "scripts"],
    "locked.txt": ["permission denied"],
    "huge.txt": ["too large for one article", "split it into one file per article"],
    "loop_a.txt": ["symbolic link loop"],
    "loop_b.txt": ["symbolic link loop"],
    "sub/back_up": ["symbolic link loop", "enclosing folder"],
    "notes.pdf": ["unsupported file type", ".pdf"],
    "pipe.txt": ["not a regular file"],
}


def can_symlink(tmp: Path) -> bool:
    try:
        os.symlink("x", tmp / ".probe")
        os.unlink(tmp / ".probe")
        return True
    except (OSError, NotImplementedError):
        return False


@pytest.fixture
def bad_corpus(tmp_path, monkeypatch):
    """A folder with one of each bad input, and the names actually created (some need
    symlinks, FIFOs or byte file names, which not every system has)."""
    d = tmp_path / "corpus"
    d.mkdir()
    made = set()

    def put(name: str, data: bytes) -> Path:
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        made.add(name)
        return p

    put("empty.txt", b"")
    put("blank.txt", b"  \n\t \r\n   \n")
    put("image.txt", PNG)  # a PNG renamed .txt
    put("nul.txt", EN[:1500].encode() + b"\x00\x00" + EN[1500:3000].encode() + b"\x00")
    put("truncated.txt", RU.encode("utf-8") + "Хмеймим".encode("utf-8")[:-1])  # cut inside 'м'
    put("ru_cp1251.txt", RU.encode("cp1251"))
    put("ru_koi8r.txt", RU.encode("koi8-r"))
    put("ru_utf16.txt", RU.encode("utf-16-le"))  # no byte-order mark
    put("ru_utf16be.txt", RU.encode("utf-16-be"))
    put("scripts.html", b"<!DOCTYPE html><html><head><script>var a = 1; track();</script>"
                        b"<style>body { color: red }</style></head><body><iframe src='https://ads.example/x'>"
                        b"</iframe><script>more()</script><noscript></noscript></body></html>")
    put("fragment.html", b"<p>Russian military aircraft landed at Hmeimim again.</p><p>The ministry did not comment.</p>")
    put("text named.html", EN[:2000].encode())  # plain text saved with an .html name
    put("original.txt", EN.encode())
    put("copy of original.txt", EN.encode())  # a duplicate: kept, marked duplicate_of
    put("Хмеймим статья №1 (копия).txt", RU.replace("трижды", "дважды").encode())
    put("mac.txt", b"A Mac Classic File About Hmeimim\rRussian aircraft landed at Hmeimim.\rThey left.")
    put("notes.pdf", b"%PDF-1.4 not an article")
    put("huge.txt", b"Hmeimim. " * 300_000)  # 2.7 MB; the limit is lowered below
    monkeypatch.setattr(ingest, "MAX_TEXT_BYTES", 2_000_000)

    locked = put("locked.txt", RU.encode())
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        # root (or a file system without permissions) reads it anyway: simulate the refusal.
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)

    if can_symlink(tmp_path):
        os.symlink("loop_b.txt", d / "loop_a.txt")
        os.symlink("loop_a.txt", d / "loop_b.txt")
        (d / "sub").mkdir()
        os.symlink("..", d / "sub" / "back_up")
        made |= {"loop_a.txt", "loop_b.txt", "sub/back_up"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(d / "pipe.txt")
        made.add("pipe.txt")
    if sys.platform.startswith("linux"):
        try:  # a Latin-1 file name on a UTF-8 system: not valid UTF-8
            (d / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"Russian aircraft landed at Hmeimim. " * 5)
            made.add("caf\\xe9.txt")
        except (OSError, UnicodeError):
            pass

    (d / "metadata.csv").write_text(
        "id,published,outlet,colour\n"          # no url/title/language columns; an unknown one
        "original,2025-10-30,Bloomberg,red\n"
        "ru_cp1251,31/31/2025,,\n"              # bad date
        "ru_koi8r,yesterday,,\n"                # bad date
        "ghost,2025-10-01,,\n"                  # unknown id
        ",2025-10-02,Nobody,\n"                 # no id
        "mac,2025-10-29,X,blue,surplus\n",      # more values than columns
        encoding="utf-8")
    yield d, made
    locked.chmod(0o644)


def test_bad_inputs_are_articles_or_explained_rejects(bad_corpus):
    d, made = bad_corpus
    c = hmeimim.load_corpus(d, workers=1)  # the whole run, extraction included, goes on
    files = c.rejects[c.rejects["kind"] == "file"]
    reasons = dict(zip(files["path"], files["reason"]))
    arts = c.articles.set_index("article_id")

    # nothing lost: every entry on disk is exactly one article or one reject
    assert c.n_files == len(c.articles) + len(files)
    assert set(c.articles["path"]) | set(reasons) == made
    assert not set(c.articles["path"]) & set(reasons)

    for name, words in EXPECTED_REJECTS.items():
        if name in made:
            assert name in reasons, f"{name} was not rejected"
            for w in words:
                assert w in reasons[name], f"{name}: {reasons[name]!r} lacks {w!r}"

    # ingested correctly
    for aid, enc in [("ru_cp1251", "cp1251"), ("ru_koi8r", "koi8-r"), ("ru_utf16", "utf-16-le"),
                     ("ru_utf16be", "utf-16-be"), ("truncated", "utf-8")]:
        assert arts.loc[aid, "encoding"].startswith(enc), (aid, arts.loc[aid, "encoding"])
        assert arts.loc[aid, "language"] == "ru"
        for w in RU_WORDS:
            assert w in arts.loc[aid, "text"], (aid, w)
    assert "incomplete last character dropped" in arts.loc["truncated", "encoding"]
    assert arts.loc["truncated", "text"].endswith("Хмейми")
    assert "\x00" not in arts.loc["nul", "text"] and "NUL bytes dropped" in arts.loc["nul", "encoding"]
    assert "Hmeimim" in arts.loc["nul", "text"]
    assert arts.loc["copy of original", "duplicate_of"] == "original"
    assert "Хмеймим" in arts.loc["Хмеймим статья №1 (копия)", "text"]
    assert arts.loc["fragment", "text"] == "Russian military aircraft landed at Hmeimim again.\nThe ministry did not comment."
    assert arts.loc["text named", "text"].startswith("Russia Reactivates Military Operations at Hmeimim")
    assert arts.loc["mac", "text"].split("\n") == ["A Mac Classic File About Hmeimim",
                                                   "Russian aircraft landed at Hmeimim.", "They left."]
    if "caf\\xe9.txt" in made:
        assert "caf\\xe9" in arts.index

    # metadata problems are explained; good metadata values are used
    assert arts.loc["original", "published"] == "2025-10-30" and arts.loc["original", "outlet"] == "Bloomberg"
    meta = " | ".join(c.rejects.loc[c.rejects["kind"] == "metadata", "reason"])
    for words in ("columns ignored", "colour", "bad published date '31/31/2025' for id 'ru_cp1251'",
                  "bad published date 'yesterday'", "'ghost', but no article file has that id",
                  "metadata row without an id", "more values than the header has columns", "surplus"):
        assert words in meta, words

    # every sentence offset is the sentence, even in the repaired texts
    texts = c.articles.set_index("article_id")["text"]
    for r in c.sentences.itertuples():
        assert texts[r.article_id][r.start:r.end] == r.text


def test_bad_corpus_through_the_command_line(bad_corpus, tmp_path, capsys):
    d, made = bad_corpus
    out = tmp_path / "out"
    assert cli_main(["extract", str(d), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    tables = read_tables(out)
    rej = tables["rejects"]
    assert len(tables["articles"]) + (rej["kind"] == "file").sum() == len(made)
    assert "permission denied" in " ".join(rej["reason"])


def test_metadata_without_an_id_column_is_ignored_with_a_reason(tmp_path):
    (tmp_path / "a.txt").write_bytes(RU.encode("koi8-r"))
    (tmp_path / "metadata.csv").write_text("file,date\na,2025-10-30\n", encoding="utf-8")
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    assert len(c.articles) == 1 and "Хмеймим" in c.articles.loc[0, "text"]
    assert c.rejects["reason"].tolist() == ["metadata file ignored: it has no 'id' column"]


def test_binary_metadata_and_unknown_language_are_explained(tmp_path):
    (tmp_path / "a.txt").write_text(RU, encoding="utf-8")
    (tmp_path / "b.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("id,language\na,Russian\nb,Klingon\n", encoding="utf-8")
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    a = c.articles.set_index("article_id")
    assert (a.loc["a", "language"], a.loc["a", "language_from"]) == ("ru", "metadata")
    assert (a.loc["b", "language"], a.loc["b", "language_from"]) == ("en", "detected")
    assert "unknown language 'Klingon'" in " ".join(c.rejects["reason"])
    (tmp_path / "metadata.csv").write_bytes(PNG)
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    assert len(c.articles) == 2
    assert c.rejects["reason"].tolist() == ["metadata file ignored: binary file: a PNG image, not article text"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any folder")
@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_unreadable_folder_is_a_reject(tmp_path):
    (tmp_path / "ok.txt").write_text(EN, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text(EN, encoding="utf-8")
    locked.chmod(0)
    try:
        c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    finally:
        locked.chmod(0o755)
    assert c.rejects["path"].tolist() == ["locked"]
    assert "folder cannot be read" in c.rejects.loc[0, "reason"]


def test_a_50_mb_text_file_is_rejected_from_its_size_without_being_read(tmp_path, monkeypatch):
    """Decision: a 50 MB text is not one news article (see ``hmeimim.ingest``: the extraction
    stages would need minutes and gigabytes for it); it is rejected with a reason that says to
    split it, from its size alone, so it costs neither time nor memory."""
    _write_big(tmp_path / "dump.txt", 50 * 2**20)
    (tmp_path / "ok.txt").write_text(EN, encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self):
        assert self.name != "dump.txt", "the big file was read"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    assert c.articles["article_id"].tolist() == ["ok"]
    (reason,) = c.rejects["reason"]
    assert "file too large for one article: 50 MB" in reason and "split it into one file per article" in reason
    assert c.n_files == 2


def _write_big(path: Path, n_bytes: int, encoding: str = "utf-8") -> None:
    """About ``n_bytes`` of real article text (seeds in English, a Russian paragraph), in
    paragraphs, some of them hard-wrapped."""
    paras = [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    paras.append(RU)
    block = "\n\n".join(paras).encode(encoding, errors="replace") + b"\n\n"
    with path.open("wb") as fh:
        for _ in range(max(1, n_bytes // len(block))):
            fh.write(block)


def test_a_text_just_under_the_character_limit_is_ingested(tmp_path):
    _write_big(tmp_path / "long_cp1251.txt", 1_900_000, "cp1251")
    t0 = time.perf_counter()
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    elapsed = time.perf_counter() - t0
    assert c.rejects.empty, c.rejects
    a = c.articles.iloc[0]
    assert a["encoding"] == "cp1251" and "Хмеймим" in a["text"] and "Hmeimim" in a["text"]
    assert 1_500_000 < a["n_chars"] <= ingest.MAX_CHARS
    assert len(c.sentences) > 5_000
    assert elapsed < 60, f"{elapsed:.1f} s for 1.9 MB"


@pytest.mark.slow
def test_a_50_mb_text_with_the_limits_lifted_reads_in_linear_time(tmp_path, monkeypatch):
    """The reading path itself stays linear and bounded on 50 MB (encoding detected on a
    sample, no quadratic regex in normalisation or splitting): a regression here would take
    minutes, not seconds. The memory figures are in benchmarks/bench_memory.py."""
    monkeypatch.setattr(ingest, "MAX_TEXT_BYTES", 10**9)
    monkeypatch.setattr(ingest, "MAX_CHARS", 10**9)
    _write_big(tmp_path / "big.txt", 50 * 2**20)
    assert (tmp_path / "big.txt").stat().st_size > 45 * 2**20
    t0 = time.perf_counter()
    c = hmeimim.load_corpus(tmp_path, extract=False, workers=1)
    elapsed = time.perf_counter() - t0
    assert c.rejects.empty and len(c.articles) == 1
    text = c.articles.loc[0, "text"]
    assert len(text) > 40_000_000 and "Хмеймим" in text
    s = c.sentences
    assert len(s) > 100_000
    for r in pd.concat([s.head(200), s.tail(200)]).itertuples():
        assert text[r.start:r.end] == r.text
    assert (s["start"].diff().dropna() > 0).all()
    assert elapsed < 120, f"{elapsed:.1f} s for 50 MB"
