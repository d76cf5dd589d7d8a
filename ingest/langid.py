"""langdetect's detector over its own profiles, giving its answers at a fraction of its cost.

langdetect walks the text one character at a time in Python: it normalises each character,
pushes it into a three-character buffer and looks the buffer's n-grams up, three calls a
character; on the 400 characters the language stage reads, that was two thirds of its time.
The n-grams a word yields depend on that word alone (the buffer starts afresh after each space),
so here the text is normalised in one `str.translate`, split at spaces, and each distinct word's
n-grams are found once and remembered. The trials then draw from the same list, in the same
order, with the same seeded generator, and update the probabilities with the same arithmetic,
so the probabilities are langdetect's own, to the last bit (tests/test_langid.py checks it
against `langdetect.detector.Detector`).
"""

from __future__ import annotations

import json
import os
import random
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

# langdetect's Detector constants, as it uses them.
ALPHA = 0.5
ALPHA_WIDTH = 0.05
ITERATION_LIMIT = 1000
PROB_THRESHOLD = 0.1
CONV_THRESHOLD = 0.99999
BASE_FREQ = 10000
MAX_TEXT_LENGTH = 10000
LATIN = re.compile("[A-z]")  # langdetect's test is 'A' <= ch <= 'z', brackets included
# langdetect counts a character as non-Latin from U+0300. (It means to spare Latin Extended
# Additional, but compares the block's number with its name, so it spares nothing.)
NON_LATIN = re.compile("[^\x00-\u02ff]")
SPACES = re.compile(" +")
WORD_CACHE = 16384  # distinct words whose n-grams are remembered, per process (a few MB)
CHARACTER_CACHE = 65536  # characters whose normal form is remembered: real text uses far fewer


class NoFeatures(Exception):
    """The text holds no n-gram of any language profile (langdetect's CantDetectError)."""


@dataclass(frozen=True)
class Guess:
    """A language and its probability, as langdetect's `Language` gives them."""

    lang: str
    prob: float


class NormalForms(dict[int, str]):
    """A `str.translate` table holding langdetect's normal form of each character met so far."""

    def __init__(self, normalize: Callable[[str], str]) -> None:
        super().__init__()
        self.normalize = normalize

    def __missing__(self, code: int) -> str:
        if len(self) >= CHARACTER_CACHE:  # text drawn from all of Unicode: start afresh
            self.clear()
        normal = self[code] = self.normalize(chr(code))
        return normal


@dataclass(frozen=True)
class Profiles:
    """langdetect's profiles: its languages, and each n-gram's probability in every one.

    Each n-gram's probabilities are an array of doubles rather than langdetect's list of
    pointers to float objects: the same values in the same memory (76 MB of RSS once loaded,
    either way), but each in one block, which the trials read faster amid the other stages'
    work (0.32 instead of 0.40 ms a document in a pipeline)."""

    languages: list[str]
    table: dict[str, array[float]]


@cache
def load_profiles() -> Profiles:
    """langdetect's 55 language profiles, read as its `DetectorFactory.load_profile` reads them
    (the same files in the same order, the same probabilities: tests/test_langid.py compares
    the tables) straight into arrays: 0.21 s of CPU instead of 0.34 through the factory's lists.

    Once per process (~65 MB); a local pool's fork server does it before it forks a worker
    (ingest/executors/preload.py)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    names = os.listdir(PROFILES_DIRECTORY)
    zeros = array("d", bytes(8 * len(names)))  # langdetect sizes the vectors by the listing
    languages: list[str] = []
    table: dict[str, array[float]] = {}
    for name in names:
        path = os.path.join(PROFILES_DIRECTORY, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            profile = json.load(handle)
        index = len(languages)
        languages.append(profile["name"])
        n_words = profile["n_words"]
        for gram, count in profile["freq"].items():
            vector = table.get(gram)
            if vector is None:
                vector = table[gram] = array("d", zeros)
            if 1 <= len(gram) <= 3:
                vector[index] = 1.0 * count / n_words[len(gram) - 1]
    return Profiles(languages, table)


class Detector:
    """Detect languages as `langdetect.detect_langs` does, with a fixed seed and `trials`
    trials instead of its 7."""

    def __init__(self, seed: int = 0, trials: int = 7) -> None:
        from langdetect.detector import Detector as Reference
        from langdetect.utils.ngram import NGram

        profiles = load_profiles()
        self.languages = profiles.languages
        self.table = profiles.table
        self.seed = seed
        self.trials = trials
        self.random = random.Random()
        self.normal = NormalForms(NGram.normalize)
        self.urls, self.mails = Reference.URL_RE, Reference.MAIL_RE
        self.normalize_vi = NGram.normalize_vi
        self.marks = tuple(NGram.DMARK_CLASS)  # what normalize_vi rewrites follows one of them
        self.word_vectors = lru_cache(maxsize=WORD_CACHE)(self.vectors)

    def prepare(self, text: str) -> str:
        """The text as langdetect's `append` and `cleaning_text` leave it, then normalised.

        Each regex runs only when the character it cannot match without is there: scanning 400
        characters costs a `re` pattern starting with a class several µs, a substring test a
        fraction of one."""
        if "http" in text:
            text = self.urls.sub(" ", text)
        if "@" in text:
            text = self.mails.sub(" ", text)
        if not text.isascii() and any(mark in text for mark in self.marks):
            text = self.normalize_vi(text)
        text = text[:MAX_TEXT_LENGTH]
        if "  " in text:  # one space for each run: a lone one stays as it is
            text = SPACES.sub(" ", text)
        # Counting the characters of each kind makes a list of them: only a text with a
        # non-Latin one can have more of those than twice its Latin ones.
        if NON_LATIN.search(text) and len(LATIN.findall(text)) * 2 < len(NON_LATIN.findall(text)):
            text = LATIN.sub("", text)  # a non-Latin text: Latin words are noise there
        return text.translate(self.normal)

    def vectors(self, word: str, spaced: bool = True) -> tuple[array[float], ...]:
        """The profile vectors of a word's n-grams, in the order langdetect finds them.

        The buffer holds ' ' + word (+ ' ' when a space follows it). Each character adds the
        n-grams of 1 to 3 characters that end at it, unless it is an upper-case letter after
        another one (langdetect skips words in capitals); the closing space adds two."""
        padded = " " + word + (" " if spaced else "")
        found = []
        for end in range(1, len(padded)):
            char = padded[end]
            if char == " ":
                grams: tuple[str, ...] = (padded[end - 1 :], padded[end - 2 :])
            elif char.isupper() and padded[end - 1].isupper():
                continue
            else:
                grams = (char, padded[end - 1 : end + 1], padded[end - 2 : end + 1])
                if end == 1:
                    grams = grams[:2]
            found.extend(self.table[gram] for gram in grams if gram in self.table)
        return tuple(found)

    def ngrams(self, text: str) -> list[array[float]]:
        """The profile vectors of every n-gram langdetect extracts from `text`."""
        words = self.prepare(text).split(" ")
        found: list[array[float]] = []
        for word in words[:-1]:
            if word:
                found.extend(self.word_vectors(word))
        if words[-1]:
            found.extend(self.vectors(words[-1], spaced=False))  # no space closes the text
        return found

    def probabilities(self, text: str) -> list[Guess]:
        """The languages above langdetect's threshold, most probable first.

        Raises NoFeatures when the text holds no known n-gram."""
        ngrams = self.ngrams(text)
        if not ngrams:
            raise NoFeatures("no features in text")
        size = len(self.languages)
        total = [0.0] * size
        draw = self.random
        draw.seed(self.seed)
        # `draw.choice(ngrams)` spelt out as CPython's `Random.choice` makes it (a draw of as
        # many bits as the length has, again until it falls below it): two Python calls fewer
        # a draw. The tests compare the probabilities with langdetect's own, to the last bit.
        count, bits, getrandbits = len(ngrams), len(ngrams).bit_length(), draw.getrandbits
        for _ in range(self.trials):
            prob = [1.0 / size] * size
            weight = (ALPHA + draw.gauss(0.0, 1.0) * ALPHA_WIDTH) / BASE_FREQ
            step = 0
            while True:
                index = getrandbits(bits)
                while index >= count:
                    index = getrandbits(bits)
                vector = ngrams[index]
                prob = [p * (weight + q) for p, q in zip(prob, vector, strict=True)]
                if step % 5 == 0:
                    whole = sum(prob)
                    prob = [p / whole for p in prob]
                    if max(prob) > CONV_THRESHOLD or step >= ITERATION_LIMIT:
                        break
                step += 1
            total = [t + p / self.trials for t, p in zip(total, prob, strict=True)]
        found = [
            Guess(lang, p)
            for lang, p in zip(self.languages, total, strict=True)
            if p > PROB_THRESHOLD
        ]
        found.sort(key=lambda guess: guess.prob, reverse=True)
        return found
