"""Repair stage: fixes encoding damage without restyling the author's punctuation."""

from __future__ import annotations

from ingest.document import Document
from ingest.stages.repair import Repair


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
