"""Repair stage: fixes encoding damage without restyling the author's punctuation."""

from __future__ import annotations

import re
import unicodedata

from ftfy import TextFixerConfig, fix_text
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import given
from hypothesis import strategies as st

from ingest.document import Document
from ingest.stages import repair as repair_module
from ingest.stages.repair import (
    Repair,
    badness_check,
    fix_line,
    has_mojibake_hint,
    plain_pattern,
)


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


def test_a_verbose_pattern_is_spelt_out_plain() -> None:
    verbose = r"""
        [a-z] \s [#\s]   # a comment, with [brackets]
        |
        []x] [^]y] \w
    """
    assert plain_pattern(verbose) == (
        r"[a-z][\s\pZ\x0b\x1c-\x1f\x85][#\s\pZ\x0b\x1c-\x1f\x85]|[]x][^]y][\pL\pN\pM_]"
    )


def characters_of(pattern: str) -> str:
    """Every character a pattern names, and each neighbour of a range's ends."""
    chars = {char for char in pattern if char not in "[]^|\\\n "}
    return "".join(sorted(chars | {"a", "Z", " ", "\u3000", "\u0301", "_", "1", ".", "\n"}))


MOJIBAKE_ALPHABET = characters_of(BADNESS_RE.pattern)


@given(st.text(st.sampled_from(MOJIBAKE_ALPHABET), max_size=8))
def test_the_badness_check_says_yes_wherever_ftfys_does(text: str) -> None:
    """The RE2 check gates ftfy: it must never miss a line ftfy would fix. It is wider only
    where a combining mark stands for Python's \\w."""
    ours = badness_check().search(text) is not None
    if is_bad(text):
        assert ours
    elif ours:
        assert any(unicodedata.category(char).startswith("M") for char in text)


def test_cyrillic_text_passes_the_badness_check_and_cp1251_mojibake_does_not() -> None:
    clean = "Городской совет утвердил бюджет на следующий год."
    broken = clean.encode("utf-8").decode("cp1251")
    assert badness_check().search(clean) is None
    doc = repair(f"{broken}\n{clean}")
    assert doc.text == f"{clean}\n{clean}" and doc.repairs == ["mojibake:1"]


# What `fix_line` stands for: ftfy's `fix_text`, fixing encoding damage only.
DAMAGE_ONLY = TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)


@st.composite
def damaged_lines(draw: st.DrawFn) -> str:
    """A line mis-decoded zero to two times, with some of ftfy's odd characters around it:
    C1 controls, a terminal escape, combining marks, no-break spaces."""
    text = draw(st.text(st.sampled_from("ae é’—…€ЖжΩ中\x1b[31m\x85\x9d\u0301\u00a0"), max_size=12))
    for codec in draw(
        st.lists(st.sampled_from(["cp1252", "latin-1", "cp1251", "macroman"]), max_size=2)
    ):
        text = text.encode("utf-8").decode(codec, errors="replace")
    return text + draw(st.text(st.sampled_from(MOJIBAKE_ALPHABET), max_size=4))


@given(damaged_lines())
def test_fix_line_is_ftfys_fix_text(line: str) -> None:
    assert fix_line(line) == fix_text(line, DAMAGE_ONLY)


def test_fix_line_repairs_twice_damaged_text_and_leaves_clean_text_alone() -> None:
    clean = "Le café d’Ångström"
    twice = clean.encode("utf-8").decode("cp1252").encode("utf-8").decode("cp1252")
    assert fix_line(twice) == clean
    assert fix_line(clean) == clean


def test_a_line_longer_than_ftfys_segment_is_fixed_piecewise_like_fix_text(monkeypatch) -> None:
    monkeypatch.setattr(repair_module, "SEGMENT", 7)
    line = "cafÃ© and cafÃ© and mÃ¼de"
    assert fix_line(line) == fix_text(line, DAMAGE_ONLY._replace(max_decode_length=7))


@given(damaged_lines())
def test_without_ftfys_step_fix_line_falls_back_to_fix_encoding(line: str) -> None:
    """Should ftfy drop its private step, the public `fix_encoding` gives the same text."""
    real = repair_module.ONE_STEP
    repair_module.ONE_STEP = "a name ftfy does not have"
    try:
        assert fix_line(line) == fix_text(line, DAMAGE_ONLY)
    finally:
        repair_module.ONE_STEP = real
