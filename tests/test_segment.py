"""Segment stage: one logical line per paragraph; hard-wrapped paragraphs joined again."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.document import Document
from ingest.stages.segment import Segment, wrap_width
from ingest.text import collapse_spaces

WRAPPED = """\
The harbour board met on Tuesday evening to discuss the future of the old
grain store, which has stood empty since the last tenant left in the spring
of last year and now needs a new roof.

Members agreed to commission a survey before taking any decision on the
building, and asked officers to report back in time for the next meeting.

Short closing line.
"""


def segment(text: str) -> Document:
    return Segment()(Document(source="x", kind="text", text=text))


def test_each_non_blank_line_is_a_paragraph() -> None:
    doc = segment("Title\n\nFirst paragraph.\nSecond paragraph.\n\n\n  Third   one. ")
    assert [line.text for line in doc.lines] == [
        "Title",
        "First paragraph.",
        "Second paragraph.",
        "Third one.",
    ]
    assert [line.lineno for line in doc.lines] == [1, 3, 4, 7]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    doc = segment(WRAPPED)
    assert len(doc.lines) == 3
    assert doc.lines[0].text.startswith("The harbour board met")
    assert doc.lines[0].text.endswith("needs a new roof.")
    assert (doc.lines[0].lineno, doc.lines[0].span) == (1, 3)
    assert doc.lines[2].text == "Short closing line."
    assert any(repair.startswith("hard-wrap:") for repair in doc.repairs)


def test_unwrapped_text_is_not_joined() -> None:
    lines = ["A short line.", "Another one that is a bit longer than the first.", "Three."]
    assert wrap_width(lines) is None
    assert len(segment("\n".join(lines)).lines) == 3


def test_one_over_long_line_does_not_hide_the_wrap_width() -> None:
    footer = "A community publication. All text may be reproduced with credit, and it often is."
    doc = segment(WRAPPED + "\n" + footer + "\n")
    assert doc.lines[0].text.endswith("needs a new roof.")
    assert doc.lines[-1].text == footer


@given(st.text(st.sampled_from("ab \t\u00a0\u2003\u200b\x85\x1f")))
def test_collapse_spaces_is_a_split_and_a_join(raw: str) -> None:
    assert collapse_spaces(raw) == " ".join(raw.split())
