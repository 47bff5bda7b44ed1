"""The weekly report: one ISO week of the corpus as a notebook, an HTML page, figures and CSVs.

:func:`render_report` checks its parameters before any kernel starts, runs the papermill
template ``hmeimim/templates/weekly_report.ipynb`` and writes into ``<out>/<week>/``:

``report.ipynb``  the executed notebook (no timestamps: the same input gives the same file)
``report.html``   the report without code cells or prompts, figures embedded
``figures/*.png`` every chart
``tables/*.csv``  the table behind every chart and every table shown

The template stays short: it calls :func:`open_week` and the ``show_*`` section functions
below. Everything taken from articles (titles, outlets, URLs, text) is untrusted and is
escaped before it reaches HTML; links are made only for http(s) URLs.

>>> parse_week("2025-10-29")
'2025-W44'
>>> week_bounds("2025-W44")
(datetime.date(2025, 10, 27), datetime.date(2025, 11, 2))
>>> parse_week("2025-W60")
Traceback (most recent call last):
...
hmeimim.report.ReportError: bad week '2025-W60': 2025 has ISO weeks 1 to 52
"""
from __future__ import annotations

import base64
import html
import numbers
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from .plots.common import COLORS, date_axis, finish, legend_above, language_name, new_figure, period_text, png, repo_path, short_label, use_style

__all__ = ["ReportError", "render_report", "parse_week", "week_bounds", "week_of", "check_parameters",
           "template_path", "open_week", "WeekReport", "week_tables", "summary_sentence", "html_table",
           "safe_url", "dates_in_text", "export_html", "show_header", "show_corpus", "show_flights",
           "show_sources", "show_claims", "show_graph", "show_undated"]


class ReportError(ValueError):
    """Bad report parameters or a failed run; the message is one line for the command line."""


# -- parameters -----------------------------------------------------------------------------

_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})(?:-?[1-7])?")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WEEK_HELP = "use an ISO week such as 2025-W44 or a date inside the week such as 2025-10-29"


def _shown(value) -> str:
    s = repr(value if not isinstance(value, str) or len(value) <= 40 else value[:40] + "…")
    return s.replace("\n", " ")


def parse_week(week) -> str:
    """Normalise an ISO week (``2025-W44``, ``2025w44``, ``2025-W44-3``) or an ISO date inside it
    (``2025-10-29``) to ``YYYY-Www``; raise :class:`ReportError` otherwise."""
    if not isinstance(week, str) or not week.strip():
        raise ReportError(f"missing week: {_WEEK_HELP}")
    w = week.strip()
    if m := _WEEK.fullmatch(w):
        year, num = int(m.group(1)), int(m.group(2))
        last = date(year, 12, 28).isocalendar()[1]
        if not 1 <= num <= last:
            raise ReportError(f"bad week {_shown(week)}: {year} has ISO weeks 1 to {last}")
        return f"{year}-W{num:02d}"
    if m := _DATE.fullmatch(w):
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as e:
            raise ReportError(f"bad week {_shown(week)}: not a real date ({e})") from None
        return week_of(d)
    raise ReportError(f"bad week {_shown(week)}: {_WEEK_HELP}")


def week_of(d: date) -> str:
    """The ISO week holding ``d``: ``week_of(date(2025, 10, 29)) == '2025-W44'``."""
    year, num, _ = d.isocalendar()
    return f"{year}-W{num:02d}"


def week_bounds(week) -> tuple[date, date]:
    """(Monday, Sunday) of an ISO week (or of the week holding a date)."""
    w = parse_week(week)
    monday = date.fromisocalendar(int(w[:4]), int(w[6:]), 1)
    return monday, monday + timedelta(days=6)


def check_parameters(corpus, week, out, metadata=None) -> tuple[Path, str, Path, Path | None]:
    """Check the report's parameters without starting anything; return ``(corpus folder, week,
    report folder <out>/<week>, metadata file or None)``. The report folder is created."""
    from .ingest import discover

    wk = parse_week(week)
    if corpus is None or not str(corpus).strip():
        raise ReportError("missing corpus folder")
    cdir = Path(corpus).expanduser()
    if not cdir.exists():
        raise ReportError(f"corpus folder not found: {cdir}")
    if not cdir.is_dir():
        raise ReportError(f"corpus is not a folder: {cdir}")
    try:
        files, unlisted = discover(cdir)
    except OSError as e:
        raise ReportError(f"cannot read the corpus folder {cdir}: {e.strerror or e}") from None
    if not files and not unlisted:
        raise ReportError(f"corpus folder has no files: {cdir} (articles are .txt, .md or .html files)")
    mpath = None
    if metadata is not None and str(metadata).strip():
        mpath = Path(metadata).expanduser()
        if not mpath.is_file():
            raise ReportError(f"metadata file not found: {mpath}")
    if out is None or not str(out).strip():
        raise ReportError("missing output folder")
    odir = Path(out).expanduser()
    for p in (odir, odir / wk):
        if p.exists() and not p.is_dir():
            raise ReportError(f"output path exists and is not a folder: {p}")
    rdir = odir / wk
    try:
        rdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=rdir):
            pass
    except OSError as e:
        raise ReportError(f"output folder is not writable: {rdir} ({e.strerror or e})") from None
    return cdir, wk, rdir, mpath


def template_path() -> Path:
    """The papermill template shipped in the package (``hmeimim/templates/``)."""
    return Path(__file__).resolve().parent / "templates" / "weekly_report.ipynb"


# -- rendering ------------------------------------------------------------------------------


def render_report(corpus, week, out, metadata=None, html: bool = True) -> Path:
    """Render the weekly report of ``corpus`` for ``week`` into ``<out>/<week>/``; return that folder.

    Raises :class:`ReportError` (one line) on a bad parameter, before any kernel starts, and
    when the template fails (the executed notebook is left in place to show where)."""
    cdir, wk, rdir, mpath = check_parameters(corpus, week, out, metadata)
    import nbformat
    import papermill as pm

    for sub, pattern in (("figures", "*.png"), ("tables", "*.csv")):
        for old in sorted((rdir / sub).glob(pattern)):  # a chart that is gone must not linger
            old.unlink()
    nb_path = rdir / "report.ipynb"
    params = {"corpus": str(cdir.resolve()), "week": wk, "out": str(rdir.parent.resolve()),
              "metadata": str(mpath.resolve()) if mpath else ""}
    try:
        pm.execute_notebook(str(template_path()), str(nb_path), parameters=params, kernel_name="python3",
                            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # no kernel chatter on stderr
    except pm.PapermillExecutionError as e:
        line = (str(e.evalue).strip().splitlines() or [""])[0]
        raise ReportError(f"the report notebook failed in cell {e.exec_count}: {e.ename}: {line} "
                          f"(see {nb_path})") from None
    except Exception as e:  # no kernel, kernel died, unreadable template: still one clear line
        msg = " ".join(str(e).split()) or type(e).__name__
        raise ReportError(f"could not run the report notebook ({type(e).__name__}): {msg}") from None
    nb = nbformat.read(str(nb_path), as_version=4)
    _strip_volatile(nb)
    _write(nb_path, (nbformat.writes(nb) + "\n").encode("utf-8"))
    if html:
        _write(rdir / "report.html", export_html(nb, title=f"Hmeimim weekly report {wk}").encode("utf-8"))
    return rdir


def _strip_volatile(nb) -> None:
    """Drop timestamps, durations and machine paths so reruns give identical files."""
    pm_meta = nb.metadata.get("papermill", {})
    for k in ("start_time", "end_time", "duration", "input_path", "output_path", "environment_variables"):
        pm_meta.pop(k, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for k in ("start_time", "end_time", "duration"):
                cpm.pop(k, None)


# Only our own markup may run in the page: no script at all, images only embedded.
_CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "img-src data: 'self'; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'\">")


def export_html(nb, title: str = "Hmeimim weekly report") -> str:
    """The executed notebook as a standalone HTML page: no code, no prompts, no stderr, no
    scripts (a Content-Security-Policy forbids them), figures embedded as data URIs."""
    import copy

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    # The page needs no script (and article text is escaped, so every <script> here is nbconvert's).
    body = re.sub(r"<script\b.*?</script>\s*", "", body, flags=re.DOTALL | re.IGNORECASE)
    return body.replace("<head>", "<head>\n" + _CSP, 1)


# -- the week's data --------------------------------------------------------------------------


@dataclass
class WeekReport:
    """Everything the template's sections need: the corpus, the week and its tables."""

    corpus: object
    week: str
    monday: date
    sunday: date
    outdir: Path | None
    metadata_path: Path | None
    tables: dict[str, pd.DataFrame]
    notes: list[str] = field(default_factory=list)

    @property
    def period(self) -> str:
        return period_text(self.monday, self.sunday)

    @property
    def source(self) -> str:
        return f"hmeimim tables of corpus '{self.corpus.root.name}'"


def open_week(corpus, week, out="", metadata="") -> WeekReport:
    """Load ``corpus`` (a folder; relative paths are also looked up from the repository) and
    select ``week``; figures and CSVs go to ``<out>/<week>/`` when ``out`` is given."""
    from .pipeline import find_metadata

    wk = parse_week(week)
    monday, sunday = week_bounds(wk)
    cdir = repo_path(corpus)
    mpath = Path(metadata) if metadata else find_metadata(cdir)
    corp, notes = _load(cdir, mpath)
    outdir = None
    if out:
        outdir = Path(out) / wk
        for sub in ("figures", "tables"):
            (outdir / sub).mkdir(parents=True, exist_ok=True)
    use_style()
    return WeekReport(corp, wk, monday, sunday, outdir, mpath, week_tables(corp, wk), notes)


def _load(cdir: Path, mpath: Path | None):
    """The corpus with as many stages as this installation has: a missing or failing stage
    becomes a note in the report, never a missing report."""
    from .pipeline import load_corpus, run_extraction, run_spread

    notes = []
    corp = load_corpus(cdir, mpath, extract=False, progress=False)
    try:
        run_extraction(corp, workers=os.cpu_count() or 1, progress=False)
    except ImportError as e:
        missing = re.search(r"cannot import name '(\w+)'", str(e))
        stage = f"hmeimim.{missing.group(1)}" if missing else (e.name or "extraction")
        notes.append(f"Sources, flights and claims were not extracted: this installation has no {stage} stage yet.")
        return corp, notes
    except Exception as e:
        notes.append(f"Sources, flights and claims were not extracted: the extraction failed "
                     f"({type(e).__name__}: {short_label(e, 160)}).")
        return corp, notes
    try:
        run_spread(corp)
    except Exception as e:
        notes.append(f"Claim spread was not computed: the spread stage failed ({type(e).__name__}: "
                     f"{short_label(e, 160)}).")
    return corp, notes


def _published(df: pd.DataFrame) -> pd.Series:
    s = df["published"].astype("string") if "published" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    return s.where(s.fillna("").str.match(r"^\d{4}-\d{2}-\d{2}$"), pd.NA)


def _with_article(df: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the article's published date and outlet attached (by ``article_id``)."""
    if df is None:
        return pd.DataFrame(columns=["article_id", "published", "outlet"])
    meta = articles[["article_id", "published", "outlet"]].rename(
        columns={"published": "article_published", "outlet": "article_outlet"})
    return df.merge(meta, on="article_id", how="left") if "article_id" in df else df


def week_tables(corpus, week) -> dict[str, pd.DataFrame]:
    """The corpus split around ``week``: articles of the week, earlier, later and undated, and
    the flights, sources, claims and spread rows of the week's and earlier articles."""
    monday, sunday = week_bounds(week)
    lo, hi = monday.isoformat(), sunday.isoformat()
    arts = corpus.articles.drop(columns=[c for c in ("text",) if c in corpus.articles]).copy()
    arts["published"] = _published(arts)
    pub = arts["published"].fillna("")
    has = pub != ""
    in_week, before, after = has & (pub >= lo) & (pub <= hi), has & (pub < lo), has & (pub > hi)
    order = ["published", "article_id"]
    t = {
        "articles": arts,
        "week_articles": arts[in_week].sort_values(order, kind="stable").reset_index(drop=True),
        "earlier_articles": arts[before].sort_values(order, kind="stable").reset_index(drop=True),
        "later_articles": arts[after].sort_values(order, kind="stable").reset_index(drop=True),
        "undated_articles": arts[~has].sort_values("article_id", kind="stable").reset_index(drop=True),
        "rejects": corpus.rejects,
    }
    week_ids, before_ids = set(t["week_articles"]["article_id"]), set(t["earlier_articles"]["article_id"])
    for name in ("flights", "sources", "claims"):
        df = getattr(corpus, name)
        t[name] = df
        ids = df["article_id"] if "article_id" in df else pd.Series([], dtype="string")
        t[f"{name}_week"] = _with_article(df[ids.isin(week_ids)].reset_index(drop=True), arts)
        t[f"{name}_before"] = _with_article(df[ids.isin(before_ids)].reset_index(drop=True), arts)
    for name, df in (getattr(corpus, "spread", None) or {}).items():
        if isinstance(df, pd.DataFrame):
            t[f"spread_{name}"] = df
    return t


def _flights_counted(fl: pd.DataFrame) -> pd.DataFrame:
    """Mentions that add flights (not mere restatements)."""
    if fl.empty or "restates" not in fl:
        return fl
    return fl[~fl["restates"].fillna(False).astype(bool)]


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def summary_sentence(tables: dict[str, pd.DataFrame], week: str | None = None) -> str:
    """One line on the week: '5 articles in 1 language; 2 dated this week, 0 earlier, 3 undated; ...'."""
    arts = tables["articles"]
    n = len(arts)
    rej = tables["rejects"]
    n_rej = int((rej["kind"] == "file").sum()) if "kind" in rej and len(rej) else len(rej)
    rejected = f"{_plural(n_rej, 'file')} rejected" if n_rej else "no file rejected"
    if not n:
        return f"No articles in the corpus; {rejected}."
    langs = arts["language"].dropna().astype(str)
    langs = langs[langs != ""].nunique()
    this_week = "this week" if week is None else f"in {week}"
    parts = [f"{_plural(n, 'article')} in {_plural(langs, 'language')}",
             f"{len(tables['week_articles'])} dated {this_week}, {len(tables['earlier_articles'])} earlier, "
             f"{len(tables['undated_articles'])} undated"
             + (f", {len(tables['later_articles'])} later (not in this report)" if len(tables["later_articles"]) else ""),
             rejected]
    if len(tables["flights"]):
        fw = _flights_counted(tables["flights_week"])
        n_types = fw["aircraft"].dropna().nunique() if len(fw) else 0
        parts.append(f"{_plural(len(fw), 'flight mention')} of {_plural(n_types, 'aircraft type')} {this_week}")
    if len(tables["sources"]):
        sw = tables["sources_week"]
        cited = sw[sw["stance"].fillna("cited") != "no_comment"] if "stance" in sw else sw
        parts.append(f"{_plural(cited['source'].dropna().nunique(), 'source')} cited {this_week}")
    spread = _spread_status(tables)
    if spread is not None:
        parts.append(f"{_plural(len(spread['first']), 'claim')} first seen {this_week}, "
                     f"{len(spread['repeated'])} repeated")
    return "; ".join(parts) + "."


# -- HTML -----------------------------------------------------------------------------------

CSS = """<style>
.hm-report-head h1 { margin-bottom: 0.2em; }
.hm-period { color: #555; margin-top: 0; }
.hm-summary { font-size: 1.12em; line-height: 1.5; border-left: 4px solid #0072B2; padding: 0.4em 0.8em;
  background: #f3f8fc; max-width: 60em; }
.hm-note { color: #7a4b00; background: #fff6e5; padding: 0.3em 0.8em; max-width: 60em; }
.hm-empty { color: #555; font-style: italic; }
.hm-text { max-width: 60em; line-height: 1.45; }
.jp-RenderedHTMLCommon table.hm-table, table.hm-table { border-collapse: collapse; margin: 0.4em 0 1.2em;
  font-size: 0.88em; table-layout: auto; max-width: 100%; }
.jp-RenderedHTMLCommon table.hm-table th, table.hm-table th { text-align: left; background: #f2f2f2;
  border-bottom: 1px solid #bbb; padding: 4px 8px; vertical-align: bottom; min-width: 4em; max-width: 12em; }
.jp-RenderedHTMLCommon table.hm-table td, table.hm-table td { text-align: left; padding: 4px 8px;
  border-bottom: 1px solid #e3e3e3; vertical-align: top; max-width: 34em; overflow-wrap: break-word; }
.jp-RenderedHTMLCommon table.hm-table td.hm-num, table.hm-table td.hm-num { text-align: right;
  font-variant-numeric: tabular-nums; white-space: nowrap; }
.jp-RenderedHTMLCommon table.hm-table td.hm-nowrap, table.hm-table td.hm-nowrap { white-space: nowrap; }
.hm-more { color: #555; font-size: 0.85em; margin-top: -0.8em; }
.hm-row { display: flex; flex-wrap: wrap; gap: 0 2.5em; align-items: flex-start; }
.hm-figure { margin: 0.6em 0 1.4em; }
.hm-figure img { max-width: 100%; height: auto; }
.hm-figure figcaption { font-size: 0.85em; color: #555; }
</style>"""


def safe_url(url) -> str | None:
    """``url`` if it is an absolute http(s) URL without whitespace or control characters."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    if not u or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in u):
        return None
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return u


def _cell_text(v, max_chars: int) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    s = " ".join(str(v).split())
    return s if len(s) <= max_chars else s[: max_chars - 1] + "…"


def html_table(df: pd.DataFrame, *, headers: dict[str, str] | None = None, links: dict[str, str] | None = None,
               max_chars: int = 200, max_rows: int = 60, nowrap: tuple[str, ...] = ()) -> str:
    """``df`` as an escaped HTML table: every value escaped, numbers right-aligned, long text
    cut at ``max_chars``, at most ``max_rows`` rows (the CSV has them all). ``links`` maps a
    shown column to the column holding its URL; only http(s) URLs become links."""
    headers = headers or {}
    links = links or {}
    shown = [c for c in df.columns if c not in set(links.values()) - set(links)]
    head = "".join(f"<th>{html.escape(headers.get(c, c))}</th>" for c in shown)
    body = []
    for _, row in df.head(max_rows).iterrows():
        cells = []
        for c in shown:
            v = row[c]
            text = html.escape(_cell_text(v, max_chars))
            numeric = isinstance(v, numbers.Number) and not isinstance(v, (bool, np.bool_)) and v == v
            cls = "hm-num" if numeric else ("hm-nowrap" if c in nowrap else "")
            if c in links and (u := safe_url(row.get(links[c]))):
                text = (f'<a href="{html.escape(u, quote=True)}" rel="noopener noreferrer nofollow" '
                        f'target="_blank">{text or html.escape(_cell_text(u, 60))}</a>')
            cells.append(f'<td dir="auto"{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(df) > max_rows:
        more = f'<p class="hm-more">… and {len(df) - max_rows} more rows (all of them in the CSV).</p>'
    return f'<table class="hm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>{more}'


def _display(*parts: str):
    """The section's parts as one IPython HTML object (a notebook shows it as the cell's value;
    ``.data`` is the markup)."""
    from IPython.display import HTML

    return HTML("".join(parts))


def _p(text: str, cls: str = "hm-text") -> str:
    return f'<p class="{cls}">{html.escape(text)}</p>'


def _write(path: Path, data: bytes) -> None:
    """Atomic write, then the permissions of a normally created file (readable by the web
    server or colleague the report is for, as the umask allows)."""
    from .output import atomic_write_bytes

    atomic_write_bytes(path, data)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _save_table(rep: WeekReport, df: pd.DataFrame, name: str) -> None:
    if rep.outdir is not None:
        _write(rep.outdir / "tables" / f"{name}.csv", df.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def _table(rep: WeekReport, df: pd.DataFrame, name: str, **kw) -> str:
    _save_table(rep, df, name)
    return html_table(df, **kw)


def _figure(rep: WeekReport, fig, data: pd.DataFrame, name: str, alt: str) -> str:
    """Save the chart (PNG) and its data (CSV); return it as an embedded <figure>."""
    data_png = png(fig)
    if rep.outdir is not None:
        _write(rep.outdir / "figures" / f"{name}.png", data_png)
    _save_table(rep, data, name)
    width = int(fig.get_figwidth() * 100)
    link = (f'<figcaption>Data behind this chart: <a href="tables/{html.escape(name)}.csv">tables/'
            f'{html.escape(name)}.csv</a></figcaption>') if rep.outdir is not None else ""
    return (f'<figure class="hm-figure"><img src="data:image/png;base64,{base64.b64encode(data_png).decode()}" '
            f'width="{width}" alt="{html.escape(alt, quote=True)}">{link}</figure>')


# -- sections -------------------------------------------------------------------------------


def show_header(rep: WeekReport):
    """Title, the week's dates, the one-line summary and any notes about missing stages."""
    mon, sun = rep.monday, rep.sunday
    dates = f"Monday {mon.day} {mon:%B %Y} – Sunday {sun.day} {sun:%B %Y}"
    notes = "".join(_p(n, "hm-note") for n in rep.notes)
    return _display(CSS, '<div class="hm-report-head">',
             f"<h1>Hmeimim weekly report: {html.escape(rep.week)}</h1>",
             f'<p class="hm-period">{html.escape(dates)} · corpus “{html.escape(rep.corpus.root.name)}”</p>',
             f'<p class="hm-summary">{html.escape(summary_sentence(rep.tables))}</p>', notes, "</div>")


def _week_window(rep: WeekReport) -> tuple[date, date]:
    return rep.monday - timedelta(days=21), rep.sunday


def show_corpus(rep: WeekReport):
    """The week's articles, outlets and languages, a 4-week chart of articles per day, rejects."""
    from .plots import corpus as cplots

    t = rep.tables
    wa = t["week_articles"]
    parts = []
    if wa.empty:
        n_dated = len(t["earlier_articles"]) + len(t["later_articles"])
        if t["articles"].empty:
            rest = "The corpus has no articles at all."
        else:
            dated_part = (f"{_plural(n_dated, 'dated article')} ({cplots.corpus_period(t['articles'][t['articles']['published'].notna()])})"
                          if n_dated else "no dated article")
            rest = f"The corpus has {dated_part} and {_plural(len(t['undated_articles']), 'undated one')}."
        parts.append(_p(f"No article in the corpus is dated {rep.week} ({rep.period}). {rest}", "hm-empty"))
    else:
        shown = wa[["published", "outlet", "language", "title", "url", "article_id", "n_chars"]].copy()
        shown["outlet"] = shown["outlet"].fillna("(unknown outlet)")
        shown["title"] = shown["title"].fillna("(no title)")
        parts.append(_table(rep, shown, "week_articles", links={"title": "url"}, max_chars=140,
                            headers={"published": "published", "n_chars": "characters", "article_id": "article id"},
                            nowrap=("published", "article_id")))
        outlets = cplots.articles_per_outlet(wa)
        langs = cplots.articles_per_language(wa)
        parts.append('<div class="hm-row"><div>' + _table(rep, outlets, "week_outlets", max_chars=60)
                     + "</div><div>" + _table(rep, langs, "week_languages") + "</div></div>")
    lo, hi = _week_window(rep)
    arts = t["articles"]
    per_day = cplots.articles_per_day(arts[_in_range(arts, lo, hi) | arts["published"].isna()], lo, hi)
    outside = int((arts["published"].notna() & ~_in_range(arts, lo, hi)).sum())
    fig = cplots.plot_articles_per_day(per_day, source=rep.source, highlight=(rep.monday, rep.sunday),
                                       highlight_label=rep.week,
                                       title=f"Articles per publication day, the 4 weeks up to {rep.week}")
    if outside:
        fig.axes[0].annotate(f"{outside} dated articles fall outside these 4 weeks", (0.99, 0.98),
                             xycoords="axes fraction", ha="right", va="top", fontsize=8, color="#555555")
    parts.append(_figure(rep, fig, per_day, "articles_per_day", "Bar chart of articles per publication day"))
    rej = t["rejects"]
    parts.append("<h3>Inputs rejected</h3>")
    if rej.empty:
        parts.append(_p("No input was rejected: every file of the corpus folder became an article.", "hm-empty"))
    else:
        parts.append(_p(f"{_plural(len(rej), 'input')} of the corpus folder (any date) could not be used:"))
        parts.append(_table(rep, rej[["path", "kind", "reason"]], "rejects", max_chars=160))
    return _display(*parts)


def _in_range(arts: pd.DataFrame, lo: date, hi: date) -> pd.Series:
    p = arts["published"].fillna("")
    return (p >= lo.isoformat()) & (p <= hi.isoformat()) & (p != "")


def _label_of(df: pd.DataFrame) -> pd.Series:
    outlet = df["article_outlet"].astype("string") if "article_outlet" in df else pd.Series(pd.NA, index=df.index)
    return outlet.fillna(df["article_id"].astype(str).str[:16])


def _window_text(start: date | None, end: date | None) -> str:
    """'24–29 Oct 2025', '30 Oct – 2 Nov 2025', '26 Oct 2025' (compact, for tables)."""
    start, end = start or end, end or start
    if start is None:
        return ""
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def _windows(df: pd.DataFrame) -> str:
    spans = sorted({(_as_date(s), _as_date(e)) for s, e in zip(df["date_start"], df["date_end"])
                    if _as_date(s) or _as_date(e)}, key=lambda se: (se[0] or se[1], se[1] or se[0]))
    return "; ".join(_window_text(s, e) for s, e in spans) or "no date"


def _count_summary(flights: pd.DataFrame) -> str:
    """The flight count most articles give, then the others: ``3`` or ``3 (5 in 1 article)``.

    Each article counts once, with the largest count it gives for the aircraft; ties go to the
    smaller count. A single outlier never becomes the headline number.

    >>> _count_summary(pd.DataFrame({"article_id": ["a", "b", "c"], "count": [3, 3, 5]}))
    '3 (5 in 1 article)'
    """
    if flights is None or flights.empty or not flights["count"].notna().any():
        return ""
    per_article = flights.dropna(subset=["count"]).groupby("article_id")["count"].max().astype(int)
    tally = per_article.value_counts()
    order = sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    head, rest = order[0][0], order[1:]
    if not rest:
        return str(head)
    return f"{head} (" + "; ".join(f"{c} in {_plural(n, 'article')}" for c, n in rest) + ")"


def show_flights(rep: WeekReport):
    """Flights claimed in this week's articles against those claimed in earlier articles."""
    t = rep.tables
    if t["flights"].empty:
        return _display(_p("No flight mentions were extracted from this corpus, so there is nothing to compare.", "hm-empty"))
    fw, fb = _flights_counted(t["flights_week"]), _flights_counted(t["flights_before"])
    if fw.empty:
        return _display(_p(f"None of this week's articles claims a flight; earlier articles hold "
                           f"{_plural(len(fb), 'flight mention')}.", "hm-empty"))
    rows = []
    for aircraft in sorted(set(fw["aircraft"].dropna()) | set(fb["aircraft"].dropna())):
        w, b = fw[fw["aircraft"] == aircraft], fb[fb["aircraft"] == aircraft]
        rows.append({
            "aircraft": aircraft,
            "articles this week": w["article_id"].nunique(),
            "flights claimed this week": _count_summary(w),
            "when, this week": _windows(w) if len(w) else "",
            "earlier articles": b["article_id"].nunique(),
            "flights claimed before": _count_summary(b),
            "when, before": _windows(b) if len(b) else "",
            "new this week": "yes" if b.empty else "no",
        })
    by_aircraft = pd.DataFrame(rows)
    parts = [_p("One row per aircraft type. 'Flights claimed' is the count most articles give, with any other "
                "count and how many articles give it in brackets (adding counts across articles would count "
                "re-tellings of the same flights again); sentences that only restate earlier events add nothing.")]
    if fb.empty:  # nothing to compare with: say so once instead of three empty columns
        by_aircraft = by_aircraft.drop(columns=["earlier articles", "flights claimed before", "when, before",
                                                "new this week"])
        parts.append(_p(f"No earlier article (published before {rep.monday.isoformat()}) claims a flight, so every "
                        "claim below is new this week."))
    parts.append(_table(rep, by_aircraft, "flights_by_aircraft", max_chars=120, nowrap=("aircraft",)))
    spans = pd.concat([fw.assign(when="this week"), fb.assign(when="earlier")], ignore_index=True)
    spans = spans[spans["date_start"].notna() | spans["date_end"].notna()]
    if len(spans):
        data, fig = _flight_spans_chart(rep, spans)
        parts.append(_figure(rep, fig, data, "flight_windows",
                             "Chart of the date windows in which each article says the flights happened"))
    else:
        parts.append(_p("No flight mention this week gives a date, so there is no timeline to draw.", "hm-empty"))
    return _display(*parts)


def _flight_spans_chart(rep: WeekReport, spans: pd.DataFrame, limit: int = 30):
    spans = spans.copy()
    spans["start"] = pd.to_datetime(spans["date_start"].fillna(spans["date_end"]))
    spans["end"] = pd.to_datetime(spans["date_end"].fillna(spans["date_start"]))
    spans["label"] = [f"{short_label(a, 14)} · {short_label(o, 26)}" for a, o in zip(spans["aircraft"], _label_of(spans))]
    spans = spans.sort_values(["when", "article_published", "article_id", "start", "aircraft"],
                              ascending=[False, True, True, True, True], kind="stable", na_position="last")
    note = ""
    if len(spans) > limit:
        note = f"Only the first {limit} of {len(spans)} dated mentions are drawn (all are in the CSV)."
    data = spans[["when", "article_id", "article_published", "article_outlet", "aircraft", "count",
                  "date_start", "date_end", "date_as_written"]].rename(
        columns={"article_published": "published", "article_outlet": "outlet"}).reset_index(drop=True)
    drawn = spans.head(limit)
    fig, ax = new_figure(9.5, max(2.8, 1.6 + 0.34 * len(drawn)))
    lo_w, hi_w = pd.Timestamp(rep.monday), pd.Timestamp(rep.sunday) + pd.Timedelta(days=1)
    ax.axvspan(lo_w, hi_w, color=COLORS["shade"], zorder=0)
    ax.annotate(f"{rep.week}", (lo_w, 1), xycoords=("data", "axes fraction"), xytext=(3, -3),
                textcoords="offset points", va="top", fontsize=8, color=COLORS["week"], fontweight="bold")
    ys = list(range(len(drawn)))[::-1]
    for y, r in zip(ys, drawn.itertuples()):
        color = COLORS["week"] if r.when == "this week" else COLORS["before"]
        ax.plot([r.start, r.end + pd.Timedelta(days=1)], [y, y], color=color, lw=6, solid_capstyle="butt")
        if pd.notna(r.count):
            ax.annotate(f"×{int(r.count)}", (r.end + pd.Timedelta(days=1), y), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(ys, drawn["label"].tolist())
    ax.set_ylim(-0.7, len(drawn) - 0.3)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=COLORS[key], lw=6, label=f"claimed in {label}") for key, when, label in
               (("week", "this week", "this week's articles"), ("before", "earlier", "earlier articles"))
               if when in set(drawn["when"])]
    lo = min(drawn["start"].min(), lo_w) - pd.Timedelta(days=1)
    hi = max(drawn["end"].max() + pd.Timedelta(days=1), hi_w) + pd.Timedelta(days=2)
    ax.set_xlim(lo, hi)
    date_axis(ax, lo, hi)
    ax.grid(axis="y", visible=False)
    finish(fig, ax, title="When the flights were said to happen",
           xlabel="claimed flight date (day; a bar spans the claimed window)", ylabel="aircraft · article",
           source=rep.source + ", flights table",
           period=f"articles published up to {rep.sunday.isoformat()}",
           note="×N: flights or landings claimed. " + note)
    legend_above(ax, handles, ncols=2)
    return data, fig


def show_sources(rep: WeekReport):
    """Who this week's articles cite, directly or second-hand (via another source)."""
    t = rep.tables
    if t["sources"].empty:
        return _display(_p("No source attributions were extracted from this corpus.", "hm-empty"))
    sw, sb = t["sources_week"], t["sources_before"]
    if sw.empty:
        return _display(_p("This week's articles cite no source.", "hm-empty"))
    from .plots.sources import source_counts

    earlier = set(sb["source"].dropna())
    counts = source_counts(sw)  # articles citing each source: direct, second-hand, no comment apart
    table = pd.DataFrame({
        "source": counts["source"], "type": counts["source_type"], "direct": counts["direct"],
        "second-hand": counts["second_hand"], "via": counts["via"], "no comment": counts["no_comment"],
        "cited before this week": ["yes" if s in earlier else "no" for s in counts["source"]],
    })
    parts = [_p("Articles of this week citing each source: directly, or second-hand through another source "
                "('Bloomberg, citing Flightradar24' is Flightradar24 via Bloomberg). 'No comment' counts articles "
                "saying the source did not respond to a request for comment; that is not a citation."),
             _table(rep, table, "sources_this_week", max_chars=80, nowrap=("source",))]
    cited = counts[counts["articles"] > 0]
    if len(cited):
        from .plots.sources import plot_source_counts

        fig = plot_source_counts(cited, source=rep.source + ", sources table", period=rep.period, top=15,
                                 title=f"Sources cited in {rep.week}'s articles")
        parts.append(_figure(rep, fig, cited.head(15), "sources_cited",
                             "Bar chart of sources cited this week: directly, both ways, or only second-hand"))
    return _display(*parts)


def _first(s: pd.Series) -> str:
    s = s.dropna()
    return str(s.iloc[0]) if len(s) else ""


def _col(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def _spread_status(t: dict[str, pd.DataFrame]) -> dict | None:
    """Claim clusters first seen / repeated / mutated / invented this week, or None without
    usable spread tables."""
    mentions = t.get("spread_claim_mentions")
    if mentions is None or not {"cluster_id", "article_id"} <= set(mentions.columns):
        return None
    arts = t["articles"][["article_id", "published", "outlet"]]
    m = mentions[["cluster_id", "article_id"]].merge(arts, on="article_id", how="left")
    week_ids = set(t["week_articles"]["article_id"])
    first_pub = m.dropna(subset=["published"]).groupby("cluster_id")["published"].min()
    lo = t["week_articles"]["published"].min() if len(t["week_articles"]) else None
    clusters = sorted(set(m.loc[m["article_id"].isin(week_ids), "cluster_id"]), key=str)
    # every dated mention between the week's Monday and its first article is itself this week's
    first = [c for c in clusters if lo is not None and first_pub.get(c, lo) >= lo]
    repeated = [c for c in clusters if c not in first]
    mut = t.get("spread_mutations")
    if mut is not None and {"article_id", "kind"} <= set(mut.columns):
        mut_week = mut[mut["article_id"].isin(week_ids)]
        invented = mut_week[mut_week["kind"].astype(str).str.contains("invent", case=False)]
        mutated = mut_week.drop(invented.index)
    else:
        invented = mutated = pd.DataFrame(columns=["cluster_id", "article_id", "field", "value", "reference_value", "kind"])
    return {"mentions": m, "first": first, "repeated": repeated, "mutated": mutated, "invented": invented,
            "first_pub": first_pub}


def _cluster_labels(t: dict[str, pd.DataFrame], mentions: pd.DataFrame) -> dict:
    clusters = t.get("spread_claim_clusters")
    labels = {}
    if clusters is not None and "cluster_id" in clusters:
        col = _col(clusters, "label", "summary", "claim", "text", "canonical", "representative")
        if col:
            labels = dict(zip(clusters["cluster_id"], clusters[col].astype(str)))
    raw = t.get("spread_claim_mentions")
    if raw is not None and "text" in raw:
        for c, txt in zip(raw["cluster_id"], raw["text"]):
            labels.setdefault(c, str(txt))
    return labels


def show_claims(rep: WeekReport):
    """Claims first seen this week, repeated from earlier weeks, mutated and invented."""
    t = rep.tables
    status = _spread_status(t)
    if status is None:
        parts = [_p("Claim spread tables are not available for this corpus, so first appearances, repeats and "
                    "mutations cannot be traced.", "hm-empty")]
        cw = t["claims_week"]
        if len(cw) and "kind" in cw:
            kinds = cw["kind"].fillna("unknown").value_counts().rename_axis("kind").reset_index(name="claims")
            kinds = kinds.sort_values(["claims", "kind"], ascending=[False, True], kind="stable")
            parts += [_p("Check-worthy claims in this week's articles, by kind:"),
                      _table(rep, kinds, "claims_by_kind")]
        return _display(*parts)
    counts = pd.DataFrame({"status": ["first seen this week", "repeated from earlier", "mutated", "invented"],
                           "claims": [len(status["first"]), len(status["repeated"]),
                                      len(status["mutated"]), len(status["invented"])]})
    parts = [_p("A claim is a cluster of statements saying the same thing across articles and languages. "
                "Mutated: a value differs from the earlier or majority version; invented: a detail with no "
                "earlier antecedent.")]
    fig, ax = new_figure(8.0, 2.8)
    y = list(range(len(counts)))[::-1]
    colors = [COLORS["week"], COLORS["before"], COLORS["accent"], COLORS["green"]]
    ax.barh(y, counts["claims"], color=colors, height=0.6)
    ax.set_yticks(y, counts["status"].tolist())
    for yi, v in zip(y, counts["claims"]):
        ax.annotate(str(int(v)), (v, yi), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlim(0, max(int(counts["claims"].max()), 1) * 1.15 + 0.5)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    finish(fig, ax, title=f"Claims in {rep.week}'s articles", xlabel="claims or changed details (count)",
           ylabel="", source=rep.source + ", spread tables", period=rep.period)
    parts.append(_figure(rep, fig, counts, "claims_status", "Bar chart of claims first seen, repeated, mutated, invented"))
    labels = _cluster_labels(t, status["mentions"])
    arts = t["articles"].set_index("article_id")
    m = status["mentions"]
    week_ids = set(t["week_articles"]["article_id"])
    if status["first"]:
        rows = [{"claim": labels.get(c, f"cluster {c}"),
                 "articles this week": m.loc[(m["cluster_id"] == c) & m["article_id"].isin(week_ids), "article_id"].nunique(),
                 "first article": _art_label(arts, _first(m.loc[(m["cluster_id"] == c) & m["article_id"].isin(week_ids)]
                                                          .sort_values(["published", "article_id"])["article_id"]))}
                for c in status["first"]]
        parts += ["<h3>First seen this week</h3>", _table(rep, pd.DataFrame(rows), "claims_first_seen", max_chars=220)]
    if status["repeated"]:
        rows = [{"claim": labels.get(c, f"cluster {c}"),
                 "first seen": str(status["first_pub"].get(c, "")),
                 "articles repeating it this week": m.loc[(m["cluster_id"] == c) & m["article_id"].isin(week_ids),
                                                          "article_id"].nunique()}
                for c in status["repeated"]]
        parts += ["<h3>Repeated from earlier</h3>", _table(rep, pd.DataFrame(rows), "claims_repeated", max_chars=220)]
    changed = pd.concat([status["mutated"], status["invented"]], ignore_index=True)
    if len(changed):
        keep = [c for c in ("article_id", "cluster_id", "field", "value", "reference_value", "kind") if c in changed]
        changed = changed[keep].sort_values(keep[:3], kind="stable").reset_index(drop=True)
        shown = pd.DataFrame({
            "article": [_art_label(arts, a) for a in changed["article_id"]],
            "claim": [labels.get(c, f"cluster {c}") for c in changed["cluster_id"]] if "cluster_id" in changed else "",
        })
        for c in keep[2:]:
            shown[c] = changed[c].values
        parts += ["<h3>Mutated and invented details</h3>",
                  _table(rep, shown, "mutations_this_week", max_chars=140,
                         headers={"reference_value": "earlier or majority value"})]
    return _display(*parts)


def show_graph(rep: WeekReport):
    """Which article likely copied or translated which, for links into this week's articles."""
    t = rep.tables
    links = t.get("spread_article_links")
    if links is None or links.empty or not {"source_article", "target_article"} <= set(links.columns):
        return _display(_p("No derivation links between articles are available for this corpus.", "hm-empty"))
    week_ids = set(t["week_articles"]["article_id"])
    sel = links[links["target_article"].isin(week_ids) | links["source_article"].isin(week_ids)].copy()
    later = set(t["later_articles"]["article_id"])
    sel = sel[~sel["source_article"].isin(later) & ~sel["target_article"].isin(later)]
    if sel.empty:
        return _display(_p("No derivation link leads into or out of this week's articles.", "hm-empty"))
    arts = t["articles"].set_index("article_id")
    sort_cols = [c for c in ("target_article", "source_article") if c in sel]
    sel = sel.sort_values(sort_cols, kind="stable").reset_index(drop=True)
    table = pd.DataFrame({
        "from": [_art_label(arts, a) for a in sel["source_article"]],
        "to": [_art_label(arts, a) for a in sel["target_article"]],
        "kind": sel["kind"] if "kind" in sel else "",
        "score": sel["score"].round(2) if "score" in sel else pd.NA,
        "evidence": sel["evidence"] if "evidence" in sel else "",
    })
    fig = _graph_chart(rep, sel, arts, week_ids)
    data = sel[[c for c in ("source_article", "target_article", "kind", "score", "evidence") if c in sel]]
    return _display(_figure(rep, fig, data, "derivation_graph", "Graph of which article likely derived from which"),
             _table(rep, table, "derivation_links", max_chars=160))


def _art_label(arts: pd.DataFrame, aid) -> str:
    if aid not in arts.index:
        return str(aid)
    r = arts.loc[aid]
    outlet = r["outlet"] if isinstance(r["outlet"], str) and r["outlet"] else str(aid)[:16]
    when = r["published"] if isinstance(r["published"], str) else "undated"
    return f"{outlet} ({when})"


def _graph_chart(rep: WeekReport, sel: pd.DataFrame, arts: pd.DataFrame, week_ids: set, limit: int = 40):
    nodes = sorted(set(sel["source_article"]) | set(sel["target_article"]), key=str)[:limit]
    undated_x = None
    dated = {a: arts.loc[a, "published"] for a in nodes if a in arts.index and isinstance(arts.loc[a, "published"], str)}
    xs_d = sorted(set(dated.values()))
    day_x = {d: i for i, d in enumerate(xs_d)}
    if len(dated) < len(nodes):
        undated_x = len(xs_d) + 0.6
    pos, stack = {}, {}
    for a in nodes:
        x = day_x[dated[a]] if a in dated else undated_x
        stack[x] = stack.get(x, -1) + 1
        pos[a] = (x, stack[x])
    height = max(stack.values()) + 1
    fig, ax = new_figure(9.5, max(3.0, 1.6 + 0.6 * height))
    for r in sel.itertuples():
        if r.source_article in pos and r.target_article in pos:
            ax.annotate("", xy=pos[r.target_article], xytext=pos[r.source_article],
                        arrowprops={"arrowstyle": "-|>", "color": "#666666", "lw": 1.2, "shrinkA": 9, "shrinkB": 9,
                                    "connectionstyle": "arc3,rad=0.15"})
    for a, (x, y) in pos.items():
        color = COLORS["week"] if a in week_ids else (COLORS["undated"] if a not in dated else COLORS["before"])
        ax.scatter([x], [y], s=140, color=color, zorder=3, edgecolor="white")
        ax.annotate(_art_label(arts, a).split(" (")[0][:22], (x, y), xytext=(0, -13), textcoords="offset points",
                    ha="center", va="top", fontsize=8)
    ticks = list(day_x.values()) + ([undated_x] if undated_x is not None else [])
    ax.set_xticks(ticks, list(day_x) + (["undated"] if undated_x is not None else []))
    ax.set_xlim(min(ticks) - 0.7, max(ticks) + 0.7)
    ax.set_ylim(height - 0.4, -0.7)
    ax.set_yticks([])
    ax.grid(False)
    ax.spines["left"].set_visible(False)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", ls="", color=c, label=lab, markersize=9) for c, lab in
               ((COLORS["week"], "this week"), (COLORS["before"], "earlier"), (COLORS["undated"], "undated"))]
    finish(fig, ax, title="Likely derivation between articles", xlabel="publication date (day)",
           ylabel="articles (one dot each)", source=rep.source + ", article_links table",
           period=f"articles up to {rep.sunday.isoformat()}", note="An arrow points from the likely source to its copy or translation.")
    legend_above(ax, handles)
    return fig


# -- undated articles -----------------------------------------------------------------------


def _bound(start: date | None, end: date | None) -> date | None:
    """The day by which a mentioned span had surely begun to be reportable: its last day for a
    day or a short window, its first day for a month, a year or an open span."""
    if start and end and (end - start).days <= 14:
        return end
    return start or end


def dates_in_text(text: str, language: str = "en", ref_year: int | None = None) -> list[date]:
    """The dates an (undated) article mentions, each as the day it shows the article was
    written on or after (see :func:`_bound`), resolved by :func:`hmeimim.dates.find_dates`:
    year-less dates take ``ref_year``; relative ones ('last Sunday') need a publication date and
    are left out.

    >>> dates_in_text("between October 24 and October 26, in 2015", "en", 2025)
    [datetime.date(2015, 1, 1), datetime.date(2025, 10, 26)]
    """
    try:
        from .dates import find_dates
    except ImportError:  # the dates stage is not in this installation
        return []
    out = set()
    for m in find_dates(text or "", language or "en", None, ref_year):
        d = _bound(getattr(m, "date_start", None), getattr(m, "date_end", None))
        if isinstance(d, date):
            out.add(d)
    return sorted(out)


def _metadata_hint(rep: WeekReport) -> str:
    m = rep.metadata_path
    root = rep.corpus.root
    if m is None:
        return f"{root.name}/metadata.csv"
    m = Path(m)
    try:
        return m.resolve().relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return m.name


def _as_date(v) -> date | None:
    v = str(v)[:10] if isinstance(v, str) else ""
    try:
        return date.fromisoformat(v) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else None
    except ValueError:
        return None


def undated_table(rep: WeekReport) -> pd.DataFrame:
    """Undated articles with the latest date they mention and the earliest week they can be from."""
    t = rep.tables
    und = t["undated_articles"]
    fl = t["flights"]
    text_of = dict(zip(rep.corpus.articles["article_id"], rep.corpus.articles.get("text", pd.Series(dtype=str))))
    ref_year = getattr(rep.corpus, "ref_year", None)
    rows = []
    for r in und.itertuples():
        candidates, how = [], []
        if len(fl):
            mine = fl[fl["article_id"] == r.article_id]
            fd = [b for b in (_bound(_as_date(s), _as_date(e)) for s, e in zip(mine["date_start"], mine["date_end"])) if b]
            if fd:
                candidates += fd
                how.append("flight dates")
        scanned = dates_in_text(text_of.get(r.article_id) or "", r.language if isinstance(r.language, str) else "en",
                                ref_year)
        if scanned:
            candidates += scanned
            how.append("dates in the text")
        latest = max(candidates) if candidates else None
        earliest_week = week_of(latest) if latest else ""
        rows.append({
            "article_id": r.article_id,
            "title": r.title if isinstance(r.title, str) else "(no title)",
            "url": r.url if isinstance(r.url, str) else "",
            "outlet": r.outlet if isinstance(r.outlet, str) else "(unknown outlet)",
            "latest date mentioned": latest.isoformat() if latest else "none found",
            "found in": " and ".join(how),
            "earliest week": earliest_week or "unknown",
            "could be from this week": ("yes" if earliest_week <= rep.week else "no, later") if earliest_week else "yes",
        })
    return pd.DataFrame(rows, columns=["article_id", "title", "url", "outlet", "latest date mentioned", "found in",
                                       "earliest week", "could be from this week"])


def show_undated(rep: WeekReport):
    """Articles without a publication date, when they could be from, and how to date them."""
    und = undated_table(rep)
    if und.empty:
        return _display(_p("Every article has a publication date." if len(rep.tables["articles"])
                           else "The corpus has no articles.", "hm-empty"))
    hint = _metadata_hint(rep)
    example = und["article_id"].iloc[0]
    return _display(
        _p(f"{_plural(len(und), 'article')} of the corpus {'has' if len(und) == 1 else 'have'} no publication date, "
           "so no week can claim them. An article is published no earlier than the latest date it mentions, which "
           "gives the earliest week it can belong to."),
        _table(rep, und, "undated_articles", links={"title": "url"}, max_chars=90,
               nowrap=("article_id", "latest date mentioned", "earliest week")),
        f'<p class="hm-text">To date an article, put its publication date (YYYY-MM-DD) in the <code>published</code> '
        f'column of its row in <code>{html.escape(hint)}</code> (columns <code>id,published</code>: a line such '
        f'as <code>{html.escape(str(example))},YYYY-MM-DD</code> with the date from the outlet\'s page) and render '
        f'the report again; metadata wins over dates inferred from the text.</p>')
