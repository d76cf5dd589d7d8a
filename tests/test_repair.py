"""Repair stage: fixes encoding damage without restyling the author's punctuation."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ingest.document import Document
from ingest.stages.repair import Repair, has_mojibake_hint


def repair(text: str, kind: str = "text") -> Document:
    return Repair()(Document(source="x", kind=kind, text=text))  # type: ignore[arg-type]


def test_mojibake_is_repaired_and_reported() -> None:
    doc = repair("The cafÃ© reopened.\nItâ€™s open again.\nA clean line.")
    assert doc.text == "The café reopened.\nIt’s open again.\nA clean line."
    assert "mojibake:2" in doc.repairs


def test_typography_is_left_as_written() -> None:
    text = "She said “yes” — twice… and left."
    doc = repair(text)
    assert doc.text == text
    assert doc.repairs == []


def test_entities_nbsp_zero_width_line_endings_nfc() -> None:
    doc = repair("Tom &amp; Jerry&#8217;s\r\nA\u00a0B\u200bC\rCafe\u0301")
    assert doc.text == "Tom & Jerry’s\nA BC\nCafé"
    assert {"line-endings", "html-entities:2", "nbsp", "zero-width", "nfc"} <= set(doc.repairs)


def test_entities_are_not_touched_in_extracted_html_text() -> None:
    assert repair("AT&amp;T", kind="html").text == "AT&amp;T"


def test_ascii_text_passes_untouched() -> None:
    doc = repair("Plain ASCII text.\nTwo lines.")
    assert doc.text == "Plain ASCII text.\nTwo lines."
    assert doc.repairs == []


# The hint as one regex of alternatives; `has_mojibake_hint` runs it as two faster searches.
MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
    "\u2122]|[\u0080-\u009f\ufffd]|[\u0400-\u04ff]"
)


HINT_CHARS = "a\n\u00c1\u00c2\u00e9\u00f4\u00f5\u007f\u0080\u009f\u00a0\u00bf\u00c0\u0152\u2019"
HINT_CHARS += "\u2122\u2123\ufffd\u03ff\u0400\u04ff\u0500"


@given(st.text(st.sampled_from(HINT_CHARS), max_size=6))
def test_the_mojibake_hint_is_the_regex_of_alternatives(text: str) -> None:
    assert has_mojibake_hint(text) == bool(MOJIBAKE_HINT.search(text))
