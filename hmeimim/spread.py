"""Spread stage: the same claim across articles and languages, its first appearance, how it mutated
and who likely copied whom.

:func:`spread_tables` takes a :class:`~hmeimim.pipeline.Corpus` (its ``articles``, ``claims`` and,
when present, ``sources``) and returns four tables (:data:`SPREAD_SCHEMA`):

``claim_clusters``
    one row per claim cluster (the same claim in one or more articles): representative text,
    how many articles and languages repeat it, the first article (outlet, publication date) and
    the number of independent origins.
``claim_mentions``
    one row per claim (every claim is in exactly one cluster): its cluster, its place in the
    timeline, whether it is the first appearance, how it was matched.
``mutations``
    one row per value that differs from the earlier or majority version (``kind = changed``:
    aircraft as written, date window, count, place, person's name, cited source) or that has no
    antecedent at all (``kind = invented``), with the character span of the evidence.
``article_links``
    likely copy, paraphrase or translation links between articles (earlier -> later), with a
    score, the direction's confidence and the evidence in words.

**Timeline.** Articles are ordered by publication date. Undated articles come after all dated
ones (a re-telling that lost its date is more often late than early), ordered among themselves by
the latest date they mention (an article cannot be older than the last event it reports: a day
or a window of up to two weeks counts by its last day, longer spans by their first), then by
article id. Articles with the same publication date (or, undated, the same latest-mentioned date)
are *contemporaneous*: neither is the other's antecedent.

**Clusters.** Two claims are the same claim when their text is similar (same language: TF-IDF
cosine of word 1-2-grams on prefix-stemmed words and character 4-grams, >= ``text_threshold``
with a fact in common), or their structured facts agree (any languages: an IDF-weighted cosine of
fact tokens -- aircraft family, dates, count, places, people, numbers, durations, event concepts,
cited sources -- >= ``fact_threshold`` with two specific facts in common, three when the claims
state different events), or both moderately (mean >= ``combined_threshold``). Flight claims only
join claims about the same aircraft families; two such flight claims also join when they agree
partially -- their date windows overlap (a day inside a window, one window inside the other; the
same month is not enough), their places are related through the places lexicon's parents (or one
names none) and they state the same event or none -- even when their counts and window ends
differ: those then show as ``changed`` mutations. They meet as candidates on the aircraft family
with each ISO week their window touches. Candidate pairs come from a chunked sparse matrix
product (text, per language, top-k per row, each chunk bounded in entries; words used by more than
``term_cap`` claims are left to blocking) and from blocking keys (aircraft family with date, count
or place; dates, numbers, people, named entities; an event concept with a body, person, place or
source; frequent words): each claim is blocked on its rarest keys, and each key's members, in
timeline order, are paired with their ``window`` predecessors and the key's first ``pivots``
members, so the cost grows with the number of claims, never with all pairs. The product's row
blocks are independent tasks: given a mapper (``spread_tables(corpus, mapper=...)``, as the Dask
engine does) they run as a partitioned join on its workers, else on two threads here. Accepted
pairs are merged with union-find, strongest first; two groups of several claims merge only when
their first claims are alike too (``merge_floor``), so that one bridging pair cannot chain
different claims.

**Mutations.** Per cluster (one vote per article) the reference value of a field is the
majority, ties going to the earliest article; a designator that names no real type (Il-26M,
flagged by the flights stage) is never a reference. ``changed`` rows: a different aircraft
designator as written (Il-26M vs Il-62M), date window, count, a route place replacing a reference
place, the cited source (Flightradar24 vs "flight tracking data"; the wording of an anonymous
source, "a Kremlin source" vs "a source close to the Kremlin"), and a person's name spelled
differently in the same script (Abu Qusra vs Abu Qasra; a shortened name is no mutation).
``invented`` rows: (a) a whole claim with no antecedent -- no cluster partner in an earlier or
contemporaneous article, no similar sentence in an earlier article of its language, no checkable
attribution in the sentence or its paragraph neighbours (a named outlet, agency, tracker, body or
person, or an anonymous source quoted through one; "Russian military sources have confirmed" and
"reportedly" are not checkable), and no later article that makes it without descending from this
one (following each article's likeliest source: then it came from a common source the corpus
lacks) -- that states an event, meeting, flight, date or number with at least one specific fact
(person, named entity, specific place, day, number) and at least one fact or event no earlier
article mentions, in an article that re-tells earlier ones (it shares a claim with an earlier
article); (b) inside a claim that does have earlier versions, a person, or a route place of a
flight, that no earlier article mentions, when the sentence cites no source its earlier versions
do not cite (Tripoli International Airport added to a Libya-Latakia-Moscow route).

**Derivation.** For article pairs that share claims: shared claims and their order, similarity
of the aligned sentences (same language), shared rare word 4-grams, and shared mutations (the same
non-reference value, the strongest sign of copying). Articles in different languages telling at
least four shared claims, most of both, all in the same order, are a ``translation`` on that
structure alone -- unless they cite the same channel for a shared claim (then common re-tellings
of it); when neither is dated its direction is ``low``. A link points from the earlier article to
the later; ``direction_confidence`` is ``high`` when both are dated on different days, ``medium``
when only the source is dated or the undated ones' latest-mentioned dates and mutation evidence
agree, ``low`` otherwise (then the article with fewer deviations from the cluster references is
taken as the source: copies accumulate changes). **Independent origins** of a claim: the
connected groups of its articles, joined by derivation links and by citing the same channel
(Bloomberg's forty re-tellers are one origin).

All ids and row orders are deterministic (clusters ``C0001``... in order of first appearance).

**Cost.** The work is done on arrays: the text TF-IDF (scikit-learn's values, built with NumPy),
the candidates, their scores (sparse row products, on two threads), the links and their evidence,
the origins (connected components); Python loops remain for what is per cluster or per output
row. Every step gives exactly what its plain per-item definition gives -- the same float32 sums in
the same order, the same tie-breaks -- so that the tables do not depend on how they are computed
(``tests/test_spread_exact.py`` holds the plain definitions).
"""
from __future__ import annotations

import functools
import json
import math
import os
import re
from array import array
from collections import Counter, defaultdict
from datetime import date, timedelta
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from operator import itemgetter

import numpy as np
import pandas as pd
from scipy import sparse

from . import schema

__all__ = ["SPREAD_SCHEMA", "SpreadConfig", "spread_tables", "timeline", "fact_tokens", "cluster_claims",
           "find_mutations", "find_links", "conform", "spread_memory"]

SPREAD_TABLES = ("claim_clusters", "claim_mentions", "mutations", "article_links")
# The tables' columns, dtypes and meanings live with the others in hmeimim/schema.py.
SPREAD_SCHEMA: dict[str, list[tuple[str, str, str]]] = {name: schema.TABLES[name] for name in SPREAD_TABLES}


def conform(table: str, df: pd.DataFrame | None) -> pd.DataFrame:
    """``df`` in the shape of the contract of ``table`` (:data:`hmeimim.schema.TABLES`)."""
    return schema.conform(table, df)


@dataclass(frozen=True)
class SpreadConfig:
    """Thresholds and limits of the spread stage.

    Calibrated on the seeds' 20 hand-aligned paraphrase pairs (002 re-words 004, 001 re-words
    000) against the 2,769 other same-language pairs (``benchmarks/bench_spread.py --calibrate``):
    text alone at 0.42 finds 16/20 with one false pair (0.34: 17/20, two false; 0.50: 15/20,
    none); the facts and combined rules bring it to 19/20. The fact thresholds join the flight,
    resumption, Kremlin-source and no-comment claims of the five multilingual fixtures across
    five languages without joining the An-124 and Il-62 claims or different meetings. On
    synthetic re-tellings (``bench_spread.py``) pairwise recall is 0.99-1.0 at precision 0.97-1.0.
    """

    text_threshold: float = 0.42       # same-language text similarity alone
    text_alone: float = 0.62           # text alone, with no fact in common
    fact_threshold: float = 0.45       # fact similarity with >= 2 specific facts in common
    fact_strong: float = 0.7           # ... or this much with 1.5 (a body and two event concepts)
    combined_threshold: float = 0.40   # mean of text and fact similarity with >= 1 specific fact
    combined_min_text: float = 0.2     # ... when the text is at least this similar
    candidate_text: float = 0.22       # word-TF-IDF cosine to become a candidate pair
    topk: int = 20                     # text candidates kept per claim
    window: int = 5                    # blocking: predecessors each member is compared with
    pivots: int = 2                    # blocking: earliest members everyone is compared with
    keys_per_claim: int = 6            # blocking: a claim's rarest keys that it is blocked on
    chunk: int = 2000                  # rows per sparse product chunk (at most)
    product_budget: int = 4_000_000    # entries per sparse product chunk (bounds memory)
    term_cap: int = 200                # words used by more claims go to blocking, not to the product
    pair_chunk: int = 5_000            # pairs scored at once (bounds memory; small blocks are reused)
    link_threshold: float = 0.5        # article link score
    link_window: int = 6               # candidate article pairs per cluster: predecessors
    antecedent_text: float = 0.42      # an earlier sentence this similar is an antecedent
    merge_floor: float = 0.3           # two groups merge only if their first claims are this similar


# --- helpers -----------------------------------------------------------------------------------------------


def _s(v) -> str:
    if type(v) is str:
        return v
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    return str(v)


def _split(v) -> list[str]:
    s = _s(v)
    return [x for x in s.split("|") if x] if s else []


def _strings(col) -> np.ndarray:
    """A column's cells as strings (``_s`` of each, in bulk): an object array."""
    return pd.Series(col, dtype=object).fillna("").astype(str).to_numpy(dtype=object)


def _list(col) -> list:
    """A column's cells as a Python list, converted in bulk (iterating an Arrow-backed column
    costs a Python call per cell)."""
    return pd.Series(col).to_numpy(dtype=object).tolist()


def _distinct_rows(*cols) -> tuple[np.ndarray, list[tuple]]:
    """(each row's number, the distinct rows as tuples) of equally long columns, numbered in order
    of first appearance."""
    codes, values = zip(*(pd.factorize(np.asarray(c, dtype=object)) for c in cols))
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c, v in zip(codes, values):
        key = pd.factorize(key * (len(v) + 1) + c + 1)[0]
    first = np.flatnonzero(np.r_[True, key[1:] > np.maximum.accumulate(key)[:-1]]) if len(key) else key
    return key, [tuple(v[c[k]] for c, v in zip(codes, values)) for k in first.tolist()]


_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})


_FOLD = [(chr(k), v or "") for k, v in _AR_FOLD.items()] + [("ё", "е")]


def _fold(text: str) -> str:
    """Lower case, Arabic letter variants folded, ё as е (the same as ``.translate(_AR_FOLD)``:
    no replacement is replaced again; ``str.replace`` is much faster on long texts)."""
    text = text.lower()
    for a, b in _FOLD:
        if a in text:
            text = text.replace(a, b)
    return text


# threads for the heaviest kernels -- the sparse row products and the text product's blocks, the
# languages' text matrices: NumPy's and scipy's kernels release the GIL. Each task writes its own
# part of the results, so that they are the same however the tasks run.
_THREADS = min(2, os.cpu_count() or 1)


def _thread_map(fn, items: list) -> list:
    """``[fn(x) for x in items]``, on ``_THREADS`` threads."""
    if _THREADS < 2 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(_THREADS) as pool:
        return list(pool.map(fn, items))


def _in_chunks(fn, n: int, chunk: int) -> None:
    """``fn(start, end)`` for consecutive chunks of ``range(n)``, on ``_THREADS`` threads (each
    chunk writes its own slice of the results: the same whatever runs where)."""
    _thread_map(lambda se: fn(*se), [(s, min(n, s + chunk)) for s in range(0, n, chunk)])


# --- text features -----------------------------------------------------------------------------------------
#
# The TF-IDF matrices of scikit-learn's TfidfVectorizer (sublinear tf, smooth idf, l2 rows,
# float32), value for value and in its storage order -- each row's columns in the order of the
# n-grams' first appearance in the documents, the columns numbered in the order of the n-grams'
# text -- so that every similarity, and every threshold decision taken on one, is the same. The
# n-grams are found with NumPy on the documents' code points, a chunk of documents at a time (one
# dictionary look-up per n-gram in Python is what makes TfidfVectorizer slow); the analyzers are:
#   word  ``token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2)`` on the text in lower case with
#         every run of letters cut to 6 (a cheap stemmer for inflected languages)
#   zh    ``analyzer="char", ngram_range=(1, 2)`` (Chinese has no spaces)
#   char  ``analyzer="char_wb", ngram_range=(4, 4)``
# An n-gram is numbered by an unsigned integer key whose order is the order of its text (see
# :func:`_lex_keys`), so that sorting keys sorts the vocabulary.

_WHITE_RUN = re.compile(r"\s\s+")   # scikit-learn's white-space normalisation before character n-grams
_WORD_RUN = re.compile(r"\w+")
_CHUNK = 1 << 20   # code points handled at once: the temporaries stay small enough to be reused


def _codepoints(docs: list[str], prepare=None) -> tuple[np.ndarray, np.ndarray]:
    """(the code points of the documents one after another, each document's length), each
    document passed through ``prepare`` (str -> str: lower case, folding). The documents are
    prepared all at once, joined by NUL -- neither cased nor case-ignorable, so that lower case
    (the final sigma) sees the same words --, unless one of them holds a NUL."""
    if not docs:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    joined = "\x00".join(docs)
    if prepare is not None and joined.count("\x00") != len(docs) - 1:
        docs, prepare, joined = [prepare(d) for d in docs], None, None  # a document holds a NUL
    if prepare is None:
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        return np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32), lengths
    cps = np.frombuffer(prepare(joined).encode("utf-32-le"), dtype=np.uint32)
    cut = np.flatnonzero(cps == 0)
    return np.delete(cps, cut), np.diff(np.r_[-1, cut, len(cps)]) - 1


def _doc_chunks(lengths: np.ndarray, whole: bool = False) -> list[tuple[int, int, int, int]]:
    """(first document, end document, first code point, end code point) of consecutive runs of
    documents of about ``_CHUNK`` code points (one run with ``whole``)."""
    ends = np.cumsum(lengths)
    out, d = [], 0
    while d < len(lengths):
        base = int(ends[d - 1]) if d else 0
        e = len(lengths) if whole else max(d + 1, int(np.searchsorted(ends, base + _CHUNK, side="right")))
        out.append((d, e, base, int(ends[e - 1])))
        d = e
    return out


def _present(cps: np.ndarray, extra=()) -> np.ndarray:
    """A boolean table, indexed by code point, of the code points of ``cps`` and ``extra``."""
    present = np.zeros(max(int(cps.max(initial=0)), max(extra, default=0)) + 1, dtype=bool)
    present[cps] = True
    present[list(extra)] = True
    return present


def _char_tables(cps: np.ndarray, *preds) -> list[np.ndarray]:
    """One boolean table per predicate, indexed by code point: ``pred(chr(c))`` for the code
    points of ``cps`` (each distinct character is tested once)."""
    uniq = np.flatnonzero(_present(cps))
    chars = [chr(c) for c in uniq.tolist()]
    out = []
    for pred in preds:
        table = np.zeros(int(uniq[-1]) + 1 if len(uniq) else 1, dtype=bool)
        table[uniq] = np.fromiter(map(pred, chars), dtype=bool, count=len(chars))
        out.append(table)
    return out


def _rank_table(cps: np.ndarray, *extra: str) -> tuple[np.ndarray, int]:
    """(a table of each code point's rank among those of ``cps`` and ``extra``, from 1 -- 0 stands
    for no character --, the number of distinct code points)."""
    present = _present(cps, [ord(c) for c in extra])
    table = np.cumsum(present, dtype=np.int64).astype(np.uint32)
    return table, int(table[-1])


def _runs(mask: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the maximal runs of True in ``mask``, cut where a document ends."""
    n = len(mask)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cut = np.zeros(n + 1, dtype=bool)
    cut[np.cumsum(lengths)] = True
    cut[0] = True
    starts = np.flatnonzero(mask & (cut[:n] | ~np.r_[False, mask[:-1]]))
    ends = np.flatnonzero(mask & (cut[1:] | ~np.r_[mask[1:], False])) + 1
    return starts, ends


def _doc_of(pos: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The document of each position of the concatenated code points."""
    return np.searchsorted(np.cumsum(lengths), pos, side="right")


def _lex_keys(parts, bits: int) -> np.ndarray:
    """One uint64 per row whose order is the lexicographic order of the rows' tuples of ``parts``
    (an iterable of arrays, each value below ``2**bits``): packed side by side, ranked again when
    64 bits run out (then the keys only compare with keys of the same call)."""
    parts = iter(parts)
    key = next(parts).astype(np.uint64)
    width, shift = bits, np.uint64(bits)
    for p in parts:
        if width + bits > 64:
            codes, uniq = pd.factorize(key, sort=True)
            key = codes.astype(np.uint64)
            width = max(1, len(uniq).bit_length())
        key <<= shift
        key |= p.astype(np.uint64, copy=False)
        width += bits
    return key


def _ngram_keys(units: np.ndarray, unit_doc: np.ndarray, n_docs: int, n_units: int) -> tuple[np.ndarray, np.ndarray]:
    """(keys of each document's 1-grams then 2-grams of ``units`` -- ranks from 1 of words or
    characters, in text order, ``unit_doc`` their documents --, the number of keys per document),
    in scikit-learn's order: a document's unigrams, then its bigrams."""
    per = np.bincount(unit_doc, minlength=n_docs).astype(np.int64)
    n_keys = per + np.maximum(per - 1, 0)
    off, unit_off = np.cumsum(n_keys) - n_keys, np.cumsum(per) - per
    first = np.zeros(int(n_keys.sum()), np.uint64)
    second = np.zeros_like(first)
    first[off[unit_doc] + np.arange(len(units)) - unit_off[unit_doc]] = units
    bi = np.flatnonzero(unit_doc[:-1] == unit_doc[1:])
    d = unit_doc[bi]
    at = off[d] + per[d] + bi - unit_off[d]
    first[at], second[at] = units[bi], units[bi + 1]
    # a bigram "a b" sorts like the pair (a, b) and after the unigram "a": every word character is
    # above the space
    return _lex_keys([first, second], int(n_units + 1).bit_length()), n_keys


def _word_keys(docs: list[str], lang: str) -> tuple[np.ndarray, np.ndarray]:
    """(n-gram keys, keys per document) of the word analyzer: Chinese character 1-2-grams (lower
    case, white-space runs as one space); else 1-2-grams of the ``\\w+`` tokens of the text in lower
    case (Arabic letter variants folded, ё as е) with every run of letters cut to 6."""
    if lang == "zh":
        cps, lengths = _codepoints(docs, lambda d: _WHITE_RUN.sub(" ", d.lower()))
        rank, n_units = _rank_table(cps)
        keys, per_doc = [np.zeros(0, np.uint64)], [np.zeros(0, np.int64)]
        for d0, d1, c0, c1 in _doc_chunks(lengths):
            k, p = _ngram_keys(rank[cps[c0:c1]], np.repeat(np.arange(d1 - d0), lengths[d0:d1]), d1 - d0, n_units)
            keys.append(k)
            per_doc.append(p)
        return np.concatenate(keys), np.concatenate(per_doc)
    cps, lengths = _codepoints(docs, _fold)
    # \w is alphanumeric or _; a letter ([^\W\d_]) is \w but no decimal digit nor _
    word_t, letter_t = _char_tables(cps, lambda c: c.isalnum() or c == "_", lambda c: c.isalnum() and not c.isdecimal())
    vocab: dict[str, int] = {}
    tids, tdocs = [], []
    for d0, d1, c0, c1 in _doc_chunks(lengths):
        c, ln = cps[c0:c1], lengths[d0:d1]
        letter = letter_t[c]
        starts, ends = _runs(letter, ln)
        size = ends - starts
        at = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)  # place in its run of letters
        keep = np.ones(len(c), dtype=bool)
        keep[np.flatnonzero(letter)[at >= 6]] = False
        ln = np.bincount(_doc_of(np.flatnonzero(~keep), ln), minlength=len(ln))
        c, ln = c[keep], lengths[d0:d1] - ln
        starts, _ = _runs(word_t[c], ln)
        # the tokens' text, found again by the regular expression on the stemmed documents, a
        # character that is no word character between them
        text = np.insert(c, np.cumsum(ln)[:-1], 0).tobytes().decode("utf-32-le")
        local, uniq = pd.factorize(np.asarray(_WORD_RUN.findall(text), dtype=object))
        tids.append(np.array([vocab.setdefault(w, len(vocab)) for w in uniq], dtype=np.int64)[local])
        tdocs.append(d0 + _doc_of(starts, ln))
    words = np.array(list(vocab), dtype=object)
    rank = np.empty(len(words), np.uint64)
    rank[np.argsort(words, kind="stable")] = np.arange(1, len(words) + 1, dtype=np.uint64)
    tid = np.concatenate(tids) if tids else np.zeros(0, np.int64)
    return _ngram_keys(rank[tid], np.concatenate(tdocs) if tdocs else tid, len(docs), len(words))


def _char_keys(docs: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(n-gram keys, keys per document) of the ``char_wb`` 4-gram analyzer: the 4-grams of each
    white-space separated word of the text in lower case padded with a space on both sides (a
    word of one or two letters is one n-gram: " a ", " ab ")."""
    cps, lengths = _codepoints(docs, str.lower)
    (space_t,) = _char_tables(cps, str.isspace)
    rank, n_units = _rank_table(cps, " ")
    bits = int(n_units + 1).bit_length()
    pad = rank[ord(" ")]
    keys, per_doc = [], []
    for d0, d1, c0, c1 in _doc_chunks(lengths, whole=4 * bits > 64):  # keys of one call compare
        c, ln = cps[c0:c1], lengths[d0:d1]
        word = ~space_t[c]
        starts, ends = _runs(word, ln)
        size = ends - starts
        # the padded words one after another, three more spaces for the last n-gram's window
        padded_at = np.cumsum(size + 2) - (size + 2)
        padded = np.full(int((size + 2).sum()) + 3, pad, dtype=np.uint32)
        padded[np.flatnonzero(word) + np.repeat(padded_at + 1 - starts, size)] = rank[c[word]]
        n_grams = np.maximum(1, size - 1)
        at = np.repeat(padded_at - np.cumsum(n_grams) + n_grams, n_grams) + np.arange(int(n_grams.sum()))
        k = _lex_keys((padded[d:][at] for d in range(4)), bits)
        short = np.flatnonzero(np.repeat(size == 1, n_grams))
        k[short] >>= np.uint64(bits)                 # " a " has three characters: no fourth
        k[short] <<= np.uint64(bits)
        keys.append(k)
        per_doc.append(np.bincount(_doc_of(starts, ln), weights=n_grams, minlength=d1 - d0).astype(np.int64))
    return (np.concatenate(keys) if keys else np.zeros(0, np.uint64),
            np.concatenate(per_doc) if per_doc else np.zeros(0, np.int64))


def _count_matrix(keys: np.ndarray, per_doc: np.ndarray, vocabulary: np.ndarray | None = None):
    """(documents x n-grams counts, the vocabulary: its sorted keys, each column's number in the
    order of first appearance) from each document's n-gram keys, as scikit-learn's CountVectorizer
    builds the counts (float32, int32 indices). Fitting (no ``vocabulary``): the columns are the
    sorted keys and each row lists its columns in the order of their first appearance in the
    documents; the matrix is None when there is no n-gram at all. With a ``vocabulary``
    (transforming): n-grams outside it are ignored, each row lists its columns in order, and the
    first appearances are None."""
    first = None
    if vocabulary is None:
        codes, uniq = pd.factorize(keys)
        if not len(uniq):
            return None, uniq, first
        first = np.argsort(uniq, kind="stable")
        rank = np.empty(len(uniq), dtype=np.int32)
        rank[first] = np.arange(len(uniq), dtype=np.int32)
        vocabulary = uniq[first]
    else:
        codes = np.minimum(np.searchsorted(vocabulary, keys), max(0, len(vocabulary) - 1))
        known = vocabulary[codes] == keys if len(vocabulary) else np.zeros(len(keys), dtype=bool)
        per_doc = np.bincount(np.repeat(np.arange(len(per_doc)), per_doc)[known], minlength=len(per_doc))
        codes = codes[known]
    indptr = np.zeros(len(per_doc) + 1, dtype=np.int32)
    np.cumsum(per_doc, out=indptr[1:])
    m = sparse.csr_matrix((np.ones(len(codes), np.float32), codes.astype(np.int32), indptr),
                          shape=(len(per_doc), len(vocabulary)))
    m.sum_duplicates()  # counts; sorts each row by first appearance (fit) or by column (transform)
    if first is not None:
        m = sparse.csr_matrix((m.data, rank[m.indices], m.indptr), shape=m.shape)
    return m, vocabulary, first


def _reversed_block(m, first: np.ndarray):
    """``m * sqrt(1/2)`` laid out for :func:`_text_matrix`: each row's entries reversed and column
    ``k`` renumbered ``n - 1 - first[k]`` (``first``: the columns' first appearances, the order of
    each row's entries), so that every row is sorted. Returns (matrix, each column's new number)."""
    # all entries backwards are the rows backwards, each reversed; then the rows in order again
    back = sparse.csr_matrix((m.data[::-1], m.indices[::-1], m.nnz - m.indptr[::-1]), shape=m.shape)[::-1]
    cols = m.shape[1] - 1 - first
    return sparse.csr_matrix((back.data * math.sqrt(0.5), cols[back.indices].astype(np.int32), back.indptr),
                             shape=m.shape), cols


def _text_matrix(w, cols_w: np.ndarray, c, cols_c: np.ndarray):
    """(the combined text matrix -- the word and character TF-IDF side by side, each times
    sqrt(1/2) --, each of its columns' place in the summation order of a row product), from the
    blocks of :func:`_reversed_block`.

    The columns are laid out for fast row products. scipy multiplies two rows of unsorted
    columns (the TF-IDF rows list theirs by first appearance) by scattering them into dense
    vectors, and sums the products walking the first row backwards; here each row is reversed
    and the columns renumbered (characters first, each block by last appearance) so that every
    row is sorted and scipy merges the rows instead -- the same products summed in the same
    order, so the same float32 similarities, several times cheaper for large vocabularies."""
    n_w, n_c = w.shape[1], c.shape[1]
    comb = sparse.hstack([c, w], format="csr")
    order = np.empty(n_w + n_c, dtype=np.int64)      # new column -> its column in hstack([w, c])
    order[cols_c] = n_w + np.arange(n_c)
    order[n_c + cols_w] = np.arange(n_w)
    return comb, order


def _tfidf(counts, *more) -> list:
    """Sublinear TF-IDF rows (scikit-learn's TfidfTransformer, as TfidfVectorizer applies it) of
    ``counts`` and of each of ``more``, with the document frequencies of ``counts``."""
    from sklearn.feature_extraction.text import TfidfTransformer

    t = TfidfTransformer(sublinear_tf=True).fit(counts)
    return [t.transform(x, copy=False) for x in (counts, *more)]


_CJK = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def _word_codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(a number for each word, the number of words of each text) of the texts' words: lower case
    (Arabic letter variants folded, ё as е), each run of letters and digits cut to 6 characters (a
    cheap stemmer for inflected languages), Chinese as character bigrams. The runs are those the
    regular expression ``[CJK]+|[^\\W_]+`` finds scanning from the left (CJK: U+3400-U+4DBF,
    U+4E00-U+9FFF, U+F900-U+FAFF); a run starting with a character from U+3400 to U+FAFF gives
    its character bigrams (a single character alone). Equal words get equal numbers."""
    cps, lengths = _codepoints(texts, _fold)
    (alnum_t,) = _char_tables(cps, str.isalnum)
    rank, n_chars = _rank_table(cps)
    bits = int(n_chars + 1).bit_length()
    halves, per_doc = [], []
    for d0, d1, c0, c1 in _doc_chunks(lengths):
        c, ln = cps[c0:c1], lengths[d0:d1]
        alnum = alnum_t[c]
        cjk = np.zeros(len(c), dtype=bool)
        for lo, hi in _CJK:
            cjk |= (c >= lo) & (c <= hi)
        # where a run of either kind starts, the expression takes the CJK run if the character is
        # one, else the run of letters and digits, and goes on from where that run ends
        runs = {kind: _runs(m, ln) for kind, m in (("cjk", cjk), ("alnum", alnum))}
        starts, stops = _runs(cjk | alnum, ln)
        tok_s, tok_e = [], []
        while len(starts):
            ends = np.zeros(len(starts), np.int64)
            for kind, m in (("cjk", cjk[starts]), ("alnum", ~cjk[starts])):
                r_s, r_e = runs[kind]
                ends[m] = r_e[np.searchsorted(r_s, starts[m], side="right") - 1]
            tok_s.append(starts)
            tok_e.append(ends)
            more = ends < stops
            starts, stops = ends[more], stops[more]
        tok_s = np.concatenate(tok_s) if tok_s else np.zeros(0, np.int64)
        tok_e = np.concatenate(tok_e) if tok_e else np.zeros(0, np.int64)
        order = np.argsort(tok_s, kind="stable")
        tok_s, tok_e = tok_s[order], tok_e[order]
        bigrams = (c[tok_s] >= 0x3400) & (c[tok_s] <= 0xFAFF)
        n_words = np.where(bigrams, np.maximum(1, tok_e - tok_s - 1), 1)
        tok = np.repeat(np.arange(len(tok_s)), n_words)
        at = tok_s[tok] + np.arange(int(n_words.sum())) - np.repeat(np.cumsum(n_words) - n_words, n_words)
        width = np.minimum(np.where(bigrams[tok], 2, 6), tok_e[tok] - at)
        ranks = np.r_[rank[c], np.zeros(6, np.uint32)]
        # a word's first three and last three characters, each packed in a number (3 x 21 bits)
        halves.append([_lex_keys((np.where(k < width, ranks[at + k], np.uint32(0)) for k in part), bits)
                       for part in (range(3), range(3, 6))])
        per_doc.append(np.bincount(_doc_of(at, ln), minlength=d1 - d0))
    hi, lo = (np.concatenate([np.zeros(0, np.uint64)] + [h[x] for h in halves]) for x in (0, 1))
    if 6 * bits <= 64:
        key = (hi << np.uint64(3 * bits)) | lo
    else:
        lo = pd.factorize(lo)[0]
        key = pd.factorize(hi)[0] * (int(lo.max(initial=0)) + 1) + lo
    return pd.factorize(key)[0], np.concatenate([np.zeros(0, np.int64)] + per_doc)


def _date(v):
    s = _s(v)
    return s[:10] if s else ""


@functools.lru_cache(maxsize=65536)
def _days(ds: str, de: str) -> int:
    """Days from ``ds`` to ``de`` (ISO dates); a large number when either is not a date."""
    try:
        return (date.fromisoformat(de[:10]) - date.fromisoformat(ds[:10])).days
    except (ValueError, TypeError):
        return 10**6


@functools.lru_cache(maxsize=65536)
def _day_range(ds: str, de: str) -> tuple[str, ...]:
    d0, n = date.fromisoformat(ds[:10]), _days(ds, de)
    return tuple((d0 + timedelta(days=k)).isoformat() for k in range(n + 1))


# --- timeline ----------------------------------------------------------------------------------------------


def timeline(articles: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Articles in timeline order: ``article_id, order_rank, order_date, order_from, group``
    (``group``: articles with equal dating are contemporaneous) plus published, outlet, language."""
    cols = ["article_id", "published", "outlet", "language"]
    a = articles[[c for c in cols if c in articles.columns]].copy() if len(articles) else pd.DataFrame(columns=cols)
    for c in cols:
        if c not in a:
            a[c] = pd.NA
    latest: dict[str, str] = {}
    if len(claims):
        none = [""] * len(claims)
        code, uniq = _distinct_rows(_strings(claims.get("dates", none)),
                                    [x[:10] for x in _strings(claims.get("date_start", none))],
                                    [x[:10] for x in _strings(claims.get("date_end", none))])
        bounds = []
        for ds_all, ds, de in uniq:  # once per distinct cell: the latest day it mentions
            spans = [x.split("/") for x in _split(ds_all)]
            if ds:
                spans.append([ds, de or ds])
            bounds.append(max((sp[1] if _days(sp[0], sp[1]) <= 14 else sp[0] for sp in spans
                               if len(sp) == 2 and sp[0]), default=""))
        # each article's latest: the largest of its claims' bounds
        rank, names = pd.factorize(np.array(bounds, dtype=object)[code], sort=True)
        art, arts = pd.factorize(np.asarray(claims["article_id"], dtype=object))
        top = np.full(len(arts), -1, dtype=np.int64)
        np.maximum.at(top, art, rank)
        latest = {a_: names[t] for a_, t in zip(arts, top.tolist()) if t >= 0 and names[t] != ""}
    pub = a["published"].map(_date)
    a["order_from"] = np.where(pub != "", "published",
                               np.where(a["article_id"].map(lambda x: bool(latest.get(x))), "latest_mentioned", "none"))
    a["order_date"] = np.where(pub != "", pub, a["article_id"].map(lambda x: latest.get(x, "")))
    a["_dated"] = (pub == "").astype(int) + (a["order_date"] == "").astype(int)
    a = a.sort_values(["_dated", "order_date", "article_id"], kind="stable").reset_index(drop=True)
    a["order_rank"] = np.arange(len(a))
    a["group"] = (a["_dated"].astype(str) + ":" + a["order_date"].astype(str))
    a.loc[a["order_from"] == "none", "group"] = "none:" + a["article_id"].astype(str)
    return a.drop(columns="_dated")


# --- facts -------------------------------------------------------------------------------------------------

# token type -> (weight in the fact vector, counts as a specific fact, used as a blocking key)
_TYPES = {
    "fam": (1.0, True, True), "fd": (1.0, True, True), "fc": (0.8, True, True), "fp": (0.6, True, True),
    "cnt": (0.8, True, False), "d": (1.0, True, True), "mo": (0.5, False, False), "y": (0.25, False, False),
    "pl": (0.7, True, True), "plg": (0.3, False, False), "p": (1.2, True, True), "b": (0.5, False, False),
    "e": (0.9, True, True), "n": (0.8, True, True), "du": (1.0, True, True), "c": (0.8, False, False),
    "s": (0.3, False, False),
}
# How much a shared token counts towards the "specific facts in common" of two claims: a specific
# fact 1, an event concept, a named body or cited source less; a token most claims carry
# (the story's air base, its main outlet) does not identify a claim and counts nothing.
_ANCHOR = {"c": 0.5, "b": 0.5, "s": 0.5}
_CONCEPT_ANCHOR = 0.5
_COMMON_SHARE = 0.12
_COMMON_MIN = 10


@functools.lru_cache(maxsize=1)
def _place_kinds() -> tuple[dict[str, str], dict[str, str]]:
    from .claims import _countries, _place_rows

    rows = _place_rows()
    kinds = {k: v[0] for k, v in rows.items()}
    parents = {k: v[1] for k, v in rows.items() if v[1]}
    for d in _countries().values():
        for en in d.values():
            kinds.setdefault(en, "country")
    return kinds, parents


def _specific_place(p: str, kinds: dict) -> bool:
    return kinds.get(p, "country") not in ("country", "")


def _explode(code: np.ndarray, lists: list[list]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, values) of the rows' lists -- row ``r`` has ``lists[code[r]]``, none for -1 -- row
    after row."""
    size = np.array([len(x) for x in lists] + [0], dtype=np.int64)
    start = np.cumsum(size) - size
    flat = np.empty(int(size.sum()), dtype=object)
    flat[:] = [v for x in lists for v in x]
    per = size[code]
    rows = np.repeat(np.arange(len(code)), per)
    return rows, flat[np.repeat(start[code] - np.cumsum(per) + per, per) + np.arange(int(per.sum()))]


def _split_column(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(rows, values) of the ``|``-separated values of a column (each distinct cell split once)."""
    code, uniq = pd.factorize(col)
    return _explode(code, [_split(u) for u in uniq])


def _product(a: tuple, b: tuple, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    """(rows, prefix + x + "|" + y) for every value ``x`` of ``a`` and ``y`` of ``b`` of the same row
    (``a``, ``b``: (rows, values) row after row), ``x`` outer."""
    (ra, va), (rb, vb) = a, b
    n = max(int(ra.max(initial=-1)), int(rb.max(initial=-1))) + 1
    na, nb = np.bincount(ra, minlength=n), np.bincount(rb, minlength=n)
    size = na * nb
    rows = np.repeat(np.arange(n), size)
    t = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    x = va[(np.cumsum(na) - na)[rows] + t // nb[rows]]
    y = vb[(np.cumsum(nb) - nb)[rows] + t % nb[rows]]
    return rows, prefix + x + "|" + y


def fact_tokens(claims: pd.DataFrame) -> list[list[str]]:
    """Language-independent fact tokens of each claim (``type:value``), sorted. Built column by
    column (each distinct cell once), then sorted and deduplicated claim by claim."""
    kinds, _ = _place_kinds()
    n = len(claims)
    col = {c: claims[c] if c in claims.columns else pd.Series([""] * n, dtype=object)
           for c in ("aircraft_family", "count", "count_explicit", "dates", "date_start", "date_end", "places",
                     "people_keys", "bodies", "entities", "numbers", "durations", "concepts", "source")}
    rows, toks = [], []

    def add(r, t):
        rows.append(r)
        toks.append(t)

    code, uniq = pd.factorize(col["aircraft_family"])
    fams = _explode(code, [sorted(set(_split(u))) for u in uniq])
    add(fams[0], "fam:" + fams[1])
    # dates: a day or a window of up to a month gives its days, longer spans their month or year
    code, uniq = _distinct_rows(_strings(col["dates"]), [x[:10] for x in _strings(col["date_start"])],
                                [x[:10] for x in _strings(col["date_end"])])
    plain, days = [], []
    for ds_all, ds, de in uniq:
        spans = [x.split("/") for x in _split(ds_all)]
        if ds:
            spans.append([ds, de or ds])
        plain.append([])
        days.append([])
        for sp in spans:
            if len(sp) != 2 or not sp[0]:
                continue
            k = _days(sp[0], sp[1])
            if k <= 31:
                plain[-1] += ["d:" + sp[0], "d:" + sp[1]]
                days[-1].append(sp[0])
            elif k <= 366:
                plain[-1].append("mo:" + sp[0][:7])
            else:
                plain[-1].append("y:" + sp[0][:4])
    add(*_explode(code, plain))
    add(*_product(fams, _explode(code, days), "fd:"))
    explicit = np.array([x is True for x in col["count_explicit"].tolist()], dtype=bool)
    count = _strings(col["count"])
    counted = np.flatnonzero(explicit & (count != ""))
    add(counted, "cnt:" + count[counted])
    add(*_product(fams, (counted, count[counted]), "fc:"))
    r, v = _split_column(col["places"])
    specific = np.array([_specific_place(p, kinds) for p in v], dtype=bool)
    add(r[specific], "pl:" + v[specific])
    add(*_product(fams, (r[specific], v[specific]), "fp:"))
    add(r[~specific], "plg:" + v[~specific])
    for c, prefix in (("people_keys", "p:"), ("bodies", "b:"), ("entities", "e:"), ("numbers", "n:"),
                      ("durations", "du:"), ("concepts", "c:"), ("source", "s:")):
        r, v = _split_column(col[c])
        if c == "entities":
            v = np.array([x.lower() for x in v], dtype=object)
        add(r, prefix + v)
    # each claim's distinct tokens in order
    tok, names = pd.factorize(np.concatenate(toks), sort=True)
    width = max(1, len(names))
    key = _unique(np.concatenate(rows) * width + tok)
    names = np.asarray(names, dtype=object)[key % width].tolist()
    bounds = np.searchsorted(key // width, np.arange(n + 1)).tolist()
    return [names[bounds[k]:bounds[k + 1]] for k in range(n)]


def _token_matrix(tokens: list[list[str]]):
    """(binary CSR claims x tokens, vocabulary array, token types array); tokens are numbered in
    order of first appearance."""
    import itertools

    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    flat = list(itertools.chain.from_iterable(tokens))
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    data = np.ones(len(codes), dtype=np.float32)
    m = sparse.csr_matrix((data, codes.astype(np.int64), indptr), shape=(len(tokens), len(uniques)))
    names = np.array(list(uniques), dtype=object)
    types = np.array([t.split(":", 1)[0] for t in names], dtype=object)
    return m, names, types


def _normalize_rows(m):
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(m).tocsr()


def _unique(x: np.ndarray) -> np.ndarray:
    """``np.unique(x)`` by a sort (NumPy's own is hash-based and several times slower); ``x``, a
    temporary, is sorted in place."""
    x.sort()
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def _rowdot(a, b, i, j, chunk: int) -> np.ndarray:
    """Row-wise dot products a[i[k]] . b[j[k]] in chunks (linear in the number of pairs)."""
    out = np.zeros(len(i), dtype=np.float32)

    def one(s, e):
        out[s:e] = np.asarray(a[i[s:e]].multiply(b[j[s:e]]).sum(axis=1)).ravel()

    _in_chunks(one, len(i), chunk)
    return out


# --- candidates --------------------------------------------------------------------------------------------


_BANDS = 4    # column bands of the text product's right-hand side (more: more passes over the rows)


def _text_blocks(x, cfg: SpreadConfig) -> tuple[list, list[tuple[int, int]]]:
    """(the product's right-hand side: ``x.T`` as CSR in bands of columns ``(first column,
    matrix)``, the row blocks ``(start, end)``): blocks of at most ``chunk`` rows whose products
    have at most ``product_budget`` entries (estimated from the terms' document frequencies; a
    single row may exceed it). A block is multiplied only by the bands right of its first row."""
    n = x.shape[0]
    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64)
    cost = (x > 0).astype(np.float64) @ df          # upper bound of each row's product entries
    reach = np.cumsum(cost)                          # integers: exact in float64
    blocks = []
    s = 0
    while s < n:
        within = int(np.searchsorted(reach, reach[s] - cost[s] + cfg.product_budget, side="right"))
        e = max(s + 1, min(s + cfg.chunk, n, within))
        blocks.append((s, e))
        s = e
    bounds = np.unique(np.linspace(0, n, _BANDS + 1).astype(np.int64))
    return [(int(lo), x[lo:hi].T.tocsr()) for lo, hi in zip(bounds[:-1], bounds[1:])], blocks


def _text_block_pairs(block: tuple[int, int], x, bands: list, rows: np.ndarray, cfg: SpreadConfig
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs of one row block (a task of the partitioned candidate search): rows
    ``start:end`` of ``x`` against the later rows, pairs (global ids, later row second) with
    cosine >= ``candidate_text``, the ``topk`` best per row. A row's pairs do not depend on its
    block. Ties at a row's ``topk``-th value go as in one product of the row by all rows (which
    lists its columns in reverse order of first touch): the pair whose first shared term comes
    later in the row, then the later column, first (see :func:`_touch_order`)."""
    s, e = block
    a = x[s:e]
    out = []
    for lo, bt in bands:
        if lo + bt.shape[1] <= s + 1:
            continue  # no column right of the block's first row
        prod = (a @ bt).tocoo()
        r, c, v = prod.row + s, prod.col + lo, prod.data
        keep = (c > r) & (v >= cfg.candidate_text)
        out.append((r[keep], c[keep], v[keep]))
    r, c, v = (np.concatenate(z) for z in zip(*out)) if out else (np.zeros(0, np.int64),) * 3
    if len(r) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    many = np.bincount(r - s, minlength=e - s)[r - s] > cfg.topk
    if many.any():
        rm, cm, vm = r[many], c[many], v[many]
        order = np.lexsort((-vm, rm))
        rm, cm, vm = rm[order], cm[order], vm[order]
        first = np.r_[0, np.flatnonzero(np.diff(rm)) + 1]
        place = np.arange(len(rm)) - np.repeat(first, np.diff(np.r_[first, len(rm)]))
        best = place < cfg.topk
        # a tie across the cut: the row's topk-th and next values are equal
        cut = np.flatnonzero((place == cfg.topk) & (vm == np.r_[np.nan, vm[:-1]]))
        for q in cut.tolist():
            row = np.flatnonzero(rm == rm[q])
            tied = row[vm[row] == vm[q]]
            best[tied] = False
            keep_n = cfg.topk - int((vm[row] > vm[q]).sum())
            best[tied[_touch_order(x, int(rm[q]), cm[tied])[:keep_n]]] = True
        r, c = np.r_[r[~many], rm[best]], np.r_[c[~many], cm[best]]
    return rows[r], rows[c]


def _touch_order(x, r: int, cols: np.ndarray) -> np.ndarray:
    """Positions of ``cols`` in the order one sparse product of row ``r`` of ``x`` by ``x.T``
    lists them: by the place in row ``r`` of the first term they share with it, then by column,
    both descending."""
    terms = x.indices[x.indptr[r]:x.indptr[r + 1]]
    place = dict(zip(terms.tolist(), range(len(terms))))
    key = [(min(place[t] for t in x.indices[x.indptr[c]:x.indptr[c + 1]].tolist() if t in place), c)
           for c in cols.tolist()]
    return np.array(sorted(range(len(cols)), key=lambda k: key[k], reverse=True), dtype=np.int64)


def _chunked_text_pairs(x, rows: np.ndarray, cfg: SpreadConfig, mapper=None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows (global ids) with word-TF-IDF cosine >= candidate_text, top-k per row, by a
    chunked sparse product (never all pairs at once; see :func:`_text_blocks`). The row blocks
    are independent tasks: with a ``mapper`` (``mapper(fn, items)`` yields ``fn(item)`` in order,
    e.g. :class:`hmeimim.distributed.DaskMapper`) they run as a partitioned join on its workers,
    the matrix shipped once with the function, else on ``_THREADS`` threads here; the pairs are
    the same either way."""
    bands, blocks = _text_blocks(x, cfg)
    fn = functools.partial(_text_block_pairs, x=x, bands=bands, rows=rows, cfg=cfg)
    results = (mapper or _thread_map)(fn, blocks)
    out_i, out_j = [], []
    for i, j in results:
        if len(i):
            out_i.append(i)
            out_j.append(j)
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_i), np.concatenate(out_j)


def _frequent_term_keys(w, df_cap: int, per_claim: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Blocking keys for the words left out of the text product because too many claims use them:
    each claim's ``per_claim`` rarest such words (a story retold hundreds of times shares them),
    so that its re-tellings still meet in sorted-neighbourhood blocks. Returns (rows, word
    columns), each row's keys rarest first (ties: in column order)."""
    df = np.bincount(w.indices, minlength=w.shape[1])
    row = np.repeat(np.arange(w.shape[0]), np.diff(w.indptr))
    freq = df[w.indices] > df_cap
    by_place = np.lexsort((np.arange(len(df)), df))  # the words by (frequency, column)
    place = np.empty(len(df), np.int64)
    place[by_place] = np.arange(len(df))
    row, place_of = np.divmod(np.sort(row[freq] * len(df) + place[w.indices[freq]]), len(df))
    col = by_place[place_of]
    heads = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.zeros(0, np.int64)
    rank = np.arange(len(row)) - np.repeat(heads, np.diff(np.r_[heads, len(row)]))
    return row[rank < per_claim], col[rank < per_claim]


def _blocking_keys(feats: "_Features") -> tuple[np.ndarray, np.ndarray]:
    """(the blocking keys of all claims, claim after claim, as numbers -- equal keys, equal
    numbers --, each claim's number of keys). A claim's keys: its specific fact tokens; an event
    concept joined with each named body, person, specific place or cited source ("confirm|Kremlin":
    the first 16 in token order), so that claims whose only facts are common ones still meet their
    partners in small blocks; its frequent words (see :func:`_frequent_term_keys`)."""
    b, types = feats.tokens, feats.types
    n, v = b.shape
    tok = b.indices.astype(np.int64)
    row = np.repeat(np.arange(n), np.diff(b.indptr))
    specific = np.array([_TYPES.get(t, (0, False, False))[2] for t in types], dtype=bool)[tok]
    concept = (types == "c")[tok]
    other = np.isin(types, ["b", "p", "pl", "s", "e"])[tok]
    n_key, n_con, n_oth = (np.bincount(row[m], minlength=n) for m in (specific, concept, other))
    n_x = np.minimum(16, n_con * n_oth)
    f_row, f_code = feats.freq_keys
    n_freq = np.bincount(f_row, minlength=n)
    size = n_key + n_x + n_freq
    off = np.cumsum(size) - size
    keys = np.empty(int(size.sum()), dtype=np.int64)

    def first(m):  # for each of a claim's m[claim] items, the place of the claim's first one
        return np.repeat(np.cumsum(m) - m, m)

    keys[off[row[specific]] + np.arange(int(n_key.sum())) - first(n_key)] = tok[specific]
    x_row = np.repeat(np.arange(n), n_x)
    t = np.arange(int(n_x.sum())) - first(n_x)              # concepts outer, others inner
    con = tok[concept][(np.cumsum(n_con) - n_con)[x_row] + t // n_oth[x_row]]
    oth = tok[other][(np.cumsum(n_oth) - n_oth)[x_row] + t % n_oth[x_row]]
    keys[off[x_row] + n_key[x_row] + t] = v + con * v + oth
    by_claim = np.argsort(f_row, kind="stable")
    f_row, f_code = f_row[by_claim], f_code[by_claim]
    keys[off[f_row] + n_key[f_row] + n_x[f_row] + np.arange(len(f_row)) - first(n_freq)] = v + v * v + f_code
    return keys, size


_MAX_FLIGHT_WINDOW = 31   # days: longer spans are no flight window


def _window(ds: str, de: str) -> tuple[str, str] | None:
    """(first, last day) of a claim's date window of at most a month, or None."""
    ds, de = _date(ds), _date(de) or _date(ds)
    if not ds:
        return None
    n = _days(ds, de)
    return (ds, de) if 0 <= n <= _MAX_FLIGHT_WINDOW else None


def flight_window_keys(claims: pd.DataFrame) -> list[list[str]]:
    """Candidate keys for partially agreeing flight claims: aircraft family with each ISO week the
    claim's date window touches (at most six per family), so that windows that overlap meet."""
    n = len(claims)
    code, uniq = _distinct_rows(*(_strings(claims[c]) if c in claims else [""] * n
                                  for c in ("aircraft_family", "kind", "date_start", "date_end")))
    keys = []
    for f, k, a, b in uniq:  # once per distinct family, kind and window
        fs = sorted(set(_split(f)))
        w = _window(a, b) if fs and k == "flight" else None
        if not w:
            keys.append([])
            continue
        weeks = []
        for day in _day_range(*w)[::7] + (w[1],):
            y, wk, _ = date.fromisoformat(day).isocalendar()
            weeks.append(f"{y}-W{wk:02d}")
        fam = "+".join(fs)
        keys.append([f"fw:{fam}|{x}" for x in dict.fromkeys(weeks)])
    return [keys[c] for c in code]


def _flight_agreement(claims: pd.DataFrame, i: np.ndarray, j: np.ndarray, ci: np.ndarray,
                      has_event: np.ndarray) -> np.ndarray:
    """Pairs of flight claims about the same aircraft families (the caller checks that) that agree
    partially: their date windows overlap (a day inside a window, one window inside the other),
    their places are related (the same place, or one inside the other through the places
    lexicon's parents) or one of them names none, and they state the same event or none. Their
    counts and window ends may differ: those are the mutations the cluster then shows."""
    if not len(i) or "kind" not in claims:
        return np.zeros(len(i), dtype=bool)
    _, parents = _place_kinds()
    u = _unique(np.r_[i, j])                          # the claims involved
    a, b = np.searchsorted(u, i), np.searchsorted(u, j)
    code, cells = _distinct_rows(*(_strings(claims[c].to_numpy()[u]) for c in ("kind", "aircraft_family",
                                                                                  "date_start", "date_end")))
    wins = [_window(x, y) if k == "flight" and f else None for k, f, x, y in cells]  # once per distinct cell
    has_win = np.array([w is not None for w in wins], dtype=bool)[code]
    lo = np.array([w[0] if w else "" for w in wins], dtype=object)[code]
    hi = np.array([w[1] if w else "" for w in wins], dtype=object)[code]
    ok = has_win[a] & has_win[b]
    ok[ok] = ~(np.maximum(lo[a[ok]], lo[b[ok]]) > np.minimum(hi[a[ok]], hi[b[ok]]))  # the same month is not enough
    ok &= ~((has_event[i] | has_event[j]) & (ci == 0))
    # related places: a place of one is, or is inside, a place of the other (each claim's places
    # and all that contain them, as binary rows)
    code, cells = pd.factorize(_strings(claims["places"].to_numpy()[u] if "places" in claims else [""] * len(u)))
    own = [_split(p) for p in cells]                  # once per distinct cell
    inside = [[y for x in ps for y in (x, *_ancestors(x, parents))] for ps in own]
    exploded = [_explode(code, lists) for lists in (own, inside)]
    names: dict[str, int] = {}
    idx = [np.array([names.setdefault(x, len(names)) for x in v.tolist()], dtype=np.int64) for _, v in exploded]
    own_m, inside_m = (sparse.csr_matrix((np.ones(len(ix), np.float32), (r, ix)), shape=(len(u), max(1, len(names))))
                       for (r, _), ix in zip(exploded, idx))
    both = ok & (np.diff(own_m.indptr)[a] > 0) & (np.diff(own_m.indptr)[b] > 0)
    q = np.flatnonzero(both)
    if len(q):
        related = (_rowdot(own_m, inside_m, a[q], b[q], 20_000) + _rowdot(own_m, inside_m, b[q], a[q], 20_000)) > 0
        ok[q] = related
    return ok


def _blocking_pairs(keys, sizes: np.ndarray, rank: np.ndarray, cfg: SpreadConfig) -> tuple[np.ndarray, np.ndarray]:
    """Sorted-neighbourhood pairs on blocking keys (``keys``: all claims' keys, claim after
    claim, ``sizes[k]`` of them for claim ``k``; numbered by first appearance): members of a key,
    in timeline order, are paired with their ``window`` predecessors and the key's first
    ``pivots`` members."""
    col, _ = pd.factorize(np.asarray(keys))
    row = np.repeat(np.arange(len(sizes)), sizes)
    df = np.bincount(col, minlength=1)
    # each claim keeps its rarest keys: they are the discriminating ones, and they bound the pairs
    shared_key = df[col] >= 2  # a key no other claim has pairs nothing
    by_place = np.lexsort((np.arange(len(df)), df))  # the keys by (frequency, first appearance)
    place = np.empty(len(df), np.int64)
    place[by_place] = np.arange(len(df))
    row_s, place_s = np.divmod(np.sort(row[shared_key] * len(df) + place[col[shared_key]]), len(df))
    col_s = by_place[place_s]
    starts = np.r_[0, np.flatnonzero(np.diff(row_s)) + 1]
    pos = np.arange(len(row_s)) - np.repeat(starts, np.diff(np.r_[starts, len(row_s)]))
    keep = pos < cfg.keys_per_claim
    tok, claim = col_s[keep], row_s[keep]
    if len(tok) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    by_time = np.lexsort((np.arange(len(rank)), rank))  # the claims in timeline order
    place = np.empty(len(rank), np.int64)
    place[by_time] = np.arange(len(rank))
    tok, at = np.divmod(np.sort(tok * len(rank) + place[claim]), len(rank))
    claim = by_time[at]
    out_i, out_j = [], []
    for d in range(1, cfg.window + 1):
        same = tok[:-d] == tok[d:]
        out_i.append(claim[:-d][same])
        out_j.append(claim[d:][same])
    starts = np.r_[0, np.flatnonzero(np.diff(tok)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(tok)]))
    pos = np.arange(len(tok))
    for k in range(cfg.pivots):
        j = group_start + k
        ok = j < pos - cfg.window  # the window already paired the closer ones
        out_i.append(claim[j[ok]])
        out_j.append(claim[pos[ok]])
    return np.concatenate(out_i), np.concatenate(out_j)


# --- clustering --------------------------------------------------------------------------------------------


def _row_dot(m, a: int, b: int, order: np.ndarray | None = None) -> float:
    """``float(m[a].multiply(m[b]).sum())`` of a CSR matrix without building sparse objects, bit for
    bit: the float32 products of the columns both rows hold (zero products dropped), summed in
    column order as scipy does (``order``: each column's place in that order, when it is not the
    column itself: see :func:`_text_matrix`)."""
    ip, ix, dx = m.indptr, m.indices, m.data
    sa, ea, sb, eb = ip[a], ip[a + 1], ip[b], ip[b + 1]
    if sa == ea or sb == eb:
        return 0.0
    common, pa, pb = np.intersect1d(ix[sa:ea], ix[sb:eb], assume_unique=True, return_indices=True)
    if not len(pa):
        return 0.0
    if order is not None:
        k = np.argsort(order[common])
        pa, pb = pa[k], pb[k]
    prod = dx[sa:ea][pa] * dx[sb:eb][pb]
    if not prod.all():
        prod = prod[prod != 0]
    return float(np.sum(prod)) if len(prod) else 0.0


def _merge_pairs(pairs: pd.DataFrame, feats: "_Features", n: int, cfg: SpreadConfig) -> tuple[np.ndarray, dict]:
    """Union-find over the accepted pairs, strongest first (``pairs`` sorted by score): each
    claim's root (the smallest claim index of its cluster) and its first accepted pair
    ((score, how)). Two groups of several claims merge only when their first claims are alike too
    (:func:`_similarity` >= ``merge_floor``). A plain loop over Python scalars, about a
    microsecond a pair, over the pairs of each chunk (in order) whose claims were in different
    groups when the chunk began: the roots of all of a chunk's claims are found at once, with
    NumPy, on a view of the same parent array (pairs already joined stay joined)."""
    parent = array("q", range(n))
    view = np.frombuffer(parent, dtype=np.int64) if n else np.zeros(0, np.int64)
    size = [1] * n
    best: dict[int, tuple[float, str]] = {}
    floor = cfg.merge_floor
    sims: dict[tuple[int, int], float] = {}

    def roots(x: np.ndarray) -> np.ndarray:
        r = view[x]
        while True:
            up = view[r]
            if np.array_equal(up, r):
                return r
            r = up

    ii_all, jj_all = pairs["i"].to_numpy(np.int64), pairs["j"].to_numpy(np.int64)
    scores, hows = pairs["score"].to_numpy(), pairs["how"].to_numpy()
    for start in range(0, len(pairs), 1 << 16):
        ii, jj = ii_all[start:start + (1 << 16)], jj_all[start:start + (1 << 16)]
        todo = np.flatnonzero(roots(ii) != roots(jj))
        for q, a, b in zip((start + todo).tolist(), ii[todo].tolist(), jj[todo].tolist()):
            a0, b0 = a, b
            ra = a
            while parent[ra] != ra:
                ra = parent[ra]
            while parent[a] != ra:
                parent[a], a = ra, parent[a]
            rb = b
            while parent[rb] != rb:
                rb = parent[rb]
            while parent[b] != rb:
                parent[b], b = rb, parent[b]
            if ra == rb:
                continue
            # two groups of several claims merge only if their first claims are alike too: one
            # bridging pair must not chain two different claims into one (single-link chaining)
            if size[ra] > 1 and size[rb] > 1:
                key = (ra, rb)
                sim = sims.get(key)
                if sim is None:
                    sim = sims[key] = _similarity(feats, ra, rb)
                if sim < floor:
                    continue
            lo, hi = (ra, rb) if ra < rb else (rb, ra)
            parent[hi] = lo
            size[lo] += size[hi]
            if a0 not in best:
                best[a0] = (float(scores[q]), hows[q])
            if b0 not in best:
                best[b0] = (float(scores[q]), hows[q])
    labels = view.copy()
    while True:  # pointer jumping: every claim points at its root
        nxt = labels[labels]
        if np.array_equal(nxt, labels):
            return labels, best
        labels = nxt


@dataclass
class _Features:
    """Per-claim matrices the clustering and later steps share."""

    tokens: object            # binary claims x fact tokens, each row in its tokens' order (never sorted:
                              # scipy sorts a matrix's rows in place on comparisons, column selections)
    names: np.ndarray         # each fact token ("type:value")
    types: np.ndarray         # each fact token's type
    f: object                 # IDF-weighted, row-normalised fact vectors (rows sorted)
    anchor: np.ndarray        # per fact token: what it counts as a fact in common (specific 1, concept 0.5),
                              # common tokens 0
    anchor_all: np.ndarray    # the same, common tokens included
    event: np.ndarray         # per fact token: 1 for an event concept
    has_event: np.ndarray     # per claim: it states an event concept
    text: dict                # language -> (row ids, combined text matrix, word matrix for candidates,
                              # summation order: see _text_matrix)
    local: np.ndarray         # claim -> row inside its language's matrices
    lang: np.ndarray          # claim -> its language's number in ``languages``
    languages: list           # the languages (keys of ``text``), sorted
    freq_keys: tuple          # (claims, numbers) of the blocking keys from words too frequent for the
                              # text product


def _features(claims: pd.DataFrame, tokens: list[list[str]], term_cap: int = 200) -> _Features:
    """The fact and text matrices of the claims (see :class:`_Features`)."""
    n = len(claims)
    b, names, types = _token_matrix(tokens)
    df = np.asarray(b.sum(axis=0)).ravel()
    idf = np.log((n + 1) / (df + 1)) + 1.0
    tw = np.array([_TYPES.get(t, (0.5, False, False))[0] for t in types], dtype=np.float32)
    f = _normalize_rows(b.multiply((idf * tw).astype(np.float32)[None, :]).tocsr())
    f.sort_indices()  # sorted rows multiply by merging, in the order scipy sums the unsorted ones
    anchor_all = np.array([1.0 if _TYPES.get(t, (0, False, False))[1] else _ANCHOR.get(t, 0.0) for t in types],
                          dtype=np.float32)
    anchor = np.where(df > max(_COMMON_MIN, _COMMON_SHARE * n), np.float32(0.0), anchor_all)
    event = np.array([t.startswith("c:") and t[2:] in _EVENT_CONCEPTS for t in names], dtype=np.float32)
    has_event = np.asarray(b.multiply(event[None, :]).sum(axis=1)).ravel() > 0
    lang, languages = pd.factorize(claims["language"].fillna("").astype(str) if "language" in claims
                                   else pd.Series([""] * n), sort=True)
    languages = list(languages)
    texts = claims["text"].fillna("").astype(str).tolist()
    local = np.zeros(n, dtype=np.int64)
    text = {}
    freq_rows, freq_codes, n_words = [], [], 0
    by_lang = [np.flatnonzero(lang == code) for code in range(len(languages))]
    # the languages' word and character matrices on threads (NumPy's and scipy's kernels release
    # the GIL), the largest first
    tasks = sorted([(code, kind) for code in range(len(languages)) for kind in ("word", "char")],
                   key=lambda t: -len(by_lang[t[0]]))
    done = dict(zip(tasks, _thread_map(
        lambda t: (_word_text if t[1] == "word" else lambda d, lg, cap: _char_text(d))(
            [texts[i] for i in by_lang[t[0]]], languages[t[0]], term_cap), tasks)))
    for code, (rows, lg) in enumerate(zip(by_lang, languages)):
        local[rows] = np.arange(len(rows))
        words, chars = done.pop((code, "word")), done.pop((code, "char"))
        if words is None or chars is None:  # no words at all in this language's claims
            z = sparse.csr_matrix((len(rows), 1), dtype=np.float32)
            text[lg] = (rows, z, z, np.zeros(1, np.int64))
            continue
        (w, cols_w), wc, (r, col) = words
        comb, order = _text_matrix(w, cols_w, *chars)
        text[lg] = (rows, comb, wc, order)
        freq_rows.append(rows[r])
        freq_codes.append(n_words + col)   # a word of a language: its own number
        n_words += w.shape[1]
    none = [np.zeros(0, np.int64)]
    freq_keys = (np.concatenate(none + freq_rows), np.concatenate(none + freq_codes))
    return _Features(b, names, types, f, anchor, anchor_all, event, has_event, text, local, lang, languages, freq_keys)


def _word_text(docs: list[str], lang: str, term_cap: int):
    """One language's word TF-IDF: (its block of the combined matrix and the block's column
    numbers (see :func:`_reversed_block`), the word matrix for candidates, the frequent words
    (see :func:`_frequent_term_keys`)); None when its claims have no words at all."""
    w, _, first = _count_matrix(*_word_keys(docs, lang))
    if w is None:
        return None
    (w,) = _tfidf(w)
    block = _reversed_block(w, first)   # first: comparisons and column selections sort the rows in place
    # candidates from the word matrix without the words most claims share (they only add pairs)
    dfw = np.asarray((w > 0).sum(axis=0)).ravel()
    cap = max(term_cap, int(0.05 * len(docs))) if len(docs) < 20 * term_cap else term_cap
    wc = _normalize_rows(w[:, np.flatnonzero(dfw <= cap)]) if (dfw > cap).any() else w
    return block, wc, _frequent_term_keys(w, cap)


def _char_text(docs: list[str]):
    """One language's character 4-gram TF-IDF, as its block of the combined matrix and the block's
    column numbers (see :func:`_reversed_block`); None when its claims have no characters at all."""
    c, _, first = _count_matrix(*_char_keys(docs))
    return None if c is None else _reversed_block(_tfidf(c)[0], first)


def cluster_claims(claims: pd.DataFrame, order_rank: np.ndarray, cfg: SpreadConfig | None = None,
                   tokens: list[list[str]] | None = None, lap=None, mapper=None):
    """Cluster labels (root claim index per claim), the best match per claim ((score, how)), the
    accepted pairs and the features. ``order_rank`` is each claim's article timeline rank;
    ``mapper`` runs the text candidate search's row blocks (see :func:`_chunked_text_pairs`)."""
    cfg = cfg or SpreadConfig()
    n = len(claims)
    tokens = tokens if tokens is not None else fact_tokens(claims)
    lap = lap or (lambda name: None)
    feats = _features(claims, tokens, cfg.term_cap)
    lap("features")
    codes = []   # each source's pairs as numbers (smaller claim * n + larger), as they come

    def add(i, j):
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        codes.append((lo * n + hi)[lo != hi])

    for lg, (rows, _, wc, _) in feats.text.items():
        if len(rows) > 1 and wc.shape[1] > 0:
            add(*_chunked_text_pairs(wc, rows, cfg, mapper))
    add(*_blocking_pairs(*_blocking_keys(feats), order_rank, cfg))
    # flight claims that changed their count or window share no exact fact but the aircraft:
    # they meet on the aircraft family with each ISO week their window touches
    wkeys = flight_window_keys(claims)
    if any(wkeys):
        add(*_blocking_pairs([k for ks in wkeys for k in ks], np.array([len(ks) for ks in wkeys]), order_rank, cfg))
    i, j = np.divmod(_unique(np.concatenate(codes) if codes else np.zeros(0, np.int64)), n)
    lap("candidates")
    pairs = _score_pairs(claims, feats, i, j, cfg)
    lap("scoring")
    labels, best = _merge_pairs(pairs, feats, n, cfg)
    lap("union")
    return labels, best, pairs, feats


def _similarity(feats: _Features, a: int, b: int) -> float:
    """The larger of the fact and (same language) text similarity of two claims."""
    sim = _row_dot(feats.f, a, b)
    if feats.lang[a] == feats.lang[b]:
        _, comb, _, order = feats.text[feats.languages[feats.lang[a]]]
        sim = max(sim, _row_dot(comb, int(feats.local[a]), int(feats.local[b]), order))
    return sim


def _fact_agreement(feats: _Features, i: np.ndarray, j: np.ndarray, chunk: int):
    """(fact similarity, anchors, anchors counting the common tokens too, event concepts in common)
    of the pairs of claims ``i[k], j[k]``. One row product of the fact vectors per chunk gives the
    similarity and the tokens in common, which the weights then count (sums of halves and ones:
    exact in any order)."""
    out = [np.zeros(len(i), dtype=np.float32) for _ in range(4)]

    def one(s, e):
        prod = feats.f[i[s:e]].multiply(feats.f[j[s:e]]).tocsr()
        out[0][s:e] = np.asarray(prod.sum(axis=1)).ravel()
        row = np.repeat(np.arange(e - s), np.diff(prod.indptr))
        for o, weight in zip(out[1:], (feats.anchor, feats.anchor_all, feats.event)):
            o[s:e] = np.bincount(row, weights=weight[prod.indices], minlength=e - s)

    _in_chunks(one, len(i), chunk)
    return tuple(out)


def _score_pairs(claims: pd.DataFrame, feats: _Features, i: np.ndarray, j: np.ndarray, cfg: SpreadConfig):
    """The accepted candidate pairs (``i, j, text, fact, anchors, score, how``: a categorical),
    strongest first, then by claims; vectorised over the pairs, in chunks. ``i < j`` come in
    order."""
    cols = ["i", "j", "text", "fact", "anchors", "score", "how"]
    if len(i) == 0:
        return pd.DataFrame(columns=cols)
    if "aircraft_family" in claims:
        fams = claims["aircraft_family"].fillna("").astype(str)
        uniq = fams.unique()
        fams = fams.map(dict(zip(uniq, ("|".join(sorted(set(_split(x)))) for x in uniq))))
        fam, fam_names = pd.factorize(fams)
        with_fam = np.asarray(fam_names != "")[fam]
    else:
        fam, with_fam = np.zeros(len(claims), np.int64), np.zeros(len(claims), dtype=bool)
    ok = fam[i] == fam[j]  # flight claims only join claims about the same aircraft families
    i, j = i[ok], j[ok]
    fact, anchors, anchors_all, ci = _fact_agreement(feats, i, j, cfg.pair_chunk)
    text = np.zeros(len(i), dtype=np.float32)
    lang = feats.lang[i]
    same = lang == feats.lang[j]
    for code, lg in enumerate(feats.languages):
        comb = feats.text[lg][1]
        sel = np.flatnonzero(same & (lang == code))
        if len(sel):
            text[sel] = _rowdot(comb, comb, feats.local[i[sel]], feats.local[j[sel]], cfg.pair_chunk)
    by_text = (text >= cfg.text_threshold) & ((anchors_all >= _CONCEPT_ANCHOR) | (text >= cfg.text_alone))
    # facts alone must also agree on what happened: claims stating different events (or one an
    # event, the other none) need a third specific fact in common
    has_event = feats.has_event
    need = np.where((ci == 0) & (has_event[i] | has_event[j]), 3.0, 2.0)
    by_fact = ((fact >= cfg.fact_threshold) & (anchors >= need)) | ((fact >= cfg.fact_strong) & (anchors_all >= 1.5)
                                                                     & ((ci > 0) | ~(has_event[i] | has_event[j])))
    by_both = (((text + fact) / 2 >= cfg.combined_threshold) & (text >= cfg.combined_min_text)
               & ((anchors >= 1) | (anchors_all >= 1.5)))
    # flight claims that changed a field or two (count, window ends) still agree partially
    by_flight = np.zeros(len(i), dtype=bool)
    cand = np.flatnonzero(~(by_text | by_fact | by_both) & with_fam[i])
    if len(cand):
        by_flight[cand] = _flight_agreement(claims, i[cand], j[cand], ci[cand], has_event)
    by_fact = by_fact | by_flight
    acc = np.flatnonzero(by_text | by_fact | by_both)
    i, j, text, fact, anchors, by_text, by_fact, by_both = (x[acc] for x in (i, j, text, fact, anchors, by_text,
                                                                              by_fact, by_both))
    how = np.where(by_text & (by_fact | by_both), 2, np.where(by_text, 1, 0))
    score = np.maximum(np.maximum(text, fact), (text + fact) / 2)
    order = np.argsort(-score, kind="stable")   # (stable: pairs of equal scores stay by claims)
    return pd.DataFrame({"i": i[order], "j": j[order], "text": text[order], "fact": fact[order],
                         "anchors": anchors[order], "score": score[order],
                         "how": pd.Categorical.from_codes(how[order], ["facts", "text", "text+facts"])})


# --- spread tables -----------------------------------------------------------------------------------------


def spread_memory(n_claims: int) -> int:
    """Rough bytes :func:`spread_tables` needs beyond the corpus it is given, for ``n_claims``
    claims: measured on the bench corpus (``hmeimim bench``), 8.4 KB a claim at 249,000 claims
    and 9.5 KB at 744,000 (the largest clusters grow with the corpus, and their pairs with
    them), extended as a power law. A corpus of other stories may need less or more.

    >>> round(spread_memory(249_000) / 1e9, 1), round(spread_memory(744_000) / 1e9, 1)
    (2.1, 7.0)
    """
    per_claim = 8.4e3 * max(1.0, n_claims / 249_000) ** 0.109
    return int(per_claim * n_claims)


#: the steps of :func:`spread_tables`, in order (its ``timings`` and ``progress``)
SPREAD_STEPS = ("prepare", "features", "candidates", "scoring", "union", "mentions", "mutations", "links",
                "invented", "clusters")


def spread_tables(corpus, config: SpreadConfig | None = None, timings: dict | None = None,
                  mapper=None, progress=None) -> dict[str, pd.DataFrame]:
    """The four spread tables of a corpus (see the module docs). ``timings``, if given, receives
    the seconds each step took; ``progress``, if given, is called with each step's name
    (:data:`SPREAD_STEPS`) when it ends. ``mapper`` (a :data:`hmeimim.pipeline.Mapper`:
    ``mapper(fn, items)`` yields ``fn(item)`` for each item, in order; ``fn`` is a picklable top-level
    function, possibly a ``functools.partial``) runs the text candidate search as a partitioned
    join, one task per row block of each language's sparse product (``hmeimim extract --engine
    dask``); without one the blocks run here. The tables are the same either way."""
    import time

    cfg = config or SpreadConfig()
    clock = [time.perf_counter()]

    def lap(name):
        now = time.perf_counter()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now
        if progress is not None:
            progress(name)

    claims = corpus.claims if corpus.claims is not None else pd.DataFrame()
    articles = corpus.articles if corpus.articles is not None else pd.DataFrame()
    if claims is None or len(claims) == 0:
        return {name: conform(name, None) for name in SPREAD_SCHEMA}
    claims = _prepare_claims(claims, articles)
    tl = timeline(articles, claims)
    tl_idx = tl.set_index("article_id")
    claims["order_rank"] = claims["article_id"].map(tl_idx["order_rank"]).fillna(len(tl)).astype(int)
    claims["group"] = claims["article_id"].map(tl_idx["group"]).fillna("none").astype(str)
    claims = claims.sort_values(["order_rank", "article_id", "start", "end", "claim_id"], kind="stable").reset_index(drop=True)
    tokens = fact_tokens(claims)
    lap("prepare")
    labels, best, pairs, feats = cluster_claims(claims, claims["order_rank"].to_numpy(), cfg, tokens, lap, mapper)
    # cluster ids in order of first appearance (claims are sorted by timeline already)
    roots, first_pos, inverse = np.unique(labels, return_index=True, return_inverse=True)
    number = np.empty(len(roots), dtype=np.int64)
    number[np.argsort(first_pos, kind="stable")] = np.arange(len(roots))
    width = max(4, len(str(len(roots))))
    names = np.array([f"C{k + 1:0{width}d}" for k in range(len(roots))], dtype=object)
    claims["cluster_id"] = names[number[inverse.ravel()]]
    score = np.full(len(claims), np.nan)
    how = np.full(len(claims), "", dtype=object)
    if best:
        ks = np.fromiter(best.keys(), dtype=np.int64, count=len(best))
        score[ks] = [v[0] for v in best.values()]
        how[ks] = [v[1] for v in best.values()]
    claims["_best_score"] = score
    claims["_best_how"] = how
    mentions = _mentions(claims, tl)
    lap("mentions")
    columns = _columns(claims)
    # the links' rare word 4-grams are found meanwhile on a thread: mostly NumPy, beside the
    # mutations' Python
    with ThreadPoolExecutor(1) as pool:
        ngrams = pool.submit(_rare_ngrams, *_ngram_input(claims, tl))
        changed = find_mutations(claims, tl, corpus, feats, cfg, columns=columns)
        lap("mutations")
        links = find_links(claims, mentions, changed, tl, feats, cfg, ngrams.result())
    lap("links")
    muts = find_mutations(claims, tl, corpus, feats, cfg, links=links, changed=changed, columns=columns)
    lap("invented")
    clusters = _clusters(claims, mentions, muts, links, tl)
    out = {"claim_clusters": conform("claim_clusters", clusters), "claim_mentions": conform("claim_mentions", mentions),
           "mutations": conform("mutations", muts), "article_links": conform("article_links", links)}
    lap("clusters")
    return out


_CLAIM_DEFAULTS = {"language": "", "aircraft": "", "aircraft_family": "", "aircraft_as_written": "", "aircraft_flag": "",
                   "count": pd.NA, "count_explicit": False, "date_start": "", "date_end": "", "date_as_written": "",
                   "dates": "", "route": "", "places": "", "people": "", "people_keys": "", "people_as_written": "",
                   "bodies": "", "entities": "", "numbers": "", "durations": "", "concepts": "", "source": "", "via": "",
                   "source_as_written": "", "source_types": "", "attributed": False, "context_attributed": False,
                   "context_sources": "", "channel": "", "hedged": False, "restates": False, "facts": "", "paragraph": 0}


def _prepare_claims(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    c = claims.copy()
    for col, default in _CLAIM_DEFAULTS.items():
        if col not in c.columns:
            c[col] = default
    if len(articles) and "language" in articles:
        lang = c["article_id"].map(articles.set_index("article_id")["language"])
        c["language"] = c["language"].where(c["language"].map(_s) != "", lang)
    if "claim_id" not in c.columns or c["claim_id"].isna().any():
        c["claim_id"] = c["article_id"].astype(str) + "#" + c["sentence_id"].astype(str) + "@" + c["start"].astype(str)
    c["count"] = pd.to_numeric(c["count"], errors="coerce").astype("Int64")
    for col in ("attributed", "context_attributed", "hedged", "restates", "count_explicit"):
        if c[col].dtype != bool:  # (a boolean column is as it is)
            c[col] = c[col].map(lambda v: bool(v) if v is not None and v is not pd.NA and v == v else False)
    for col in ("language", "text", "kind", "aircraft_family", "dates", "date_start", "date_end"):
        # missing as "": in bulk for text columns, which keep their type, as _s does
        c[col] = c[col].fillna("") if c[col].dtype == "str" else c[col].map(_s)
    return c.reset_index(drop=True)


def _mentions(claims: pd.DataFrame, tl: pd.DataFrame) -> pd.DataFrame:
    t = tl.set_index("article_id")
    m = claims[["cluster_id", "claim_id", "article_id", "sentence_id", "start", "end", "text", "kind", "language",
                "order_rank", "aircraft_as_written", "date_start", "date_end", "count", "places", "people", "source",
                "channel"]].copy()
    m["outlet"] = m["article_id"].map(t["outlet"])
    m["published"] = m["article_id"].map(t["published"])
    m["order_date"] = m["article_id"].map(t["order_date"])
    m["order_from"] = m["article_id"].map(t["order_from"])
    m.loc[~claims["count_explicit"].to_numpy(), "count"] = pd.NA
    first_rank = m.groupby("cluster_id")["order_rank"].transform("min")
    m["is_first"] = m["order_rank"] == first_rank
    art_order = (m[["cluster_id", "order_rank", "article_id"]].drop_duplicates(["cluster_id", "article_id"])
                 .sort_values(["cluster_id", "order_rank", "article_id"], kind="stable"))
    art_order["article_no"] = art_order.groupby("cluster_id").cumcount() + 1
    m = m.merge(art_order[["cluster_id", "article_id", "article_no"]], on=["cluster_id", "article_id"], how="left",
                validate="many_to_one")
    sizes = m.groupby("cluster_id")["claim_id"].transform("size")
    m["matched_by"] = np.where(sizes > 1, claims["_best_how"].to_numpy(), "")
    m["match_score"] = np.where(sizes > 1, claims["_best_score"].to_numpy(), np.nan)
    return m.sort_values(["cluster_id", "order_rank", "article_id", "start", "end"], kind="stable").reset_index(drop=True)


# --- mutations ---------------------------------------------------------------------------------------------


def _facts(v) -> dict:
    s = _s(v)
    if not s:
        return {}
    try:
        return json.loads(s)
    except ValueError:
        return {}


#: parsed facts kept at once (a parsed claim takes kilobytes: all of them would be gigabytes)
_FACTS_CACHED = 8192


class _Columns(dict):
    """The claims as plain Python lists (scalar access to a DataFrame costs microseconds each),
    converted on first access of each column, and the parsed facts of the claims in use
    (:meth:`facts`)."""

    def __init__(self, claims: pd.DataFrame):
        super().__init__()
        self.claims = claims
        self._facts: dict[int, dict] = {}

    def __missing__(self, c: str) -> list:
        col = self.claims[c]
        if col.dtype == bool or str(col.dtype) == "boolean":
            out = col.fillna(False).astype(bool).tolist()
        elif c in ("start", "end", "sentence_id", "order_rank", "paragraph"):
            out = col.astype(np.int64).tolist()
        else:
            out = _strings(col).tolist()
        self[c] = out
        return out

    def facts(self, k: int, key: str | None = None):
        """The parsed facts of claim ``k`` (kept for the next calls, up to ``_FACTS_CACHED``
        claims), or just their ``key`` (None when absent; facts whose text does not name the key
        are not parsed at all)."""
        if key is not None:
            return self.facts(k).get(key) if f'"{key}"' in self["facts"][k] else None
        got = self._facts.get(k)
        if got is None:
            if len(self._facts) >= _FACTS_CACHED:
                self._facts.clear()  # (the passes go cluster by cluster or claim by claim)
            got = self._facts[k] = _facts(self["facts"][k])
        return got


def _columns(claims: pd.DataFrame) -> dict[str, list]:
    """The claims as plain Python lists, each column converted when first used."""
    return _Columns(claims)


def _vote(values: list[tuple[str, int, str]]) -> tuple[str, str] | None:
    """Majority value of (value, article rank, article id) votes, one per article, ties to the
    earliest article; returns (value, article holding it first)."""
    if not values:
        return None
    per_article = {}   # each article's first vote, in (rank, article) order
    for v, r, a in sorted(values, key=itemgetter(1, 2)):
        per_article.setdefault(a, (v, r))
    cnt = Counter(v for v, _ in per_article.values())
    first = {}
    for a, (v, r) in per_article.items():
        first.setdefault(v, (r, a))
    best = min(cnt, key=lambda v: (-cnt[v], first[v][0], first[v][1]))
    return best, first[best][1]


def _desig_parts(key: str) -> tuple[str, str, str]:
    m = re.match(r"(?:[A-Za-z]+-)?(\d+)([A-Z]*)(?:-(\w+))?$", key or "")
    return (m.group(1), m.group(2), m.group(3) or "") if m else ("", "", "")


def _desig_conflict(a: str, b: str) -> bool:
    na, sa, va = _desig_parts(a)
    nb, sb, vb = _desig_parts(b)
    if not na or not nb:
        return False
    return na != nb or (sa and sb and sa != sb) or (va and vb and va != vb)


def _norm_name(s: str) -> str:
    from .claims import _strip_cyr_ending

    s = re.sub(r"['’]s$", "", s.strip())
    toks = [t for t in re.findall(r"[^\W\d_]+", s.lower().translate(_AR_FOLD))]
    toks = [_strip_cyr_ending(t) for t in toks if t not in ("al", "el", "аль", "аш", "ад", "ал")]
    return " ".join(toks)


def _script(s: str) -> str:
    for ch in s:
        if ch.isalpha():
            o = ord(ch)
            if 0x0400 <= o <= 0x04FF:
                return "cyrillic"
            if 0x0600 <= o <= 0x06FF:
                return "arabic"
            if 0x3400 <= o <= 0x9FFF:
                return "cjk"
            return "latin"
    return ""


def _wording(w: str) -> str:
    """Content words of an anonymous source's wording ("a source close to the Kremlin" -> "close kremlin source")."""
    stop = {"a", "an", "the", "of", "to", "in", "from", "with", "and", "at", "by"}
    toks = [re.sub(r"s$", "", t) for t in re.findall(r"[^\W\d_]+", w.lower()) if t not in stop]
    return " ".join(sorted(toks))


def find_mutations(claims: pd.DataFrame, tl: pd.DataFrame, corpus, feats: _Features, cfg: SpreadConfig,
                   links: pd.DataFrame | None = None, changed: pd.DataFrame | None = None,
                   columns: dict | None = None) -> pd.DataFrame:
    """Rows of the ``mutations`` table. Without ``links``: the changed values. With ``links`` (the
    derivation links, found from the changed values): the invented details and claims too, added
    to ``changed`` (computed here when not given). ``columns``: :func:`_columns` of ``claims``, to
    share (the lists and the parsed facts) between the two passes."""
    arts = corpus.articles
    texts = dict(zip(_list(arts["article_id"]), _list(arts["text"]))) if len(arts) else {}
    published = dict(zip(_list(tl["article_id"]), _list(tl["published"])))
    rows: list[dict] = []
    cl = columns if columns is not None else _columns(claims)

    def add(k, field, value, ref, kind, span, ref_article, rule):
        aid = cl["article_id"][k]
        text = texts.get(aid, "")
        s, e = (int(span[0]), int(span[1])) if span else (int(cl["start"][k]), int(cl["end"][k]))
        rows.append({"cluster_id": cl["cluster_id"][k], "article_id": aid, "claim_id": cl["claim_id"][k],
                     "sentence_id": cl["sentence_id"][k], "field": field, "value": value, "reference_value": ref,
                     "kind": kind, "start": s, "end": e, "evidence": text[s:e] if text else cl["text"][k],
                     "reference_article": ref_article, "rule": rule,
                     "published": published.get(aid, pd.NA),
                     "language": cl["language"][k], "hedged": bool(cl["hedged"][k])})

    facts = cl.facts
    if changed is None:
        n_art = claims.groupby("cluster_id")["article_id"].nunique()
        multi = set(n_art[n_art > 1].index)
        rank = claims["order_rank"].to_numpy()
        groups = {cid: idx.to_numpy() for cid, idx in claims.groupby("cluster_id").groups.items() if cid in multi}
        starts = claims["start"].to_numpy()
        for cid in sorted(groups):
            idx = groups[cid]
            idx = idx[np.lexsort((starts[idx], rank[idx]))]
            _aircraft_mutations(cl, idx, facts, add)
            _value_mutations(cl, idx, facts, add)
            _place_changes(cl, idx, facts, add)
            _source_mutations(cl, idx, facts, add)
        _name_mutations(cl, facts, add)
    if links is not None:
        _invented(cl, tl, corpus, feats, cfg, facts, add, links)
    cols = [c for c, _, _ in SPREAD_SCHEMA["mutations"]]
    df = pd.DataFrame(rows, columns=cols)
    if changed is not None and len(changed):
        df = pd.concat([changed[cols], df], ignore_index=True) if len(df) else changed[cols].copy()
    if len(df):
        df = df.drop_duplicates(["claim_id", "field", "value", "kind"]).sort_values(
            ["cluster_id", "article_id", "start", "field", "value"], kind="stable").reset_index(drop=True)
    return df


def _aircraft_mutations(cl, idx, facts, add):
    by_fam: dict[str, list] = defaultdict(list)
    for k in idx:
        for a in facts(k, "aircraft") or []:
            if a.get("f") and a.get("d"):
                by_fam[a["f"]].append((k, a))
    for fam, items in by_fam.items():
        if len({cl["article_id"][k] for k, _ in items}) < 2:
            continue
        votes = [(a["d"], int(cl["order_rank"][k]), cl["article_id"][k]) for k, a in items if not a.get("flag")]
        ref = _vote(votes)
        if ref is None:
            canon = next((a["v"] for _, a in items if a.get("v")), "")
            ref = (canon, "")
        for k, a in items:
            flagged = a.get("flag") == "nonexistent_designator"
            if flagged or _desig_conflict(a["d"], ref[0]):
                rule = ("designator names no real aircraft type (read as the nearest real type); "
                        if flagged else "") + "differs from the majority designator as written"
                add(k, "aircraft", a.get("w") or a["d"], ref[0], "changed", a.get("span"), ref[1], rule)


def _value_mutations(cl, idx, facts, add):
    win, cnt = [], []
    for k in idx:
        ds, de = cl["date_start"][k], cl["date_end"][k]
        # the date of a flight or a meeting is what the claim is about; other sentences' dates are
        # often when something was reported ("Bloomberg reported on Thursday")
        if ds and _days(ds, de or ds) <= 31 and cl["kind"][k] in ("flight", "meeting"):
            win.append((k, f"{ds}/{de or ds}"))
        if cl["count_explicit"][k] and _s(cl["count"][k]):
            cnt.append((k, _s(cl["count"][k])))
    for field, items in (("date", win), ("count", cnt)):
        if len({cl["article_id"][k] for k, _ in items}) < 2:
            continue
        ref = _vote([(v, int(cl["order_rank"][k]), cl["article_id"][k]) for k, v in items])
        for k, v in items:
            if v != ref[0]:
                f = facts(k)
                if field == "date":
                    w = _s(cl["date_as_written"][k])
                    span = next((d["span"] for d in f.get("dates", []) if d.get("w") == w), None)
                    rule = f"date window '{w}' differs from the majority window" if w else "date differs from the majority"
                else:
                    span = (f.get("count") or {}).get("span")
                    rule = "count differs from the majority count"
                add(k, field, v, ref[0], "changed", span, ref[1], rule)


def _ancestors(place: str, parents: dict) -> list[str]:
    """The places that contain ``place`` (the places lexicon's parents), nearest first."""
    out, seen = [], set()
    while place in parents and place not in seen:
        seen.add(place)
        place = parents[place]
        out.append(place)
    return out


def _related(a: str, b: str, parents: dict) -> bool:
    return a == b or a in _ancestors(b, parents) or b in _ancestors(a, parents)


def _route_places(f: dict) -> list[tuple[str, list]]:
    route = [p for p in (f.get("route") or "").split(" → ") if p]
    spans = {p["v"]: p.get("span") for p in f.get("places", []) if not p.get("route")}
    return [(p, spans.get(p)) for p in route]


def _place_changes(cl, idx, facts, add):
    """A route place that replaces the reference route's place (unrelated by containment)."""
    _, parents = _place_kinds()
    items = [(k, _route_places(facts(k))) for k in idx if facts(k, "route")]
    items = [(k, r) for k, r in items if r]
    arts = {cl["article_id"][k] for k, _ in items}
    if len(arts) < 2:
        return
    votes = Counter()
    seen_art = set()
    for k, r in items:
        a = cl["article_id"][k]
        if a in seen_art:
            continue
        seen_art.add(a)
        votes.update({p for p, _ in r})
    ref = {p for p, c in votes.items() if c * 2 >= len(seen_art)}
    first_art = {}
    for k, r in items:
        for p, _ in r:
            first_art.setdefault(p, cl["article_id"][k])
    for k, r in items:
        places = [p for p, _ in r]
        missing = [x for x in sorted(ref) if not any(_related(x, p, parents) for p in places)]
        for p, span in r:
            if p in ref or any(_related(p, x, parents) for x in ref) or not missing:
                continue
            add(k, "place", p, missing[0], "changed", span, first_art.get(missing[0], ""),
                "a route place replaces a place of the majority route")


def _source_mutations(cl, idx, facts, add):
    slots: dict[str, list] = defaultdict(list)     # source type -> (k, canonical, span)
    words: dict[str, list] = defaultdict(list)     # language -> (k, wording, as_written, span)
    for k in idx:
        for s in facts(k, "sources") or []:
            if s.get("stance", "cited") != "cited":
                continue
            t = s.get("t", "")
            if t in ("flight-tracking data", "news agency", "outlet"):
                slots[t].append((k, s["v"], s.get("span")))
            if t == "anonymous source" and s.get("w"):
                words[cl["language"][k]].append((k, _wording(s["w"]), s["w"], s.get("span")))
    for t, items in slots.items():
        if len({cl["article_id"][k] for k, _, _ in items}) < 2:
            continue
        ref = _vote([(v, int(cl["order_rank"][k]), cl["article_id"][k]) for k, v, _ in items])
        by_k = defaultdict(set)
        for k, v, _ in items:
            by_k[k].add(v)
        for k, v, span in items:
            if ref[0] not in by_k[k] and v != ref[0]:
                add(k, "source", v, ref[0], "changed", span, ref[1], f"cites a different {t} source than the majority")
    for lg, items in words.items():
        if len({cl["article_id"][k] for k, _, _, _ in items}) < 2:
            continue
        ref = _vote([(w, int(cl["order_rank"][k]), cl["article_id"][k]) for k, w, _, _ in items])
        ref_written = next((aw for k, w, aw, _ in items if w == ref[0]), ref[0])
        for k, w, aw, span in items:
            if w != ref[0]:
                add(k, "source_wording", aw, ref_written, "changed", span, ref[1],
                    "the anonymous source is described differently than in the majority version")


def _name_mutations(cl, facts, add):
    """A person's name spelled differently in the same script (not a shortened form)."""
    spellings: dict[tuple[str, str], list] = defaultdict(list)
    for k in range(len(cl["article_id"])):
        if not cl["people_keys"][k]:
            continue
        for p in facts(k, "people") or []:
            w = p.get("w", "")
            if not w or not p.get("key"):
                continue
            spellings[(p["key"], _script(w))].append((k, _norm_name(w), w, p.get("span")))
    for (key, script), items in spellings.items():
        if len({v for _, v, _, _ in items}) < 2 or len({cl["article_id"][k] for k, *_ in items}) < 2:
            continue
        ref = _vote([(v, int(cl["order_rank"][k]), cl["article_id"][k]) for k, v, _, _ in items])
        ref_written = next((w for k, v, w, _ in items if v == ref[0]), ref[0])
        rt = set(ref[0].split())
        for k, v, w, span in items:
            vt = set(v.split())
            if v == ref[0] or vt <= rt or rt <= vt:
                continue
            if SequenceMatcher(None, v, ref[0]).ratio() < 0.75:
                continue
            add(k, "person", w, ref_written, "changed", span, ref[1],
                "the person's name is spelled differently from its majority spelling in the same script")


# --- invented ---------------------------------------------------------------------------------------------

_ELIGIBLE = frozenset({"flight", "meeting", "event", "date", "number"})


def _specific_token(t: str) -> bool:
    """Whether a token can make a claim new: a person, named entity, specific place, day, number,
    duration, aircraft family or event concept."""
    typ, _, val = t.partition(":")
    return typ in ("p", "e", "pl", "n", "du", "d", "fam") or (typ == "c" and val in _EVENT_CONCEPTS)


_EVENT_CONCEPTS = frozenset({"resume", "pause", "attack", "repel", "oust", "flee", "asylum", "intervene", "bomb",
                             "escalate", "reduce", "meet", "visit"})


def _invented(cl, tl, corpus, feats, cfg, facts, add, links: pd.DataFrame):
    """Whole claims and details with no antecedent (see the module docs). Linear: every token
    remembers the timeline group where it first appeared and which articles of that group hold it."""
    kinds, parents = _place_kinds()
    art_group = dict(zip(_list(tl["article_id"]), _list(tl["group"])))
    grank: dict[str, int] = {}
    for g, r in zip(_list(tl["group"]), _list(tl["order_rank"])):
        grank.setdefault(g, int(r))
    a_grank = {a: grank[art_group[a]] for a in art_group}
    n = len(cl["article_id"])
    aids = cl["article_id"]
    cids = cl["cluster_id"]
    kind = cl["kind"]
    g = pd.Series(aids, dtype=object).map(a_grank).fillna(10**9).to_numpy(dtype=np.int64)
    art, art_names = pd.factorize(pd.Series(aids, dtype=object))
    g_art = np.zeros(len(art_names), dtype=np.int64)
    g_art[art] = g

    def place_ancestors(p: str) -> list[str]:
        return [a for a in _ancestors(p, parents) if _specific_place(a, kinds)]

    # the specific tokens of each claim (see _specific_token), by token number
    b, names = feats.tokens, feats.names
    vocab = {t: k for k, t in enumerate(names.tolist())}
    is_spec = np.array([_specific_token(t) for t in names.tolist()], dtype=bool)
    tid = b.indices.astype(np.int64)
    row = np.repeat(np.arange(n), np.diff(b.indptr))
    spec_row, spec_tid = row[is_spec[tid]], tid[is_spec[tid]]

    def spec(k: int) -> list[str]:
        return [names[t] for t in tid[b.indptr[k]:b.indptr[k + 1]].tolist() if is_spec[t]]

    def number(t: str) -> int:
        return vocab.setdefault(t, len(vocab))

    # the tokens each article holds: its claims' specific tokens, the places containing their
    # places (seeing an airport is seeing its city and region too), the days of their windows
    held = [(spec_row, spec_tid)]
    places = [t for t in np.unique(spec_tid).tolist() if names[t].startswith("pl:")]
    up = {t: [number("pl:" + x) for x in place_ancestors(names[t][3:])] for t in places}
    with_up = np.flatnonzero(np.isin(spec_tid, places))
    rows_up, up_tid = _explode(np.searchsorted(places, spec_tid[with_up]), [up[t] for t in places])
    held.append((spec_row[with_up][rows_up], up_tid))
    code, uniq = pd.factorize(np.asarray(cl["dates"], dtype=object))
    days = []
    for cell in uniq:
        days.append([])
        for d in _split(cell):
            lo, _, hi = d.partition("/")
            if lo and _days(lo, hi) <= 31:
                days[-1] += [number("d:" + x) for x in _day_range(lo, hi)]
    held.append(_explode(code, days))
    n_art, n_tok = len(art_names), len(vocab)
    key = _unique(np.concatenate([art[r] + n_art * np.asarray(t, dtype=np.int64) for r, t in held]))
    tok_of, art_of = key // n_art, key % n_art
    # each token's first group rank, how many articles of that group hold it and one of them
    first = np.full(n_tok, -1, dtype=np.int64)
    if len(key):
        heads = np.flatnonzero(np.r_[True, tok_of[1:] != tok_of[:-1]])
        first[tok_of[heads]] = np.minimum.reduceat(g_art[art_of], heads)
    at_first = g_art[art_of] == first[tok_of]
    holders = np.bincount(tok_of[at_first], minlength=n_tok)
    holder = np.full(n_tok, -1, dtype=np.int64)
    holder[tok_of[at_first]] = art_of[at_first]
    full_by_surname: dict[str, dict] = defaultdict(dict)   # surname -> {full name key: first group rank}
    for t in np.flatnonzero(first[:len(names)] >= 0).tolist():  # (the tokens added above are no names)
        if names[t][:2] in ("p:", "e:"):
            parts, r = names[t][2:].split(), int(first[t])
            if parts:
                known = full_by_surname[parts[-1]]
                known[names[t][2:]] = min(known.get(names[t][2:], r), r)
    a_code = dict(zip(art_names, range(n_art)))

    def seen(tkn: str, a: str) -> bool:
        """Seen in an earlier group, or in another article of the same group."""
        t = vocab.get(tkn)
        if t is None or first[t] < 0:
            return False
        r, ra = first[t], a_grank[a]
        return r < ra or (r == ra and (holders[t] > 1 or holder[t] != a_code[a]))

    def novel(tok: str, a: str) -> bool:
        typ, _, val = tok.partition(":")
        if typ in ("p", "e"):
            if seen("p:" + val, a) or seen("e:" + val, a):
                return False
            parts = val.split()
            sur = parts[-1] if parts else val
            ra = a_grank[a]
            others = [f for f, r in full_by_surname.get(sur, {}).items() if f not in (val, sur) and r <= ra
                      and (r < ra or seen("p:" + f, a) or seen("e:" + f, a))]
            if len(parts) > 1:
                # a surname seen alone is this person, unless another person of that surname was named
                alone = seen("p:" + sur, a) or seen("e:" + sur, a)
                return not alone or bool(others)
            return not others
        if typ == "pl":  # a place inside a region seen before is no new place (Moscow in Moscow Oblast)
            return not seen(tok, a) and not any(seen("pl:" + x, a) for x in place_ancestors(val))
        return not seen(tok, a)

    # a claim has an antecedent when another article of its cluster is earlier or contemporaneous:
    # its article comes after the cluster's first group, or shares that group with another article
    cc = pd.factorize(pd.Series(cids, dtype=object))[0]
    ca = pd.DataFrame({"c": cc, "a": art, "g": g}).drop_duplicates(["c", "a"])
    lo = ca.groupby("c")["g"].min().reindex(range(cc.max() + 1)).to_numpy()
    at_lo = np.bincount(ca["c"][ca["g"].to_numpy() == lo[ca["c"].to_numpy()]], minlength=len(lo))
    earlier_partner = (g > lo[cc]) | (at_lo[cc] > 1)
    # a claim that later articles also make without descending from this one (following each
    # article's likeliest source) came from a common source the corpus lacks: it was not invented
    # by the first article that happens to carry it
    children: dict[str, list] = defaultdict(list)
    if links is not None and len(links):
        for src_a, dst_a, bp in zip(_list(links["source_article"]), _list(links["target_article"]),
                                    _list(links["best_parent"])):
            if bool(bp):
                children[src_a].append(dst_a)
    desc_cache: dict[str, set] = {}

    def descendants(a: str) -> set:
        if a not in desc_cache:
            seen_d, stack = set(), [a]
            while stack:
                for ch in children.get(stack.pop(), ()):
                    if ch not in seen_d:
                        seen_d.add(ch)
                        stack.append(ch)
            desc_cache[a] = seen_d
        return desc_cache[a]

    by_cluster = np.argsort(cc, kind="stable")
    bounds = np.searchsorted(cc[by_cluster], np.arange(len(lo) + 1))

    def independent_later(k: int) -> bool:
        later = {aids[x] for x in by_cluster[bounds[cc[k]]:bounds[cc[k] + 1]].tolist()} - {aids[k]}
        return bool(later) and bool(later - descendants(aids[k]))

    # (a) whole claims
    cands = []
    retells = np.zeros(art.max() + 1, dtype=bool)
    retells[art[earlier_partner]] = True            # articles that re-tell an earlier one
    plain = ~(np.array(cl["restates"], dtype=bool) | np.array(cl["attributed"], dtype=bool)
              | np.array(cl["context_attributed"], dtype=bool))
    eligible = np.array([x in _ELIGIBLE for x in kind], dtype=bool) & retells[art] & ~earlier_partner & plain
    for k in np.flatnonzero(eligible).tolist():
        a = aids[k]
        if independent_later(k):
            continue
        toks = spec(k)
        if not any(not x.startswith("c:") for x in toks):
            continue
        new = [x for x in toks if novel(x, a)]
        if new:
            cands.append((k, new))
    cands = _drop_text_antecedents(cands, cl, corpus, tl, cfg)
    for k, new in cands:
        labels = ", ".join(_token_label(x) for x in new[:4])
        add(k, "claim", cl["text"][k], "", "invented", None, "",
            f"no earlier article has this claim and it cites no checkable source; new: {labels}")

    # (b) details added to a claim that has earlier versions -- unless it cites a source that the
    # earliest versions (a cluster's first 64 claims in timeline order) of the other articles up
    # to its own group do not: a new source could have supplied the new detail
    pair_code, pairs = _distinct_rows(cl["source"], cl["context_sources"])
    src = [set(_split(s_) + _split(c_)) for s_, c_ in pairs]
    need = np.zeros(len(lo), dtype=bool)
    need[cc[earlier_partner]] = True
    members = np.lexsort((g, cc))                   # by cluster and group rank, then claim
    members = members[need[cc[members]]]
    heads = np.flatnonzero(np.r_[True, cc[members][1:] != cc[members][:-1]])
    place = np.arange(len(members)) - np.repeat(heads, np.diff(np.r_[heads, len(members)]))
    early, place = members[place < 64], place[place < 64]
    # per (cluster, source): the first early claim citing it, its article, and the first early
    # claim of another article citing it
    covers: dict[tuple, tuple] = {}
    for k, p in zip(early.tolist(), place.tolist()):
        for s_ in src[pair_code[k]]:
            c_ = covers.get((cc[k], s_))
            if c_ is None:
                covers[(cc[k], s_)] = (p, art[k], 64)
            elif c_[2] == 64 and art[k] != c_[1]:
                covers[(cc[k], s_)] = (c_[0], c_[1], p)
    span = int(g.max()) + 1
    key = cc[early] * span + g[early]
    ep = np.flatnonzero(earlier_partner)
    upto = np.searchsorted(key, cc[ep] * span + g[ep], side="right") - np.searchsorted(key, cc[ep] * span)
    for k, t in zip(ep.tolist(), upto.tolist()):
        a = aids[k]
        if any(not ((c_[0] if c_[1] != art[k] else c_[2]) < t) for c_ in
               (covers.get((cc[k], s_), (64, art[k], 64)) for s_ in src[pair_code[k]])):
            continue  # a new source could have supplied the new detail
        for p in facts(k, "people") or []:
            if p.get("key") and novel("p:" + p["key"], a):
                add(k, "person", p.get("w") or p.get("v"), "", "invented", p.get("span"), "",
                    "a person no earlier article names, added to a claim that earlier articles make")
        if kind[k] == "flight" and facts(k, "route"):
            for p, span_ in _route_places(facts(k)):
                if _specific_place(p, kinds) and novel("pl:" + p, a):
                    add(k, "place", p, "", "invented", span_, "",
                        "a place no earlier article names, added to the route of a flight earlier articles report")


def _token_label(tok: str) -> str:
    typ, _, val = tok.partition(":")
    names = {"p": "person", "e": "name", "pl": "place", "d": "date", "n": "number", "du": "duration", "c": "event"}
    return f"{names.get(typ, typ)} {val}"


def _prefix_terms(q, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(row, term) of each row's heaviest terms of ``q`` (rows L2-normalised, entries >= 0): the
    fewest without which the rest of the row weighs less than ``threshold``. By Cauchy-Schwarz a
    row shares one of them with any unit vector it has a cosine of ``threshold`` or more with
    (the bound is lowered by a thousandth, far more than float32 rounding)."""
    rows = np.repeat(np.arange(q.shape[0], dtype=np.int64), np.diff(q.indptr))
    order = np.lexsort((-q.data, rows))             # each row's entries, heaviest first
    sq = q.data[order].astype(np.float64) ** 2
    after = np.cumsum(sq[::-1])[::-1]               # this entry and all after it, to the end
    row_end = np.zeros(q.shape[0] + 1)
    row_end[:-1] = np.r_[after, 0.0][q.indptr[1:]]  # what lies beyond each row's last entry
    rest = after - row_end[rows[order]]             # this entry and the rest of its row
    keep = rest >= (threshold * 0.999) ** 2
    return rows[order][keep], q.indices[order][keep].astype(np.int64)


def _pairs_at_least(q, m, threshold: float, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """(row of ``q``, row of ``m``) of the entries of ``q @ m.T`` that are >= ``threshold``
    (``q``'s and ``m``'s rows L2-normalised, entries >= 0, no column twice in a row, as
    :func:`_tfidf` makes them), with the same values, hence the same
    pairs, as the whole product -- which grows with the square of the corpus -- without computing
    it: a block of ``q``'s rows is multiplied only by the rows of ``m`` that share one of their
    :func:`_prefix_terms` (on the bench corpus about half of the sentences of a language: the
    memory is bounded, the work not much less), in blocks whose products have at most
    ``budget`` entries (estimated from the terms' document frequencies, as in
    :func:`_text_blocks`; a single row may exceed it). (scipy sums each entry of a product row
    in the order of the left row's terms, whichever other rows the right-hand side holds.)"""
    pr, pt = _prefix_terms(q, threshold)
    postings = m.T.tocsr()                          # term -> rows of m holding it
    df = np.diff(postings.indptr).astype(np.int64)
    rows = np.repeat(np.arange(q.shape[0]), np.diff(q.indptr))
    reach = np.cumsum(np.bincount(rows, weights=df[q.indices], minlength=q.shape[0]))
    starts = np.searchsorted(pr, np.arange(q.shape[0] + 1))   # each row's prefix terms in (pr, pt)
    out_r, out_c = [], []
    s = 0
    while s < q.shape[0]:
        e = max(s + 1, int(np.searchsorted(reach, (reach[s - 1] if s else 0.0) + budget, side="right")))
        e = min(e, q.shape[0])
        terms = pt[starts[s]:starts[e]]
        if len(terms):
            got = np.concatenate([postings.indices[postings.indptr[t]:postings.indptr[t + 1]]
                                  for t in np.unique(terms).tolist()])
            cand = _unique(got.astype(np.int64))
            prod = (q[s:e] @ m[cand].T).tocoo()
            hit = prod.data >= threshold
            out_r.append(prod.row[hit].astype(np.int64) + s)
            out_c.append(cand[prod.col[hit]])
        s = e
    if not out_r:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_r), np.concatenate(out_c)


def _drop_text_antecedents(cands, cl, corpus, tl, cfg):
    """Keep the candidates with no similar sentence (same language) in an earlier article."""
    if not cands or corpus.sentences is None or not len(corpus.sentences):
        return cands
    rank = dict(zip(_list(tl["article_id"]), _list(tl["order_rank"])))
    group = dict(zip(_list(tl["article_id"]), _list(tl["group"])))
    sents = corpus.sentences
    lang_of = dict(zip(corpus.articles["article_id"], corpus.articles["language"].fillna("")))
    sent_lang = sents["article_id"].map(lang_of).fillna("").to_numpy(dtype=object)
    keep = []
    by_lang = defaultdict(list)
    for k, new in cands:
        by_lang[cl["language"][k]].append((k, new))
    for lg, items in by_lang.items():
        s = sents[sent_lang == lg]
        if not len(s):
            keep += items
            continue
        # the sentences' word TF-IDF, and the candidates' in the sentences' vocabulary
        docs = s["text"].fillna("").tolist()
        keys, per_doc = _word_keys(docs + [cl["text"][k] for k, _ in items], lg)
        split = int(per_doc[:len(docs)].sum())
        m, vocabulary, _ = _count_matrix(keys[:split], per_doc[:len(docs)])
        if m is None:  # no words in these sentences
            keep += items
            continue
        m, q = _tfidf(m, _count_matrix(keys[split:], per_doc[len(docs):], vocabulary)[0])
        row, col = _pairs_at_least(q, m, cfg.antecedent_text, cfg.product_budget)
        # an antecedent: a similar sentence of another article, earlier or contemporaneous
        s_art, q_art = s["article_id"], pd.Series([cl["article_id"][k] for k, _ in items], dtype=object)
        row_art = q_art.to_numpy()[row]
        hit = ((s_art.to_numpy()[col] != row_art)
               & ((s_art.map(rank).to_numpy()[col] < q_art.map(rank).to_numpy()[row])
                  | (s_art.map(group).to_numpy()[col] == q_art.map(group).to_numpy()[row])))
        found = np.bincount(row[hit], minlength=len(items)) > 0
        keep += [item for item, f in zip(items, found) if not f]
    return sorted(keep)


# --- derivation links --------------------------------------------------------------------------------------


def find_links(claims: pd.DataFrame, mentions: pd.DataFrame, muts: pd.DataFrame, tl: pd.DataFrame,
               feats: _Features, cfg: SpreadConfig, ngrams: tuple | None = None) -> pd.DataFrame:
    """Likely derivation links between articles (rows of ``article_links``); ``ngrams``: the
    articles' rare word 4-grams (:func:`_rare_ngrams`), found here when not given.

    Candidate pairs: articles sharing a claim cluster, each paired with its ``link_window``
    predecessors in the cluster's timeline and the cluster's first three articles (linear). The
    evidence and the scores of all pairs are computed at once (see :func:`_link_scores`); only
    the links are then written out one by one."""
    cols = [c for c, _, _ in SPREAD_SCHEMA["article_links"]]
    arts = tl["article_id"].tolist()
    if len(arts) < 2 or not len(claims):
        return pd.DataFrame(columns=cols)
    n_art = len(arts)
    aidx = {x: k for k, x in enumerate(arts)}      # the timeline position
    art = claims["article_id"].map(aidx).to_numpy(dtype=np.int64)
    cl, cl_names = pd.factorize(claims["cluster_id"])
    cl, n_cl_all = cl.astype(np.int64), len(cl_names)
    # each (cluster, article) once, by cluster and timeline; the clusters told by several articles
    ca = _unique(cl * n_art + art)
    c_of, a_of = ca // n_art, ca % n_art
    first = np.flatnonzero(np.r_[True, c_of[1:] != c_of[:-1]])
    size = np.diff(np.r_[first, len(ca)])
    multi = np.repeat(size > 1, size)
    if not multi.any():
        return pd.DataFrame(columns=cols)
    pos, head = np.arange(len(ca)) - np.repeat(first, size), np.repeat(first, size)
    pi, pj = [], []
    for d in range(1, cfg.link_window + 1):
        ok = pos[d:] >= d
        pi.append(a_of[:-d][ok])
        pj.append(a_of[d:][ok])
    for k in range(2):
        ok = pos > k
        pi.append(a_of[head[ok] + k])
        pj.append(a_of[ok])
    code = _unique(np.concatenate(pi) * n_art + np.concatenate(pj))
    i, j = code // n_art, code % n_art
    am = sparse.csr_matrix((np.ones(int(multi.sum()), np.float32), (a_of[multi], c_of[multi])), shape=(n_art, n_cl_all))
    ngr, n_ng = ngrams if ngrams is not None else _rare_ngrams(*_ngram_input(claims, tl))
    shared = _rowdot(am, am, i, j, cfg.pair_chunk)
    n_cl = np.asarray(am.sum(axis=1)).ravel()
    shared_ng = _rowdot(ngr, ngr, i, j, cfg.pair_chunk) if ngr is not None else np.zeros(len(i))
    # the changed values each article carries (script-independent) and how many a pair shares
    mut_keys: dict[str, dict] = defaultdict(dict)
    for r in muts[["article_id", "cluster_id", "field", "value"]].itertuples(index=False):
        mut_keys[r.article_id].setdefault((r.cluster_id, r.field, _mutation_key(r.field, str(r.value))), str(r.value))
    deviations = Counter(muts["article_id"]) if len(muts) else Counter()
    mut_sets = {a_: set(d) for a_, d in mut_keys.items()}
    held = [(aidx[a_], k) for a_, d in mut_keys.items() if a_ in aidx for k in d]
    mm = sparse.csr_matrix((np.ones(len(held), np.float32),
                            ([x for x, _ in held], pd.factorize(pd.Series([k for _, k in held], dtype=object))[0])),
                           shape=(n_art, max(1, len(held))))
    has_mut = np.diff(mm.indptr) > 0
    keep = (shared >= 2) | (has_mut[i] & has_mut[j])
    i, j, shared, shared_ng = i[keep], j[keep], shared[keep], shared_ng[keep]
    smut = _rowdot(mm, mm, i, j, cfg.pair_chunk).astype(np.int64)
    keep = (shared >= 2) | (smut > 0)
    i, j, shared, shared_ng, smut = i[keep], j[keep], shared[keep], shared_ng[keep], smut[keep]
    # each article's shared clusters in the order it tells them (their first mentions)
    in_multi = np.zeros(n_cl_all, dtype=bool)
    in_multi[c_of[multi]] = True
    fm = np.flatnonzero(in_multi[cl])
    fm = fm[np.lexsort((claims["start"].to_numpy()[fm], art[fm]))]
    fm = fm[~pd.Series(art[fm] * n_cl_all + cl[fm]).duplicated().to_numpy()]
    heads = np.flatnonzero(np.r_[True, art[fm][1:] != art[fm][:-1]])
    seq_pos = np.arange(len(fm)) - np.repeat(heads, np.diff(np.r_[heads, len(fm)]))
    # the clusters a pair shares, with their first mentions in both: in the earlier article's order
    where = sparse.csr_matrix((np.arange(1, len(fm) + 1, dtype=np.float64), (art[fm], cl[fm])), shape=(n_art, n_cl_all))
    where.sort_indices()
    told = where.copy()
    told.data[:] = 1.0
    found: dict[int, tuple] = {}

    def shared_of(s, e):
        in_a = where[i[s:e]].multiply(told[j[s:e]]).tocsr()
        in_b = told[i[s:e]].multiply(where[j[s:e]]).tocsr()
        found[s] = (s + np.repeat(np.arange(e - s), np.diff(in_a.indptr)), in_a.data.astype(np.int64) - 1,
                    in_b.data.astype(np.int64) - 1)

    _in_chunks(shared_of, len(i), cfg.pair_chunk)
    q_of, fa, fb = (np.concatenate(z) for z in zip(*(found[s] for s in sorted(found)))) if found else \
        (np.zeros(0, np.int64),) * 3
    by = np.argsort(q_of * (int(seq_pos.max(initial=0)) + 1) + seq_pos[fa])  # by pair, then the first article's order
    q_of, fa, fb = q_of[by], fa[by], fb[by]
    order = _order_agreements(q_of, seq_pos[fb], len(i))
    # aligned-sentence similarity: the mean over the shared clusters of the text similarity of
    # their first mentions (same-language articles)
    lang = _strings(tl["language"])
    same_lang = (lang[i] == lang[j]) & (lang[i] != "")
    tsim = np.zeros(len(i))
    sel = same_lang[q_of]
    if sel.any():
        pa_arr, pb_arr, own = fm[fa[sel]], fm[fb[sel]], q_of[sel]
        sims = np.zeros(len(pa_arr), dtype=np.float32)
        for code, lg in enumerate(feats.languages):
            comb = feats.text[lg][1]
            on = np.flatnonzero(feats.lang[pa_arr] == code)
            if len(on):
                sims[on] = _rowdot(comb, comb, feats.local[pa_arr[on]], feats.local[pb_arr[on]], cfg.pair_chunk)
        sums = np.bincount(own, weights=sims, minlength=len(i))
        cnts = np.bincount(own, minlength=len(i))
        tsim = np.divide(sums, np.maximum(cnts, 1))
    ts = np.where(same_lang, tsim, 0.0)
    # names and numbers are shared by every re-telling; only same-language wording shows copying
    sng = np.where(same_lang, shared_ng, 0)
    overlap = shared / np.maximum(np.float32(1.0), np.minimum(n_cl[i], n_cl[j]))
    # a faithful translation: many shared claims, told in the same order, most of both
    # articles -- unless both cite the same channel for them (then common re-tellings of it)
    translated = ~same_lang & (shared >= 4) & (order >= 0.9) & (overlap >= 0.8) & (smut == 0)
    q_tr = np.flatnonzero(translated)
    if len(q_tr):
        ch = _strings(claims["channel"])
        has_ch = np.flatnonzero(ch != "")
        channels: dict[tuple, set] = defaultdict(set)   # (article, cluster) -> cited channels
        for a_, c_, x in zip(art[has_ch].tolist(), cl[has_ch].tolist(), ch[has_ch].tolist()):
            channels[(a_, c_)].add(x)
        bounds = np.searchsorted(q_of, np.r_[q_tr, q_tr + 1]).reshape(2, -1)
        for q, lo, hi in zip(q_tr.tolist(), *bounds.tolist()):
            a_, b_ = int(i[q]), int(j[q])
            if any(channels.get((a_, c_), set()) & channels.get((b_, c_), set()) for c_ in cl[fm[fa[lo:hi]]].tolist()):
                translated[q] = False
    score, in_f32 = _link_scores(shared, same_lang, order, overlap, translated, ts, sng,
                                 5.0 + 0.02 * np.minimum(n_ng[i], n_ng[j]), smut)
    q = np.flatnonzero(score >= cfg.link_threshold)
    i, j, sh, sg, nm, od, tq = (i[q], j[q], shared[q].astype(np.int64), sng[q], smut[q], order[q], ts[q])
    same_lang, translated, score, in_f32 = same_lang[q], translated[q], score[q], in_f32[q]
    src, dst, conf = _directions(i, j, tl, deviations)
    published = tl["order_from"].to_numpy() == "published"
    # structure alone says nothing of which undated article came first
    conf[translated & ~published[i] & ~published[j]] = "low"
    evidence = []
    for x, y, sh_, sg_, nm_, od_, tq_, same_ in zip(i.tolist(), j.tolist(), sh.tolist(), sg.tolist(), nm.tolist(),
                                                    od.tolist(), tq.tolist(), same_lang.tolist()):
        ev = [f"{sh_} shared claims" + (f" in the same order ({od_:.0%} of pairs)" if sh_ >= 3 else "")]
        if same_:
            ev.append(f"aligned sentences {tq_:.2f} similar")
        if sg_:
            ev.append(f"{int(sg_)} shared rare 4-word phrases")
        if nm_:
            a_, b_ = arts[x], arts[y]
            both = sorted(mut_sets[a_] & mut_sets[b_])
            ev.append("shared changed values: " + "; ".join(
                f"{k[1]} {' / '.join(dict.fromkeys((mut_keys[a_][k], mut_keys[b_][k])))}" for k in both[:3]))
        evidence.append(", ".join(ev))
    names = np.asarray(arts, dtype=object)
    cols_out = {"source_article": names[src].tolist(), "target_article": names[dst].tolist(),
                "kind": np.where(~same_lang, "translation", np.where(tq >= 0.8, "copy", "paraphrase")).tolist(),
                "score": [round(np.float32(v) if f else v, 4) for v, f in zip(score.tolist(), in_f32.tolist())],
                "evidence": evidence, "direction_confidence": conf.tolist(), "shared_claims": sh.tolist(),
                "order_agreement": [round(v, 4) for v in od.tolist()],
                "text_similarity": [round(v, 4) for v in tq.tolist()],
                "shared_ngrams": [int(v) for v in sg.tolist()], "shared_mutations": nm.tolist()}
    df = pd.DataFrame(cols_out, columns=cols)
    if len(df):
        df = df.sort_values(["target_article", "score", "source_article"], ascending=[True, False, True], kind="stable")
        df["best_parent"] = ~df.duplicated("target_article")
        df = df.sort_values(["source_article", "target_article"], kind="stable").reset_index(drop=True)
    return df


def _link_scores(shared, same_lang, order, overlap, translated, ts, sng, ng_scale, smut):
    """(the score of each article pair, whether it is a float32): one minus the product of the
    missing evidence -- structure (shared claims in the same order, worth more for a
    translation), aligned text, shared rare phrases, shared changed values. The structure term is
    a float32 (from float32 counts) unless it is clamped to 0 or 1 (a Python float), and with a
    float32 term the whole score is a float32: the arithmetic, and so the rounding, that Python
    scalars mixing NumPy float32 and Python floats do, pair by pair."""
    in_f32 = shared >= np.where(same_lang, 3, 4)
    struct = overlap * order.astype(np.float32)
    e32 = (struct - np.float32(0.3)) / np.float32(0.5)
    e64 = np.where(in_f32 & (e32 >= 1), 1.0, 0.0)
    in_f32 &= (e32 > 0) & (e32 < 1)
    w_struct = np.where(translated, 0.6, 0.45)
    e_text = np.minimum(1.0, np.maximum(0.0, (ts - 0.25) / 0.35))
    e_ng = 1.0 - np.array([math.exp(x) for x in (-sng.astype(np.float64) / ng_scale).tolist()])
    e_mut = np.array([1.0 - 0.3 ** k for k in range(int(smut.max(initial=0)) + 1)])[smut]
    rest = [1 - 0.8 * e_text, 1 - 0.8 * e_ng, 1 - 0.9 * e_mut]
    score = 1.0 - (1 - w_struct * e64) * rest[0] * rest[1] * rest[2]
    f32 = (np.float32(1) - w_struct.astype(np.float32) * e32) * rest[0].astype(np.float32)
    f32 = np.float32(1.0) - f32 * rest[1].astype(np.float32) * rest[2].astype(np.float32)
    return np.where(in_f32, f32, score), in_f32


def _order_agreements(q: np.ndarray, other: np.ndarray, n_pairs: int) -> np.ndarray:
    """For each pair of articles, the share of pairs of their shared claims told in the same
    order by both (``q``: the pair of each shared claim, ascending, in the first article's order;
    ``other``: its place in the second's); long lists (over 60) compare neighbours only (linear).
    """
    n = np.bincount(q, minlength=n_pairs)
    out = np.where(n == 1, 1.0, 0.0)
    start = np.cumsum(n) - n
    for size in np.unique(n[n >= 2]).tolist():
        pairs = np.flatnonzero(n == size)
        if size > 60:
            at = start[pairs][:, None] + np.arange(size)[None, :]
            agree = (other[at[:, :-1]] < other[at[:, 1:]]).sum(axis=1)
            out[pairs] = agree / (size - 1)
            continue
        upper = np.triu(np.ones((size, size), dtype=bool), 1)
        step = max(1, 2_000_000 // (size * size))
        for s in range(0, len(pairs), step):
            p = pairs[s:s + step]
            seq = other[start[p][:, None] + np.arange(size)[None, :]]
            agree = ((seq[:, :, None] < seq[:, None, :]) & upper).sum(axis=(1, 2))
            out[p] = agree / (size * (size - 1) / 2)
    return out


def _mutation_key(field: str, value: str) -> str:
    """A script-independent form of a mutated value, so that a translation carrying it matches
    (Il-26M = Ил-26М; Abu Qusra = Абу Кусра)."""
    from .claims import designator_key, person_key

    if field == "aircraft":
        num, suf, var = _desig_parts(designator_key(value, "X-1"))
        return f"{num}{suf}{'-' + var if var else ''}" or value.lower()
    if field in ("person", "place", "claim"):
        return person_key(value) if field == "person" else value.lower()
    return value.lower()


def _ngram_input(claims: pd.DataFrame, tl: pd.DataFrame) -> tuple[list[str], np.ndarray, int]:
    """(the claims' texts, each claim's article's timeline position, the number of articles): what
    :func:`_rare_ngrams` reads."""
    return _strings(claims["text"]).tolist(), claims["article_id"].map(
        dict(zip(tl["article_id"], range(len(tl))))).to_numpy(dtype=np.int64), len(tl)


def _rare_ngrams(texts: list[str], art: np.ndarray, n_art: int):
    """(articles x word 4-grams used by 2 to max(2, 2% of articles) articles, binary; the number
    of 4-grams of each article) of claims' ``texts``; ``art``: each claim's article. Words are
    numbered (see :func:`_word_codes`), and the 4-grams found with NumPy."""
    codes, lengths = _word_codes(texts)
    counts = np.bincount(art, weights=np.maximum(0, lengths - 3), minlength=n_art).astype(np.float64)
    owner = np.repeat(np.arange(len(lengths)), lengths)
    start = np.flatnonzero(owner[:-3] == owner[3:]) if len(owner) > 3 else np.zeros(0, np.int64)
    if not len(start):
        return None, counts
    bits = max(1, int(codes.max()).bit_length())
    gram = pd.factorize(_lex_keys([codes[start + d] for d in range(4)], bits))[0]
    m = sparse.csr_matrix((np.ones(len(start), np.float32), (art[owner[start]], gram)),
                          shape=(n_art, int(gram.max()) + 1))
    m = (m > 0).astype(np.float32).tocsc()
    df = np.asarray(m.sum(axis=0)).ravel()
    cap = max(2, int(0.02 * n_art))
    return m[:, np.flatnonzero((df >= 2) & (df <= cap))].tocsr(), counts


def _directions(i: np.ndarray, j: np.ndarray, tl: pd.DataFrame, deviations: Counter):
    """(sources, targets, confidences) of links between the articles at timeline positions
    ``i < j`` (see the module docs): the earlier is the source, ``high`` when both are dated on
    different days, ``medium`` when only the source is dated; contemporaneous articles: the one
    with fewer deviations from the cluster references is the source (copies accumulate changes),
    ``low``; ``medium`` when both are dated by the latest day they mention and the source has
    no more deviations, else ``low``."""
    frm, date, group = (tl[c].to_numpy() for c in ("order_from", "order_date", "group"))
    dev = tl["article_id"].map(lambda a: deviations.get(a, 0)).to_numpy(dtype=np.int64)
    pub_i, pub_j = frm[i] == "published", frm[j] == "published"
    high = pub_i & pub_j & (date[i] != date[j])
    medium = pub_i & ~pub_j
    same = group[i] == group[j]
    latest = (frm[i] == "latest_mentioned") & (frm[j] == "latest_mentioned") & (dev[i] <= dev[j])
    conf = np.where(high, "high", np.where(medium, "medium", np.where(~same & latest, "medium", "low"))).astype(object)
    swap = ~high & ~medium & same & (dev[i] > dev[j])
    return np.where(swap, j, i), np.where(swap, i, j), conf


# --- clusters ----------------------------------------------------------------------------------------------


def _clusters(claims, mentions, muts, links, tl) -> pd.DataFrame:
    """One row per cluster. Aggregates are vectorised; only clusters with several articles get
    the per-cluster work (votes, origins)."""
    t = tl.set_index("article_id")
    c = claims[["cluster_id", "order_rank", "start", "end", "language", "article_id", "claim_id", "text", "kind",
                "channel", "facts", "date_start", "date_end", "count", "count_explicit"]]
    c = c.assign(_en=(c["language"] != "en").astype(int))
    c = c.sort_values(["cluster_id", "order_rank", "start", "end"], kind="stable")
    g = c.groupby("cluster_id", sort=True)
    out = pd.DataFrame({"n_mentions": g.size(), "n_articles": g["article_id"].nunique()})
    firsts = c.drop_duplicates("cluster_id").set_index("cluster_id")
    out["first_article"] = firsts["article_id"]
    rep = c.sort_values(["cluster_id", "_en", "order_rank", "start"], kind="stable").drop_duplicates("cluster_id")
    rep = rep.set_index("cluster_id")
    out["representative"] = rep["claim_id"]
    out["label"] = rep["text"].map(lambda x: " ".join(_s(x).split())).map(lambda x: x if len(x) <= 160 else x[:159] + "…")
    kinds = c.groupby(["cluster_id", "kind"]).size().reset_index(name="n")
    kinds = kinds.sort_values(["cluster_id", "n", "kind"], ascending=[True, False, True], kind="stable")
    out["kind"] = kinds.drop_duplicates("cluster_id").set_index("cluster_id")["kind"]
    langs = c[c["language"] != ""].drop_duplicates(["cluster_id", "language"])
    out["languages"] = _joined(langs["cluster_id"], langs["language"])
    out["n_languages"] = langs.groupby("cluster_id").size()
    chans = c[_strings(c["channel"]) != ""].drop_duplicates(["cluster_id", "channel"])
    chans = chans.sort_values(["cluster_id", "channel"])
    out["attributed_sources"] = _joined(chans["cluster_id"], chans["channel"])
    out["first_outlet"] = out["first_article"].map(t["outlet"])
    out["first_published"] = out["first_article"].map(t["published"])
    out["first_order_date"] = out["first_article"].map(t["order_date"])
    # the latest publication date of each cluster's articles
    pub, pubs = pd.factorize(_strings(c["article_id"].map(t["published"])), sort=True)
    cl, cls = pd.factorize(c["cluster_id"], sort=True)
    top = np.full(len(cls), -1, dtype=np.int64)
    np.maximum.at(top, cl, pub)
    pubs = np.asarray(pubs, dtype=object)
    dated = np.flatnonzero(pubs[top] != "")
    out["last_published"] = pd.Series(pubs[top][dated], index=np.asarray(cls, dtype=object)[dated], dtype=object)
    out["n_mutations"] = muts[muts["kind"] == "changed"].groupby("cluster_id").size() if len(muts) else 0
    out["n_invented"] = muts[muts["kind"] == "invented"].groupby("cluster_id").size() if len(muts) else 0
    out[["n_mutations", "n_invented"]] = out[["n_mutations", "n_invented"]].fillna(0).astype(int)
    out["n_languages"] = out["n_languages"].fillna(0).astype(int)
    # singletons: their own values
    out["independent_origins"] = 1
    out["derivation_roots"] = 1
    out["aircraft"] = firsts["facts"].map(lambda f: next((x.get("d") for x in _facts(f).get("aircraft", []) if x.get("d")), "")
                                          if "aircraft" in _s(f) else "")
    out["date_start"] = firsts["date_start"]
    out["date_end"] = firsts["date_end"]
    out["count"] = firsts["count"].where(firsts["count_explicit"].astype(bool), pd.NA).astype(object)
    for col in ("aircraft", "date_start", "date_end"):
        out[col] = out[col].astype(object)
    # clusters with several articles: references and origins
    ref_vals = {}
    if len(muts):
        for r in muts[muts["kind"] == "changed"].itertuples():
            if r.field in ("aircraft", "date", "count"):
                ref_vals.setdefault((r.cluster_id, r.field), r.reference_value)
    multi = c[c["cluster_id"].isin(out.index[out["n_articles"] > 1])]
    ids, roots, origins = _origins(multi, links)
    out.loc[ids, "derivation_roots"] = roots
    out.loc[ids, "independent_origins"] = origins
    cols = {k: multi[k].to_numpy(dtype=object).tolist() for k in ("cluster_id", "article_id", "order_rank", "facts",
                                                                   "date_start", "date_end", "count", "count_explicit",
                                                                   "kind")}
    spans: dict[str, list] = defaultdict(list)
    for q, cid in enumerate(cols["cluster_id"]):
        spans[cid].append(q)
    refs: dict[str, list] = {"aircraft": [], "date_start": [], "date_end": [], "count": []}
    for cid in ids:
        qs = spans[cid]
        ac = ref_vals.get((cid, "aircraft"))
        if not ac:
            votes = [(x.get("d"), int(cols["order_rank"][q]), cols["article_id"][q]) for q in qs
                     if "aircraft" in _s(cols["facts"][q])
                     for x in _facts(cols["facts"][q]).get("aircraft", []) if x.get("d") and not x.get("flag")]
            ac = (_vote(votes) or ("", ""))[0]
        refs["aircraft"].append(ac)
        win = ref_vals.get((cid, "date"))
        if not win:
            w = _vote([(f"{cols['date_start'][q]}/{cols['date_end'][q] or cols['date_start'][q]}",
                        int(cols["order_rank"][q]), cols["article_id"][q]) for q in qs
                       if cols["date_start"][q] and cols["kind"][q] in ("flight", "meeting")])
            win = w[0] if w else ""
        ds, de = (win.split("/") + [""])[:2] if win else ("", "")
        refs["date_start"].append(ds)
        refs["date_end"].append(de)
        cnt = ref_vals.get((cid, "count"))
        if not cnt:
            v = _vote([(_s(cols["count"][q]), int(cols["order_rank"][q]), cols["article_id"][q]) for q in qs
                       if cols["count_explicit"][q] and _s(cols["count"][q])])
            cnt = v[0] if v else pd.NA
        # reference values are text ('3'); the column is an integer count
        known = isinstance(cnt, (str, int, float)) and str(cnt).strip() not in ("", "nan")
        refs["count"].append(int(float(cnt)) if known else pd.NA)
    for col, values in refs.items():
        out.loc[ids, col] = pd.Series(values, index=ids, dtype=object)
    return out.reset_index()


def _joined(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values.groupby(keys).agg("|".join)`` for ``keys`` already grouped (sorted)."""
    k, v = keys.to_numpy(dtype=object), values.to_numpy(dtype=object).tolist()
    heads = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else np.zeros(0, np.int64)
    bounds = np.r_[heads, len(k)].tolist()
    return pd.Series(["|".join(v[a:b]) for a, b in zip(bounds[:-1], bounds[1:])], index=k[heads], dtype=object)


def _origins(multi: pd.DataFrame, links: pd.DataFrame) -> tuple[list, np.ndarray, np.ndarray]:
    """(the clusters of ``multi`` -- claims of clusters with several articles -- sorted, their
    derivation roots, their independent origins): the connected groups of a cluster's articles
    joined by derivation links between them, then also by citing the same channel. Connected
    components of one graph of (cluster, article) nodes."""
    from scipy.sparse.csgraph import connected_components

    cl, ids = pd.factorize(multi["cluster_id"], sort=True)
    art, names = pd.factorize(multi["article_id"])
    n_art = max(1, len(names))
    nodes = _unique(cl * n_art + art)                 # by cluster, then article
    node_cl = nodes // n_art
    member = sparse.csr_matrix((np.ones(len(nodes), np.float32), (nodes % n_art, node_cl)), shape=(n_art, len(ids)))
    x = pd.Index(names).get_indexer(links["source_article"]) if len(links) else np.zeros(0, np.int64)
    y = pd.Index(names).get_indexer(links["target_article"]) if len(links) else np.zeros(0, np.int64)
    ok = (x >= 0) & (y >= 0)
    x, y = x[ok], y[ok]
    both = member[x].multiply(member[y]).tocsr()      # the clusters holding both ends of a link
    q = np.repeat(np.arange(len(x)), np.diff(both.indptr))
    edges = [(np.searchsorted(nodes, both.indices * n_art + x[q]), np.searchsorted(nodes, both.indices * n_art + y[q]))]

    def groups(extra):
        e = [np.concatenate(z) for z in zip(*(edges + extra))]
        g = sparse.csr_matrix((np.ones(len(e[0]), np.int8), (e[0], e[1])), shape=(len(nodes), len(nodes)))
        label = connected_components(g, directed=False)[1]
        return np.bincount(_unique(node_cl * len(nodes) + label) // len(nodes), minlength=len(ids))

    # articles citing the same channel for a cluster's claims are one origin: each joined to the
    # first of them
    ch = _strings(multi["channel"])
    has = np.flatnonzero(ch != "")
    g, _ = _distinct_rows(cl[has], ch[has]) if len(has) else (np.zeros(0, np.int64), [])
    head = has[np.flatnonzero(np.r_[True, g[1:] > np.maximum.accumulate(g)[:-1]])[g]] if len(has) else has
    same_channel = (np.searchsorted(nodes, cl[has] * n_art + art[has]),
                    np.searchsorted(nodes, cl[head] * n_art + art[head]))
    return list(ids), groups([]), groups([same_channel])
