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
engine does) they run as a partitioned join on its workers. Accepted pairs are
merged with union-find, strongest first; two groups of several claims merge only when their first
claims are alike too (``merge_floor``), so that one bridging pair cannot chain different claims.

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
"""
from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
import pandas as pd
from scipy import sparse

from . import schema

__all__ = ["SPREAD_SCHEMA", "SpreadConfig", "spread_tables", "timeline", "fact_tokens", "cluster_claims",
           "find_mutations", "find_links", "conform"]

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
    pair_chunk: int = 20_000           # pairs scored at once (bounds memory)
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


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOK = re.compile(rf"[{_CJK}]+|[^\W_]+")
_AR_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": None})


def _words(text: str) -> list[str]:
    """Lower-cased words cut to 6 letters (a cheap stemmer for inflected languages); Chinese as
    character bigrams."""
    out = []
    for m in _TOK.finditer(text.lower().translate(_AR_FOLD).replace("ё", "е")):
        w = m.group()
        if "\u3400" <= w[0] <= "\ufaff":
            out.extend(w[i:i + 2] for i in range(max(1, len(w) - 1)))
        else:
            out.append(w[:6])
    return out


# the letters of a run of letters after its sixth (deleted: no template to expand per match)
_LONG_WORD = re.compile(r"(?<=[^\W\d_]{6})[^\W\d_]+")


def _stem_text(text: str) -> str:
    """Lower case with every word cut to 6 letters (a cheap stemmer for inflected languages)."""
    return _LONG_WORD.sub("", text.lower().translate(_AR_FOLD).replace("ё", "е"))


def _word_vectorizer(lang: str):
    """Word 1-2-gram TF-IDF on prefix-stemmed words; Chinese (no spaces) on character 1-2-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if lang == "zh":
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)
    return TfidfVectorizer(preprocessor=_stem_text, token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2),
                           sublinear_tf=True, dtype=np.float32)


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
        for aid, ds_all, ds, de in zip(claims["article_id"], claims.get("dates", pd.Series([""] * len(claims))),
                                       claims.get("date_start", pd.Series([""] * len(claims))),
                                       claims.get("date_end", pd.Series([""] * len(claims)))):
            spans = [x.split("/") for x in _split(ds_all)]
            if _date(ds):
                spans.append([_date(ds), _date(de) or _date(ds)])
            for sp in spans:
                if len(sp) != 2 or not sp[0]:
                    continue
                bound = sp[1] if _days(sp[0], sp[1]) <= 14 else sp[0]
                if bound > latest.get(aid, ""):
                    latest[aid] = bound
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


def fact_tokens(claims: pd.DataFrame) -> list[list[str]]:
    """Language-independent fact tokens of each claim (``type:value``)."""
    kinds, _ = _place_kinds()
    out = []
    cols = {c: claims[c].tolist() if c in claims.columns else [""] * len(claims) for c in
            ("aircraft_family", "count", "count_explicit", "dates", "date_start", "date_end", "places", "people_keys",
             "bodies", "entities", "numbers", "durations", "concepts", "source", "kind")}
    for i in range(len(claims)):
        toks = []
        fams = sorted(set(_split(cols["aircraft_family"][i])))
        for f in fams:
            toks.append("fam:" + f)
        spans = [x.split("/") for x in _split(cols["dates"][i])]
        if _date(cols["date_start"][i]):
            spans.append([_date(cols["date_start"][i]), _date(cols["date_end"][i]) or _date(cols["date_start"][i])])
        for sp in spans:
            if len(sp) != 2 or not sp[0]:
                continue
            n = _days(sp[0], sp[1])
            if n <= 31:
                toks += ["d:" + sp[0], "d:" + sp[1]]
                toks += [f"fd:{f}|{sp[0]}" for f in fams]
            elif n <= 366:
                toks.append("mo:" + sp[0][:7])
            else:
                toks.append("y:" + sp[0][:4])
        if cols["count_explicit"][i] is True and _s(cols["count"][i]):
            toks.append("cnt:" + _s(cols["count"][i]))
            toks += [f"fc:{f}|{_s(cols['count'][i])}" for f in fams]
        for p in _split(cols["places"][i]):
            if _specific_place(p, kinds):
                toks.append("pl:" + p)
                toks += [f"fp:{f}|{p}" for f in fams]
            else:
                toks.append("plg:" + p)
        toks += ["p:" + k for k in _split(cols["people_keys"][i])]
        toks += ["b:" + b for b in _split(cols["bodies"][i])]
        toks += ["e:" + e.lower() for e in _split(cols["entities"][i])]
        toks += ["n:" + n for n in _split(cols["numbers"][i])]
        toks += ["du:" + d for d in _split(cols["durations"][i])]
        toks += ["c:" + c for c in _split(cols["concepts"][i])]
        toks += ["s:" + s for s in _split(cols["source"][i])]
        out.append(sorted(set(toks)))
    return out


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


def _rowdot(a, b, i, j, chunk: int) -> np.ndarray:
    """Row-wise dot products a[i[k]] . b[j[k]] in chunks (linear in the number of pairs)."""
    out = np.zeros(len(i), dtype=np.float32)
    for s in range(0, len(i), chunk):
        e = min(len(i), s + chunk)
        out[s:e] = np.asarray(a[i[s:e]].multiply(b[j[s:e]]).sum(axis=1)).ravel()
    return out


# --- candidates --------------------------------------------------------------------------------------------


def _text_blocks(x, cfg: SpreadConfig) -> tuple[object, list[tuple[int, int]]]:
    """(the product's right-hand side ``x.T`` as CSC, the row blocks ``(start, end)``): blocks of
    at most ``chunk`` rows whose products have at most ``product_budget`` entries (estimated from
    the terms' document frequencies; a single row may exceed it)."""
    n = x.shape[0]
    xt = x.T.tocsr()
    df = np.diff(xt.indptr).astype(np.float64)
    cost = (x > 0).astype(np.float64) @ df          # upper bound of each row's product entries
    blocks = []
    s = 0
    while s < n:
        e = s + 1
        acc = cost[s]
        while e < n and e - s < cfg.chunk and acc + cost[e] <= cfg.product_budget:
            acc += cost[e]
            e += 1
        blocks.append((s, e))
        s = e
    return xt.tocsc(), blocks


def _text_block_pairs(block: tuple[int, int], x, xt, rows: np.ndarray, cfg: SpreadConfig
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs of one row block (a task of the partitioned candidate search): rows
    ``start:end`` of ``x`` against all rows, pairs (global ids, later row second) with cosine >=
    ``candidate_text``, the ``topk`` best per row. A row's pairs do not depend on its block."""
    s, e = block
    prod = (x[s:e] @ xt).tocoo()
    r, c, v = prod.row + s, prod.col, prod.data
    keep = (c > r) & (v >= cfg.candidate_text)
    r, c, v = r[keep], c[keep], v[keep]
    if len(r) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((-v, r))
    r, c, v = r[order], c[order], v[order]
    first = np.r_[0, np.flatnonzero(np.diff(r)) + 1]
    rank = np.arange(len(r)) - np.repeat(first, np.diff(np.r_[first, len(r)]))
    keep = rank < cfg.topk
    return rows[r[keep]], rows[c[keep]]


def _chunked_text_pairs(x, rows: np.ndarray, cfg: SpreadConfig, mapper=None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of rows (global ids) with word-TF-IDF cosine >= candidate_text, top-k per row, by a
    chunked sparse product (never all pairs at once; see :func:`_text_blocks`). The row blocks
    are independent tasks: with a ``mapper`` (``mapper(fn, items)`` yields ``fn(item)`` in order,
    e.g. :class:`hmeimim.distributed.DaskMapper`) they run as a partitioned join on its workers,
    the matrix shipped once with the function; the pairs are the same either way."""
    xt, blocks = _text_blocks(x, cfg)
    fn = functools.partial(_text_block_pairs, x=x, xt=xt, rows=rows, cfg=cfg)
    results = mapper(fn, blocks) if mapper is not None else map(fn, blocks)
    out_i, out_j = [], []
    for i, j in results:
        if len(i):
            out_i.append(i)
            out_j.append(j)
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_i), np.concatenate(out_j)


def _frequent_term_keys(w, df_cap: int, per_claim: int = 3) -> list[list[str]]:
    """Blocking keys for the words left out of the text product because too many claims use them:
    each claim's ``per_claim`` rarest such words (a story retold hundreds of times shares them),
    so that its re-tellings still meet in sorted-neighbourhood blocks."""
    wb = (w > 0).astype(np.float32).tocsc()
    df = np.diff(wb.indptr)
    freq = np.flatnonzero(df > df_cap)
    out = [[] for _ in range(w.shape[0])]
    if not len(freq):
        return out
    sub = wb[:, freq].tocsr()
    for r in range(sub.shape[0]):
        cols = sub.indices[sub.indptr[r]:sub.indptr[r + 1]]
        if len(cols):
            best = cols[np.argsort(df[freq[cols]], kind="stable")[:per_claim]]
            out[r] = [f"w:{freq[c]}" for c in best]
    return out


def blocking_keys(tokens: list[list[str]]) -> list[list[str]]:
    """Blocking keys of each claim: its specific fact tokens, plus an event concept joined with
    each named body, person, specific place or cited source ("confirm|Kremlin"), so that claims
    whose only facts are common ones still meet their partners in small blocks."""
    out = []
    for toks in tokens:
        keys = [t for t in toks if _TYPES.get(t.split(":", 1)[0], (0, False, False))[2]]
        concepts = [t[2:] for t in toks if t.startswith("c:")]
        others = [t for t in toks if t.split(":", 1)[0] in ("b", "p", "pl", "s", "e")]
        keys += [f"x:{c}|{o}" for c in concepts for o in others][:16]
        out.append(keys)
    return out


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
    out: list[list[str]] = []
    n = len(claims)
    fams = claims["aircraft_family"].tolist() if "aircraft_family" in claims else [""] * n
    kinds = claims["kind"].tolist() if "kind" in claims else [""] * n
    ds = claims["date_start"].tolist() if "date_start" in claims else [""] * n
    de = claims["date_end"].tolist() if "date_end" in claims else [""] * n
    for f, k, a, b in zip(fams, kinds, ds, de):
        fs = sorted(set(_split(f)))
        w = _window(_s(a), _s(b)) if fs and _s(k) == "flight" else None
        if not w:
            out.append([])
            continue
        weeks = []
        for day in _day_range(*w)[::7] + (w[1],):
            y, wk, _ = date.fromisoformat(day).isocalendar()
            weeks.append(f"{y}-W{wk:02d}")
        fam = "+".join(fs)
        out.append([f"fw:{fam}|{x}" for x in dict.fromkeys(weeks)])
    return out


def _flight_agreement(claims: pd.DataFrame, i: np.ndarray, j: np.ndarray, ci: np.ndarray,
                      has_event: np.ndarray) -> np.ndarray:
    """Pairs of flight claims about the same aircraft families (the caller checks that) that agree
    partially: their date windows overlap (a day inside a window, one window inside the other),
    their places are related (the same place, or one inside the other through the places
    lexicon's parents) or one of them names none, and they state the same event or none. Their
    counts and window ends may differ: those are the mutations the cluster then shows."""
    out = np.zeros(len(i), dtype=bool)
    if not len(i) or "kind" not in claims:
        return out
    kinds, parents = _place_kinds()
    kind = claims["kind"].tolist()
    ds, de = claims["date_start"].tolist(), claims["date_end"].tolist()
    fam = claims["aircraft_family"].tolist()
    places = claims["places"].tolist() if "places" in claims else [""] * len(claims)
    win_cache: dict[int, tuple | None] = {}
    pl_cache: dict[int, list] = {}

    def win(k):
        if k not in win_cache:
            win_cache[k] = _window(_s(ds[k]), _s(de[k])) if _s(kind[k]) == "flight" and _s(fam[k]) else None
        return win_cache[k]

    def pls(k):
        if k not in pl_cache:
            pl_cache[k] = _split(places[k])
        return pl_cache[k]

    for q, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        wa, wb = win(a), win(b)
        if not wa or not wb or max(wa[0], wb[0]) > min(wa[1], wb[1]):
            continue  # no overlap: the same month is not enough
        if (has_event[a] or has_event[b]) and ci[q] == 0:
            continue
        pa, pb = pls(a), pls(b)
        if pa and pb and not any(_related(x, y, parents) for x in pa for y in pb):
            continue
        out[q] = True
    return out


def _blocking_pairs(blocks: list[list[str]], rank: np.ndarray, cfg: SpreadConfig) -> tuple[np.ndarray, np.ndarray]:
    """Sorted-neighbourhood pairs on blocking keys: members of a key, in timeline order, are
    paired with their ``window`` predecessors and the key's first ``pivots`` members."""
    m = _token_matrix(blocks)[0].tocsr()
    df = np.asarray(m.sum(axis=0)).ravel()
    # each claim keeps its rarest keys: they are the discriminating ones, and they bound the pairs
    coo = m.tocoo()
    shared_key = df[coo.col] >= 2  # a key no other claim has pairs nothing
    coo = sparse.coo_matrix((coo.data[shared_key], (coo.row[shared_key], coo.col[shared_key])), shape=m.shape)
    order = np.lexsort((coo.col, df[coo.col], coo.row))
    row_s, col_s = coo.row[order], coo.col[order]
    starts = np.r_[0, np.flatnonzero(np.diff(row_s)) + 1]
    pos = np.arange(len(row_s)) - np.repeat(starts, np.diff(np.r_[starts, len(row_s)]))
    keep = pos < cfg.keys_per_claim
    tok, claim = col_s[keep], row_s[keep]
    if len(tok) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((claim, rank[claim], tok))
    tok, claim = tok[order], claim[order]
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


def _row_dot(m, a: int, b: int) -> float:
    """``float(m[a].multiply(m[b]).sum())`` of a CSR matrix without building sparse objects, bit for
    bit: the float32 products of the columns both rows hold (zero products dropped), summed in
    column order as scipy does."""
    ip, ix, dx = m.indptr, m.indices, m.data
    sa, ea, sb, eb = ip[a], ip[a + 1], ip[b], ip[b + 1]
    if sa == ea or sb == eb:
        return 0.0
    _, pa, pb = np.intersect1d(ix[sa:ea], ix[sb:eb], assume_unique=True, return_indices=True)
    if not len(pa):
        return 0.0
    prod = dx[sa:ea][pa] * dx[sb:eb][pb]
    if not prod.all():
        prod = prod[prod != 0]
    return float(np.sum(prod)) if len(prod) else 0.0


def _merge_pairs(pairs: pd.DataFrame, feats: "_Features", n: int, cfg: SpreadConfig) -> tuple[np.ndarray, dict]:
    """Union-find over the accepted pairs, strongest first (``pairs`` sorted by score): each
    claim's root (the smallest claim index of its cluster) and its first accepted pair
    ((score, how)). Two groups of several claims merge only when their first claims are alike too
    (:func:`_similarity` >= ``merge_floor``). A plain loop over Python lists (no NumPy scalars):
    about a microsecond a pair."""
    parent = list(range(n))
    size = [1] * n
    best: dict[int, tuple[float, str]] = {}
    floor = cfg.merge_floor
    sims: dict[tuple[int, int], float] = {}
    if len(pairs):
        ii, jj = pairs["i"].to_numpy().tolist(), pairs["j"].to_numpy().tolist()
        scores, hows = pairs["score"].to_numpy(), pairs["how"].to_numpy()
        for q, (a, b) in enumerate(zip(ii, jj)):
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
            a, b = ii[q], jj[q]
            if a not in best:
                best[a] = (float(scores[q]), hows[q])
            if b not in best:
                best[b] = (float(scores[q]), hows[q])
    labels = np.asarray(parent, dtype=np.int64)
    while True:  # pointer jumping: every claim points at its root
        nxt = labels[labels]
        if np.array_equal(nxt, labels):
            return labels, best
        labels = nxt


@dataclass
class _Features:
    """Per-claim matrices the clustering and later steps share."""

    b: object                 # binary claims x fact tokens
    names: np.ndarray
    types: np.ndarray
    f: object                 # IDF-weighted, row-normalised fact vectors
    anchor: object            # anchor weights per token (specific 1, concept 0.5), common tokens 0
    anchor_all: object        # the same, common tokens included
    text: dict                # language -> (row ids, normalised combined text matrix, word matrix)
    local: np.ndarray         # claim -> row inside its language's matrices
    lang: np.ndarray
    freq_keys: list           # blocking keys from words too frequent for the text product
    concepts: object          # binary claims x event concepts


def _features(claims: pd.DataFrame, tokens: list[list[str]], term_cap: int = 200) -> _Features:
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(claims)
    b, names, types = _token_matrix(tokens)
    df = np.asarray(b.sum(axis=0)).ravel()
    idf = np.log((n + 1) / (df + 1)) + 1.0
    tw = np.array([_TYPES.get(t, (0.5, False, False))[0] for t in types], dtype=np.float32)
    f = _normalize_rows(b.multiply((idf * tw).astype(np.float32)[None, :]).tocsr())
    aw = np.array([1.0 if _TYPES.get(t, (0, False, False))[1] else _ANCHOR.get(t, 0.0) for t in types],
                  dtype=np.float32)
    anchor_all = b.multiply(aw[None, :]).tocsr()
    aw[df > max(_COMMON_MIN, _COMMON_SHARE * n)] = 0.0
    anchor = b.multiply(aw[None, :]).tocsr()
    lang = claims["language"].fillna("").astype(str).to_numpy() if "language" in claims else np.array([""] * n)
    texts = claims["text"].fillna("").astype(str).tolist()
    local = np.zeros(n, dtype=np.int64)
    text = {}
    freq_keys: list[list[str]] = [[] for _ in range(n)]
    for lg in sorted(set(lang)):
        rows = np.flatnonzero(lang == lg)
        local[rows] = np.arange(len(rows))
        docs = [texts[i] for i in rows]
        try:
            w = _word_vectorizer(lg).fit_transform(docs)
            cv = TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), sublinear_tf=True, dtype=np.float32,
                                 lowercase=True)
            c = cv.fit_transform(docs)
        except ValueError:  # no words at all in this language's claims
            z = sparse.csr_matrix((len(rows), 1), dtype=np.float32)
            text[lg] = (rows, z, z)
            continue
        comb = sparse.hstack([w * math.sqrt(0.5), c * math.sqrt(0.5)]).tocsr()
        # candidates from the word matrix without the words most claims share (they only add pairs)
        dfw = np.asarray((w > 0).sum(axis=0)).ravel()
        cap = max(term_cap, int(0.05 * len(rows))) if len(rows) < 20 * term_cap else term_cap
        wc = _normalize_rows(w[:, np.flatnonzero(dfw <= cap)]) if (dfw > cap).any() else w
        text[lg] = (rows, comb, wc)
        for r, keys in zip(rows, _frequent_term_keys(w, cap)):
            freq_keys[r] = [f"{lg}:{k}" for k in keys]
    ev = np.array([t.startswith("c:") and t[2:] in _EVENT_CONCEPTS for t in names], dtype=np.float32)
    concepts = b.multiply(ev[None, :]).tocsr()
    return _Features(b, names, types, f, anchor, anchor_all, text, local, lang, freq_keys, concepts)


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
    ci, cj = [], []
    for lg, (rows, _, wc) in feats.text.items():
        if len(rows) > 1 and wc.shape[1] > 0:
            i, j = _chunked_text_pairs(wc, rows, cfg, mapper)
            ci.append(i)
            cj.append(j)
    keys = [k + f for k, f in zip(blocking_keys(tokens), feats.freq_keys)]
    i, j = _blocking_pairs(keys, order_rank, cfg)
    ci.append(i)
    cj.append(j)
    # flight claims that changed their count or window share no exact fact but the aircraft:
    # they meet on the aircraft family with each ISO week their window touches
    wkeys = flight_window_keys(claims)
    if any(wkeys):
        i, j = _blocking_pairs(wkeys, order_rank, cfg)
        ci.append(i)
        cj.append(j)
    i = np.concatenate(ci) if ci else np.zeros(0, np.int64)
    j = np.concatenate(cj) if cj else np.zeros(0, np.int64)
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    keep = lo != hi
    code = np.unique(lo[keep].astype(np.int64) * n + hi[keep])
    i, j = code // n, code % n
    lap("candidates")
    pairs = _score_pairs(claims, feats, i, j, cfg)
    lap("scoring")
    if len(pairs):
        pairs = pairs.sort_values(["score", "i", "j"], ascending=[False, True, True], kind="stable")
    labels, best = _merge_pairs(pairs, feats, n, cfg)
    lap("union")
    return labels, best, pairs, feats


def _similarity(feats: _Features, a: int, b: int) -> float:
    """The larger of the fact and (same language) text similarity of two claims."""
    sim = _row_dot(feats.f, a, b)
    if feats.lang[a] == feats.lang[b]:
        comb = feats.text[feats.lang[a]][1]
        sim = max(sim, _row_dot(comb, int(feats.local[a]), int(feats.local[b])))
    return sim


def _score_pairs(claims: pd.DataFrame, feats: _Features, i: np.ndarray, j: np.ndarray, cfg: SpreadConfig):
    """The accepted candidate pairs (``i, j, text, fact, anchors, score, how``); vectorised over
    the pairs, in chunks."""
    cols = ["i", "j", "text", "fact", "anchors", "score", "how"]
    if len(i) == 0:
        return pd.DataFrame(columns=cols)
    fams = claims["aircraft_family"].fillna("").astype(str).map(lambda s: "|".join(sorted(set(_split(s))))).to_numpy() \
        if "aircraft_family" in claims else np.array([""] * len(claims))
    ok = fams[i] == fams[j]  # flight claims only join claims about the same aircraft families
    i, j = i[ok], j[ok]
    fact = _rowdot(feats.f, feats.f, i, j, cfg.pair_chunk)
    anchors = _rowdot(feats.b, feats.anchor, i, j, cfg.pair_chunk)
    anchors_all = _rowdot(feats.b, feats.anchor_all, i, j, cfg.pair_chunk)
    text = np.zeros(len(i), dtype=np.float32)
    same = feats.lang[i] == feats.lang[j]
    for lg, (rows, comb, _) in feats.text.items():
        sel = np.flatnonzero(same & (feats.lang[i] == lg))
        if len(sel):
            text[sel] = _rowdot(comb, comb, feats.local[i[sel]], feats.local[j[sel]], cfg.pair_chunk)
    by_text = (text >= cfg.text_threshold) & ((anchors_all >= _CONCEPT_ANCHOR) | (text >= cfg.text_alone))
    # facts alone must also agree on what happened: claims stating different events (or one an
    # event, the other none) need a third specific fact in common
    ci = _rowdot(feats.concepts, feats.concepts, i, j, cfg.pair_chunk)
    has_event = np.asarray(feats.concepts.sum(axis=1)).ravel() > 0
    need = np.where((ci == 0) & (has_event[i] | has_event[j]), 3.0, 2.0)
    by_fact = ((fact >= cfg.fact_threshold) & (anchors >= need)) | ((fact >= cfg.fact_strong) & (anchors_all >= 1.5)
                                                                     & ((ci > 0) | ~(has_event[i] | has_event[j])))
    by_both = (((text + fact) / 2 >= cfg.combined_threshold) & (text >= cfg.combined_min_text)
               & ((anchors >= 1) | (anchors_all >= 1.5)))
    # flight claims that changed a field or two (count, window ends) still agree partially
    by_flight = np.zeros(len(i), dtype=bool)
    cand = np.flatnonzero(~(by_text | by_fact | by_both) & (fams[i] != ""))
    if len(cand):
        by_flight[cand] = _flight_agreement(claims, i[cand], j[cand], ci[cand], has_event)
    by_fact = by_fact | by_flight
    acc = by_text | by_fact | by_both
    how = np.where(by_text & (by_fact | by_both), "text+facts", np.where(by_text, "text", "facts"))
    score = np.maximum(np.maximum(text, fact), (text + fact) / 2)
    df = pd.DataFrame({"i": i, "j": j, "text": text, "fact": fact, "anchors": anchors, "score": score, "how": how})
    return df[acc].reset_index(drop=True)


# --- spread tables -----------------------------------------------------------------------------------------


def spread_tables(corpus, config: SpreadConfig | None = None, timings: dict | None = None,
                  mapper=None) -> dict[str, pd.DataFrame]:
    """The four spread tables of a corpus (see the module docs). ``timings``, if given, receives
    the seconds each step took. ``mapper`` (a :data:`hmeimim.pipeline.Mapper`: ``mapper(fn,
    items)`` yields ``fn(item)`` for each item, in order; ``fn`` is a picklable top-level
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
    changed = find_mutations(claims, tl, corpus, feats, tokens, cfg, columns=columns)
    lap("mutations")
    links = find_links(claims, mentions, changed, tl, feats, cfg)
    lap("links")
    muts = find_mutations(claims, tl, corpus, feats, tokens, cfg, links=links, changed=changed, columns=columns)
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
        c[col] = c[col].map(lambda v: bool(v) if v is not None and v is not pd.NA and v == v else False)
    for col in ("language", "text", "kind", "aircraft_family", "dates", "date_start", "date_end"):
        c[col] = c[col].map(_s)
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


class _Columns(dict):
    """The claims as plain Python lists (scalar access to a DataFrame costs microseconds each),
    converted on first access of each column."""

    def __init__(self, claims: pd.DataFrame):
        super().__init__()
        self.claims = claims

    def __missing__(self, c: str) -> list:
        col = self.claims[c]
        if col.dtype == bool or str(col.dtype) == "boolean":
            out = [bool(x) if x is not pd.NA else False for x in col.tolist()]
        elif c in ("start", "end", "sentence_id", "order_rank", "paragraph"):
            out = [int(x) for x in col.tolist()]
        else:
            out = [x if type(x) is str else _s(x) for x in col.tolist()]
        self[c] = out
        return out


def _columns(claims: pd.DataFrame) -> dict[str, list]:
    """The claims as plain Python lists, each column converted when first used."""
    return _Columns(claims)


def _vote(values: list[tuple[str, int, str]]) -> tuple[str, str] | None:
    """Majority value of (value, article rank, article id) votes, one per article, ties to the
    earliest article; returns (value, article holding it first)."""
    if not values:
        return None
    per_article = {}
    for v, r, a in sorted(values, key=lambda x: (x[1], x[2])):
        per_article.setdefault(a, (v, r))
    cnt = Counter(v for v, _ in per_article.values())
    first = {}
    for a, (v, r) in sorted(per_article.items(), key=lambda kv: (kv[1][1], kv[0])):
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


def find_mutations(claims: pd.DataFrame, tl: pd.DataFrame, corpus, feats: _Features, tokens: list[list[str]],
                   cfg: SpreadConfig, links: pd.DataFrame | None = None, changed: pd.DataFrame | None = None,
                   columns: dict | None = None) -> pd.DataFrame:
    """Rows of the ``mutations`` table. Without ``links``: the changed values. With ``links`` (the
    derivation links, found from the changed values): the invented details and claims too, added
    to ``changed`` (computed here when not given). ``columns``: :func:`_columns` of ``claims``, to
    share between the two passes."""
    texts = dict(zip(corpus.articles["article_id"], corpus.articles["text"])) if len(corpus.articles) else {}
    published = dict(zip(tl["article_id"], tl["published"]))
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

    facts_cache: dict[int, dict] = {}

    def facts(k):
        if k not in facts_cache:
            facts_cache[k] = _facts(cl["facts"][k])
        return facts_cache[k]

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
        _invented(cl, tl, corpus, feats, tokens, cfg, facts, add, links)
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
        for a in facts(k).get("aircraft", []):
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


def _related(a: str, b: str, parents: dict) -> bool:
    def anc(x):
        out, seen = [x], set()
        while x in parents and x not in seen:
            seen.add(x)
            x = parents[x]
            out.append(x)
        return out
    return a == b or a in anc(b) or b in anc(a)


def _route_places(f: dict) -> list[tuple[str, list]]:
    route = [p for p in (f.get("route") or "").split(" → ") if p]
    spans = {p["v"]: p.get("span") for p in f.get("places", []) if not p.get("route")}
    return [(p, spans.get(p)) for p in route]


def _place_changes(cl, idx, facts, add):
    """A route place that replaces the reference route's place (unrelated by containment)."""
    _, parents = _place_kinds()
    items = [(k, _route_places(facts(k))) for k in idx if facts(k).get("route")]
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
        for s in facts(k).get("sources", []):
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
        for p in facts(k).get("people", []):
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

_NOVEL_TYPES = ("p", "e", "pl", "d", "n", "du", "c")
_ELIGIBLE = frozenset({"flight", "meeting", "event", "date", "number"})


def _specific_tokens(toks: list[str], kinds: dict) -> list[str]:
    """The tokens that can make a claim new: people, named entities, specific places, days,
    numbers, durations, aircraft families, and event concepts."""
    out = []
    for t in toks:
        typ, _, val = t.partition(":")
        if typ in ("p", "e", "pl", "n", "du", "d", "fam") or (typ == "c" and val in _EVENT_CONCEPTS):
            out.append(t)
    return out


_EVENT_CONCEPTS = frozenset({"resume", "pause", "attack", "repel", "oust", "flee", "asylum", "intervene", "bomb",
                             "escalate", "reduce", "meet", "visit"})


def _invented(cl, tl, corpus, feats, tokens, cfg, facts, add, links: pd.DataFrame):
    """Whole claims and details with no antecedent (see the module docs). Linear: every token
    remembers the timeline group where it first appeared and which articles of that group hold it."""
    kinds, parents = _place_kinds()
    art_group = dict(zip(tl["article_id"], tl["group"]))
    art_rank = dict(zip(tl["article_id"], tl["order_rank"]))
    grank: dict[str, int] = {}
    for g, r in zip(tl["group"], tl["order_rank"]):
        grank.setdefault(g, int(r))
    a_grank = {a: grank[art_group[a]] for a in art_group}
    n = len(cl["article_id"])
    aids = cl["article_id"]
    cids = cl["cluster_id"]
    kind = cl["kind"]
    spec = [_specific_tokens(tokens[k], kinds) for k in range(n)]

    def place_ancestors(p: str) -> list[str]:
        out, seen_p = [], set()
        while p in parents and p not in seen_p:
            seen_p.add(p)
            p = parents[p]
            if _specific_place(p, kinds):
                out.append(p)
        return out

    art_tokens: dict[str, set] = defaultdict(set)
    for k in range(n):
        t = art_tokens[aids[k]]
        t.update(spec[k])
        for tkn in spec[k]:
            if tkn.startswith("pl:"):  # seeing an airport is seeing its city and region too
                t.update("pl:" + x for x in place_ancestors(tkn[3:]))
        for d in _split(cl["dates"][k]):
            lo, _, hi = d.partition("/")
            if lo and _days(lo, hi) <= 31:
                t.update("d:" + x for x in _day_range(lo, hi))
    first: dict[str, int] = {}             # token -> group rank where it first appears
    holders: dict[str, set] = {}           # token -> articles of that first group holding it
    full_by_surname: dict[str, dict] = defaultdict(dict)   # surname -> {full name key: first group rank}
    for a in sorted(art_tokens, key=lambda x: (a_grank.get(x, 10**9), art_rank.get(x, 10**9), x)):
        r = a_grank.get(a, 10**9)
        for tkn in art_tokens[a]:
            if tkn not in first or first[tkn] > r:
                first[tkn], holders[tkn] = r, {a}
            elif first[tkn] == r:
                holders[tkn].add(a)
            if tkn[:2] in ("p:", "e:"):
                parts = tkn[2:].split()
                if parts:
                    full_by_surname[parts[-1]].setdefault(tkn[2:], r)
                    full_by_surname[parts[-1]][tkn[2:]] = min(full_by_surname[parts[-1]][tkn[2:]], r)

    def seen(tkn: str, a: str) -> bool:
        """Seen in an earlier group, or in another article of the same group."""
        r = first.get(tkn)
        if r is None:
            return False
        ra = a_grank[a]
        return r < ra or (r == ra and bool(holders[tkn] - {a}))

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

    # articles of each cluster; a claim has an antecedent when another article of its cluster is
    # earlier or contemporaneous
    cluster_arts: dict[str, set] = defaultdict(set)
    for a, c in zip(aids, cids):
        cluster_arts[c].add(a)
    retells = set()
    for c, arts in cluster_arts.items():
        if len(arts) > 1:
            lo = min(a_grank[a] for a in arts)
            retells.update(a for a in arts if a_grank[a] > lo or sum(1 for o in arts if a_grank[o] == lo) > 1)
    earlier_partner = np.array([any(o != aids[k] and a_grank[o] <= a_grank[aids[k]] for o in cluster_arts[cids[k]])
                                for k in range(n)], dtype=bool)
    # a claim that later articles also make without descending from this one (following each
    # article's likeliest source) came from a common source the corpus lacks: it was not invented
    # by the first article that happens to carry it
    children: dict[str, list] = defaultdict(list)
    if links is not None and len(links):
        for src_a, dst_a, bp in zip(links["source_article"], links["target_article"], links["best_parent"]):
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

    def independent_later(k: int) -> bool:
        later = [o for o in cluster_arts[cids[k]] if o != aids[k]]
        return bool(later) and bool(set(later) - descendants(aids[k]))
    src = [set(_split(cl["source"][k]) + _split(cl["context_sources"][k])) for k in range(n)]

    # (a) whole claims
    cands = []
    attributed = np.array(cl["attributed"], dtype=bool) | np.array(cl["context_attributed"], dtype=bool)
    restates = np.array(cl["restates"], dtype=bool)
    for k in range(n):
        a = aids[k]
        if kind[k] not in _ELIGIBLE or a not in retells or earlier_partner[k] or restates[k] or attributed[k]:
            continue
        if independent_later(k):
            continue
        if not any(not x.startswith("c:") for x in spec[k]):
            continue
        new = [x for x in spec[k] if novel(x, a)]
        if new:
            cands.append((k, new))
    cands = _drop_text_antecedents(cands, cl, corpus, tl, cfg)
    for k, new in cands:
        labels = ", ".join(_token_label(x) for x in new[:4])
        add(k, "claim", cl["text"][k], "", "invented", None, "",
            f"no earlier article has this claim and it cites no checkable source; new: {labels}")

    # (b) details added to a claim that has earlier versions
    need = {cids[k] for k in np.flatnonzero(earlier_partner)}
    members: dict[str, list] = defaultdict(list)
    for k in range(n):
        if cids[k] in need:
            members[cids[k]].append(k)
    for c in members:
        members[c].sort(key=lambda j: a_grank[aids[j]])
    for k in np.flatnonzero(earlier_partner):
        k = int(k)
        a = aids[k]
        partners_src = set()
        for j in members[cids[k]][:64]:  # the earliest versions are the antecedents that matter
            if a_grank[aids[j]] > a_grank[a]:
                break
            if aids[j] != a:
                partners_src |= src[j]
        if src[k] - partners_src:
            continue  # a new source could have supplied the new detail
        f = facts(k)
        for p in f.get("people", []):
            if p.get("key") and novel("p:" + p["key"], a):
                add(k, "person", p.get("w") or p.get("v"), "", "invented", p.get("span"), "",
                    "a person no earlier article names, added to a claim that earlier articles make")
        if kind[k] == "flight":
            for p, span in _route_places(f):
                if _specific_place(p, kinds) and novel("pl:" + p, a):
                    add(k, "place", p, "", "invented", span, "",
                        "a place no earlier article names, added to the route of a flight earlier articles report")


def _token_label(tok: str) -> str:
    typ, _, val = tok.partition(":")
    names = {"p": "person", "e": "name", "pl": "place", "d": "date", "n": "number", "du": "duration", "c": "event"}
    return f"{names.get(typ, typ)} {val}"


def _drop_text_antecedents(cands, cl, corpus, tl, cfg):
    """Keep the candidates with no similar sentence (same language) in an earlier article."""
    if not cands or corpus.sentences is None or not len(corpus.sentences):
        return cands
    from sklearn.feature_extraction.text import TfidfVectorizer

    rank = dict(zip(tl["article_id"], tl["order_rank"]))
    group = dict(zip(tl["article_id"], tl["group"]))
    sents = corpus.sentences
    lang_of = dict(zip(corpus.articles["article_id"], corpus.articles["language"].fillna("")))
    keep = []
    by_lang = defaultdict(list)
    for k, new in cands:
        by_lang[cl["language"][k]].append((k, new))
    for lg, items in by_lang.items():
        s = sents[sents["article_id"].map(lambda x: lang_of.get(x, "") == lg)]
        if not len(s):
            keep += items
            continue
        vec = _word_vectorizer(lg)
        m = vec.fit_transform(s["text"].fillna("").tolist())
        q = vec.transform([cl["text"][k] for k, _ in items])
        sim = (q @ m.T).tocsr()
        s_art = s["article_id"].to_numpy()
        for row, (k, new) in enumerate(items):
            a = cl["article_id"][k]
            lo, hi = sim.indptr[row], sim.indptr[row + 1]
            found = False
            for col, v in zip(sim.indices[lo:hi], sim.data[lo:hi]):
                o = s_art[col]
                if v >= cfg.antecedent_text and o != a and (rank[o] < rank[a] or group[o] == group[a]):
                    found = True
                    break
            if not found:
                keep.append((k, new))
    return sorted(keep)


# --- derivation links --------------------------------------------------------------------------------------


def find_links(claims: pd.DataFrame, mentions: pd.DataFrame, muts: pd.DataFrame, tl: pd.DataFrame,
               feats: _Features, cfg: SpreadConfig) -> pd.DataFrame:
    """Likely derivation links between articles (rows of ``article_links``).

    Candidate pairs: articles sharing a claim cluster, each paired with its ``link_window``
    predecessors in the cluster's timeline and the cluster's first three articles (linear)."""
    cols = [c for c, _, _ in SPREAD_SCHEMA["article_links"]]
    arts = tl["article_id"].tolist()
    if len(arts) < 2 or not len(claims):
        return pd.DataFrame(columns=cols)
    t = {c: dict(zip(tl["article_id"], tl[c])) for c in ("order_rank", "order_from", "order_date", "group", "language")}
    rank = t["order_rank"]
    aidx = {x: i for i, x in enumerate(arts)}
    n_art = claims.groupby("cluster_id")["article_id"].nunique()
    shared_clusters = set(n_art[n_art > 1].index)
    m = claims[claims["cluster_id"].isin(shared_clusters)]
    if not len(m):
        return pd.DataFrame(columns=cols)
    cids = sorted(shared_clusters)
    cidx = {c: i for i, c in enumerate(cids)}
    pairs = set()
    for _, grp in m.groupby("cluster_id", sort=False)["article_id"]:
        alist = sorted(set(grp), key=lambda x: (rank[x], x))
        for p, bb in enumerate(alist):
            for aa in set(alist[max(0, p - cfg.link_window):p] + alist[:min(p, 2)]):
                pairs.add((aidx[aa], aidx[bb]))
    if not pairs:
        return pd.DataFrame(columns=cols)
    am = sparse.csr_matrix((np.ones(len(m), np.float32), (m["article_id"].map(aidx).to_numpy(),
                                                          m["cluster_id"].map(cidx).to_numpy())),
                           shape=(len(arts), len(cids)))
    am = (am > 0).astype(np.float32).tocsr()
    ngr, n_ng = _rare_ngrams(claims, aidx, len(arts))
    pa = np.array(sorted(pairs), dtype=np.int64)
    i, j = pa[:, 0], pa[:, 1]
    shared = _rowdot(am, am, i, j, cfg.pair_chunk)
    n_cl = np.asarray(am.sum(axis=1)).ravel()
    shared_ng = _rowdot(ngr, ngr, i, j, cfg.pair_chunk) if ngr is not None else np.zeros(len(i))
    has_mut = np.zeros(len(arts), dtype=bool)
    if len(muts):
        has_mut[[aidx[x] for x in set(muts["article_id"]) if x in aidx]] = True
    keep = (shared >= 2) | (has_mut[i] & has_mut[j])
    i, j, shared, shared_ng = i[keep], j[keep], shared[keep], shared_ng[keep]
    # each article's clusters in the order it tells them; the first mention of each
    first_m = m.sort_values(["article_id", "start"], kind="stable").drop_duplicates(["article_id", "cluster_id"])
    seq = {x: list(g) for x, g in first_m.groupby("article_id", sort=False)["cluster_id"]}
    first_idx = dict(zip(zip(first_m["article_id"], first_m["cluster_id"]), first_m.index))
    # aligned-sentence similarity for all same-language pairs at once
    lang = t["language"]
    pa_list, pb_list, owner = [], [], []
    commons = []
    for q, (x, y) in enumerate(zip(i, j)):
        a_, b_ = arts[x], arts[y]
        sb = set(seq.get(b_, []))
        common = [c for c in seq.get(a_, []) if c in sb]
        commons.append(common)
        if lang.get(a_) == lang.get(b_) and _s(lang.get(a_)):
            for c in common:
                pa_list.append(first_idx[(a_, c)])
                pb_list.append(first_idx[(b_, c)])
                owner.append(q)
    tsim = np.zeros(len(i))
    if pa_list:
        pa_arr, pb_arr, own = np.array(pa_list), np.array(pb_list), np.array(owner)
        sims = np.zeros(len(pa_arr), dtype=np.float32)
        for lg, (rows, comb, _) in feats.text.items():
            sel = np.flatnonzero(feats.lang[pa_arr] == lg)
            if len(sel):
                sims[sel] = _rowdot(comb, comb, feats.local[pa_arr[sel]], feats.local[pb_arr[sel]], cfg.pair_chunk)
        sums = np.bincount(own, weights=sims, minlength=len(i))
        cnts = np.bincount(own, minlength=len(i))
        tsim = np.divide(sums, np.maximum(cnts, 1))
    channels: dict[str, dict] = defaultdict(lambda: defaultdict(set))  # article -> cluster -> cited channels
    for a_, c_, ch in zip(m["article_id"], m["cluster_id"], m["channel"]):
        if _s(ch):
            channels[a_][c_].add(_s(ch))
    mut_keys: dict[str, dict] = defaultdict(dict)
    for r in muts[["article_id", "cluster_id", "field", "value"]].itertuples(index=False):
        mut_keys[r.article_id].setdefault((r.cluster_id, r.field, _mutation_key(r.field, str(r.value))), str(r.value))
    deviations = Counter(muts["article_id"]) if len(muts) else Counter()
    mut_sets = {a_: set(d) for a_, d in mut_keys.items()}
    no_muts: set = set()
    rows = []
    for q, (x, y, sh, sng) in enumerate(zip(i, j, shared, shared_ng)):
        a_, b_ = arts[x], arts[y]
        both = sorted(mut_sets.get(a_, no_muts) & mut_sets.get(b_, no_muts))
        if sh < 2 and not both:
            continue
        common = commons[q]
        order = _order_agreement(common, seq.get(b_, []))
        same_lang = lang.get(a_) == lang.get(b_) and _s(lang.get(a_)) != ""
        ts = float(tsim[q]) if same_lang else 0.0
        smut = len(both)
        overlap = sh / max(1.0, min(n_cl[x], n_cl[y]))
        struct = overlap * order if sh >= (3 if same_lang else 4) else 0.0
        if not same_lang:
            sng = 0  # names and numbers are shared by every re-telling; only same-language wording shows copying
        e_struct = min(1.0, max(0.0, (struct - 0.3) / 0.5))
        # a faithful translation: many shared claims, told in the same order, most of both
        # articles -- unless both cite the same channel for them (then common re-tellings of it)
        w_struct = 0.45
        translated = (not same_lang and sh >= 4 and order >= 0.9 and overlap >= 0.8 and not smut
                      and not _common_channel(channels.get(a_, {}), channels.get(b_, {}), common))
        if translated:
            w_struct = 0.6
        e_text = min(1.0, max(0.0, (ts - 0.25) / 0.35))
        e_ng = 1.0 - math.exp(-float(sng) / (5.0 + 0.02 * min(n_ng[x], n_ng[y])))
        e_mut = 1.0 - 0.3 ** smut
        score = 1.0 - (1 - w_struct * e_struct) * (1 - 0.8 * e_text) * (1 - 0.8 * e_ng) * (1 - 0.9 * e_mut)
        if score < cfg.link_threshold:
            continue
        src, dst, conf = _direction(a_, b_, t, deviations)
        if translated and t["order_from"][a_] != "published" and t["order_from"][b_] != "published":
            conf = "low"  # structure alone says nothing of which undated article came first
        kind = "translation" if not same_lang else ("copy" if ts >= 0.8 else "paraphrase")
        ev = [f"{int(sh)} shared claims" + (f" in the same order ({order:.0%} of pairs)" if sh >= 3 else "")]
        if same_lang:
            ev.append(f"aligned sentences {ts:.2f} similar")
        if sng:
            ev.append(f"{int(sng)} shared rare 4-word phrases")
        if smut:
            ev.append("shared changed values: " + "; ".join(
                f"{k[1]} {' / '.join(dict.fromkeys((mut_keys[a_][k], mut_keys[b_][k])))}" for k in both[:3]))
        rows.append({"source_article": src, "target_article": dst, "kind": kind, "score": round(score, 4),
                     "evidence": ", ".join(ev), "direction_confidence": conf, "shared_claims": int(sh),
                     "order_agreement": round(order, 4), "text_similarity": round(ts, 4),
                     "shared_ngrams": int(sng), "shared_mutations": smut})
    df = pd.DataFrame(rows, columns=cols)
    if len(df):
        df = df.sort_values(["target_article", "score", "source_article"], ascending=[True, False, True], kind="stable")
        df["best_parent"] = ~df.duplicated("target_article")
        df = df.sort_values(["source_article", "target_article"], kind="stable").reset_index(drop=True)
    return df


def _common_channel(a: dict, b: dict, common: list) -> bool:
    """Whether two articles cite the same channel for one of their shared claims."""
    return any(a.get(c, set()) & b.get(c, set()) for c in common)


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


def _rare_ngrams(claims: pd.DataFrame, aidx: dict, n_art: int):
    """(articles x word 4-grams used by 2 to max(2, 2% of articles) articles, binary; the number
    of 4-grams of each article). Words are numbered, and the 4-grams found with NumPy."""
    import itertools

    words = [_words(_s(txt)) for txt in claims["text"].tolist()]
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    art = claims["article_id"].map(aidx).to_numpy(dtype=np.int64)
    counts = np.zeros(n_art)
    np.add.at(counts, art, np.maximum(0, lengths - 3))
    codes, uniq = pd.factorize(pd.Series(list(itertools.chain.from_iterable(words)), dtype=object), sort=False)
    codes = codes.astype(np.int64)
    owner = np.repeat(np.arange(len(words)), lengths)
    start = np.flatnonzero(owner[:-3] == owner[3:]) if len(owner) > 3 else np.zeros(0, np.int64)
    if not len(start):
        return None, counts
    if len(uniq) < 1 << 16:
        key = ((codes[start] << 48) | (codes[start + 1] << 32) | (codes[start + 2] << 16) | codes[start + 3])
        gram = pd.factorize(key, sort=False)[0]
    else:
        gram = np.unique(np.stack([codes[start + d] for d in range(4)], axis=1), axis=0, return_inverse=True)[1]
        gram = gram.ravel()
    n_gram = int(gram.max()) + 1
    m = sparse.csr_matrix((np.ones(len(start), np.float32), (art[owner[start]], gram)), shape=(n_art, n_gram))
    m = (m > 0).astype(np.float32).tocsc()
    df = np.asarray(m.sum(axis=0)).ravel()
    cap = max(2, int(0.02 * n_art))
    return m[:, np.flatnonzero((df >= 2) & (df <= cap))].tocsr(), counts


def _order_agreement(common: list, other: list) -> float:
    """Share of pairs of shared claims told in the same order by both articles."""
    if len(common) < 2:
        return 1.0 if common else 0.0
    pos = {c: p for p, c in enumerate(other)}
    seq = [pos[c] for c in common]
    n = len(seq)
    if n > 60:  # long articles: compare neighbours only (linear)
        agree = sum(1 for p in range(n - 1) if seq[p] < seq[p + 1])
        return agree / (n - 1)
    agree = sum(1 for p in range(n) for q in range(p + 1, n) if seq[p] < seq[q])
    return agree / (n * (n - 1) / 2)


def _direction(a: str, b: str, t: dict, deviations: Counter) -> tuple[str, str, str]:
    """(source, target, confidence) of a link between articles ``a`` and ``b`` (see the module docs)."""
    ra, rb = t["order_rank"][a], t["order_rank"][b]
    src, dst = (a, b) if ra <= rb else (b, a)
    fa, fb = t["order_from"][src], t["order_from"][dst]
    if fa == "published" and fb == "published":
        if t["order_date"][src] != t["order_date"][dst]:
            return src, dst, "high"
    elif fa == "published":
        return src, dst, "medium"
    same_time = t["group"][src] == t["group"][dst]
    dev_src, dev_dst = deviations.get(src, 0), deviations.get(dst, 0)
    if same_time:
        if dev_src > dev_dst:  # copies accumulate changes: the one with fewer is the source
            src, dst = dst, src
        return src, dst, "low"
    if fa == "latest_mentioned" and fb == "latest_mentioned" and dev_src <= dev_dst:
        return src, dst, "medium"
    return src, dst, "low"


# --- clusters ----------------------------------------------------------------------------------------------


def _clusters(claims, mentions, muts, links, tl) -> pd.DataFrame:
    """One row per cluster. Aggregates are vectorised; only clusters with several articles get
    the per-cluster work (votes, origins)."""
    t = tl.set_index("article_id")
    c = claims.assign(_en=(claims["language"] != "en").astype(int))
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
    out["languages"] = langs.groupby("cluster_id", sort=True)["language"].agg("|".join)
    out["n_languages"] = langs.groupby("cluster_id").size()
    chans = c[c["channel"].map(_s) != ""].drop_duplicates(["cluster_id", "channel"])
    out["attributed_sources"] = chans.sort_values(["cluster_id", "channel"]).groupby("cluster_id")["channel"].agg("|".join)
    out["first_outlet"] = out["first_article"].map(t["outlet"])
    out["first_published"] = out["first_article"].map(t["published"])
    out["first_order_date"] = out["first_article"].map(t["order_date"])
    pub = c["article_id"].map(t["published"]).map(_s)
    out["last_published"] = pub[pub != ""].groupby(c.loc[pub != "", "cluster_id"]).max()
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
    adj = defaultdict(set)
    for x, y in zip(links["source_article"], links["target_article"]) if len(links) else []:
        adj[x].add(y)
        adj[y].add(x)
    multi = c[c["cluster_id"].isin(out.index[out["n_articles"] > 1])]
    cols = {k: multi[k].tolist() for k in ("cluster_id", "article_id", "order_rank", "facts", "date_start", "date_end",
                                           "count", "count_explicit", "channel", "kind")}
    spans: dict[str, list] = defaultdict(list)
    for q, cid in enumerate(cols["cluster_id"]):
        spans[cid].append(q)
    for cid in sorted(spans):
        qs = spans[cid]
        arts = list(dict.fromkeys(cols["article_id"][q] for q in qs))
        roots, origins = _origins(arts, adj, [(cols["article_id"][q], cols["channel"][q]) for q in qs])
        out.at[cid, "derivation_roots"] = roots
        out.at[cid, "independent_origins"] = origins
        ac = ref_vals.get((cid, "aircraft"))
        if not ac:
            votes = [(x.get("d"), int(cols["order_rank"][q]), cols["article_id"][q]) for q in qs
                     if "aircraft" in _s(cols["facts"][q])
                     for x in _facts(cols["facts"][q]).get("aircraft", []) if x.get("d") and not x.get("flag")]
            ac = (_vote(votes) or ("", ""))[0]
        out.at[cid, "aircraft"] = ac
        win = ref_vals.get((cid, "date"))
        if not win:
            w = _vote([(f"{cols['date_start'][q]}/{cols['date_end'][q] or cols['date_start'][q]}",
                        int(cols["order_rank"][q]), cols["article_id"][q]) for q in qs
                       if cols["date_start"][q] and cols["kind"][q] in ("flight", "meeting")])
            win = w[0] if w else ""
        out.at[cid, "date_start"], out.at[cid, "date_end"] = (win.split("/") + [""])[:2] if win else ("", "")
        cnt = ref_vals.get((cid, "count"))
        if not cnt:
            v = _vote([(_s(cols["count"][q]), int(cols["order_rank"][q]), cols["article_id"][q]) for q in qs
                       if cols["count_explicit"][q] and _s(cols["count"][q])])
            cnt = v[0] if v else pd.NA
        # reference values are text ('3'); the column is an integer count
        out.at[cid, "count"] = int(float(cnt)) if isinstance(cnt, (str, int, float)) and str(cnt).strip() not in ("", "nan") else pd.NA
    return out.reset_index()


def _origins(arts: list, adj: dict, channels: list[tuple[str, str]]) -> tuple[int, int]:
    """(derivation roots, independent origins) of a cluster's articles: groups joined by
    derivation links, then also by citing the same channel."""
    comp = {a: a for a in arts}

    def find(x):
        while comp[x] != x:
            comp[x] = comp[comp[x]]
            x = comp[x]
        return x

    def union(x, y):
        rx, ry = find(x), find(y)
        if rx != ry:
            comp[max(rx, ry)] = min(rx, ry)

    aset = set(arts)
    for a in arts:
        for b in adj.get(a, ()):
            if b in aset:
                union(a, b)
    roots = len({find(a) for a in arts})
    by_channel = defaultdict(list)
    for a, ch in channels:
        if _s(ch):
            by_channel[_s(ch)].append(a)
    for members in by_channel.values():
        for b in members[1:]:
            union(members[0], b)
    return roots, len({find(a) for a in arts})
