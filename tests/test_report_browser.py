"""The HTML report of a corpus with a hostile article, opened in headless Chromium.

Article titles, text, outlets and URLs in ``fixtures/hostile`` carry ``<script>``, ``onerror``
handlers and ``javascript:`` links. Rendered into the report they must show as text and run
nothing. Needs Debian's ``chromium`` (never a browser downloaded by playwright): locally the test
skips without it; under CI (``CI`` set) it fails.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hmeimim import report as R

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
WEEK = "2025-W44"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"{reason}; CI must run the browser test (install Debian's chromium and the playwright package)")
    pytest.skip(reason)


def _chromium() -> str:
    exe = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if exe is None:
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    return exe


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    folder = R.render_report(HOSTILE, WEEK, out)
    summary = R.summary_sentence(R.open_week(HOSTILE, WEEK).tables)
    return folder / "report.html", summary


@pytest.fixture(scope="module")
def page_facts(request):
    exe = _chromium()  # before rendering: a machine without a browser skips (or fails under CI) at once
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright)")
    html_path, _ = request.getfixturevalue("hostile_report")
    dialogs, requests, errors = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html_path.as_uri(), wait_until="load")
            # hover and focus everything, so on-hover/on-focus handlers would fire if any existed
            page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
                for (const t of ['mouseover', 'focus', 'click']) {
                    if (t === 'click' && el.tagName === 'A') continue;
                    el.dispatchEvent(new Event(t)); } } }""")
            page.wait_for_timeout(300)
            facts = {
                "pwned": page.evaluate("typeof window.__pwned"),
                "images": page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"),
                "text": page.inner_text("body"),
                "hrefs": page.evaluate("Array.from(document.querySelectorAll('[href]')).map(a => a.getAttribute('href'))"),
                "handlers": page.evaluate("""() => Array.from(document.querySelectorAll('*')).flatMap(
                    el => Array.from(el.attributes).filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))"""),
                "scripts": page.evaluate("document.querySelectorAll('script, iframe, object, embed, svg script').length"),
                "visible": page.evaluate("getComputedStyle(document.body).display"),
            }
        finally:
            browser.close()
    facts.update(dialogs=dialogs, requests=requests, errors=errors)
    return facts


def test_hostile_article_runs_nothing(page_facts):
    assert page_facts["pwned"] == "undefined"
    assert page_facts["dialogs"] == []
    assert page_facts["handlers"] == []
    assert page_facts["scripts"] == 0
    assert page_facts["errors"] == []


def test_hostile_markup_is_shown_as_text(page_facts):
    text = page_facts["text"]
    assert "<script>window.__pwned=1</script> Il-62M lands at Hmeimim" in text  # the title, escaped
    assert '<img src=x onerror="window.__pwned=1;alert(1)">' in text           # the outlet, escaped
    assert "Example </table><b>Outlet</b>" in text
    assert page_facts["visible"] != "none", "a <style> in a title must not restyle the page"


def test_links_are_only_http_or_local(page_facts):
    hrefs = page_facts["hrefs"]
    assert hrefs, "the report links its CSVs and the articles' http(s) URLs"
    for h in hrefs:
        assert h.startswith(("https://", "http://", "tables/", "#")), h
        assert "javascript:" not in h.lower()
    # the page loads nothing from the network: everything is in the file or beside it
    assert all(u.startswith(("file:", "data:")) for u in page_facts["requests"]), page_facts["requests"]


def test_every_image_loads(page_facts):
    images = page_facts["images"]
    assert images, "the report has charts"
    for complete, width, alt in images:
        assert complete and width > 0, alt


def test_page_has_the_summary(page_facts, hostile_report):
    _, summary = hostile_report
    assert summary.startswith("3 articles in 1 language; 2 dated this week")
    assert summary in page_facts["text"]
