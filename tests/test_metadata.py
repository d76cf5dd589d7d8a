"""Metadata stage: bylines, dates, reading times, credits and the title leave the body as fields."""

from __future__ import annotations

import pytest
from conftest import doc_from_lines
from hypothesis import example, given
from hypothesis import strategies as st

from ingest.document import Document
from ingest.rules import RuleSet
from ingest.stages.metadata import (
    AMBIGUOUS_DATE,
    SENTENCE_END,
    SITE_SUFFIX,
    Metadata,
    ends_sentence,
    fold,
    fold_head,
    has_ambiguous_date,
    person_names,
    title_matches,
)

BODY = (
    "The harbour board met on Tuesday evening to discuss the future of the old grain store, "
    "which has stood empty since the last tenant left in the spring and now needs a new roof."
)
MORE = (
    "Members agreed to commission a survey before taking any decision on the building, and "
    "asked officers to report back in time for the next meeting of the full council in June."
)


def lift(rules: RuleSet, *lines: str, **fields: object) -> Document:
    return Metadata(rules)(doc_from_lines(*lines, **fields))


def fates(doc: Document) -> list[str | None]:
    return [line.removal.field if line.removal else None for line in doc.lines]


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Maeve Lindqvist and Tomasz Oduya", ["Maeve Lindqvist", "Tomasz Oduya"]),
        ("by Jane Roe, John Doe & Ann Lee", ["Jane Roe", "John Doe", "Ann Lee"]),
        ("Von Florian Eggenstein und Mira Tschudi", ["Florian Eggenstein", "Mira Tschudi"]),
        ("Par Solène Kervadec", ["Solène Kervadec"]),
        ("Por Lucía Ferrándiz y Ana de la Vega", ["Lucía Ferrándiz", "Ana de la Vega"]),
        ("di Marco Rossi", ["Marco Rossi"]),
        ("Door Jan van der Berg", ["Jan van der Berg"]),
        ("Author: Martin Novak", ["Martin Novak"]),
        ("Autorin: Theresa Lindmayr", ["Theresa Lindmayr"]),
        ("Declan Farrow, staff writer", ["Declan Farrow"]),
        ("Halvard Quist | Meridian Press Agency", ["Halvard Quist"]),
        ("Posted by Gwen Ashdown-Price on 22 January 2024", ["Gwen Ashdown-Price"]),
    ],
)
def test_bylines_in_several_languages(
    generic_rules: RuleSet, byline: str, authors: list[str]
) -> None:
    doc = lift(generic_rules, "A headline for the story", byline, BODY, MORE)
    assert doc.authors == authors
    assert doc.lines[1].removal is not None and "authors" in doc.lines[1].removal.field


def test_a_one_line_byline_gives_author_date_time_and_reading_time(generic_rules) -> None:
    doc = lift(generic_rules, "Headline", "by Jane Roe October 30, 2024 2:32 PM 2 min read", BODY)
    assert (doc.authors, doc.published) == (["Jane Roe"], "2024-10-30T14:32")
    assert doc.metadata["reading_time_minutes"] == 2
    assert fates(doc)[1] == "authors, published, metadata.reading_time_minutes"


def test_name_date_time_source_line(generic_rules) -> None:
    doc = lift(
        generic_rules, "Headline here", "Liang Abernathy 2024-03-05 09:15 Newswire Desk", BODY
    )
    assert (doc.authors, doc.published) == (["Liang Abernathy"], "2024-03-05T09:15")
    assert doc.metadata["source"] == "Newswire Desk"


def test_an_agency_is_a_source_not_an_author(generic_rules) -> None:
    doc = lift(generic_rules, "Headline here", "By The Associated Press", BODY)
    assert doc.authors == []
    assert doc.metadata["source"] == "The Associated Press"


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("March 5, 2024 9:15 AM", "2024-03-05T09:15"),
        ("Published May 18, 2024", "2024-05-18"),
        ("12.04.2024, 16:45 Uhr", "2024-04-12T16:45"),
        ("Veröffentlicht am 12. April 2024", "2024-04-12"),
        ("Publié le 1er mars 2024 à 18h20", "2024-03-01T18:20"),
        ("Publicado el 14 de febrero de 2024", "2024-02-14"),
        ("Pubblicato il 3 marzo 2024", "2024-03-03"),
        ("2024-11-02 08:05", "2024-11-02T08:05"),
    ],
)
def test_date_lines(generic_rules: RuleSet, line: str, published: str) -> None:
    doc = lift(generic_rules, "A headline for the story", line, BODY)
    assert doc.published == published
    assert fates(doc)[1] == "published"


@pytest.mark.parametrize(
    ("line", "updated"),
    [
        ("Updated 2 hours ago", "2 hours ago"),
        ("Mis à jour il y a 3 heures", "il y a 3 heures"),
        ("Aktualisiert vor 3 Stunden", "vor 3 Stunden"),
    ],
)
def test_a_relative_date_leaves_the_body_but_never_becomes_published(
    generic_rules: RuleSet, line: str, updated: str
) -> None:
    doc = lift(generic_rules, "A headline for the story", line, BODY)
    assert doc.published is None
    assert doc.metadata["updated"] == updated
    assert fates(doc)[1] == "metadata.updated"


def test_an_updated_date_is_not_the_publication_date(generic_rules) -> None:
    doc = lift(generic_rules, "Headline", "Published March 1, 2024", "Updated: March 3, 2024", BODY)
    assert doc.published == "2024-03-01"
    assert doc.metadata["updated"] == "2024-03-03"


@pytest.mark.parametrize(
    ("line", "minutes"),
    [("4 min read", 4), ("Lesezeit: 3 Minuten", 3), ("Lecture : 4 min", 4),
     ("Tiempo de lectura: 3 min", 3)],
)  # fmt: skip
def test_reading_time(generic_rules: RuleSet, line: str, minutes: int) -> None:
    doc = lift(generic_rules, "A headline for the story", line, BODY)
    assert doc.metadata["reading_time_minutes"] == minutes


def test_a_photo_credit_names_no_author_and_its_caption_goes_too(generic_rules) -> None:
    doc = lift(
        generic_rules,
        "Volunteers reopen the lighthouse cottage",
        "Agnes Tolland / Photo: Heritage Trust",
        "Agnes Tolland cuts the ribbon on Saturday.",
        BODY,
    )
    assert doc.authors == []
    assert doc.metadata["credits"] == [
        {"text": "Agnes Tolland / Photo: Heritage Trust", "subject": "Agnes Tolland",
         "credit": "Heritage Trust"}
    ]  # fmt: skip
    assert fates(doc) == ["title", "metadata.credits", "metadata.captions", None]


@pytest.mark.parametrize(
    "caption",
    [
        "The mayor opens the new bridge on Tuesday. (Rowan Pike/Harbour Gazette)",
        "Die Talstation der Bahn im März. Foto: Alpenkurier/Benedikt Rauch",
        "Firefighters at the scene on Monday (Photo by Jane Roe)",
    ],
)
def test_captions_with_a_credit(generic_rules: RuleSet, caption: str) -> None:
    doc = lift(generic_rules, "A headline for the story", caption, BODY)
    assert fates(doc)[1] == "metadata.captions"


def test_the_title_is_the_headline_above_the_body_and_its_site_suffix_goes(generic_rules) -> None:
    doc = lift(
        generic_rules,
        "News, Politics, Harbour",
        "Harbour wall levy approved | The Gazette",
        "By Jane Roe",
        BODY,
        MORE,
    )
    assert doc.title == "Harbour wall levy approved"
    assert doc.metadata["sitename"] == "The Gazette"
    assert fates(doc)[:3] == [None, "title", "authors"]


def test_a_title_ending_in_a_full_stop_needs_a_byline_below_it(generic_rules) -> None:
    doc = lift(
        generic_rules, "Trump: No plans to sell the missiles.", "Jane Roe 2025-11-02 18:40", BODY
    )
    assert doc.title == "Trump: No plans to sell the missiles."
    short = "The lifeboat crew was called out twice on Sunday."
    doc = lift(generic_rules, short, "The second call came at dusk off the point.")
    assert doc.title is None and all(line.kept for line in doc.lines)


def test_a_given_title_marks_its_line(generic_rules) -> None:
    doc = lift(
        generic_rules,
        "Menu",
        "Harbour wall levy approved",
        BODY,
        title="Harbour wall levy approved",
    )
    assert fates(doc) == [None, "title", None]


def test_no_field_is_taken_from_between_paragraphs(generic_rules) -> None:
    sentence = "By the end of the day, the board had agreed to sell the building."
    lines = ["Headline of it", BODY, sentence, "March 5, 2024", MORE, "By Jane Roe", BODY, MORE]
    doc = lift(generic_rules, *lines)
    assert doc.published is None and doc.authors == []
    assert [line.kept for line in doc.lines[1:]] == [True, True, False, True, True, True, True]
    assert doc.lines[3].removal.field is None
    assert doc.lines[3].removal.reason.endswith("between paragraphs, not this article's")
    doc = lift(generic_rules, "Headline of it", BODY, "March 5, 2024", MORE)
    assert all(line.kept for line in doc.lines[1:])  # a paragraph on both sides: body


def test_a_sentence_that_starts_with_by_is_not_a_byline(generic_rules) -> None:
    doc = lift(generic_rules, "Headline of it", "By train, the journey takes four hours.", BODY)
    assert doc.authors == [] and doc.lines[1].kept


def test_site_rules_come_first_and_formats_are_honoured() -> None:
    from ingest.rules import parse_rule_text

    text = """\
name: demo.example
match:
  domains: [demo.example]
metadata:
  - id: stamp
    date: '^Stamp (?P<date>\\d{8})$'
    formats: ['%Y%m%d']
"""
    rule_file, problems = parse_rule_text(text, "demo.yaml")
    assert rule_file is not None, problems
    doc = doc_from_lines("Headline of it", "Stamp 20240305", BODY, url="https://demo.example/a")
    doc.site_rules = "demo.example"
    Metadata(RuleSet([rule_file]))(doc)
    assert doc.published == "2024-03-05"
    assert doc.lines[1].removal.rule == "site:demo.example#stamp"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jane Roe and John Doe", ["Jane Roe", "John Doe"]),
        ("Ana de la Vega", ["Ana de la Vega"]),
        ("J. R. Hartley", ["J. R. Hartley"]),
        ("Subscribe", None),
        ("the night before", None),
        ("Newsroom Staff", None),
        ("Jane Roe 2024", None),
    ],
)
def test_person_names(text: str, names: list[str] | None) -> None:
    assert person_names(text) == names


@pytest.mark.parametrize(
    ("byline", "authors", "source"),
    [
        ("Von Anna Schmidt und Peter Müller, Hauptstadtstudio", ["Anna Schmidt", "Peter Müller"],
         "Hauptstadtstudio"),
        ("Por María García / Agencia Meridiana", ["María García"], "Agencia Meridiana"),
        ("By Jane Roe | Harbour Wire", ["Jane Roe"], "Harbour Wire"),
    ],
)  # fmt: skip
def test_a_byline_with_its_agency(
    generic_rules: RuleSet, byline: str, authors: list[str], source: str
) -> None:
    doc = lift(generic_rules, "A headline for the story", byline, BODY)
    assert (doc.authors, doc.metadata["source"]) == (authors, source)


@pytest.mark.parametrize(
    ("line", "published"),
    [
        ("Kellerby, 30 Oct 2024 - 14:32 CET", "2024-10-30T14:32+01:00"),
        ("PORT ELSIN, 30. Oktober 2024", "2024-10-30"),
        ("Stand: 30.10.2024 08:31 Uhr", "2024-10-30T08:31"),
    ],
)
def test_datelines(generic_rules: RuleSet, line: str, published: str) -> None:
    doc = lift(generic_rules, "A headline for the story", line, BODY)
    assert doc.published == published


# The fast paths below must agree with the regexes and the plain comparison they stand for.
ENDINGS = st.text(st.sampled_from("a1 .!?…'\"’”»)]\n"), max_size=10)


@given(ENDINGS)
def test_ends_sentence_is_the_sentence_end_regex(text: str) -> None:
    assert ends_sentence(text) == bool(SENTENCE_END.search(text))


@given(st.text(st.sampled_from("0129 /a_."), max_size=16))
@example("on 1/2/99 and")
@example("01/12/2024")
@example("a1/2/99")
@example("13/1/2024 or 1/13/2024")
@example("x/1/2/222")
def test_has_ambiguous_date_is_the_regex(text: str) -> None:
    assert has_ambiguous_date(text) == bool(AMBIGUOUS_DATE.search(text))


def plain_title_matches(text: str, wanted: str) -> bool:
    suffix = SITE_SUFFIX.search(text)
    return fold(text) == wanted or (suffix is not None and fold(text[: suffix.start()]) == wanted)


TITLE_CHARS = st.sampled_from([*"aBß ,.|–-", "\u0130", "\u00a0"])


@given(
    title=st.text(TITLE_CHARS, max_size=8),
    suffix=st.text(TITLE_CHARS, max_size=8),
    other=st.text(TITLE_CHARS, max_size=8),
)
def test_title_matches_is_the_plain_comparison(title: str, suffix: str, other: str) -> None:
    wanted = fold(title)
    for text in (title, title + suffix, f"{title} | {suffix}", other):
        assert title_matches(text, wanted) == plain_title_matches(text, wanted)


@given(st.text(TITLE_CHARS, max_size=60), st.integers(0, 12))
def test_fold_head_is_the_fold_or_a_long_enough_prefix_of_it(text: str, length: int) -> None:
    head, whole = fold_head(text, length), fold(text)
    assert whole.startswith(head)
    assert head == whole or len(head) > length
