"""Repeated lines: one normal form, one stable key, and document frequency."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ingest.repeats import document_frequency, line_key, normalise_line


def test_normal_form_ignores_case_spacing_digits_and_compatibility_forms() -> None:
    assert normalise_line("  View  Comments (14)\t") == "view comments (0)"
    assert normalise_line("ＳＨＡＲＥ") == "share"  # fullwidth letters: NFKC
    assert normalise_line("Straße") == normalise_line("STRASSE")  # case-folded, not lowered
    assert normalise_line("Share this!") != normalise_line("Share this")  # punctuation counts
    assert normalise_line(" \u00a0 ") == ""


def test_the_key_is_stable_across_processes_and_versions() -> None:
    # A pinned value: learned site profiles persist these keys, so they must never change.
    assert line_key("Advertisement") == 0x64E04316CB5071CB
    assert line_key("ADVERTISEMENT ") == line_key("Advertisement")
    assert line_key("View comments (3)") == line_key("view comments (14)")
    assert 0 <= line_key("x") < 2**64


def test_document_frequency_counts_each_document_once() -> None:
    counts = document_frequency(
        [
            ["Menu", "Body one.", "Menu", "Share"],
            ["menu", "Body two.", "Share", "  "],
            ["Body three."],
        ]
    )
    assert counts[line_key("Menu")] == 2
    assert counts[line_key("Share")] == 2
    assert counts[line_key("Body one.")] == 1
    assert line_key("  ") not in counts
    assert sum(counts.values()) == 7


@given(st.text(max_size=80))
def test_the_normal_form_is_idempotent(text: str) -> None:
    once = normalise_line(text)
    assert normalise_line(once) == once
    assert line_key(once) == line_key(text)


@given(st.text(st.sampled_from("a 0129٣٤_(x)\u00bd\uff11"), max_size=12))
def test_each_run_of_digits_becomes_one_zero(text: str) -> None:
    folded = unicodedata.normalize("NFKC", text).casefold()
    assert normalise_line(text) == " ".join(re.sub(r"\d+", "0", folded).split())


# ASCII and other digits, fullwidth and fraction forms, quotes, dashes, Cyrillic, CJK, spaces.
KEY_ALPHABET = "aZ 0129\u0663\u0664\u06f5\u0967\uff11\u00bd\u2019\u201c\u2014"
KEY_ALPHABET += "\u00e9\u0416\u4e2d\u00a0\t_"


@given(st.text(st.sampled_from(KEY_ALPHABET), max_size=16))
def test_the_key_is_the_hash_of_the_normal_form(text: str) -> None:
    """`line_key` replaces ASCII digits in bytes: it must key what `normalise_line` gives."""
    expected = hashlib.blake2b(normalise_line(text).encode(), digest_size=8).digest()
    assert line_key(text) == int.from_bytes(expected, "big")


def test_no_other_decimal_digit_has_a_lead_byte_line_key_passes_over() -> None:
    """`line_key` takes a line whose UTF-8 has no lead byte from D9 on (but E2) to hold ASCII
    digits only: no decimal digit lies in U+0080..U+063F or U+2000..U+2FFF."""
    spans = (range(0x80, 0x640), range(0x2000, 0x3000))
    assert not [hex(code) for span in spans for code in span if chr(code).isdecimal()]
