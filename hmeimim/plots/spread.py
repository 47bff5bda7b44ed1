"""Claim-spread charts: which article makes which claim in publication order, who likely copied
whom, and what changed on the way.

Each chart has a function computing its tidy table and one drawing it. They take the spread
tables of :func:`hmeimim.spread.spread_tables` (``claim_clusters``, ``claim_mentions``,
``mutations``, ``article_links``) and the ``articles`` table, empty or not.

>>> import pandas as pd
>>> mentions = pd.DataFrame({"cluster_id": ["C1", "C1", "C2"], "article_id": ["a", "b", "b"],
...                          "order_rank": [0, 1, 1], "is_first": [True, False, True]})
>>> clusters = pd.DataFrame({"cluster_id": ["C1", "C2"], "label": ["Il-62M flew", "An-124 landed"],
...                          "n_articles": [2, 1]})
>>> muts = pd.DataFrame({"cluster_id": ["C1"], "article_id": ["b"], "kind": ["changed"], "field": ["aircraft"]})
>>> claims_matrix(mentions, clusters, muts, min_articles=1)[["cluster_id", "article_id", "status"]].to_dict("records")
[{'cluster_id': 'C1', 'article_id': 'a', 'status': 'first'}, {'cluster_id': 'C1', 'article_id': 'b', 'status': 'changed'}, {'cluster_id': 'C2', 'article_id': 'b', 'status': 'first'}]
"""
from __future__ import annotations

import pandas as pd

from .common import COLORS, article_label, empty_chart, finish, legend_above, new_figure, short_label

__all__ = ["STATUS_ORDER", "MATRIX_COLUMNS", "claims_matrix", "plot_claims_matrix", "derivation_graph",
           "plot_derivation_graph", "mutation_table", "first_appearances", "origins_table"]

#: Cell states of the claims-by-articles matrix, from least to most notable.
STATUS_ORDER = ["repeated", "first", "changed", "invented"]
_STATUS_COLORS = {"repeated": COLORS["week"], "first": COLORS["green"], "changed": COLORS["before"],
                  "invented": COLORS["accent"]}
_STATUS_TEXT = {"repeated": "repeats an earlier claim", "first": "first appearance",
                "changed": "repeats it with a changed value", "invented": "invented detail or claim"}
MATRIX_COLUMNS = ["cluster_id", "label", "article_id", "article", "order_rank", "status"]


def _text(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)


def claims_matrix(mentions: pd.DataFrame, clusters: pd.DataFrame, mutations: pd.DataFrame | None = None,
                  articles: pd.DataFrame | None = None, *, min_articles: int = 2, limit: int = 30) -> pd.DataFrame:
    """One row per (claim cluster, article making it): the cell ``status`` is ``first`` (the
    cluster's first article), ``repeated``, ``changed`` (a mutation) or ``invented``. Clusters
    made by at least ``min_articles`` articles (plus any with an invented detail), at most
    ``limit`` of them, most repeated first; articles keep their timeline rank."""
    if mentions is None or mentions.empty or clusters is None or clusters.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    cl = clusters.set_index("cluster_id")
    invented_clusters = set()
    status_of: dict[tuple, str] = {}
    if mutations is not None and len(mutations):
        for c, a, k in zip(mutations["cluster_id"], mutations["article_id"], mutations["kind"]):
            key = (c, a)
            if k == "invented":
                invented_clusters.add(c)
                status_of[key] = "invented"
            elif status_of.get(key) != "invented":
                status_of[key] = "changed"
    keep = cl.index[(cl["n_articles"] >= min_articles) | cl.index.isin(invented_clusters)]
    order = cl.loc[keep].assign(_n=lambda d: -d["n_articles"]).sort_values(["_n"], kind="stable").index[:limit]
    m = mentions[mentions["cluster_id"].isin(order)]
    m = m.sort_values(["cluster_id", "order_rank", "article_id"], kind="stable").drop_duplicates(["cluster_id", "article_id"])
    meta = articles.set_index("article_id") if articles is not None and len(articles) else None
    rows = []
    for c, a, r, first in zip(m["cluster_id"], m["article_id"], m["order_rank"], m["is_first"]):
        status = status_of.get((c, a)) or ("first" if bool(first) else "repeated")
        lab = article_label(a, meta["published"].get(a) if meta is not None else None,
                            meta["outlet"].get(a) if meta is not None else None)
        rows.append({"cluster_id": c, "label": _text(cl.at[c, "label"]) if "label" in cl else c, "article_id": a,
                     "article": lab, "order_rank": int(r), "status": status})
    out = pd.DataFrame(rows, columns=MATRIX_COLUMNS)
    rank = {c: k for k, c in enumerate(order)}
    return out.sort_values(["cluster_id", "order_rank"], key=lambda s: s.map(rank) if s.name == "cluster_id" else s,
                           kind="stable").reset_index(drop=True)


def plot_claims_matrix(matrix: pd.DataFrame, *, source: str = "hmeimim spread tables", period: str = "",
                       label_chars: int = 48):
    """A grid: claims (rows, most repeated first) by articles (columns, in publication order,
    undated last), coloured by whether the article first makes, repeats, changes or invents it."""
    from matplotlib.patches import Patch

    if matrix.empty:
        fig, ax = new_figure(8.0, 2.6)
        return empty_chart(fig, ax, "No claim is made by more than one article.", title="Which article makes which claim", xlabel="", ylabel="", source=source,
                      period=period)
    clusters = list(dict.fromkeys(matrix["cluster_id"]))
    arts = matrix.drop_duplicates("article_id").sort_values(["order_rank", "article_id"])
    col = {a: k for k, a in enumerate(arts["article_id"])}
    row = {c: k for k, c in enumerate(clusters)}
    fig, ax = new_figure(max(9.0, 5.0 + 1.15 * len(col)), max(3.6, 2.4 + 0.32 * len(row)))
    for r in matrix.itertuples():
        ax.add_patch(_cell(col[r.article_id], row[r.cluster_id], _STATUS_COLORS[r.status]))
    ax.set_xlim(-0.5, len(col) - 0.5)
    ax.set_ylim(len(row) - 0.5, -0.5)
    labels = matrix.drop_duplicates("cluster_id").set_index("cluster_id")["label"]
    ax.set_yticks(range(len(row)), [f"{c}  {short_label(labels[c], label_chars)}" for c in clusters], fontsize=8)
    # one article label per column, on up to three short lines (id, outlet, day)
    ax.set_xticks(range(len(col)), [_stacked(a) for a in arts["article"]], fontsize=7.5)
    ax.grid(False)
    present = [s for s in STATUS_ORDER if s in set(matrix["status"])]
    finish(fig, ax, title="Which article makes which claim, in publication order",
           xlabel="articles in publication order (undated last, by the latest date they mention)",
           ylabel="claim (cluster id and first wording)", source=source, period=period,
           note="A blank cell: the article does not make the claim.")
    legend_above(ax, [Patch(color=_STATUS_COLORS[s], label=_STATUS_TEXT[s]) for s in present], ncols=2)
    if len(present) > 2:  # two legend rows need more room under the title
        ax.set_title(ax.get_title(loc="left"), loc="left", pad=40)
    return fig


def _stacked(label: str, width: int = 13) -> str:
    """An article label on short lines (id, outlet wrapped, day) to fit under a narrow column."""
    import textwrap

    lines = []
    for part in label.split(" \u00b7 "):
        lines += textwrap.wrap(part, width) or [part]
    return "\n".join(lines)


def _cell(x: float, y: float, color: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.45, y - 0.4), 0.9, 0.8, color=color, linewidth=0)


def derivation_graph(links: pd.DataFrame, articles: pd.DataFrame | None = None, mentions: pd.DataFrame | None = None):
    """A :class:`networkx.DiGraph` of likely derivation: an edge from the earlier article to the
    later (attributes ``kind, score, direction_confidence, evidence, best_parent``); nodes carry
    ``label, published, language, order_rank``. Articles with no link are included when
    ``mentions`` is given (they are independent origins)."""
    import networkx as nx

    g = nx.DiGraph()
    meta = articles.set_index("article_id") if articles is not None and len(articles) else None
    rank = {}
    if mentions is not None and len(mentions):
        rank = dict(zip(mentions["article_id"], mentions["order_rank"]))
    nodes = set(rank)
    if links is not None and len(links):
        nodes |= set(links["source_article"]) | set(links["target_article"])
    for a in sorted(nodes):
        pub = meta["published"].get(a) if meta is not None else None
        out = meta["outlet"].get(a) if meta is not None else None
        lang = meta["language"].get(a) if meta is not None and "language" in meta else None
        g.add_node(a, label=article_label(a, pub, out), published=_text(pub), language=_text(lang),
                   order_rank=int(rank.get(a, 0)))
    if links is not None:
        for r in links.itertuples():
            g.add_edge(r.source_article, r.target_article, kind=r.kind, score=float(r.score),
                       direction_confidence=r.direction_confidence, evidence=r.evidence,
                       best_parent=bool(r.best_parent))
    return g


def plot_derivation_graph(graph, *, source: str = "hmeimim article_links table", period: str = "", limit: int = 40):
    """Articles as dots along the timeline (x: publication order) with arrows from the likely
    source to its copy (solid: paraphrase or copy; dashed: translation; width: score)."""
    import networkx as nx

    nodes = sorted(graph.nodes, key=lambda a: (graph.nodes[a].get("order_rank", 0), a))[:limit]
    sub = graph.subgraph(nodes)
    fig, ax = new_figure(9.5, max(3.2, 1.8 + 0.45 * min(len(nodes), 12)))
    if not nodes:
        return empty_chart(fig, ax, "No articles.", title="Who likely copied whom", xlabel="", ylabel="", source=source, period=period)
    # lanes: each connected family of articles gets its own band, in order of its first article
    families = sorted(nx.weakly_connected_components(sub), key=lambda s: min(graph.nodes[a]["order_rank"] for a in s))
    pos, lane = {}, 0
    for fam in families:
        members = sorted(fam, key=lambda a: (graph.nodes[a]["order_rank"], a))
        for k, a in enumerate(members):
            pos[a] = (graph.nodes[a]["order_rank"], lane + (k % 2) * 0.35)
        lane += 1
    for u, v, d in sub.edges(data=True):
        style = "--" if d.get("kind") == "translation" else "-"
        ax.annotate("", xy=pos[v], xytext=pos[u],
                    arrowprops={"arrowstyle": "-|>", "color": "#555555", "lw": 0.8 + 2.2 * d.get("score", 0.5),
                                "linestyle": style, "shrinkA": 8, "shrinkB": 8, "connectionstyle": "arc3,rad=0.12"})
    for a, (x, y) in pos.items():
        dated = bool(graph.nodes[a].get("published"))
        ax.scatter([x], [y], s=120, color=COLORS["week"] if dated else COLORS["undated"], zorder=3, edgecolor="white")
        ax.annotate(graph.nodes[a]["label"], (x, y), xytext=(7, 5), textcoords="offset points", fontsize=8,
                    ha="left", va="bottom")
    ranks = sorted({p[0] for p in pos.values()})
    ax.set_xticks(ranks, [str(r + 1) for r in ranks])
    ax.set_xlim(min(ranks) - 0.6, max(ranks) + 1.6)
    ax.set_ylim(lane - 0.4, -0.6)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=COLORS["week"], label="dated article"),
               Line2D([], [], marker="o", ls="", color=COLORS["undated"], label="undated article"),
               Line2D([], [], color="#555555", ls="-", label="copy or paraphrase"),
               Line2D([], [], color="#555555", ls="--", label="translation")]
    finish(fig, ax, title="Who likely copied whom", xlabel="position in the timeline (1 = first; undated "
           "articles last, by the latest date they mention)", ylabel="families of related articles (one band each)",
           source=source, period=period, note="An arrow points from the likely source to its copy; thicker = "
           "stronger evidence.")
    legend_above(ax, handles, ncols=4)
    return fig


def mutation_table(mutations: pd.DataFrame, articles: pd.DataFrame, clusters: pd.DataFrame | None = None,
                   context: int = 50) -> pd.DataFrame:
    """The mutations with their evidence in context: ``…words before [value] words after…``."""
    cols = ["article", "claim", "field", "kind", "value", "reference_value", "evidence_in_context", "rule"]
    if mutations is None or mutations.empty:
        return pd.DataFrame(columns=cols)
    meta = articles.set_index("article_id")
    labels = clusters.set_index("cluster_id")["label"] if clusters is not None and len(clusters) else pd.Series(dtype=str)
    rows = []
    for r in mutations.itertuples():
        text = _text(meta["text"].get(r.article_id)) if "text" in meta else ""
        s, e = int(r.start), int(r.end)
        before = " ".join(text[max(0, s - context):s].split())
        after = " ".join(text[e:e + context].split())
        ev = f"…{before} [{' '.join(text[s:e].split())}] {after}…" if text else _text(r.evidence)
        rows.append({"article": article_label(r.article_id, meta["published"].get(r.article_id),
                                              meta["outlet"].get(r.article_id)),
                     "claim": f"{r.cluster_id} {short_label(labels.get(r.cluster_id, ''), 50)}",
                     "field": r.field, "kind": r.kind, "value": short_label(r.value, 80),
                     "reference_value": _text(r.reference_value), "evidence_in_context": ev, "rule": r.rule})
    return pd.DataFrame(rows, columns=cols)


def first_appearances(clusters: pd.DataFrame, articles: pd.DataFrame, min_articles: int = 2) -> pd.DataFrame:
    """Claims repeated by at least ``min_articles`` articles: where each first appeared, how far it
    travelled and from how many independent origins."""
    cols = ["cluster_id", "claim", "first_article", "n_articles", "n_languages", "independent_origins",
            "n_mutations", "n_invented"]
    if clusters is None or clusters.empty:
        return pd.DataFrame(columns=cols)
    c = clusters[clusters["n_articles"] >= min_articles]
    meta = articles.set_index("article_id")
    return pd.DataFrame({
        "cluster_id": c["cluster_id"], "claim": c["label"].map(lambda x: short_label(x, 90)),
        "first_article": [article_label(a, meta["published"].get(a), meta["outlet"].get(a)) for a in c["first_article"]],
        "n_articles": c["n_articles"], "n_languages": c["n_languages"],
        "independent_origins": c["independent_origins"], "n_mutations": c["n_mutations"], "n_invented": c["n_invented"],
    }, columns=cols).reset_index(drop=True)


def origins_table(clusters: pd.DataFrame) -> pd.DataFrame:
    """How many claims have one, two, ... independent origins (claims repeated by 2+ articles)."""
    c = clusters[clusters["n_articles"] >= 2] if clusters is not None and len(clusters) else pd.DataFrame()
    if c.empty:
        return pd.DataFrame(columns=["independent_origins", "claims", "articles_repeating_them"])
    g = c.groupby("independent_origins").agg(claims=("cluster_id", "size"), articles_repeating_them=("n_articles", "sum"))
    return g.reset_index()
