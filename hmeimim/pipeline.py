"""The whole flow: files -> articles -> sentences -> sources / flights / claims -> spread.

:func:`load_corpus` is the analyst's entry point; it returns a :class:`Corpus` holding the
tidy tables as DataFrames. Per-file and per-article work are pure functions, run in a process
pool when the corpus is large enough for it to pay off.

>>> corpus = load_corpus("seeds")                       # doctest: +SKIP
>>> corpus.articles[["article_id", "published"]]        # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
import functools
import html
import itertools
import json
import multiprocessing as mp
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd

from . import schema
from .ingest import (IngestError, discover, display_path, duplicate_key, find_duplicates, read_article,
                     read_metadata)
from .text import Doc, Sentence, split_sentences

__all__ = ["Corpus", "load_corpus", "find_metadata", "plan_corpus", "process_files", "assemble_parts", "Part",
           "extract_doc", "extract_docs", "assemble_extraction", "run_extraction", "run_spread", "POOL_MIN_FILES"]

# Measured on the 2-core machine (ingest of 3-5 KB articles, fork start): 150 files 0.38 s in a
# loop vs 0.28 s with a pool of 2; 400 files 0.97 vs 0.60 s; 1000 files 2.39 vs 1.60 s. Below
# about 100 files the pool's start-up eats the gain.
POOL_MIN_FILES = 100
# Files per task of the batched pipeline (see _batches).
BATCH_MIN, BATCH_MAX = 16, 256
PROGRESS_MIN_FILES = 200
SPREAD_TABLES = ("claim_clusters", "claim_mentions", "mutations", "article_links")


def find_metadata(corpus_dir: Path) -> Path | None:
    """``metadata.csv`` beside the articles, else ``../data/metadata.csv`` (the project layout:
    a raw corpus folder next to ``data/`` holding its metadata), else None."""
    corpus_dir = Path(corpus_dir)
    for cand in (corpus_dir / "metadata.csv", corpus_dir.parent / "data" / "metadata.csv"):
        if cand.is_file():
            return cand
    return None


@dataclass
class Corpus:
    """The tidy tables of one corpus (pandas DataFrames) and helpers to read the evidence.

    Tables: ``articles, sentences, sources, flights, claims, rejects`` and the spread tables
    ``claim_clusters, claim_mentions, mutations, article_links``. Every span row has
    ``article_id, start, end`` with ``corpus.text(article_id)[start:end]`` the evidence.
    """

    root: Path
    articles: pd.DataFrame
    sentences: pd.DataFrame
    rejects: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=lambda: schema.conform("sources", None))
    flights: pd.DataFrame = field(default_factory=lambda: schema.conform("flights", None))
    claims: pd.DataFrame = field(default_factory=lambda: schema.conform("claims", None))
    spread: dict[str, pd.DataFrame] = field(default_factory=dict)
    ref_year: int | None = None
    n_files: int = 0

    # -- tables -----------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        """All output tables by name, in the order ``hmeimim extract`` writes them."""
        out = {"articles": self.articles, "sentences": self.sentences, "sources": self.sources,
               "flights": self.flights, "claims": self.claims, "rejects": self.rejects}
        out.update(self.spread)
        return out

    def __getattr__(self, name: str):
        spread = self.__dict__.get("spread") or {}
        if name in spread:
            return spread[name]
        raise AttributeError(name)

    # -- evidence ---------------------------------------------------------------------------
    def text(self, article_id: str) -> str:
        """The normalised text of an article (what all offsets point into)."""
        row = self.articles.loc[self.articles["article_id"] == article_id, "text"]
        if row.empty:
            raise KeyError(f"no article {article_id!r}")
        return row.iloc[0]

    def evidence(self, row) -> str:
        """The words behind a table row (anything with ``article_id``, ``start``, ``end``)."""
        return self.text(row["article_id"])[int(row["start"]):int(row["end"])]

    def show(self, article_id: str):
        """An article as HTML with its flight claims and sources highlighted (for notebooks)."""
        from IPython.display import HTML

        return HTML(highlight_html(self.text(article_id), self.flights, self.sources, article_id))

    def docs(self) -> list[Doc]:
        """The articles as :class:`~hmeimim.text.Doc` objects for the extraction stages."""
        return list(_docs(self.articles, self.sentences, self.ref_year))

    # -- notebook display -------------------------------------------------------------------
    def summary(self) -> dict:
        a = self.articles
        return {
            "files": self.n_files,
            "articles": len(a),
            "duplicates": int((a["duplicate_of"].fillna("") != "").sum()) if len(a) else 0,
            "rejects": int((self.rejects["kind"] == "file").sum()) if len(self.rejects) else 0,
            "languages": dict(sorted(Counter(a["language"].fillna("?")).items())) if len(a) else {},
            "dated": int(a["published"].notna().sum()) if len(a) else 0,
            "sentences": len(self.sentences),
            "sources": len(self.sources),
            "flights": len(self.flights),
            "claims": len(self.claims),
        }

    def __repr__(self) -> str:
        s = self.summary()
        langs = ", ".join(f"{k} {v}" for k, v in s["languages"].items()) or "none"
        return (f"<Corpus {self.root.name}: {s['articles']} articles ({langs}), {s['rejects']} rejected, "
                f"{s['sentences']} sentences, {s['sources']} sources, {s['flights']} flight mentions, "
                f"{s['claims']} claims>")

    def _repr_html_(self) -> str:
        s = self.summary()
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                       for k, v in s.items())
        return f"<b>Corpus {html.escape(self.root.name)}</b><table>{rows}</table>"


# -- highlighting --------------------------------------------------------------------------


def highlight_html(text: str, flights: pd.DataFrame, sources: pd.DataFrame, article_id: str) -> str:
    """Escaped article text with flight spans (blue) and source spans (orange) marked."""
    spans = []
    for df, colour, label in ((flights, "#cfe2ff", "aircraft"), (sources, "#ffe5b4", "source")):
        if df is None or df.empty:
            continue
        for r in df[df["article_id"] == article_id].itertuples():
            spans.append((int(r.start), int(r.end), colour, str(getattr(r, label, "") or "")))
    spans.sort()
    out, pos = [], 0
    for s, e, colour, tip in spans:
        if s < pos:
            continue  # overlapping spans: the first one wins
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark style='background:{colour}' title='{html.escape(tip, quote=True)}'>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "<div style='white-space:pre-wrap;max-width:60em'>" + "".join(out) + "</div>"


# -- workers --------------------------------------------------------------------------------


def _ingest_one(args: tuple[Path, Path, dict]) -> tuple[dict | None, tuple[str, str] | None, list]:
    path, root, meta = args
    rel = display_path(path.relative_to(root).as_posix())
    try:
        row = read_article(path, root, meta)
    except IngestError as e:
        return None, (rel, str(e)), []
    except Exception as e:  # a defect in a parser must cost one file, not the run
        return None, (rel, f"could not be read ({type(e).__name__}: {e})"), []
    return row, None, _sentence_rows(row["article_id"], row["text"])


def _sentence_rows(article_id: str, text: str) -> list[tuple]:
    """The ``sentences`` rows of one article's normalised text."""
    return [(article_id, i, s, e, text[s:e]) for i, (s, e) in enumerate(split_sentences(text))]


def _extract_one(doc: Doc) -> tuple[list[dict], list[dict], list[dict]]:
    from . import claims, flights, sources

    src = sources.sources_for_doc(doc)
    dates: dict = {}
    fl = flights.flights_for_doc(doc, dates)
    cl = claims.claims_for_doc(doc, src, fl, dates)
    return src, fl, cl


def _extract_batch(docs: list[Doc]) -> Iterator[tuple[list[dict], list[dict], list[dict]]]:
    """:func:`_extract_one` over ``docs``, one stage at a time over the whole batch: the same
    rows, but each stage's code and lexicons stay in the CPU caches while it runs."""
    from . import claims, flights, sources

    src = [sources.sources_for_doc(d) for d in docs]
    dates: list[dict] = [{} for _ in docs]
    fl = [flights.flights_for_doc(d, x) for d, x in zip(docs, dates)]
    for d, s, f, x in zip(docs, src, fl, dates):
        yield s, f, claims.claims_for_doc(d, s, f, x)


class _Pool:
    """A process pool made on first use and reused by every stage of one run, so the workers
    load the lexicons and lemma dictionaries once, not once per stage."""

    def __init__(self, workers: int):
        self.workers, self.pool = workers, None

    def get(self):
        if self.pool is None:
            # fork: workers inherit the loaded lexicons and need no importable __main__ (notebooks, stdin)
            ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
            self.pool = ctx.Pool(self.workers)
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def _map(fn: Callable, items: list, workers: int, desc: str, progress: bool | None,
         pool: _Pool | None = None, sizes: list[int] | None = None) -> Iterator:
    """``fn`` over ``items`` in order, in the pool from ``POOL_MIN_FILES`` files; ``sizes``:
    the number of files each item holds (a batch), for the progress bar."""
    n = sum(sizes) if sizes is not None else len(items)
    show = progress if progress is not None else (n >= PROGRESS_MIN_FILES and sys.stderr.isatty())
    bar = None
    if show:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=desc, unit="file" if desc in ("ingest", "read") else "article", leave=False)
    step = (lambda i: sizes[i]) if sizes is not None else (lambda i: 1)
    if workers > 1 and n >= POOL_MIN_FILES and len(items) > 1:
        own = pool is None
        pool = pool or _Pool(workers)
        chunk = 1 if sizes is not None else max(16, min(256, n // (workers * 8) or 1))
        try:
            for i, r in enumerate(pool.get().imap(fn, items, chunksize=chunk)):
                if bar:
                    bar.update(step(i))
                yield r
        finally:
            if own:
                pool.close()
    else:
        for i, it in enumerate(items):
            r = fn(it)
            if bar:
                bar.update(step(i))
            yield r
    if bar:
        bar.close()


def _docs(articles: pd.DataFrame, sentences: pd.DataFrame, ref_year: int | None) -> Iterator[Doc]:
    by_article: dict[str, list[Sentence]] = {}
    for r in sentences.itertuples(index=False):
        by_article.setdefault(r.article_id, []).append(Sentence(int(r.sentence_id), int(r.start), int(r.end)))
    for r in articles.itertuples(index=False):
        pub = date.fromisoformat(r.published) if isinstance(r.published, str) and r.published else None
        repairs = tuple(tuple(x) for x in json.loads(r.ocr_repairs)) if isinstance(r.ocr_repairs, str) and r.ocr_repairs else ()
        yield Doc(r.article_id, r.text, r.language if isinstance(r.language, str) and r.language else "en",
                  pub, ref_year, r.outlet if isinstance(r.outlet, str) else "",
                  tuple(by_article.get(r.article_id, ())), repairs)


def metadata_year(plan: "Plan") -> int | None:
    """The reference year the metadata foretells: the most common year of the ``published``
    dates it gives the planned files (ties to the later year), or None. Undated articles are
    extracted with it in the first pass; if the corpus's reference year turns out otherwise,
    they are extracted again."""
    return _most_common_year(m.get("published") for _, _, m in plan.jobs)


def reference_year(articles: pd.DataFrame) -> int | None:
    """The corpus's reference year: the most common publication year of its dated articles
    (ties to the later year), assumed for year-less dates in undated articles."""
    return _most_common_year(articles["published"].dropna())


def _most_common_year(dates: Iterable) -> int | None:
    """The most common year of ISO ``dates`` (other values skipped), ties to the later; or None."""
    years = Counter(int(d[:4]) for d in dates if isinstance(d, str) and d[:4].isdigit())
    if not years:
        return None
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]


# -- batches: ingest and extraction of many files in one task ---------------------------------


@dataclass
class Part:
    """What :func:`process_files` gives for one batch of files: the batch's tables as
    conformed DataFrames (each sorted as the corpus tables are), what the corpus-wide steps need
    (ids, duplicate keys) and what they must finish (``held``: files whose id another file also
    has; ``undated``: articles extracted only once the corpus's reference year is known)."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    sources: pd.DataFrame | None
    flights: pd.DataFrame | None
    claims: pd.DataFrame | None
    rejects: list[tuple[str, str]]
    ids: list[tuple[str, str]]                     # (article_id, path) of the articles in the tables
    dup_keys: list[tuple[str, str, str, str]]      # (article_id, published, sha256, content key)
    held: list[tuple[dict, list]] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    assumed_year: int | None = None                # the undated articles were extracted with this year


def _extraction_frames(results: Iterable) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    src, fl, cl = [], [], []
    for s, f, c in results:
        src += s
        fl += f
        cl += c
    key = ["article_id", "start", "end"]
    return (_sorted(schema.conform("sources", _frame(src, "sources")), key),
            _sorted(schema.conform("flights", _frame(fl, "flights")), key),
            _sorted(schema.conform("claims", _frame(cl, "claims")), key))


def process_files(jobs: list, extract: bool = True, ref_year: int | None = None,
                  hold: frozenset = frozenset(), assume_year: int | None = None) -> Part:
    """Ingest a batch of files (:class:`Plan` jobs) and, with ``extract``, find the sources,
    flights and claims of each article, in one task: the text never travels back and forth
    between processes, and the rows come back as compact DataFrames, not Python dicts.

    Undated articles depend on the corpus's reference year (for their year-less dates): they are
    extracted here with ``ref_year`` when it is given, else with ``assume_year`` (the year the
    caller expects the reference year to be; ``part.assumed_year`` records it and ``part.undated``
    lists them, to be extracted again if the guess proves wrong), else not at all (listed in
    ``part.undated``). Files whose stem is in ``hold`` (an id that another file also has) are
    returned raw, for the corpus-wide check. Pure and picklable, for any :data:`Mapper`."""
    import time

    c0 = time.process_time()
    rows, sents, rejects, held = [], [], [], []
    for job in jobs:
        row, rej, ss = _ingest_one(job)
        if rej:
            rejects.append(rej)
        elif job[0].stem in hold:
            held.append((row, ss))
        else:
            rows.append(row)
            sents.extend(ss)
    dup_keys = [duplicate_key(r) for r in rows]
    ids = [(r["article_id"], r["path"]) for r in rows]
    articles = schema.conform("articles", pd.DataFrame(rows) if rows else None)
    articles = articles.sort_values("article_id", kind="stable").reset_index(drop=True)
    sentences = _sentence_frame(sents)
    c1 = time.process_time()
    part = Part(articles, sentences, None, None, None, rejects, ids, dup_keys, held, cpu={"ingest": c1 - c0})
    if extract:
        year = ref_year if ref_year is not None else assume_year
        todo = articles if year is not None else articles[articles["published"].notna()]
        part.undated = [] if ref_year is not None else articles.loc[articles["published"].isna(), "article_id"].tolist()
        part.assumed_year = assume_year if ref_year is None and part.undated else None
        part.sources, part.flights, part.claims = _extraction_frames(
            _extract_batch(list(_docs(todo, sentences, year))))
        part.cpu["extract"] = time.process_time() - c1
    return part


def _sentence_frame(sents: list) -> pd.DataFrame:
    df = schema.conform("sentences", pd.DataFrame(sents, columns=schema.columns("sentences")))
    return df.sort_values(["article_id", "sentence_id"], kind="stable").reset_index(drop=True)


def _concat(frames: list[pd.DataFrame], table: str, key: list[str], presorted: bool) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return schema.conform(table, _frame([], table))
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return df if presorted else _sorted(df, key)


def _batches(jobs: list, workers: int) -> list[list]:
    """Cut the jobs into batches: few enough that per-task costs vanish, enough to keep every
    worker busy and memory in flight small."""
    n = len(jobs)
    if workers <= 1 or n < POOL_MIN_FILES:
        size = max(n, 1) if n <= BATCH_MAX else BATCH_MAX
    else:
        size = max(BATCH_MIN, min(BATCH_MAX, -(-n // (workers * 8))))
    return [jobs[i:i + size] for i in range(0, n, size)]


# -- entry point ----------------------------------------------------------------------------

Mapper = Callable[[Callable, list], Iterable]
"""Maps a picklable function over a list and yields the results in order (a process pool, a
Dask cluster, or a plain loop); :func:`load_corpus` takes one so engines give identical results."""


@dataclass
class Plan:
    """What a corpus run will read: the article files with their metadata, and what is already
    known to be rejected (unlisted files, metadata problems)."""

    root: Path
    jobs: list[tuple[Path, Path, dict]]
    unlisted: list[tuple[str, str]]
    meta: object


def plan_corpus(path: str | os.PathLike, metadata: str | os.PathLike | None = None) -> Plan:
    """Check the corpus folder and metadata and list the files to ingest."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    if not root.is_dir():
        raise NotADirectoryError(f"corpus is not a folder: {root}")
    meta_path = Path(metadata) if metadata is not None else find_metadata(root)
    if metadata is not None and not meta_path.is_file():
        raise FileNotFoundError(f"metadata file not found: {meta_path}")
    meta = read_metadata(meta_path)
    files, unlisted = discover(root)
    return Plan(root, [(p, root, meta.rows.get(p.stem, {})) for p in files], unlisted, meta)


def _claim_id(row: dict, seen_ids: dict[str, str], rejects: list[dict]) -> bool:
    """Record the file's article id, or reject the file when an earlier one has that id."""
    aid = row["article_id"]
    if aid in seen_ids:
        rejects.append({"path": row["path"], "kind": "file",
                        "reason": f"another file has the same id {aid!r} ({seen_ids[aid]}); ids are file stems and must be unique"})
        return False
    seen_ids[aid] = row["path"]
    return True


def load_corpus(path: str | os.PathLike, metadata: str | os.PathLike | None = None, *,
                extract: bool = True, spread: bool = True, workers: int | None = None,
                progress: bool | None = None, mapper: Mapper | None = None,
                ref_year: int | None = None, timings: dict | None = None, sink=None) -> Corpus:
    """Read a folder of articles into a :class:`Corpus` of tidy tables.

    Parameters
    ----------
    path: the corpus folder (``.txt``, ``.md``, ``.html``/``.htm`` files; other files are
        rejected with a reason).
    metadata: a ``metadata.csv`` (``id`` plus any of url, outlet, published, title, language);
        by default ``<path>/metadata.csv`` or ``<path>/../data/metadata.csv``.
    extract: also find sources, flights and claims (else those tables are empty).
    spread: also cluster claims across articles (the spread tables).
    workers: processes for the per-file work (default: the machine's cores; 1 = no pool).
    progress: show a progress bar (default: on a terminal, for 200 files or more).
    mapper: run the per-batch work through this instead of the local pool (the Dask engine
        passes one); results are the same whatever runs them.
    ref_year: the year assumed for year-less dates ("26 October") in undated articles; by
        default the most common publication year of the corpus's dated articles (with no
        dated article and no ``ref_year``, such dates stay unresolved, as written).
    timings: a dict to receive the CPU seconds of each stage summed over all processes
        (``ingest_cpu_s``, ``extract_cpu_s``) and the wall-clock seconds of reading and
        extracting (``read_s``) and of the spread (``spread_s``).
    sink: a :class:`hmeimim.output.TableSink`: the ``sentences``, ``sources``, ``flights`` and
        ``claims`` rows go to it batch by batch (validated against the codebook) and the corpus
        keeps those tables empty (``sink.read(name)`` gives them back), so memory stays bounded
        however large the corpus; the spread stage, which needs the claims, is then the
        caller's to run (``hmeimim extract`` does).

    Files are read and extracted in batches (:func:`process_files`), one task per batch, so
    the text is read, split and extracted in the same process and comes back as compact
    tables; the corpus-wide steps (reference year, duplicates, same-id files) follow in this
    process, and undated articles are extracted once the reference year is known.

    Raises
    ------
    FileNotFoundError / NotADirectoryError if ``path`` is not a folder.
    """
    import time

    plan = plan_corpus(path, metadata)
    workers = workers or os.cpu_count() or 1
    pool = _Pool(workers)
    timings = {} if timings is None else timings

    def run(fn, items, desc, sizes=None):
        return mapper(fn, items) if mapper is not None else _map(fn, items, workers, desc, progress, pool, sizes)

    stems = Counter(p.stem for p, _, _ in plan.jobs)
    hold = frozenset(k for k, v in stems.items() if v > 1)
    fn = functools.partial(process_files, extract=extract, ref_year=ref_year, hold=hold,
                           assume_year=None if ref_year is not None else metadata_year(plan))
    batches = _batches(plan.jobs, workers)
    t = time.perf_counter()
    try:
        corpus = assemble_parts(plan, run(fn, batches, "read", [len(b) for b in batches]),
                                extract=extract, ref_year=ref_year, run=run, timings=timings, sink=sink,
                                workers=workers)
    finally:
        pool.close()
    timings["read_s"] = time.perf_counter() - t
    if extract and spread and sink is None:
        t = time.perf_counter()
        run_spread(corpus)
        timings["spread_s"] = time.perf_counter() - t
    return corpus


def assemble_parts(plan: Plan, parts: Iterable[Part], *, extract: bool = True, ref_year: int | None = None,
                   run: Callable | None = None, timings: dict | None = None, sink=None,
                   workers: int = 1) -> Corpus:
    """Build a :class:`Corpus` from the :func:`process_files` results of a plan's batches, in
    plan order: rejects, same-id files, duplicates, the reference year, and the extraction of
    the articles the batches left (undated ones, same-id files), through ``run(fn, items,
    desc)`` (a plain loop by default)."""
    run = run or (lambda fn, items, desc, sizes=None: map(fn, items))
    meta = plan.meta
    rejects = [{"path": p, "reason": r, "kind": "file"} for p, r in plan.unlisted]
    frames: dict[str, list] = {t: [] for t in ("articles", "sentences", "sources", "flights", "claims")}
    seen_ids: dict[str, str] = {}
    dup_keys: list = []
    pending: list[str] = []
    assumed: list[tuple[int, list[str]]] = []   # (year, undated articles extracted with it)
    held_rows, held_sents = [], []
    cpu: Counter = Counter()
    for part in parts:
        rejects += [{"path": p, "reason": r, "kind": "file"} for p, r in part.rejects]
        for aid, p in part.ids:
            seen_ids[aid] = p
        for row, sents in part.held:  # files sharing an id: the first that reads wins, as in plan order
            if not _claim_id(row, seen_ids, rejects):
                continue
            held_rows.append(row)
            held_sents.extend(sents)
            pending.append(row["article_id"])
        dup_keys += part.dup_keys
        if part.assumed_year is not None:
            assumed.append((part.assumed_year, part.undated))
        else:
            pending += part.undated
        for t in frames:
            frames[t].append(getattr(part, t))
        cpu.update(part.cpu)
        if sink is not None and extract:
            _to_sink(sink, ("sources", "flights", "claims"), (part.sources, part.flights, part.claims))
            _to_sink(sink, ("sentences",), (part.sentences,), key=SENTENCE_KEY)
            # only the sentences of the articles still to extract stay in memory
            later = set(part.undated) if part.assumed_year is None else set()
            frames["sentences"][-1] = part.sentences[part.sentences["article_id"].isin(later)] if later else None
            part.sources = part.flights = part.claims = part.sentences = None
            for t in ("sources", "flights", "claims"):
                frames[t].clear()
    known = set(seen_ids) | {Path(r["path"]).stem for r in rejects}
    for aid in sorted(set(meta.rows) - known):
        rejects.append({"path": f"metadata.csv#{aid}", "kind": "metadata",
                        "reason": f"metadata row for id {aid!r}, but no article file has that id"})
    rejects += [{"path": w, "reason": r, "kind": "metadata"} for w, r in meta.problems]
    if held_rows:
        dup_keys += [duplicate_key(r) for r in held_rows]
        frames["articles"].append(schema.conform("articles", pd.DataFrame(held_rows)))
        frames["sentences"].append(_sentence_frame(held_sents))
        if sink is not None and extract:
            _to_sink(sink, ("sentences",), (frames["sentences"][-1],), key=SENTENCE_KEY)

    articles = _concat(frames["articles"], "articles", ["article_id"], False)
    copies = find_duplicates(dup_keys)
    if copies:
        articles["duplicate_of"] = articles["article_id"].map(copies).astype("string")
    ids_in_order = not held_rows and _parts_in_order(frames["articles"])
    sentences = _concat(frames["sentences"], "sentences", ["article_id", "sentence_id"], ids_in_order)
    rej = schema.conform("rejects", pd.DataFrame(rejects, columns=schema.columns("rejects")))
    rej = rej.sort_values(["kind", "path"], kind="stable").reset_index(drop=True)
    corpus = Corpus(plan.root, articles, sentences, rej, ref_year=reference_year(articles),
                    n_files=len(plan.jobs) + len(plan.unlisted))
    if ref_year is not None:
        corpus.ref_year = int(ref_year)
    if extract:
        # undated articles extracted with a year that proved not to be the reference year: again
        redo = {aid for year, ids in assumed if year != corpus.ref_year for aid in ids}
        if redo:
            pending += sorted(redo)
            for t in ("sources", "flights", "claims"):
                if sink is not None:
                    sink.drop(t, "article_id", redo)
                frames[t] = [f[~f["article_id"].isin(redo)] for f in frames[t] if f is not None]
        if pending:
            sub = articles[articles["article_id"].isin(set(pending))]
            subs = sentences[sentences["article_id"].isin(set(pending))]
            if redo and sink is not None:  # their sentences went to the sink: split them again
                again = [x for r in sub[sub["article_id"].isin(redo)].itertuples()
                         for x in _sentence_rows(r.article_id, r.text)]
                subs = _concat([subs, _sentence_frame(again)], "sentences", SENTENCE_KEY, False)
            for frames_late, seconds in _extract_in_waves(_docs(sub, subs, corpus.ref_year), len(sub), run, workers):
                cpu["extract"] += seconds  # in whichever process ran the batch
                if sink is not None:
                    _to_sink(sink, ("sources", "flights", "claims"), frames_late)
                else:
                    for t_, f in zip(("sources", "flights", "claims"), frames_late):
                        frames[t_].append(f)
        key = ["article_id", "start", "end"]
        done = ids_in_order and not pending
        corpus.sources = _concat(frames["sources"], "sources", key, done)
        corpus.flights = _concat(frames["flights"], "flights", key, done)
        corpus.claims = _concat(frames["claims"], "claims", key, done)
        if sink is not None:  # every table exists in the sink, if only with its columns (no files)
            _to_sink(sink, ("sources", "flights", "claims"), (None, None, None))
            _to_sink(sink, ("sentences",), (None,), key=SENTENCE_KEY)
            corpus.sentences = schema.conform("sentences", _frame([], "sentences"))  # they are in the sink
    if timings is not None:
        timings["ingest_cpu_s"] = cpu["ingest"]
        timings["extract_cpu_s"] = cpu["extract"]
    return corpus


def extract_docs(docs: list[Doc]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The sources, flights and claims tables of a batch of articles (each sorted). Pure and
    picklable, for any :data:`Mapper`."""
    return _extraction_frames(_extract_batch(docs))


def _extract_in_waves(docs: Iterator[Doc], n: int, run: Callable, workers: int) -> Iterator:
    """:func:`extract_docs` over batches of ``docs``, a few batches per worker at a time, so
    that only the articles in flight are held as Doc objects; yields each batch's frames and
    CPU seconds, in input order."""
    size = max(BATCH_MIN, min(BATCH_MAX, -(-n // (max(workers, 1) * 8))))
    wave = size * max(workers, 1) * 4
    docs = iter(docs)
    while True:
        chunk = list(itertools.islice(docs, wave))
        if not chunk:
            return
        batches = [chunk[i:i + size] for i in range(0, len(chunk), size)]
        yield from run(_extract_docs_timed, batches, "extract", [len(b) for b in batches])


def _extract_docs_timed(docs: list[Doc]) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], float]:
    """:func:`extract_docs` and the CPU seconds it took in the process that ran it."""
    import time

    c = time.process_time()
    frames = extract_docs(docs)
    return frames, time.process_time() - c


SPAN_KEY = ["article_id", "start", "end"]
SENTENCE_KEY = ["article_id", "sentence_id"]


def _to_sink(sink, names, frames, key: list[str] = SPAN_KEY) -> None:
    for name, df in zip(names, frames):
        df = df if df is not None else schema.conform(name, _frame([], name))
        schema.validate(name, df)
        sink.write(name, df, key=key)


def _parts_in_order(frames: list[pd.DataFrame]) -> bool:
    """The batches' article ids follow each other in order (each batch is sorted within)."""
    last = None
    for f in frames:
        if f is None or not len(f):
            continue
        first = f["article_id"].iloc[0]
        if last is not None and not last < first:
            return False
        last = f["article_id"].iloc[-1]
    return True


def extract_doc(doc: Doc) -> tuple[list[dict], list[dict], list[dict]]:
    """Sources, flights and claims rows of one article. Pure and picklable."""
    return _extract_one(doc)


def assemble_extraction(corpus: Corpus, results: Iterable) -> Corpus:
    """Fill ``sources``, ``flights`` and ``claims`` from :func:`extract_doc` results."""
    corpus.sources, corpus.flights, corpus.claims = _extraction_frames(results)
    return corpus


def run_extraction(corpus: Corpus, workers: int = 1, progress: bool | None = None) -> Corpus:
    """Fill ``sources``, ``flights`` and ``claims`` from the articles and sentences."""
    return assemble_extraction(corpus, _map(extract_doc, corpus.docs(), workers, "extract", progress))


def run_spread(corpus: Corpus, progress=None) -> Corpus:
    """Cluster claims across articles and trace their mutations (the spread tables);
    ``progress`` is called with the name of each step as it ends (see :func:`step_progress`)."""
    try:
        from . import spread
    except ImportError:  # the spread stage is optional until it lands
        return corpus
    corpus.spread = spread.spread_tables(corpus, progress=progress)
    return corpus


def spread_shortfall(n_claims: int) -> str:
    """'' when the spread of ``n_claims`` claims should fit in the free memory
    (:func:`hmeimim.spread.spread_memory` against :func:`hmeimim.output.available_memory`), else
    what it may need and what is free, for a warning.

    >>> spread_shortfall(0)
    ''
    """
    from .output import available_memory
    from .spread import spread_memory

    need, free = spread_memory(n_claims), available_memory()
    if free is None or need <= free:
        return ""
    return f"the spread of {n_claims:,} claims may need about {need / 1e9:.1f} GB and {free / 1e9:.1f} GB is free"


@contextlib.contextmanager
def step_progress(steps: tuple[str, ...], desc: str, show: bool):
    """A callback to call with the name of each of ``steps`` as it ends: a progress bar of the
    steps on stderr, naming the one under way, when ``show`` (else None)."""
    if not show:
        yield None
        return
    from tqdm.auto import tqdm

    bar = tqdm(total=len(steps), desc=desc, unit="step", leave=False, postfix=steps[0] if steps else None)
    index = {name: i for i, name in enumerate(steps)}

    def done(name: str) -> None:
        nxt = index.get(name, -1) + 1
        bar.set_postfix_str(steps[nxt] if 0 < nxt < len(steps) else "", refresh=False)
        bar.update(1)

    try:
        yield done
    finally:
        bar.close()


def _frame(rows: list[dict], table: str) -> pd.DataFrame:
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=schema.columns(table))


def _sorted(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return df.sort_values(key, kind="stable").reset_index(drop=True) if len(df) else df
