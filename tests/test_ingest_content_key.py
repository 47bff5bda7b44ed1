"""``content_key`` deletes everything but letters and digits from the UTF-8 bytes (for speed);
it must equal its definition: the SHA-1 of the text's case-folded letters and digits."""
from __future__ import annotations

import hashlib

import pytest

from hmeimim.ingest import content_key

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _by_definition(text: str) -> str:
    return hashlib.sha1("".join(c for c in text.casefold() if c.isalnum()).encode("utf-8")).hexdigest()


PIECES = ["Il-76", " ", "\n", "«", "»", "\u201c", "\u2014", "\u2019", "_", "\u00a0", "\u3000", "。", "，",
          "Хмеймим", "ß", "ﬁ", "İ", "²", "٣", "Ⅻ", "飞机", "هبطت", "\u0301", "\u064b", "\ud800", "\udfff",
          "\U0001f600", "\U00010400"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=12).map("".join))
def test_content_key_is_the_hash_of_the_casefolded_letters_and_digits(text):
    assert content_key(text) == _by_definition(text)


def test_content_key_ignores_case_spacing_and_punctuation():
    assert content_key("Russia resumed flights — to Hmeimim.") == content_key("RUSSIA  resumed\nflights to «Hmeimim»")
    assert content_key("Il-76") != content_key("Il-62")
