"""Classify stage: jusText-style classes, context, and the densest run of body paragraphs."""

from __future__ import annotations

from collections import Counter

from conftest import doc_from_lines
from hypothesis import given
from hypothesis import strategies as st

from ingest.document import Removal
from ingest.stages.classify import (
    SENTENCE_END,
    SEPARATOR,
    STOPLIST_LANGUAGES,
    WORD,
    Classify,
    body_span,
    document_languages,
    ends_sentence,
    features,
    first_class,
    is_link_list,
    language_counts,
    line_words,
    revise,
    stoplists,
    stoplists_of,
    stopwords,
)

P1 = (
    "The harbour board met on Tuesday evening to discuss the future of the old grain store, "
    "which has stood empty since the last tenant left in the spring of last year and now "
    "needs a new roof before the winter storms arrive."
)
P2 = (
    "Members agreed that they would commission a survey before taking any decision on the "
    "building, and they asked the officers to report back in time for the next meeting of the "
    "full council, which is due to be held in June."
)
P3 = (
    "A spokesperson for the board said that the survey would cost about ten thousand pounds "
    "and that the money would come from the reserves, so that there would be no need to raise "
    "the charges for the boats that use the harbour."
)
NAV = ["Home", "News", "Sport", "Business", "Weather", "Contact"]


def fates(doc) -> list[str | None]:
    return [line.removal.rule if line.removal else None for line in doc.lines]


def test_menus_and_footers_go_and_the_body_stays() -> None:
    doc = doc_from_lines(*NAV, P1, P2, P3, "Privacy", "Terms", "About us")
    Classify()(doc)
    assert [line.text for line in doc.lines if line.kept] == [P1, P2, P3]


def test_a_short_line_between_paragraphs_is_body() -> None:
    doc = doc_from_lines(*NAV, P1, "What happens next", P2, P3, "Privacy")
    Classify()(doc)
    assert "What happens next" in doc.body()


def test_a_run_of_terse_sentences_between_paragraphs_is_body() -> None:
    results = [
        "Kellerby 3, Saltmarsh 1; Fennick 2, Tarn End 2.",
        "Rope Walk 0, Chandler's Quay 4; Gull Rock 1, Harbourside 1.",
    ]
    doc = doc_from_lines(*NAV, P1, *results, P2, P3)
    Classify()(doc)
    assert all(result in doc.body() for result in results)


def test_good_paragraphs_far_from_the_body_go() -> None:
    teaser = (
        "Another story about the council that the site shows in its sidebar, with enough "
        "words of the usual kind in it to look like a paragraph of an article to a classifier."
    )
    doc = doc_from_lines(P1, P2, P3, *NAV, *NAV, teaser)
    Classify()(doc)
    assert doc.lines[-1].removal.rule == "far-from-body"
    assert [line.text for line in doc.lines if line.kept] == [P1, P2, P3]


def test_the_article_under_its_headline_wins_over_a_longer_block_elsewhere() -> None:
    teasers = [f"Top story {n}: {P3}" for n in range(6)]
    doc = doc_from_lines(*teasers, *NAV, "The headline", P1, P2, *NAV)
    headline = len(teasers) + len(NAV)
    doc.lines[headline].removal = Removal("metadata", "title", "the headline", field="title")
    Classify()(doc)
    assert [line.text for line in doc.lines if line.kept] == [P1, P2]


def test_html_pages_are_left_to_trafilatura() -> None:
    doc = doc_from_lines(*NAV, P1)
    doc.kind = "html"
    Classify()(doc)
    assert all(line.kept for line in doc.lines)


def test_a_document_without_any_paragraph_is_left_alone() -> None:
    doc = doc_from_lines("A paragraph of body text.", "Another short line.")
    Classify()(doc)
    assert all(line.kept for line in doc.lines)


def test_the_stoplist_follows_the_document_language() -> None:
    german = (
        "Die Seilbahn zum Berg wird nach dem Ende der Wintersaison nicht wie geplant im Mai "
        "wieder in Betrieb gehen, weil das Tragseil und zwei Stützen vollständig erneuert werden "
        "müssen, wie die Gesellschaft am Freitag mitteilte."
    )
    languages, cjk = document_languages([german, "Startseite", "Kontakt"])
    assert not cjk
    assert first_class(features(german, languages, cjk)) == "good"


def test_cjk_text_is_measured_by_its_characters() -> None:
    japanese = (
        "先日、不正に改造した端末を販売したとして、商標法違反の疑いで男性が逮捕されました。" * 2
    )
    languages, cjk = document_languages([japanese])
    assert cjk
    assert first_class(features(japanese, languages, cjk)) == "good"


def test_revise_follows_jusText() -> None:
    assert revise(["good", "short", "good"]) == ["good", "good", "good"]
    assert revise(["bad", "short", "bad"]) == ["bad", "bad", "bad"]
    assert revise(["bad", "neargood", "good"]) == ["bad", "good", "good"]
    assert revise(["bad", "neargood", "bad"]) == ["bad", "bad", "bad"]
    assert revise(["good", "sentence", "good"]) == ["good", "good", "good"]
    assert revise(["good", "sentence", "bad"]) == ["good", "bad", "bad"]


def test_body_span_is_the_run_with_the_largest_weight() -> None:
    assert body_span([-5, 10, -3, 10, -50, 12]) == (1, 4)
    assert body_span([-1, -2]) == (0, 0)


def test_the_article_goes_on_after_an_inline_box_of_links() -> None:
    last = "The board will meet again in June to decide whether the store is to be sold."
    doc = doc_from_lines("The headline", P1, P2, "Read also", "Another story", last, *NAV)
    doc.lines[0].removal = Removal("metadata", "title", "the headline", field="title")
    for index in (3, 4):  # what the headline stage removes
        doc.lines[index].removal = Removal("headline", "generic#further-reading", "a box")
    Classify()(doc)
    assert [line.text for line in doc.lines if line.kept] == [P1, P2, last]


STOPWORD_TEXT = st.lists(
    st.sampled_from(["the", "and", "der", "und", "la", "de", "och", "harbour", "Die", "l'eau"]),
    max_size=12,
).map(" ".join)


@given(st.lists(STOPWORD_TEXT, max_size=6))
def test_language_counts_count_the_stopwords_of_each_stoplist(texts: list[str]) -> None:
    masks = stoplists()
    words = [word for text in texts for word in line_words(text)]
    bits = range(len(STOPLIST_LANGUAGES))
    expected = [sum(1 for word in words if masks.get(word, 0) >> bit & 1) for bit in bits]
    assert language_counts(texts) == (expected, False)
    assert language_counts(texts, [line_words(text) for text in texts]) == (expected, False)


def test_a_line_s_words_may_be_given() -> None:
    mask, cjk = document_languages([P1, P2], [line_words(P1), line_words(P2)])
    assert (mask, cjk) == document_languages([P1, P2])
    assert features(P1, mask, cjk, line_words(P1)) == features(P1, mask, cjk)
    assert stopwords(0) == {word for word, bits in stoplists().items() if bits & 1}


@given(st.text(st.sampled_from("a |·•›»/"), max_size=12))
def test_is_link_list_is_two_separators(text: str) -> None:
    assert is_link_list(text) == (len(SEPARATOR.findall(text)) >= 2)


def test_stoplists_of_a_mask_are_its_languages_stoplists() -> None:
    assert stoplists_of(0b101) == (stopwords(0), stopwords(2))
    assert stoplists_of(0) == ()


@given(st.text(st.sampled_from("aZ9_ 'ʼ’-.,|\u00df\u0130\u00bd\t\u00a0")))
def test_line_words_are_the_word_regex_s_matches(text: str) -> None:
    assert Counter(line_words(text)) == Counter(WORD.findall(text.casefold()))


@given(st.text(st.sampled_from("a .!?…。:;'\"’”»)]\n")))
def test_ends_sentence_is_the_sentence_end_regex(text: str) -> None:
    assert ends_sentence(text) == bool(SENTENCE_END.search(text))
