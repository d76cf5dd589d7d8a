"""Language identification on the cleaned body with langdetect, made deterministic.

langdetect samples at random; a fixed seed makes the same text give the same answer on every
run and every worker. Its cost is the n-grams of every character it reads, times its trials, so
it reads at most `max_chars` of the body and makes `trials` trials instead of its 7. Measured on
595 documents (the benchmark's pages, the bench's text corpus in four languages, the samples),
400 characters and 1 trial agree with 2,000 characters and 7 trials on all but one document
(where 600 characters and 3 trials miss the same one). `ingest.langid` runs langdetect's
algorithm on its profiles with the same answers, without its per-character loops: 0.34 instead
of 0.9 ms a document in a pipeline (docs/performance.md).
"""

from __future__ import annotations

import re
from functools import cache

from ingest.document import Document
from ingest.langid import Detector, NoFeatures
from ingest.stages.base import Stage


@cache
def at_least_letters(count: int) -> re.Pattern[str]:
    r"""Matches a text holding at least `count` letters (`[^\W\d_]`): it stops at the last
    one needed, where counting them all made a list of every letter (25 µs for 400 chars)."""
    return re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{count}}}")


@cache
def detector(seed: int, trials: int) -> Detector:
    """One detector per process and setting: it remembers the words it has seen."""
    return Detector(seed, trials)


class Language(Stage):
    """Set `language` (ISO 639-1) and `language_score`. On too little text, the language is the
    default a matching site rule file gives (with a null score), or null."""

    name = "language"

    def __init__(
        self, max_chars: int = 400, min_letters: int = 20, seed: int = 0, trials: int = 1
    ) -> None:
        self.max_chars = max_chars
        self.min_letters = min_letters
        self.seed = seed
        self.trials = trials

    def __call__(self, doc: Document) -> Document:
        sample = self.sample(doc)
        if at_least_letters(self.min_letters).match(sample) is None:
            return self.undetected(doc)
        try:
            best = detector(self.seed, self.trials).probabilities(sample)[0]
        except (NoFeatures, IndexError):
            return self.undetected(doc)
        doc.language = best.lang.split("-")[0]
        doc.language_score = round(best.prob, 4)
        return doc

    @staticmethod
    def undetected(doc: Document) -> Document:
        doc.language, doc.language_score = doc.metadata.get("site_language"), None
        return doc

    def sample(self, doc: Document) -> str:
        parts: list[str] = []
        size = 0
        for line in doc.lines:
            if line.removal is None:
                parts.append(line.text)
                size += len(line.text) + 1
                if size >= self.max_chars:
                    break
        return "\n".join(parts)[: self.max_chars]
