"""Claims stage: check-worthy statements of each article, with their kind.

A sentence is check-worthy when it carries a flight event, an attribution, a number or a date.
(The spread stage clusters these across articles.)
"""
from __future__ import annotations

import re

from .text import Doc

__all__ = ["claims_for_doc"]

_NUMBER = re.compile(r"\d")


def claims_for_doc(doc: Doc, sources: list[dict], flights: list[dict]) -> list[dict]:
    """One row per check-worthy sentence of ``doc``: article_id, sentence_id, start, end, text, kind."""
    by_sentence_flight = {r["sentence_id"] for r in flights}
    by_sentence_source = {r["sentence_id"] for r in sources}
    rows = []
    for s in doc.sentences:
        text = doc.text[s.start:s.end]
        if s.sentence_id in by_sentence_flight:
            kind = "flight"
        elif s.sentence_id in by_sentence_source:
            kind = "attribution"
        elif _NUMBER.search(text):
            kind = "number"
        else:
            continue
        rows.append({"article_id": doc.article_id, "sentence_id": s.sentence_id, "start": s.start,
                     "end": s.end, "text": text, "kind": kind})
    return rows
