"""Repair the text without restyling it: mojibake, entities, odd spaces, line ends, NFC.

ftfy is configured to fix encoding damage only: curly quotes, dashes and ellipses stay as the
author wrote them. It runs only on the lines that need it, which is several times cheaper than
running it over the whole text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Any

from ingest.document import Document
from ingest.stages.base import Stage

# A regex rather than str.translate, which looks up every character of a non-ASCII text in a
# dict (about 1 ms for 9 KB, against 60 µs); and only when a substring test per character,
# which scans ten times faster than a regex, finds one of them.
ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
ODD_SPACE_CHARS = "\u00a0\u2007\u202f"
ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH_CHARS}]")
ODD_SPACES = re.compile(f"[{ODD_SPACE_CHARS}]")
# Mojibake leaves a trace: UTF-8 read as Latin-1/cp1252 puts a lead character (Â..ô) before a
# continuation one (U+0080..U+00BF or a cp1252 punctuation sign), and other codecs leave C1
# controls or U+FFFD. ftfy's own check is ~80 µs a line; this one lets clean lines skip it.
# Two patterns, each starting with one character class, which `re` scans for quickly; one
# pattern of alternatives would try each of them at every position (3x slower).
MOJIBAKE_PAIR = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
    "\u2122]"
)
MOJIBAKE_CHAR = re.compile("[\u0080-\u009f\ufffd\u0400-\u04ff]")
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def has_mojibake_hint(text: str) -> bool:
    """Whether `text` shows a trace of mojibake (a hint never spans a line break)."""
    return MOJIBAKE_CHAR.search(text) is not None or MOJIBAKE_PAIR.search(text) is not None


# RE2 has no verbose mode, and its \s and \w are ASCII: these classes hold every character
# Python's Unicode ones match (\w: and the combining marks, which only makes the check wider).
UNICODE_CLASSES = {"\\s": r"[\s\pZ\x0b\x1c-\x1f\x85]", "\\w": r"[\pL\pN\pM_]"}


def plain_pattern(verbose: str) -> str:
    """A regex written for Python's VERBOSE mode, spelt out for RE2: whitespace and comments
    outside character classes dropped, Python's Unicode \\s and \\w widened (UNICODE_CLASSES).
    """
    out: list[str] = []
    index, in_class, class_start = 0, False, False
    while index < len(verbose):
        char = verbose[index]
        if char == "\\":
            escape = verbose[index : index + 2]
            class_start = False
            out.append(
                UNICODE_CLASSES[escape][1:-1]
                if in_class and escape in UNICODE_CLASSES
                else UNICODE_CLASSES.get(escape, escape)
            )
            index += 2
            continue
        if in_class:
            if char == "]" and not class_start:
                in_class = False
            class_start = False
        elif char == "[":
            in_class, class_start = True, True
            if verbose[index + 1 : index + 2] == "^":
                out.append("[^")
                index += 2
                continue
        elif char in " \t\n\r\v\f":
            index += 1
            continue
        elif char == "#":
            end = verbose.find("\n", index)
            index = len(verbose) if end < 0 else end
            continue
        out.append(char)
        index += 1
    return "".join(out)


@lru_cache(maxsize=1)
def badness_check() -> Any:
    """ftfy's mojibake check (`ftfy.badness.is_bad`) as an RE2 regex: linear, where `re` tries
    its fifty alternatives at every position of a line with no mojibake (45 µs for 250
    characters against 1.3). It says yes wherever ftfy's does, so a line it passes over is one
    ftfy would leave alone: on Cyrillic text, whose every line has a hint, it makes the repair
    stage 30 times cheaper."""
    import re2
    from ftfy.badness import BADNESS_RE

    return re2.compile(plain_pattern(BADNESS_RE.pattern))


# ftfy's fixes after the encoding one, in `fix_text`'s order: the ones on by default that
# fix damage, not style (no curly quotes, ligatures, widths, line breaks or normalisation).
AFTER_ENCODING = (
    "fix_c1_controls",
    "fix_surrogates",
    "remove_terminal_escapes",
    "remove_control_chars",
)
SEGMENT = 1_000_000  # ftfy's `max_decode_length`: `fix_text` fixes longer lines piecewise
ONE_STEP = "_fix_encoding_one_step_and_explain"  # ftfy's step of `fix_encoding`


def fix_line(line: str) -> str:
    """`ftfy.fix_text(line)` with the fixes above, character for character
    (tests/test_repair.py), with ftfy's mojibake check left out where `badness_check` passes the
    line.

    ftfy checks before every step of `fix_encoding`, which it repeats until the line stops
    changing, and `fix_text` repeats its fixes the same way: a line repaired in one step is
    checked three times, twice after the repair. On a clean line that check is a `re` search
    at every position, 75 µs for 400 characters; `badness_check` says yes wherever it does, in
    2 µs, so only the damaged line meets ftfy's check.
    """
    from ftfy import fixes

    if len(line) > SEGMENT:
        return "".join(
            fix_line(line[start : start + SEGMENT]) for start in range(0, len(line), SEGMENT)
        )
    after = [getattr(fixes, name) for name in AFTER_ENCODING]
    while True:
        original = line
        line = fix_encoding(line)
        for fix in after:
            line = fix(line)
        if line == original:
            return line


def fix_encoding(line: str) -> str:
    """`ftfy.fix_encoding(line)`: ftfy's step until the line stops changing, each step only
    where `badness_check` finds mojibake (the step returns a line its check passes unchanged).

    The step is private to ftfy (`ONE_STEP`); should a release not have it, this is the public
    `fix_encoding`, which checks each time (slower, the same text).
    """
    import ftfy

    step = getattr(ftfy, ONE_STEP, None)
    check = badness_check().search
    while not line.isascii() and check(line):
        if step is None:
            return ftfy.fix_encoding(line)
        fixed = step(line, encoding_config()).text
        if fixed == line:
            break
        line = fixed
    return line


@lru_cache(maxsize=1)
def encoding_config() -> Any:
    """The configuration `ftfy.fix_encoding` steps with: ftfy's defaults."""
    from ftfy import TextFixerConfig

    return TextFixerConfig(explain=False)


class Repair(Stage):
    """Normalise the text of a document; each kind of fix it makes is listed in `repairs`."""

    name = "repair"

    def __call__(self, doc: Document) -> Document:
        text = doc.text
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            doc.repairs.append("line-endings")
        if not text.isascii():
            text = self.repair_unicode(text, doc)
        if doc.kind == "text" and "&" in text:
            text, count = ENTITY.subn(lambda m: html.unescape(m.group(0)), text)
            if count:
                doc.repairs.append(f"html-entities:{count}")
        if not text.isascii():
            text = self.normalise_characters(text, doc)
        doc.text = text
        return doc

    def repair_unicode(self, text: str, doc: Document) -> str:
        if not has_mojibake_hint(text):
            return text  # then no line does
        is_bad = badness_check().search
        lines = text.split("\n")
        fixed = 0
        for index, line in enumerate(lines):
            if not line.isascii() and has_mojibake_hint(line) and is_bad(line):
                repaired = fix_line(line)
                if repaired != line:
                    lines[index] = repaired
                    fixed += 1
        if fixed:
            doc.repairs.append(f"mojibake:{fixed}")
            return "\n".join(lines)
        return text

    def normalise_characters(self, text: str, doc: Document) -> str:
        if any(char in text for char in ODD_SPACE_CHARS):
            text = ODD_SPACES.sub(" ", text)
            doc.repairs.append("nbsp")
        if any(char in text for char in ZERO_WIDTH_CHARS):
            text = ZERO_WIDTH.sub("", text)
            doc.repairs.append("zero-width")
        normal = unicodedata.normalize("NFC", text)
        if normal != text:
            doc.repairs.append("nfc")
        return normal
