"""Language stage: deterministic, ISO 639-1, null when the text is too short to tell."""

from __future__ import annotations

import re

from conftest import doc_from_lines
from hypothesis import given
from hypothesis import strategies as st

from ingest.stages.language import Language, at_least_letters

TEXTS = {
    "en": "The council agreed on Tuesday to rebuild the harbour wall before the winter storms.",
    "de": "Der Gemeinderat hat am Dienstag beschlossen, die Hafenmauer vor den Winterstürmen "
    "neu zu bauen.",
    "fr": "Le conseil municipal a décidé mardi de reconstruire la digue du port avant les "
    "tempêtes d'hiver.",
    "es": "El ayuntamiento acordó el martes reconstruir el muro del puerto antes de los "
    "temporales del invierno.",
}


def test_languages_are_identified_deterministically() -> None:
    for code, text in TEXTS.items():
        results = {Language()(doc_from_lines(text)).language for _ in range(3)}
        assert results == {code}


def test_short_text_gives_null() -> None:
    doc = Language()(doc_from_lines("OK", "12 34"))
    assert (doc.language, doc.language_score) == (None, None)


def test_removed_lines_are_not_used() -> None:
    doc = doc_from_lines(TEXTS["de"], TEXTS["en"])
    doc.lines[0].removal = object()  # type: ignore[assignment]
    assert Language()(doc).language == "en"


LETTER_ALPHABET = "aZé Ж中_1٣ \u0301.\n-"


@given(st.text(st.sampled_from(LETTER_ALPHABET), max_size=30), st.integers(0, 25))
def test_at_least_letters_is_counting_the_letters(text: str, count: int) -> None:
    """The pattern that stops at the last letter it needs says what counting them all says."""
    letters = len(re.findall(r"[^\W\d_]", text))
    assert (at_least_letters(count).match(text) is not None) == (letters >= count)
