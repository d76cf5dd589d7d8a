"""Dates as pages print them, in several languages; relative dates are never made absolute."""

from __future__ import annotations

import pytest

from ingest.dates import find_when, is_relative, parse_when


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-10-30", "2024-10-30"),
        ("2025-11-02 18:40", "2025-11-02T18:40"),
        ("2024-06-11T14:05:00+00:00", "2024-06-11T14:05+00:00"),
        ("2024-06-11T14:05:00Z", "2024-06-11T14:05+00:00"),
        ("2024/03/05", "2024-03-05"),
        ("October 30, 2024 2:32 PM", "2024-10-30T14:32"),
        ("Oct. 30, 2024, 9:05 a.m.", "2024-10-30T09:05"),
        ("Wednesday, October 30, 2024", "2024-10-30"),
        ("Nov 19, 2019, 10:31 pm CST", "2019-11-19T22:31-06:00"),
        ("30 October 2024 14:32 UTC", "2024-10-30T14:32+00:00"),
        ("14:32, 30 October 2024", "2024-10-30T14:32"),
        ("30.10.2024, 08:31 Uhr", "2024-10-30T08:31"),
        ("Mittwoch, 30. Oktober 2024", "2024-10-30"),
        ("12. März 2024 um 16:45 Uhr", "2024-03-12T16:45"),
        ("1er novembre 2024", "2024-11-01"),
        ("1er mars 2024 à 18h20", "2024-03-01T18:20"),
        ("mercredi 30 octobre 2024", "2024-10-30"),
        ("14 de febrero de 2024", "2024-02-14"),
        ("3 de marzo de 2024, 12:40", "2024-03-03T12:40"),
        ("30 ottobre 2024 ore 14:32", "2024-10-30T14:32"),
        ("30 de outubro de 2024 às 14h32", "2024-10-30T14:32"),
        ("30 oktober 2024 om 14:32", "2024-10-30T14:32"),
        ("30/10/2024", "2024-10-30"),
        ("10/30/2024", "2024-10-30"),
        ("30.10.24", "2024-10-30"),
    ],
)
def test_a_date_line_parses(text: str, iso: str) -> None:
    when = parse_when(text)
    assert when is not None and when.iso() == iso


def test_an_ambiguous_numeric_date_follows_the_page_convention() -> None:
    assert parse_when("05/03/2024", day_first=True).iso() == "2024-03-05"
    assert parse_when("05/03/2024", day_first=False).iso() == "2024-05-03"
    assert parse_when("05.03.2024", day_first=False).iso() == "2024-03-05"  # dots: day first


@pytest.mark.parametrize(
    "text",
    [
        "The council met in 2024",
        "2024-10-30 Skip to content",
        "30 October",  # no year: not a publication date we can trust
        "31 February 2024",
        "Chapter 12.10.1",
        "2 min read",
    ],
)
def test_what_is_not_only_a_date_does_not_parse(text: str) -> None:
    assert parse_when(text) is None


def test_find_when_gives_the_span_of_date_and_time() -> None:
    text = "by Jane Roe October 30, 2024 2:32 PM 2 min read"
    found = find_when(text)
    assert found is not None
    assert found.when.iso() == "2024-10-30T14:32"
    assert text[found.start : found.end] == "October 30, 2024 2:32 PM"


@pytest.mark.parametrize(
    "text",
    [
        "2 hours ago",
        "about an hour ago",
        "yesterday",
        "Yesterday at 14:32",
        "vor 3 Stunden",
        "gestern",
        "il y a 3 heures",
        "hier à 14h02",
        "hace 2 días",
        "ayer",
        "3 ore fa",
        "há 2 horas",
        "5 minuten geleden",
    ],
)
def test_relative_dates_are_recognised(text: str) -> None:
    assert is_relative(text)
    assert parse_when(text) is None


def test_a_plain_date_is_not_relative() -> None:
    assert not is_relative("October 30, 2024")
    assert not is_relative("3 heures de route")
