"""Headline stage: the title repeated in the body and lists of other headlines go."""

from __future__ import annotations

import pytest
from conftest import doc_from_lines

from ingest.rules import RuleSet
from ingest.stages.headline import Headline, is_headline

BODY = (
    "The harbour board met on Tuesday evening to discuss the future of the old grain store, "
    "which has stood empty since the last tenant left in the spring and now needs a new roof."
)
TITLE = "Harbour board to survey the old grain store"


def rules_of(doc) -> list[str | None]:
    return [line.removal.rule if line.removal else None for line in doc.lines]


def test_the_title_repeated_in_the_body_goes(generic_rules: RuleSet) -> None:
    doc = doc_from_lines(BODY, TITLE, f"{TITLE} | The Gazette", BODY, title=TITLE)
    Headline(generic_rules)(doc)
    assert rules_of(doc) == [None, "title-repeat", "title-repeat", None]


@pytest.mark.parametrize(
    "heading",
    [
        "Further Reading",
        "Related",
        "Related articles",
        "Read more:",
        "You may also like",
        "More from the Gazette",
        "Lesen Sie auch",
        "Mehr zum Thema",
        "À lire aussi",
        "Sur le même sujet",
        "Leer más",
        "Noticias relacionadas",
        "Leggi anche",
        "Leia também",
        "Lees ook",
    ],
)
def test_a_heading_takes_the_headlines_under_it(generic_rules: RuleSet, heading: str) -> None:
    doc = doc_from_lines(
        BODY,
        heading,
        TITLE,
        "Ferry crews walk out as crossing talks collapse",
        "Council approves harbour wall levy after late-night vote",
        BODY,
        title=TITLE,
    )
    Headline(generic_rules)(doc)
    assert rules_of(doc) == [
        None,
        "generic#further-reading",
        "title-repeat",
        "generic#further-reading",
        "generic#further-reading",
        None,
    ]


def test_the_block_stops_at_the_first_line_that_is_not_a_headline(generic_rules) -> None:
    doc = doc_from_lines(
        "Read more",
        "According to the health agency, the illness is treatable with antibiotics.",
        BODY,
    )
    Headline(generic_rules)(doc)
    assert rules_of(doc) == ["generic#further-reading", None, None]


def test_listed_headlines_go_wherever_else_they_appear(generic_rules) -> None:
    other = "Ferry crews walk out as crossing talks collapse"
    doc = doc_from_lines(other, BODY, "Related", other, "Newsletter sign-up form")
    Headline(generic_rules)(doc)
    listed = "generic#further-reading"
    assert rules_of(doc)[:4] == ["other-headline", None, listed, listed]


def test_a_heading_mid_body_keeps_the_paragraphs_after_it(generic_rules) -> None:
    doc = doc_from_lines(BODY, "Further Reading", TITLE, TITLE, BODY, BODY, title=TITLE)
    Headline(generic_rules)(doc)
    assert [line.kept for line in doc.lines] == [True, False, False, False, True, True]


def test_a_heading_inside_a_sentence_is_not_a_heading(generic_rules) -> None:
    doc = doc_from_lines("Related reading for the long winter evenings is in the library.", BODY)
    Headline(generic_rules)(doc)
    assert all(line.kept for line in doc.lines)


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Ferry crews walk out as crossing talks collapse", True),
        ("Port-Kerlouan : le bassin de la conserverie va rouvrir cet été", True),
        ("According to the agency, the illness is treatable.", False),
        ("Menu", False),
        (BODY, False),
    ],
)
def test_is_headline(text: str, headline: bool) -> None:
    assert is_headline(text) is headline
