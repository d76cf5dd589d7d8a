"""Split the text into logical lines and join hard-wrapped paragraphs again.

Every non-blank line is a paragraph (scrapers write one line per block element), except where
the text was hard-wrapped at a fixed width: there, a line that is full (the next word would not
have fitted) continues on the next line.
"""

from __future__ import annotations

from ingest.document import Document, Line
from ingest.stages.base import Stage
from ingest.text import collapse_spaces

MIN_WRAP_WIDTH = 50
MAX_WRAP_WIDTH = 100
OUTLIER_GAP = 3  # characters beyond the longest wrapped line that make a line stand out


def wrap_width(lines: list[str]) -> int | None:
    """The width the text was wrapped at, or None when it does not look hard-wrapped.

    A wrapped text has many lines that stop just short of one width and almost none beyond it:
    one line, and one more in twenty, may stand clearly longer (a URL, a footer the scraper left
    whole); they do not set the width.
    """
    lengths = sorted(map(len, map(str.rstrip, filter(str.strip, lines))))
    if len(lengths) < 4:
        return None
    longer = 0
    while (
        longer < 1 + len(lengths) // 20
        and lengths[-1 - longer] - lengths[-2 - longer] > OUTLIER_GAP
    ):
        longer += 1
    width = lengths[-1 - longer]
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return None
    near_full = sum(1 for length in lengths if length >= width - 12)
    blank_separated = len(lengths) < len(lines)  # `lengths` has the lines that are not blank
    if near_full >= max(3, len(lengths) // 3) and near_full < len(lengths) and blank_separated:
        return width
    return None


def continues(line: str, following: str, width: int) -> bool:
    """True when `line` was broken only because the next word would not fit in `width`."""
    if not following.strip() or len(line.rstrip()) > width:
        return False
    next_word = following.split(maxsplit=1)[0]
    return len(line.rstrip()) + 1 + len(next_word) > width


class Segment(Stage):
    """text → `Line`s, with hard-wrap repair; blank lines only separate paragraphs."""

    name = "segment"

    def __call__(self, doc: Document) -> Document:
        physical = doc.text.split("\n")
        width = wrap_width(physical)
        texts = list(map(collapse_spaces, physical))
        if width is None:  # most texts: every non-blank line is a paragraph
            doc.lines = [Line(text, number) for number, text in enumerate(texts, start=1) if text]
            return doc
        lines: list[Line] = []
        current: Line | None = None
        for number, (raw, text) in enumerate(zip(physical, texts, strict=True), start=1):
            if not text:
                current = None
                continue
            if current is not None:
                current.text = f"{current.text} {text}"
                current.span = number - current.lineno + 1
            else:
                current = Line(text, number)
                lines.append(current)
            if not continues(raw, physical[number] if number < len(physical) else "", width):
                current = None
        doc.lines = lines
        doc.repairs.append(f"hard-wrap:{width}")
        return doc
