"""The vectorised building blocks of the spread stage give exactly what their plain definitions
give -- the same float32 values, the same tie-breaks -- so that the spread tables do not depend on
how they are computed. Each test holds the plain definition (the per-item loop) as its oracle."""
from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from hmeimim import spread

_ALPHABET = (list("abcXYZ019_ -.,\t\n  ") +
             ["ς", "σ", "Α", "Σ", "中", "文", "字", "한", "ё", "Ё", "أ", "ة", "ـ", "²", "٣", "İ", "ß",
              "\u0301", "\U00020000", "\xa0", "\u2003", "\x1c", "\x85", "\u4dc0", "\ufada", "\ufa6e", "\ua000"])


def _fuzz(n: int, seed: int, nul: bool = False) -> list[str]:
    rng = random.Random(seed)
    letters = _ALPHABET + (["\x00"] if nul else [])
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(60)]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def _same_csr(a, b) -> bool:
    return (a.shape == b.shape and type(a) is type(b) and a.dtype == b.dtype and a.indices.dtype == b.indices.dtype
            and np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
            and np.array_equal(a.data, b.data))


# --- TF-IDF ---------------------------------------------------------------------------------------------------

_LONG_WORD = re.compile(r"(?<=[^\W\d_]{6})[^\W\d_]+")


def _sklearn(kind: str):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "zh":
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32)
    if kind == "char":
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 4), sublinear_tf=True, dtype=np.float32)
    stem = (lambda t: _LONG_WORD.sub("", t.lower().translate(spread._AR_FOLD).replace("ё", "е")))
    return TfidfVectorizer(preprocessor=stem, token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True,
                           dtype=np.float32)


@pytest.mark.parametrize("nul", [False, True])
@pytest.mark.parametrize("chunk", [1 << 20, 37])
@pytest.mark.parametrize("kind", ["word", "zh", "char"])
def test_the_tfidf_matrices_are_scikit_learns_value_for_value(monkeypatch, kind, chunk, nul):
    monkeypatch.setattr(spread, "_CHUNK", chunk)
    docs, queries = _fuzz(400, 1, nul), _fuzz(60, 2, nul)
    vec = _sklearn(kind)
    want, want_q = vec.fit_transform(docs), vec.transform(queries)
    keys, per_doc = spread._char_keys(docs + queries) if kind == "char" else spread._word_keys(docs + queries, kind)
    split = int(per_doc[:len(docs)].sum())
    counts, vocabulary, _ = spread._count_matrix(keys[:split], per_doc[:len(docs)])
    got, got_q = spread._tfidf(counts, spread._count_matrix(keys[split:], per_doc[len(docs):], vocabulary)[0])
    assert _same_csr(got, want) and _same_csr(got_q, want_q)


def _words(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+",
                         text.lower().translate(spread._AR_FOLD).replace("ё", "е")):
        w = m.group()
        if "\u3400" <= w[0] <= "\ufaff":
            out.extend(w[i:i + 2] for i in range(max(1, len(w) - 1)))
        else:
            out.append(w[:6])
    return out


@pytest.mark.parametrize("chunk", [1 << 20, 5])
def test_word_numbers_are_those_of_the_regular_expressions_words(monkeypatch, chunk):
    monkeypatch.setattr(spread, "_CHUNK", chunk)
    rng = random.Random(9)  # and over a thousand distinct characters
    many = ["".join(chr(rng.randint(0x4E00, 0x5400)) + rng.choice("ab1 ") for _ in range(12)) for _ in range(200)]
    texts = _fuzz(500, 3) + _fuzz(100, 4, nul=True) + many
    words = [_words(t) for t in texts]
    codes, sizes = spread._word_codes(texts)
    assert sizes.tolist() == [len(w) for w in words]
    assert np.array_equal(codes, pd.factorize(pd.Series([w for ws in words for w in ws], dtype=object))[0])


def test_the_combined_text_matrix_multiplies_rows_to_the_same_float32_sums():
    docs = _fuzz(300, 5)
    w, _, w_first = spread._count_matrix(*spread._word_keys(docs, "en"))
    c, _, c_first = spread._count_matrix(*spread._char_keys(docs))
    (w,), (c,) = spread._tfidf(w), spread._tfidf(c)
    plain = sparse.hstack([w * math.sqrt(0.5), c * math.sqrt(0.5)]).tocsr()
    comb, order = spread._text_matrix(*spread._reversed_block(w, w_first), *spread._reversed_block(c, c_first))
    assert comb.has_canonical_format
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(docs), 5000), rng.integers(0, len(docs), 5000)
    assert np.array_equal(spread._rowdot(comb, comb, i, j, 700), spread._rowdot(plain, plain, i, j, 700))
    for a, b in zip(i[:300].tolist(), j[:300].tolist()):
        assert spread._row_dot(comb, a, b, order) == spread._row_dot(plain, a, b)


# --- candidates -------------------------------------------------------------------------------------------------


def _plain_text_pairs(x, cfg) -> set:
    """All rows against all rows at once, top-k per row, ties in the product's order."""
    prod = (x @ x.T.tocsr()).tocoo()
    r, c, v = prod.row, prod.col, prod.data
    keep = (c > r) & (v >= cfg.candidate_text)
    r, c, v = r[keep], c[keep], v[keep]
    order = np.lexsort((-v, r))
    r, c = r[order], c[order]
    first = np.r_[0, np.flatnonzero(np.diff(r)) + 1]
    rank = np.arange(len(r)) - np.repeat(first, np.diff(np.r_[first, len(r)]))
    return set(zip(r[rank < cfg.topk].tolist(), c[rank < cfg.topk].tolist()))


@pytest.mark.parametrize("topk, chunk, budget", [(3, 2000, 4_000_000), (20, 2000, 4_000_000), (5, 37, 500)])
def test_text_candidates_keep_the_best_of_each_row_ties_as_one_product_orders_them(topk, chunk, budget):
    from sklearn.feature_extraction.text import TfidfVectorizer

    rng = np.random.default_rng(topk)
    vocab = [f"w{k}" for k in range(25)]
    base = [" ".join(rng.choice(vocab, rng.integers(1, 7))) for _ in range(150)]
    docs = [base[k] for k in rng.integers(0, len(base), 900)]   # many equal rows: many ties
    x = TfidfVectorizer().fit_transform(docs).astype(np.float32)
    cfg = spread.SpreadConfig(topk=topk, chunk=chunk, product_budget=budget)
    i, j = spread._chunked_text_pairs(x, np.arange(x.shape[0]), cfg)
    assert set(zip(i.tolist(), j.tolist())) == _plain_text_pairs(x, cfg)


@pytest.mark.parametrize("threshold, budget", [(0.42, 4_000_000), (0.42, 1), (0.42, 5000), (0.1, 300), (0.9, 50),
                                               (1.0, 1000)])
def test_pairs_at_least_a_threshold_are_those_of_the_whole_product(threshold, budget):
    from sklearn.feature_extraction.text import TfidfVectorizer

    # the antecedent search: candidate sentences against every sentence, pruned and in blocks
    rng = np.random.default_rng(7)
    vocab = [f"w{k}" for k in range(40)]
    zipf = 1 / np.arange(1, 41)   # a few common words in most rows, as in text
    base = [" ".join(rng.choice(vocab, rng.integers(1, 12), p=zipf / zipf.sum())) for _ in range(300)]
    docs = [base[k] for k in rng.integers(0, len(base), 1200)]   # repeated rows: cosines of exactly 1
    m = TfidfVectorizer(sublinear_tf=True).fit(docs)
    x = m.transform(docs).astype(np.float32)
    q = m.transform([base[k] for k in rng.integers(0, len(base), 200)] + ["", "w39 w38"]).astype(np.float32)
    whole = (q @ x.T).tocoo()
    if budget == 5000:  # a threshold that some entries equal, in float32
        threshold = float(np.sort(whole.data)[len(whole.data) * 3 // 4])
    at_least = whole.data >= threshold
    expected = set(zip(whole.row[at_least].tolist(), whole.col[at_least].tolist()))
    r, c = spread._pairs_at_least(q, x, threshold, budget)
    assert len(r) == len(expected) and set(zip(r.tolist(), c.tolist())) == expected
    assert expected or threshold == 1.0


# --- facts -----------------------------------------------------------------------------------------------------


def _plain_fact_tokens(claims: pd.DataFrame) -> list[list[str]]:
    kinds, _ = spread._place_kinds()
    out = []
    cols = {c: claims[c].tolist() if c in claims.columns else [""] * len(claims) for c in
            ("aircraft_family", "count", "count_explicit", "dates", "date_start", "date_end", "places", "people_keys",
             "bodies", "entities", "numbers", "durations", "concepts", "source")}
    s_, split, date_ = spread._s, spread._split, spread._date
    for i in range(len(claims)):
        toks = []
        fams = sorted(set(split(cols["aircraft_family"][i])))
        toks += ["fam:" + f for f in fams]
        spans = [x.split("/") for x in split(cols["dates"][i])]
        if date_(cols["date_start"][i]):
            spans.append([date_(cols["date_start"][i]), date_(cols["date_end"][i]) or date_(cols["date_start"][i])])
        for sp in spans:
            if len(sp) != 2 or not sp[0]:
                continue
            n = spread._days(sp[0], sp[1])
            if n <= 31:
                toks += ["d:" + sp[0], "d:" + sp[1]] + [f"fd:{f}|{sp[0]}" for f in fams]
            elif n <= 366:
                toks.append("mo:" + sp[0][:7])
            else:
                toks.append("y:" + sp[0][:4])
        if cols["count_explicit"][i] is True and s_(cols["count"][i]):
            toks += ["cnt:" + s_(cols["count"][i])] + [f"fc:{f}|{s_(cols['count'][i])}" for f in fams]
        for p in split(cols["places"][i]):
            if spread._specific_place(p, kinds):
                toks += ["pl:" + p] + [f"fp:{f}|{p}" for f in fams]
            else:
                toks.append("plg:" + p)
        for c, prefix in (("people_keys", "p:"), ("bodies", "b:"), ("entities", "e:"), ("numbers", "n:"),
                          ("durations", "du:"), ("concepts", "c:"), ("source", "s:")):
            toks += [prefix + (v.lower() if c == "entities" else v) for v in split(cols[c][i])]
        out.append(sorted(set(toks)))
    return out


def test_fact_tokens_are_those_of_the_plain_definition():
    claims = pd.DataFrame({
        "aircraft_family": ["An-124|Il-62|An-124", "", None, "Il-76"],
        "dates": ["2025-01-01/2025-01-03|bad|2025-01-01/2026-05-01", "2025-01-01/2025-03-01", "", "x/y"],
        "date_start": ["2025-02-01", "", None, "2025-02-01T10"], "date_end": ["", "", None, "2025-02-20"],
        "count_explicit": [True, np.True_, False, True], "count": [3, 2, None, None],
        "places": ["Hmeimim|Latakia|Syria", None, "Moscow", "Tartus|Tartus"],
        "people_keys": ["putin|al-sharaa", "", "putin", None], "entities": ["Wagner|TASS", "", "", "wagner"],
        "numbers": ["3|40", "", "", ""], "concepts": ["resume|meet", "", "attack", "meet"],
        "source": ["Bloomberg", "", "", "Bloomberg"], "bodies": ["Kremlin", "", "", ""],
        "durations": ["", "P6M", "", ""]})
    assert spread.fact_tokens(claims) == _plain_fact_tokens(claims)
    assert spread.fact_tokens(pd.DataFrame({"text": ["a", "b"]})) == [[], []]


# --- union-find --------------------------------------------------------------------------------------------------


def test_union_find_in_chunks_merges_as_the_plain_loop(monkeypatch):
    monkeypatch.setattr(spread, "_similarity", lambda feats, a, b: ((a * 7919 + b * 104729) % 100) / 100)
    rng = np.random.default_rng(4)
    n, m = 3000, 200_000
    i, j = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = i != j
    pairs = pd.DataFrame({"i": np.minimum(i, j)[keep], "j": np.maximum(i, j)[keep],
                          "score": rng.random(int(keep.sum())).astype(np.float32),
                          "how": rng.choice(["text", "facts", "text+facts"], int(keep.sum()))})
    pairs = pairs.drop_duplicates(["i", "j"]).sort_values(["score", "i", "j"], ascending=[False, True, True])
    cfg = spread.SpreadConfig()
    parent, size, best = list(range(n)), [1] * n, {}
    for a, b, sc, how in zip(pairs["i"], pairs["j"], pairs["score"], pairs["how"]):
        ra, rb = a, b
        while parent[ra] != ra:
            ra = parent[ra]
        while parent[rb] != rb:
            rb = parent[rb]
        if ra == rb or (size[ra] > 1 and size[rb] > 1 and spread._similarity(None, ra, rb) < cfg.merge_floor):
            continue
        lo, hi = min(ra, rb), max(ra, rb)
        parent[hi], size[lo] = lo, size[lo] + size[hi]
        best.setdefault(a, (float(sc), how))
        best.setdefault(b, (float(sc), how))
    roots = [x for x in range(n)]
    for x in range(n):
        while parent[roots[x]] != roots[x]:
            roots[x] = parent[roots[x]]
    labels, got = spread._merge_pairs(pairs, None, n, cfg)
    assert labels.tolist() == roots and got == best


# --- derivation links --------------------------------------------------------------------------------------------


def test_link_scores_are_those_of_python_scalars_mixing_float32_and_float():
    rng = np.random.default_rng(5)
    m = 20_000
    shared = rng.integers(0, 9, m).astype(np.float32)
    same_lang = rng.random(m) < 0.5
    order = np.round(rng.random(m), 3)
    n_cl = rng.integers(0, 12, (m, 2)).astype(np.float32)
    overlap = shared / np.maximum(np.float32(1.0), np.minimum(n_cl[:, 0], n_cl[:, 1]))
    translated = rng.random(m) < 0.2
    ts = np.where(same_lang, rng.random(m), 0.0)
    sng = np.where(same_lang, rng.integers(0, 30, m).astype(np.float32), 0)
    scale = 5.0 + 0.02 * rng.integers(0, 500, m).astype(np.float64)
    smut = rng.integers(0, 4, m)
    score, in_f32 = spread._link_scores(shared, same_lang, order, overlap, translated, ts, sng, scale, smut)
    for q in range(m):
        sh, ov = shared[q], n_cl[q]
        ov = sh / max(1.0, min(ov[0], ov[1]))
        struct = ov * float(order[q]) if sh >= (3 if same_lang[q] else 4) else 0.0
        e_struct = min(1.0, max(0.0, (struct - 0.3) / 0.5))
        w_struct = 0.6 if translated[q] else 0.45
        e_text = min(1.0, max(0.0, (float(ts[q]) - 0.25) / 0.35))
        e_ng = 1.0 - math.exp(-float(sng[q]) / scale[q])
        e_mut = 1.0 - 0.3 ** int(smut[q])
        want = 1.0 - (1 - w_struct * e_struct) * (1 - 0.8 * e_text) * (1 - 0.8 * e_ng) * (1 - 0.9 * e_mut)
        got = np.float32(score[q]) if in_f32[q] else float(score[q])
        assert type(got) is type(want) and got == want, q


def test_directions_follow_the_rules_article_by_article():
    rng = np.random.default_rng(6)
    n = 400
    frm = rng.choice(["published", "latest_mentioned", "none"], n)
    date = rng.choice(["2025-10-01", "2025-10-02", ""], n)
    tl = pd.DataFrame({"article_id": [f"a{k:03d}" for k in range(n)], "order_rank": np.arange(n), "order_from": frm,
                       "order_date": date, "group": [f"{f}:{d}" if f != "none" else f"none:{k}"
                                                     for k, (f, d) in enumerate(zip(frm, date))]})
    deviations = Counter({f"a{k:03d}": int(rng.integers(0, 3)) for k in range(n) if rng.random() < 0.7})
    t = {c: dict(zip(tl["article_id"], tl[c])) for c in ("order_rank", "order_from", "order_date", "group")}
    i = rng.integers(0, n - 1, 5000)
    j = i + 1 + rng.integers(0, 5, 5000) % (n - 1 - i)
    src, dst, conf = spread._directions(i, j, tl, deviations)
    for x, y, s_, d_, c_ in zip(i.tolist(), j.tolist(), src.tolist(), dst.tolist(), conf.tolist()):
        a, b = f"a{x:03d}", f"a{y:03d}"
        fa, fb = t["order_from"][a], t["order_from"][b]
        if fa == "published" and fb == "published" and t["order_date"][a] != t["order_date"][b]:
            want = (a, b, "high")
        elif fa == "published" and fb != "published":
            want = (a, b, "medium")
        elif t["group"][a] == t["group"][b]:
            want = (b, a, "low") if deviations.get(a, 0) > deviations.get(b, 0) else (a, b, "low")
        elif fa == "latest_mentioned" and fb == "latest_mentioned" and deviations.get(a, 0) <= deviations.get(b, 0):
            want = (a, b, "medium")
        else:
            want = (a, b, "low")
        assert (f"a{s_:03d}", f"a{d_:03d}", c_) == want


def test_order_agreement_counts_the_pairs_told_in_the_same_order():
    rng = np.random.default_rng(7)
    sizes = rng.choice([0, 1, 2, 3, 7, 12, 61, 70], 300)
    q = np.repeat(np.arange(len(sizes)), sizes)
    other = np.concatenate([rng.permutation(k) for k in sizes])
    got = spread._order_agreements(q, other, len(sizes))
    start = np.cumsum(sizes) - sizes
    for p, (s, k) in enumerate(zip(start, sizes)):
        seq = other[s:s + k].tolist()
        if k < 2:
            want = 1.0 if k else 0.0
        elif k > 60:
            want = sum(seq[a] < seq[a + 1] for a in range(k - 1)) / (k - 1)
        else:
            want = sum(seq[a] < seq[b] for a in range(k) for b in range(a + 1, k)) / (k * (k - 1) / 2)
        assert got[p] == want


def test_origins_are_the_connected_groups_of_each_clusters_articles():
    rng = np.random.default_rng(8)
    m = 3000
    multi = pd.DataFrame({"cluster_id": [f"C{k:03d}" for k in rng.integers(0, 150, m)],
                          "article_id": [f"a{k:03d}" for k in rng.integers(0, 300, m)],
                          "channel": rng.choice(["", "", "Bloomberg", "TASS"], m)})
    links = pd.DataFrame({"source_article": [f"a{k:03d}" for k in rng.integers(0, 320, 600)],
                          "target_article": [f"a{k:03d}" for k in rng.integers(0, 320, 600)]})
    ids, roots, origins = spread._origins(multi, links)
    adj = defaultdict(set)
    for x, y in zip(links["source_article"], links["target_article"]):
        adj[x].add(y)
        adj[y].add(x)
    for cid, r_, o_ in zip(ids, roots, origins):
        sub = multi[multi["cluster_id"] == cid]
        comp = {a: a for a in sub["article_id"]}

        def find(x):
            while comp[x] != x:
                x = comp[x]
            return x

        for a in comp:
            for b in adj.get(a, ()):
                if b in comp:
                    comp[find(a)] = find(b)
        want_roots = len({find(a) for a in comp})
        for _, members in sub[sub["channel"] != ""].groupby("channel")["article_id"]:
            for b in members:
                if find(b) != find(members.iloc[0]):
                    comp[find(b)] = find(members.iloc[0])
        assert (r_, o_) == (want_roots, len({find(a) for a in comp})), cid
