"""Paragraph classifier for what no pattern names, in the spirit of jusText.

Each line gets a first class from its own features (length, stopword density against the
stoplists of the document's languages, a menu-like shape), then a second class from its
neighbours: a short line between good paragraphs is body, a short line among chrome is chrome.
Last, the main body is the densest run of good paragraphs, starting below the headline when the
metadata stage found one; good-looking lines far from it (teasers, sidebars, footers) go too.
Lines removed by earlier stages count as chrome here: they show where the boilerplate is.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import filterfalse

from ingest.document import Document, Line, removal
from ingest.stages.base import Stage

# jusText's stoplists (shipped with jusText, which trafilatura depends on), by ISO 639-1 code.
STOPLIST_LANGUAGES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian_Bokmal",
    "fi": "Finnish",
    "pl": "Polish",
    "cs": "Czech",
    "sk": "Slovak",
    "ro": "Romanian",
    "hu": "Hungarian",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "el": "Greek",
    "hr": "Croatian",
    "ca": "Catalan",
    "id": "Indonesian",
    "vi": "Vietnamese",
}
LENGTH_LOW = 70
LENGTH_HIGH = 200
STOP_LOW = 0.30
STOP_HIGH = 0.32
MIXED_LANGUAGE_SHARE = 0.25
ANCHOR_WINDOW = 8
ANCHOR_SHARE = 0.3
NEAR_REACH = 3
BRIDGE_LINES = 3
MIN_COST = 80  # a line that is not body costs a run at least as much as a short paragraph
REASONS = {
    "far-from-body": "outside the main body, the densest run of paragraphs",
    "link-list": "items joined by separators, like a menu",
    "short": "a short line among boilerplate",
    "neargood": "a short paragraph among boilerplate",
    "sentence": "a terse sentence among boilerplate",
    "bad": "too few stopwords for a paragraph of the page's language",
}
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
SEPARATOR = re.compile(r"\s[|·•›»/]\s|\s[|·•›»]$|^[|·•›»]\s")
SEPARATOR_CHARS = "|·•›»/"  # one of them is in every SEPARATOR match
SENTENCE_END = re.compile(r"[.!?…。！？:;]['\"’”»)\]]*$")
SENTENCE_MARKS = (".", "!", "?", "…", "。", "！", "？", ":", ";")  # SENTENCE_END, from the end
CLOSING_MARKS = "'\"’”»)]"
WIDE_CANDIDATE = re.compile("[\u2e80-\U0010ffff]")  # no CJK character sorts below U+2E80


@lru_cache(maxsize=1)
def stoplists() -> dict[str, int]:
    """Every stopword of the supported languages, mapped to a bit mask of its languages."""
    import justext

    masks: dict[str, int] = {}
    for bit, name in enumerate(STOPLIST_LANGUAGES.values()):
        for word in justext.get_stoplist(name):
            word = word.strip("\"'()")
            masks[word] = masks.get(word, 0) | (1 << bit)
    return masks


def is_cjk(char: str) -> bool:
    """A wide (Chinese, Japanese or Korean) character."""
    return unicodedata.east_asian_width(char) in ("W", "F")


@dataclass(slots=True)
class Features:
    """What the classifier knows about one line."""

    length: int
    stop: float  # stopword density against the document's stoplist
    links: bool  # a list of links or items joined by separators
    sentence: bool  # ends like a sentence


LANGUAGE_SAMPLE_WORDS = 400


def line_words(text: str) -> list[str]:
    """A line's words, case-folded as the stoplists spell them, in no particular order: they
    are only counted.

    A whitespace-separated token of letters and digits only is one word, found by `str`
    methods several times faster than by WORD (the letters and digits of `[^\\W_]` are
    exactly what `str.isalnum` accepts, and no word spans whitespace); only the tokens with
    other characters go through the regex.
    """
    tokens = text.casefold().split()
    words = list(filter(str.isalnum, tokens))
    if len(words) < len(tokens):
        words += WORD.findall(" ".join(filterfalse(str.isalnum, tokens)))
    return words


def ends_with_mark(text: str, marks: tuple[str, ...], closers: str) -> bool:
    """Whether `text` ends with one of `marks` and then only `closers`, as the regex
    `[marks][closers]*$` would find (the two must not share a character), but read from the
    end: a regex search would try every position of a long paragraph."""
    if text.endswith("\n"):
        text = text[:-1]  # `$` also matches before a final line break
    return text.rstrip(closers).endswith(marks)


def ends_sentence(text: str) -> bool:
    """Whether SENTENCE_END matches `text`."""
    return ends_with_mark(text, SENTENCE_MARKS, CLOSING_MARKS)


@cache
def stopwords(bit: int) -> frozenset[str]:
    """The stopwords of the stoplist `bit`: a set, so a line's hits are counted in one C loop."""
    return frozenset(word for word, mask in stoplists().items() if mask >> bit & 1)


@cache
def stoplists_of(languages: int) -> tuple[frozenset[str], ...]:
    """The stopword sets of the stoplists in the mask `languages`."""
    return tuple(stopwords(bit) for bit in range(languages.bit_length()) if languages >> bit & 1)


def language_counts(
    texts: list[str], words: list[list[str]] | None = None
) -> tuple[list[int], bool]:
    """Stopword hits per supported language, and whether the text is mostly CJK.

    `words`, if given, holds `line_words` of each text (the caller has them already)."""
    masks = stoplists()
    found_masks: list[int | None] = []
    chars = cjk = 0
    for index, text in enumerate(texts):
        found_masks += map(masks.get, words[index] if words is not None else line_words(text))
        sample = text[:200]
        chars += len(sample)
        if not sample.isascii():
            cjk += sum(map(is_cjk, WIDE_CANDIDATE.findall(sample)))
        if len(found_masks) >= LANGUAGE_SAMPLE_WORDS:
            break  # a few hundred words tell the language as well as the whole text
    counts = [0] * len(STOPLIST_LANGUAGES)
    for mask, number in Counter(found_masks).items():
        while mask:  # None (not a stopword) skips too
            lowest = mask & -mask
            counts[lowest.bit_length() - 1] += number
            mask ^= lowest
    return counts, cjk > 0.3 * max(chars, 1)


def guess_stoplist(texts: list[str]) -> tuple[int, bool]:
    """The bit of the stoplist with the most hits in the document, and whether it is CJK text."""
    counts, cjk = language_counts(texts)
    return max(range(len(counts)), key=lambda i: (counts[i], -i)), cjk


def document_languages(texts: list[str], words: list[list[str]] | None = None) -> tuple[int, bool]:
    """A mask of the stoplists a document uses (its language, and a second one if it mixes),
    and whether it is CJK text. Pages often wrap an article in another language's menus.

    `words`, if given, holds `line_words` of each text."""
    counts, cjk = language_counts(texts, words)
    ranked = sorted(range(len(counts)), key=lambda i: (-counts[i], i))
    top = counts[ranked[0]]
    mask = 0
    for bit in ranked[:2]:
        if counts[bit] and counts[bit] >= MIXED_LANGUAGE_SHARE * top:
            mask |= 1 << bit
    return mask or 1, cjk


def features(text: str, languages: int, cjk: bool, words: list[str] | None = None) -> Features:
    """A line's features; its stopword density is the best over the document's languages.

    CJK text has no spaces between words, so stopwords cannot be counted: a line there counts
    three times its length and reads as prose when it ends like a sentence. `words`, if given,
    is `line_words(text)`.
    """
    if words is None:
        words = line_words(text)
    if cjk:
        length = len(text) * 3  # a CJK character carries about as much as three Latin ones
        stop = 0.4 if ends_sentence(text) or "、" in text else 0.1
    else:
        length = len(text)
        stop = 0.0
        if words:
            hits = (sum(map(stoplist.__contains__, words)) for stoplist in stoplists_of(languages))
            stop = max(hits, default=0) / len(words)
    return Features(length, stop, is_link_list(text), ends_sentence(text))


def is_link_list(text: str) -> bool:
    """Items joined by two separators or more, like a menu.

    Most lines hold no separator character at all: a substring test spares them the regex."""
    if not any(char in text for char in SEPARATOR_CHARS):
        return False
    return len(SEPARATOR.findall(text)) >= 2


def first_class(feat: Features) -> str:
    """jusText's context-free class: good, neargood, short or bad."""
    if feat.links:
        return "bad"
    if feat.length < LENGTH_LOW:
        return "short"
    if feat.stop >= STOP_HIGH:
        return "good" if feat.length > LENGTH_HIGH else "neargood"
    if feat.stop >= STOP_LOW:
        return "neargood"
    return "sentence" if feat.sentence else "bad"


class Neighbours:
    """For each line, the nearest line before and after it whose class is not in `skip`.

    Computed in two linear passes, so that long menus of short lines cost no more than their
    length. Past the document's edges the neighbour is "bad", as in jusText.
    """

    def __init__(self, classes: list[str], skip: tuple[str, ...]) -> None:
        self.classes = classes
        self.before = [-1] * len(classes)
        self.after = [len(classes)] * len(classes)
        last = -1
        for index, cls in enumerate(classes):
            self.before[index] = last
            if cls not in skip:
                last = index
        last = len(classes)
        for index in range(len(classes) - 1, -1, -1):
            self.after[index] = last
            if classes[index] not in skip:
                last = index

    def of(self, index: int, reach: int = 0) -> tuple[str, str]:
        """The classes before and after `index` (within `reach` lines when it is set)."""
        found = []
        for other in (self.before[index], self.after[index]):
            inside = 0 <= other < len(self.classes) and (not reach or abs(other - index) <= reach)
            found.append(self.classes[other] if inside else "bad")
        return found[0], found[1]


def revise(classes: list[str]) -> list[str]:
    """jusText's context-sensitive pass: short and neargood lines take their neighbours' class.

    Three changes for plain text, which has no markup to tell a link from a sentence:
    - a run of "sentence" lines (full sentences too poor in stopwords to be good on their own:
      results, quotes full of names, ingredient lists) is body when good paragraphs enclose it;
    - a neargood paragraph lends its class to short lines only across NEAR_REACH lines, not
      across a whole menu;
    - a line an earlier stage removed ("removed") is chrome for a short line next to it, but no
      evidence against a paragraph: articles are cut by ads, captions and related-links boxes.
    """
    classes = list(classes)
    around = Neighbours(classes, ("short", "neargood", "sentence", "removed"))
    for index, cls in enumerate(classes):
        if cls == "sentence":
            classes[index] = "neargood" if around.of(index) == ("good", "good") else "bad"
    plain = ["bad" if cls == "removed" else cls for cls in classes]
    far, near = Neighbours(plain, ("short", "neargood")), Neighbours(plain, ("short",))
    for index, cls in enumerate(plain):
        if cls != "short":
            continue
        before, after = far.of(index)
        if before == after:
            classes[index] = "good" if before == "good" else "bad"
            continue
        near_before, near_after = near.of(index, NEAR_REACH)
        rescued = (before == "bad" and near_before == "neargood") or (
            after == "bad" and near_after == "neargood"
        )
        classes[index] = "good" if rescued else "bad"
    nearest = Neighbours(classes, ("neargood",))
    final = ["bad" if cls == "removed" else cls for cls in classes]
    for index, cls in enumerate(classes):
        if cls == "neargood":
            final[index] = "bad" if nearest.of(index) == ("bad", "bad") else "good"
    return final


def body_span(weights: list[float]) -> tuple[int, int]:
    """The run of lines with the largest total weight (Kadane): the main body, [start, end)."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best:
            best, best_span = total, (start, index + 1)
    return best_span


def headline_index(doc: Document) -> int | None:
    """The line the metadata stage lifted as the title: the article starts below it."""
    for index, line in enumerate(doc.lines):
        if line.removal is not None and line.removal.field == "title":
            return index
    return None


def anchored_span(weights: list[float], headline: int | None) -> tuple[int, int] | None:
    """The best run that starts just below the headline, if it is not much weaker than the
    best run anywhere: a block of teasers or a sidebar elsewhere on the page must not win over
    the article that follows its own title."""
    if headline is None:
        return None
    best_total, best_span = 0.0, (0, 0)
    for start in range(headline + 1, min(headline + 1 + ANCHOR_WINDOW, len(weights))):
        total = 0.0
        for end in range(start, len(weights)):
            total += weights[end]
            if total > best_total:
                best_total, best_span = total, (start, end + 1)
    overall = body_span(weights)
    if best_total >= ANCHOR_SHARE * sum(weights[overall[0] : overall[1]]):
        return best_span
    return None


def bridge(lines: list[Line], final: list[str], end: int) -> int:
    """Extend the body's end over boxes of at most BRIDGE_LINES removed lines (an inline
    "Read also" box, an ad label) that good paragraphs follow: the article goes on after them,
    however short its last paragraphs are."""
    while True:
        after = end
        while (
            after < len(lines) and after - end < BRIDGE_LINES and lines[after].removal is not None
        ):
            after += 1
        if after == end or after >= len(lines) or lines[after].removal is not None:
            return end
        if final[after] != "good":
            return end
        end = after
        while end < len(lines) and lines[end].removal is None and final[end] == "good":
            end += 1


def body_weights(feats: list[Features], final: list[str]) -> list[float]:
    """What each line adds to a run of body: good lines their length, others a cost."""
    return [
        feat.length if cls == "good" else -max(feat.length, MIN_COST)
        for feat, cls in zip(feats, final, strict=True)
    ]


class Classify(Stage):
    """Remove the lines the classifier judges to be boilerplate.

    HTML pages are left alone: trafilatura has already chosen their main text from the markup,
    which knows more than line lengths and stopwords do (on the benchmark's HTML pages this
    stage only lowered F1, so it abstains).
    """

    name = "classify"

    def __call__(self, doc: Document) -> Document:
        lines = doc.lines
        if not lines or doc.kind == "html":
            return doc
        kept = [line.text for line in lines if line.removal is None]
        kept_words = [line_words(text) for text in kept]
        languages, cjk = document_languages(kept, kept_words)
        words = iter(kept_words)
        feats = [
            features(line.text, languages, cjk, next(words))
            if line.removal is None
            else Features(len(line.text), 0.0, False, False)
            for line in lines
        ]
        classes = [
            first_class(feat) if line.removal is None else "removed"
            for feat, line in zip(feats, lines, strict=True)
        ]
        if "good" not in classes:
            if "neargood" not in classes:
                return doc  # no paragraph to anchor a body on: leave the lines to the rules
            classes = ["good" if cls == "neargood" else cls for cls in classes]
        final = revise(classes)
        weights = body_weights(feats, final)
        start, end = anchored_span(weights, headline_index(doc)) or body_span(weights)
        end = bridge(lines, final, end)
        for index, line in enumerate(lines):
            if line.removal is not None or line.keep_rule is not None:
                continue
            if not start <= index < end:
                line.removal = removal(self.name, "far-from-body", REASONS["far-from-body"])
            elif final[index] == "bad":
                rule = "link-list" if feats[index].links else classes[index]
                line.removal = removal(self.name, rule, REASONS[rule])
        return doc
