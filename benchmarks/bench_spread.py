"""Cost of the claim-spread stage (:func:`hmeimim.spread.spread_tables`) on synthetic claims.

Run: ``.venv/bin/python benchmarks/bench_spread.py [--sizes 1000 100000] [--seed 0]``.

Each size runs in a fresh interpreter (so the peak memory is that size's own). The synthetic
corpus has articles of 12 claims in five languages; each claim re-tells one of ``n/20`` "stories"
(flights with aircraft family, date window, count and route; meetings; events; attributions) whose
popularity follows a Zipf law, so that a few stories are repeated in hundreds of articles (large
blocks, as in a real story) and most in a few. Re-tellings paraphrase the words (drop, swap,
replace filler words), and one in ten changes a fact (a date window's end, a transposed aircraft
designator). Printed per size, as one JSON line: claims, articles, seconds (wall clock, total and
per step), CPU seconds of the spread call (``cpu_seconds``, and per step ``steps_cpu``: the machine may
be shared, and then the wall clock says more about the neighbours than about the code; the spread's
heaviest kernels run on two threads, so on an idle machine the wall clock is below the CPU), peak RSS
in MB, clusters, pairwise recall of the planted re-tellings (same story, same language,
sampled) and precision (sampled pairs put in one cluster that re-tell the same story). The
ratio of seconds per claim between sizes shows how close to linear the cost is. Not a test:
numbers depend on the machine. ``--save DIR`` also writes the four tables of each size to
``DIR/<size>/<table>.parquet``, to check that a change of the code keeps them identical.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

LANGS = ("en", "en", "en", "ru", "ru", "de", "ar", "zh")
FAMILIES = [("Il-62M", "Il-62", "Il-62M", "Ил-62М"), ("An-124-100", "An-124", "An-124-100", "Ан-124-100"),
            ("Il-76MD", "Il-76", "Il-76MD", "Ил-76МД"), ("Tu-154M", "Tu-154", "Tu-154M", "Ту-154М"),
            ("An-148", "An-148", "An-148", "Ан-148"), ("Su-24M", "Su-24", "Su-24M", "Су-24М")]
PLACES = ["Hmeimim", "Latakia", "Libya", "Moscow Oblast", "Tartus", "Damascus", "Benghazi", "Mozdok", "Aleppo",
          "Homs", "Tripoli", "Chkalovsky", "Al Jufra", "Bamako", "Port Sudan", "Qamishli", "Palmyra", "Jableh"]
CONCEPTS = ["resume", "pause", "attack", "repel", "oust", "meet", "visit", "reduce", "confirm", "bomb"]
SOURCES = ["Bloomberg", "Reuters", "TASS", "Flightradar24", "flight tracking data", "anonymous Kremlin source", ""]
KIND_OF = ["flight"] * 4 + ["meeting"] * 2 + ["event"] * 3 + ["attribution"]


def _vocab(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def _paraphrase(rng: random.Random, words: list[str], vocab: list[str]) -> list[str]:
    out = []
    for w in words:
        r = rng.random()
        if r < 0.12:
            continue                     # dropped
        if r < 0.22:
            out.append(rng.choice(vocab))  # replaced
        else:
            out.append(w)
    if len(out) > 3 and rng.random() < 0.5:
        k = rng.randrange(len(out) - 1)
        out[k], out[k + 1] = out[k + 1], out[k]
    return out


def synth(n_claims: int, seed: int = 0):
    """(articles, sentences, claims) DataFrames with ``n_claims`` claims and the story of each."""
    import pandas as pd

    rng = random.Random(seed)
    vocab = _vocab(rng, 6000)
    people = [f"{rng.choice(vocab).title()} {rng.choice(vocab).title()}" for _ in range(400)]
    n_stories = max(10, n_claims // 20)
    stories = []
    for s in range(n_stories):
        kind = rng.choice(KIND_OF)
        day = rng.randint(1, 60)
        start = pd.Timestamp("2025-09-01") + pd.Timedelta(days=day)
        end = start + pd.Timedelta(days=rng.choice([0, 0, 2, 5]))
        fam = rng.choice(FAMILIES)
        stories.append({
            "kind": kind, "fam": fam, "start": start.date().isoformat(), "end": end.date().isoformat(),
            "count": rng.choice([1, 2, 3, 4]), "places": rng.sample(PLACES, rng.choice([1, 2, 3])),
            "people": rng.sample(people, 2), "concepts": rng.sample(CONCEPTS, 2), "source": rng.choice(SOURCES),
            "numbers": [str(rng.randint(2, 900))], "words": [rng.choice(vocab) for _ in range(rng.randint(10, 22))],
        })
    weights = [1.0 / (k + 1) ** 0.9 for k in range(n_stories)]
    rows, sents, arts = [], [], []
    n_articles = max(2, n_claims // 12)
    for a in range(n_articles):
        aid = f"a{a:07d}"
        lang = rng.choice(LANGS)
        dated = rng.random() < 0.8
        pub = (pd.Timestamp("2025-09-01") + pd.Timedelta(days=rng.randint(20, 90))).date().isoformat() if dated else None
        picks = rng.choices(range(n_stories), weights=weights, k=12)
        text_parts, pos = [], 0
        for sid, st in enumerate(picks):
            if len(rows) >= n_claims:
                break
            story = stories[st]
            words = _paraphrase(rng, story["words"], vocab)
            mutated = rng.random() < 0.1
            end = story["end"]
            flag = ""
            written = story["fam"][2] if lang != "ru" else story["fam"][3]
            if mutated and story["kind"] == "flight":
                if rng.random() < 0.5:
                    end = (pd.Timestamp(end) + pd.Timedelta(days=2)).date().isoformat()
                else:
                    num = written.split("-")[1]
                    written = written.replace(num, num[::-1], 1)
                    flag = "nonexistent_designator"
            facts_words = [written] if story["kind"] == "flight" else []
            facts_words += story["places"] + story["people"][:1] + story["numbers"]
            text = " ".join(words[:4] + facts_words + words[4:]).capitalize() + "."
            start = pos
            pos += len(text) + 1
            text_parts.append(text)
            flight = story["kind"] == "flight"
            fam = story["fam"]
            facts = {"aircraft": [{"v": fam[0], "f": fam[1], "w": written, "flag": flag,
                                   "d": written.replace("Ил", "Il").replace("Ан", "An").replace("Ту", "Tu")
                                   .replace("Су", "Su").replace("М", "M").replace("Д", "D"),
                                   "span": [start, start + len(text)]}]} if flight else {}
            rows.append({
                "article_id": aid, "sentence_id": sid, "start": start, "end": start + len(text), "text": text,
                "kind": story["kind"], "claim_id": f"{aid}#{sid}", "paragraph": sid, "language": lang,
                "aircraft": fam[0] if flight else "", "aircraft_family": fam[1] if flight else "",
                "aircraft_as_written": written if flight else "", "aircraft_flag": flag,
                "event": "arrival" if flight else "", "count": story["count"] if flight else None,
                "count_explicit": flight, "date_start": story["start"], "date_end": end,
                "date_as_written": "", "dates": f"{story['start']}/{end}", "route": " → ".join(story["places"]) if flight else "",
                "places": "|".join(story["places"]), "people": "|".join(story["people"]),
                "people_keys": "|".join(p.lower() for p in story["people"]), "people_as_written": "|".join(story["people"]),
                "bodies": "", "entities": "", "numbers": "|".join(story["numbers"]), "durations": "",
                "concepts": "|".join(story["concepts"]), "source": story["source"], "via": "",
                "source_as_written": story["source"], "source_types": "", "attributed": bool(story["source"]),
                "context_attributed": bool(story["source"]), "context_sources": story["source"],
                "channel": story["source"], "hedged": False, "restates": False,
                "facts": json.dumps(facts, separators=(",", ":")), "_story": st,
            })
            sents.append({"article_id": aid, "sentence_id": sid, "start": start, "end": start + len(text), "text": text})
        arts.append({"article_id": aid, "published": pub, "outlet": f"outlet{a % 97}", "language": lang,
                     "text": " ".join(text_parts)})
        if len(rows) >= n_claims:
            break
    return pd.DataFrame(arts), pd.DataFrame(sents), pd.DataFrame(rows)


class _StepClock(dict):
    """The ``timings`` of :func:`hmeimim.spread.spread_tables` (wall seconds per step) that also
    keeps the process's CPU seconds per step (``cpu``: all threads, between successive steps)."""

    def __init__(self):
        super().__init__()
        self.cpu: dict[str, float] = {}
        self.last = time.process_time()

    def __setitem__(self, name, value):
        now = time.process_time()
        self.cpu[name] = self.cpu.get(name, 0.0) + now - self.last
        self.last = now
        super().__setitem__(name, value)


def run_one(n: int, seed: int, save: str | None = None) -> dict:
    from pathlib import Path as _P

    import numpy as np
    import pandas as pd

    from hmeimim import schema, spread
    from hmeimim.pipeline import Corpus

    # warm up: imports and lexicon caches are paid once per process, not per claim
    wa, ws, wc = synth(60, seed + 1)
    wc.pop("_story")
    spread.spread_tables(Corpus(_P("warm-up"), wa, ws, schema.conform("rejects", None), claims=wc))
    arts, sents, claims = synth(n, seed)
    story = claims.pop("_story").to_numpy()
    corpus = Corpus(_P("synthetic"), arts, sents, schema.conform("rejects", None), claims=claims)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings = _StepClock()
    t = time.perf_counter()
    cpu0 = timings.last = time.process_time()
    tables = spread.spread_tables(corpus, timings=timings)
    seconds = time.perf_counter() - t
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if save:
        out_dir = _P(save) / str(n)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, df in tables.items():
            df.to_parquet(out_dir / f"{name}.parquet")
    m = tables["claim_mentions"].set_index("claim_id")
    cluster = claims["claim_id"].map(m["cluster_id"]).to_numpy()
    lang = claims["language"].to_numpy()
    rng = np.random.default_rng(seed)
    # recall: sampled pairs of re-tellings of one story in one language
    order = np.lexsort((lang, story))
    s_sorted, l_sorted = story[order], lang[order]
    same = np.flatnonzero((s_sorted[:-1] == s_sorted[1:]) & (l_sorted[:-1] == l_sorted[1:]))
    pick = rng.choice(same, size=min(20000, len(same)), replace=False) if len(same) else same
    recall = float(np.mean(cluster[order[pick]] == cluster[order[pick + 1]])) if len(pick) else float("nan")
    # precision: sampled pairs inside one cluster
    corder = np.argsort(cluster, kind="stable")
    c_sorted = cluster[corder]
    inside = np.flatnonzero(c_sorted[:-1] == c_sorted[1:])
    pick = rng.choice(inside, size=min(20000, len(inside)), replace=False) if len(inside) else inside
    precision = float(np.mean(story[corder[pick]] == story[corder[pick + 1]])) if len(pick) else float("nan")
    return {"claims": len(claims), "articles": len(arts), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "us_per_claim": round(1e6 * seconds / max(1, len(claims)), 1),
            "steps": {k: round(v, 2) for k, v in timings.items()},
            "steps_cpu": {k: round(v, 2) for k, v in timings.cpu.items()},
            "peak_rss_mb": round(peak, 1), "rss_before_mb": round(base, 1),
            "clusters": int(tables["claim_clusters"].shape[0]),
            "multi_article_clusters": int((tables["claim_clusters"]["n_articles"] > 1).sum()),
            "links": int(len(tables["article_links"])), "mutations": int(len(tables["mutations"])),
            "recall": round(recall, 3), "precision": round(precision, 3)}


# Hand-aligned paraphrases in the seeds (sentence ids): 002 re-words 004 sentence by sentence, and
# 001 shares wording with 000. Every other same-language pair of claims from different articles
# counts as a non-match (a few are loosely related, so precision is a lower bound).
ALIGNED = {("004", "002"): [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (9, 9), (10, 10),
                            (13, 12), (14, 13), (16, 15)],
           ("000", "001"): [(1, 0), (2, 1), (5, 3), (6, 4), (8, 6), (9, 7), (18, 11)]}


def calibrate() -> list[dict]:
    """Precision and recall of the text similarity alone (word and character TF-IDF) at several
    thresholds, on the seeds' hand-aligned paraphrases; prints one JSON line per threshold."""
    import itertools

    import numpy as np

    import hmeimim
    from hmeimim import spread

    seeds = Path(__file__).resolve().parents[1] / "seeds"
    corpus = hmeimim.load_corpus(seeds, workers=1, spread=False)
    claims = spread._prepare_claims(corpus.claims, corpus.articles)
    feats = spread._features(claims, spread.fact_tokens(claims))
    short = claims["article_id"].str[:3].tolist()
    sid = claims["sentence_id"].astype(int).tolist()
    pos = {(a, x, b, y) for (a, b), pairs in ALIGNED.items() for x, y in pairs}
    pos |= {(b, y, a, x) for a, x, b, y in pos}
    i, j, label = [], [], []
    for p, q in itertools.combinations(range(len(claims)), 2):
        if short[p] != short[q] and feats.lang[p] == feats.lang[q]:
            i.append(p)
            j.append(q)
            label.append((short[p], sid[p], short[q], sid[q]) in pos)
    i, j, label = np.array(i), np.array(j), np.array(label)
    comb = feats.text["en"][1]
    sim = spread._rowdot(comb, comb, feats.local[i], feats.local[j], 10_000)
    out = []
    for t in np.arange(0.26, 0.72, 0.04):
        hit = sim >= t
        tp = int((hit & label).sum())
        prec = tp / max(1, int(hit.sum()))
        rec = tp / max(1, int(label.sum()))
        row = {"text_threshold": round(float(t), 2), "pairs": int(len(label)), "aligned": int(label.sum()),
               "found": tp, "false": int((hit & ~label).sum()), "precision": round(prec, 3), "recall": round(rec, 3)}
        print(json.dumps(row), flush=True)
        out.append(row)
    # the full rule (text, facts or both) as spread_tables applies it
    tables = spread.spread_tables(corpus)
    cid = dict(zip(tables["claim_mentions"]["claim_id"], tables["claim_mentions"]["cluster_id"]))
    ids = claims["claim_id"].tolist()
    same = np.array([cid[ids[p]] == cid[ids[q]] for p, q in zip(i, j)])
    # the alignment is exhaustive only between the aligned articles: count false merges there
    inside = np.array([(short[p], short[q]) in ALIGNED or (short[q], short[p]) in ALIGNED for p, q in zip(i, j)])
    row = {"rule": "spread_tables (text, facts or both)", "aligned": int(label.sum()), "found": int((same & label).sum()),
           "false_between_aligned_articles": int((same & ~label & inside).sum()),
           "recall": round(float((same & label).sum() / max(1, label.sum())), 3)}
    print(json.dumps(row), flush=True)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save", metavar="DIR", help="write each size's tables to DIR/<size>/<table>.parquet")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)
    p.add_argument("--calibrate", action="store_true", help="precision/recall of the text threshold on the seeds")
    a = p.parse_args()
    if a.calibrate:
        calibrate()
        return
    if a.one:
        print(json.dumps(run_one(a.one, a.seed, a.save)), flush=True)
        return
    results = []
    for n in a.sizes:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(n), "--seed", str(a.seed)]
        out = subprocess.run(cmd + (["--save", a.save] if a.save else []), capture_output=True, text=True, check=True)
        line = out.stdout.strip().splitlines()[-1]
        print(line, flush=True)
        results.append(json.loads(line))
    if len(results) > 1:
        lo, hi = results[0], results[-1]
        growth = (hi["seconds"] / max(lo["seconds"], 1e-9)) / (hi["claims"] / lo["claims"])
        print(json.dumps({"claims_ratio": hi["claims"] / lo["claims"], "seconds_ratio": round(hi["seconds"] / lo["seconds"], 1),
                          "cost_per_claim_ratio": round(growth, 2)}))


if __name__ == "__main__":
    main()
