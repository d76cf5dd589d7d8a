"""A starter rule file from the lines that repeat across one site's documents.

`ingest rules suggest` is a draft for a person, not a verdict: every line it proposes carries,
as a YAML comment, in how many documents it appeared, so a body sentence that happens to repeat
is easy to spot and delete. The draft is a valid rule file as written: it matches the site by a
content signature made of its most frequent lines, and drops the repeated lines with `lines`
rules (top of the page and bottom of the page apart), or with a `regex` rule where the line
differs only in its digits ("View comments (14)").
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ingest.io.readers import discover, read_documents
from ingest.pipeline import Pipeline
from ingest.repeats import document_frequency, line_key, normalise_line
from ingest.rules.ruleset import RuleSet
from ingest.rules.schema import MIN_PHRASE_CHARS
from ingest.stages.chrome import Chrome, fold

SIGNATURE_PHRASES = 3
# A line found near the top of some pages and near the bottom of others is a headline (the
# article's own title on its page, a related link on the others), not chrome.
MAX_SPREAD = 0.5
ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Repeated:
    """One line that repeats: its spellings (commonest first), in how many documents, where."""

    spellings: tuple[str, ...]  # distinct up to case and spacing, as `line` rules compare
    count: int
    position: float  # median place in its documents: 0 is the first line, 1 the last

    @property
    def text(self) -> str:
        return self.spellings[0]

    @property
    def at_top(self) -> bool:
        return self.position < 0.5

    @property
    def pattern(self) -> str | None:
        """A regex for the spellings when they differ only in their digits, else None."""
        shapes = {ASCII_DIGITS.sub("0", fold(text)) for text in self.spellings}
        return digits_pattern(self.text) if len(self.spellings) > 1 == len(shapes) else None


def repeated_lines(documents: Sequence[Sequence[str]], min_count: int) -> list[Repeated]:
    """The lines found in at least `min_count` documents, in page order (top first), without
    the headlines that wander from top to bottom (see MAX_SPREAD)."""
    frequency = document_frequency(documents)
    spellings: dict[int, Counter[str]] = defaultdict(Counter)
    positions: dict[int, list[float]] = defaultdict(list)
    for lines in documents:
        last = max(len(lines) - 1, 1)
        for index, line in enumerate(lines):
            key = line_key(line)
            if frequency[key] >= min_count and normalise_line(line):
                spellings[key][line.strip()] += 1
                positions[key].append(index / last)
    found = [
        Repeated(
            spellings=distinct(spelled),
            count=frequency[key],
            position=statistics.median(positions[key]),
        )
        for key, spelled in spellings.items()
        if max(positions[key]) - min(positions[key]) <= MAX_SPREAD
    ]
    return sorted(found, key=lambda r: (r.position, -r.count, r.text))


def distinct(spelled: Counter[str]) -> tuple[str, ...]:
    """The spellings of a line, commonest first, one per form that `line` rules tell apart."""
    by_form: dict[str, str] = {}
    for text in sorted(spelled, key=lambda text: (-spelled[text], text)):
        by_form.setdefault(fold(text), text)
    return tuple(by_form.values())


def lines_left_by_rules(folder: Path, rules: RuleSet) -> list[list[str]]:
    """Each document's lines that the rule-based stages leave, in input order.

    Only the stages up to the chrome stage run: a line the rules already remove needs no new
    rule, and later stages (learned chrome among them) would hide what the rules miss.
    """
    pipeline = Pipeline(rules)
    chrome_at = next(i for i, stage in enumerate(pipeline.stages) if isinstance(stage, Chrome))
    stages = pipeline.stages[: chrome_at + 1]
    documents = []
    for item in discover(folder).inputs:
        for doc in read_documents(item, pipeline.settings.read):
            doc = pipeline.apply(stages, doc)
            if doc.reject is None:
                documents.append([line.text for line in doc.lines if line.kept])
    return documents


def name_for(folder: Path) -> str:
    """A rule-file name from a folder's name: runs of other characters become '-'."""
    return re.sub(r"[^A-Za-z0-9_.:-]+", "-", folder.resolve().name).strip("-.:_") or "site"


def signature_lines(found: list[Repeated]) -> list[Repeated]:
    """The most frequent lines, longest first, none inside another (or one line would count
    as two hits)."""
    chosen: list[Repeated] = []
    candidates = (r for r in found if len(r.spellings) == 1 and len(r.text) >= MIN_PHRASE_CHARS)
    for candidate in sorted(candidates, key=lambda r: (-r.count, -len(r.text), r.text)):
        text = candidate.text.casefold()
        if all(text not in c.text.casefold() and c.text.casefold() not in text for c in chosen):
            chosen.append(candidate)
    return chosen[:SIGNATURE_PHRASES]


def digits_pattern(text: str) -> str:
    """An anchored regex for `text` where any run of digits may be any other."""
    words = (r"\d+".join(re.escape(part) for part in ASCII_DIGITS.split(w)) for w in text.split())
    return "^" + r"\s+".join(words) + "$"


def rule_id(text: str, taken: set[str]) -> str:
    """A readable, unique rule id from the first words of a line."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    base = "-".join(re.findall(r"[a-z]+", ascii_text.casefold())[:4]) or "line"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def quote(text: str) -> str:
    """`text` as one quoted YAML scalar (single quotes keep regex backslashes readable)."""
    return yaml.safe_dump(text, default_style="'", allow_unicode=True, width=1 << 30).strip()


def suggest_rules(
    documents: Sequence[Sequence[str]], name: str, min_count: int, origin: str
) -> str | None:
    """The starter rule file's YAML text, or None when no line repeats often enough to make
    a content signature (a file without `match` would apply to every site's documents)."""
    found = repeated_lines(documents, min_count)
    phrases = signature_lines(found)
    if not phrases:
        return None
    total = len(documents)

    def counted(repeated: Repeated) -> str:
        return f"  # in {repeated.count} of {total} documents"

    out = [
        f"# Starter rules suggested by `ingest rules suggest` from {total} documents in {origin}.",
        "# Every line below repeats across those documents; its comment says in how many.",
        "# Review it: delete body text and dates or bylines (the metadata stage lifts those),",
        "# rename ids, then run `ingest rules check` and `ingest rules test`.",
        f"name: {name}",
        "match:",
        "  signature:  # the site's most frequent lines identify its documents",
        "    phrases:",
        *(f"      - {quote(r.text)}{counted(r)}" for r in phrases),
        f"    min_hits: {min(2, len(phrases))}",
        "chrome:",
    ]
    taken = {"header-lines", "footer-lines"}
    for rule, where, top in (("header-lines", "top", True), ("footer-lines", "bottom", False)):
        fixed = [r for r in found if r.pattern is None and r.at_top == top]
        if fixed:
            out += [
                f"  - id: {rule}",
                f"    reason: a line repeated at the {where} of this site's pages",
                "    lines:",
                *(f"      - {quote(text)}{counted(r)}" for r in fixed for text in r.spellings),
            ]
    for r in found:
        if r.pattern is not None:
            out += [
                f"  - id: {rule_id(r.text, taken)}",
                "    reason: a line repeated on this site's pages, with varying numbers",
                f"    regex: {quote(r.pattern)}{counted(r)}",
            ]
    return "\n".join(out) + "\n"
