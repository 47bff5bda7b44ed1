"""Property-based tests of normalisation and sentence splitting (hypothesis).

Whatever Unicode a scraper hands us, ``normalize`` must not crash and must be idempotent
(the stored text is already normal, so normalising it again changes nothing), and
``split_sentences`` must return offsets that are the sentences themselves: inside the text,
increasing, non-overlapping, non-empty and stripped.
"""
from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hmeimim.text import make_doc, normalize, split_sentences  # noqa: E402

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that exercise the special cases: sentence ends, abbreviations, initials, quotes,
# CJK/Arabic punctuation, dashes, exotic spaces, zero-width and combining characters,
# line breaks of every kind, mixed Latin/Cyrillic look-alikes and OCR'd designators.
PIECES = [
    ". ", "! ", "? ", "... ", "\u2026 ", "\u3002", "\uff01", "\uff1f", "\u061f ", ".\u201d ", ".) ",
    "Gen. ", "U.S. ", "J. ", "26. Oktober ", "Oct. ", "г. ", "т.е. ", "3.5 ", "bloomberg.com ",
    "\n", "\n\n", "\n\n\n", "\r\n", "\r", "  ", "\t", " \n ", "\n   ", "\u00a0", "\u2009", "\u3000",
    "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\u1680", "\u205f", "\u200b", "\ufeff",
    "\u00ad", "\x00", "\u2013", "\u2212", "\u2014", "-", "-\n", "e\u0301", "\u0301", "\u200b\u0301",
    "\u0483", "Ил-62M", "Хмeймим", "Flightr\u0430dar24", "I1-62", "l1-76", "Il 62M", "Ан\u2013124",
    "Russia Resumes Flights", "the aircraft landed", "самолёт прилетел", "飞机降落", "هبطت الطائرة",
    "A", "a", "\u0410", "\u0430", "x" * 45, "Long line of text that does not end a sentence and is wrapped",
]

WORDS = ["the", "Il-62M", "landed", "at", "Hmeimim", "on", "Oct.", "24", "and", "Russia", "said", "U.S.",
         "full-", "scale", "самолёт", "Хмеймим", "Ан-124", "飞机", "حميميم", "officials.", "it?", "«Да»", "—"]


@st.composite
def hard_wrapped(draw):
    """Paragraphs of words hard-wrapped at a fixed width, some lines indented, some blank:
    what the line-rejoining step of normalize reads (PDF and e-mail copies)."""
    width = draw(st.integers(20, 160))
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=200))
    lines, line = [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = ""
        line = f"{line} {w}" if line else w
    lines.append(line)
    out = []
    for ln in lines:
        kind = draw(st.sampled_from(["plain", "plain", "plain", "indent", "blank", "end", "lower"]))
        out.append({"indent": "   " + ln, "blank": ln + "\n", "end": ln + ".",
                    "lower": ln.lower(), "plain": ln}[kind])
    return "\n".join(out)


texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=60).map("".join),
    hard_wrapped(),
)


def check_spans(text: str, spans: list[tuple[int, int]]) -> None:
    prev_end = 0
    for start, end in spans:
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= prev_end <= start < end <= len(text), (prev_end, start, end, len(text))
        sentence = text[start:end]
        assert sentence and sentence == sentence.strip()
        prev_end = end


@SETTINGS
@given(texts)
@example("e\u200b\u0301")          # a zero-width space between a letter and its accent
@example("a \u2028 b")              # a line separator that str.strip() knows but the splitter does not
@example("x\n" * 5 + "Long line of text that does not end a sentence\nand continues here.")
def test_normalize_never_crashes_and_is_idempotent(text):
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == once


@SETTINGS
@given(texts)
def test_split_sentences_offsets_are_the_sentences(text):
    check_spans(text, split_sentences(text))


@SETTINGS
@given(texts)
def test_split_sentences_of_normalised_text(text):
    t = normalize(text)
    spans = split_sentences(t)
    check_spans(t, spans)
    # every non-space character of the text belongs to some sentence
    covered = sum(e - s for s, e in spans)
    assert covered >= len("".join(t.split())) and covered <= len(t)


@SETTINGS
@given(texts)
def test_make_doc_sentences_point_into_its_text(text):
    d = make_doc("x", text)
    check_spans(d.text, [(s.start, s.end) for s in d.sentences])
    assert [s.sentence_id for s in d.sentences] == list(range(len(d.sentences)))
