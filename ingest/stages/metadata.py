"""Metadata lines out of the body and into fields: title, authors, published, and the rest.

The patterns are the `metadata` rules (site rules first, then rules/generic.yaml): bylines,
dates, reading times, photo credits and captions. A rule only finds where to look; this stage
checks that the whole line is metadata (the names read as names, the date parses, nothing is
left over) before it lifts it, so a sentence that merely starts with "By" stays in the body.
Only whole short lines are read, never words inside a paragraph, and only the lines around the
body fill `authors` and `published` (see `zones`). The title is the headline-like line just
above the body (above its byline and date lines), with a "Title | Site" suffix split off.

What else a line gives goes under `metadata`: reading_time_minutes, source (an agency or
desk), credits and captions (lists), updated, relative_date, dates (other dates of the
article) and sitename (from a title's suffix).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ingest.dates import When, find_when, is_relative, leftover_words, parse_when
from ingest.document import Document, Line, removal
from ingest.rules import RegexSet, Rule
from ingest.stages.base import RuleStage
from ingest.stages.classify import ends_with_mark, guess_stoplist

KIND_ORDER = ("byline", "credit", "caption", "reading_time", "date")
FIELD_KINDS = ("reading_time", "date", "byline")  # what fills this article's own fields
MAX_META_CHARS = 200  # a byline or date line longer than this is a paragraph
MAX_CAPTION_CHARS = 450
PROSE_CHARS = 150
HEADER_LINES = 10
# Name particles that stay lower case inside a person's name.
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la",
    "le", "bin", "ibn", "al", "el", "ter", "ten", "zu", "y"
})  # fmt: skip
# Words that make a "name" an organisation, which goes to metadata.source instead.
ORGANISATION_WORDS = frozenset({
    "news", "press", "agency", "staff", "team", "desk", "editorial", "editors", "newsroom",
    "service", "wire", "report", "reports", "online", "media", "associated", "afp",
    "dpa", "redaktion", "redaktionen", "agentur", "rédaction", "agence", "redacción", "agencia",
    "redazione", "agenzia", "redação", "agência", "redactie"
})  # fmt: skip
LABEL_WORDS = frozenset({
    "updated", "published", "posted", "last", "modified", "aktualisiert", "veröffentlicht",
    "publié", "mis", "à", "jour", "publicado", "actualizado", "pubblicato", "aggiornato",
    "atualizado", "gepubliceerd", "bijgewerkt", "on", "am", "le", "el", "em", "op", "il", "at"
})  # fmt: skip
NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b)\s*")
PIECE_SPLIT = re.compile(r"\s*(?:[|·•,;]|\s[-–—/]\s|^[-–—]\s|\s[-–—]$)\s*")
NAME_TOKEN = re.compile(r"^(?:[^\W\d_][.]|[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?)$")
SENTENCE_END = re.compile(r"[.!?…]['\"’”»)]*$")
SENTENCE_MARKS = (".", "!", "?", "…")  # SENTENCE_END, read from the end of a line
CLOSING_MARKS = "'\"’”»)"
PUNCTUATION = re.compile(r"[^\w\s]")
AMBIGUOUS_DATE = re.compile(r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|1[0-2])/\d{2,4}\b")
TAG_SEPARATOR = re.compile(r"\s*[,·•]\s*")
SENTENCE_BREAK = re.compile(r"[.!?]\s+(\w)")
TITLE_SUFFIX = re.compile(r"\s+[|]\s+(?P<site>[^|]{2,60})$")
SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+(?P<site>[^|–—]{2,60})$")
Groups = dict[str, str | None]  # the named groups of a rule's match (`SafeRegex.named_groups`)


def fold(text: str) -> str:
    """A comparison form: case folded, punctuation and runs of spaces dropped."""
    return " ".join(PUNCTUATION.sub(" ", text.casefold()).split())


def fold_head(text: str, length: int) -> str:
    """`fold(text)`, or a prefix of it longer than `length`: enough to compare the line with a
    folded text of `length` characters or fewer, without folding a whole paragraph.

    Folding maps each character on its own, and spaces split words, so the fold of a prefix of
    a text is a prefix of the text's fold.
    """
    cut = 2 * length + 16  # a head that folds to more than `length`, unless mostly punctuation
    if len(text) > cut:
        head = fold(text[:cut])
        if len(head) > length:
            return head
    return fold(text)


def ends_sentence(text: str) -> bool:
    """Whether SENTENCE_END matches `text`, found from its end."""
    return ends_with_mark(text, SENTENCE_MARKS, CLOSING_MARKS)


def is_prose(text: str) -> bool:
    """A body-paragraph-like line: long, and ending like a sentence."""
    return len(text) >= PROSE_CHARS and ends_sentence(text)


def has_ambiguous_date(text: str) -> bool:
    """Whether AMBIGUOUS_DATE occurs in `text`, tried only just before each slash (a match
    starts one or two characters before its first one): far cheaper than a search of a whole
    document."""
    slash = text.find("/")
    while slash != -1:
        for start in (slash - 2, slash - 1):
            if start >= 0 and AMBIGUOUS_DATE.match(text, start):
                return True
        slash = text.find("/", slash + 1)
    return False


def person_names(text: str) -> list[str] | None:
    """`text` as a list of person names ("A B and C D"), or None when it does not read so."""
    names = [part.strip(" .,:;") for part in NAME_SPLIT.split(text.strip())]
    names = [name for name in names if name]
    if not names or len(text) > 120:
        return None
    for name in names:
        tokens = name.split()
        if not 2 <= len(tokens) <= 5 or not tokens[0][0].isupper():
            return None
        for token in tokens:
            if not NAME_TOKEN.match(token):
                return None
            if not token[0].isupper() and token.lower() not in PARTICLES:
                return None
            if token.lower().strip(".") in ORGANISATION_WORDS:
                return None
    return names


def organisation(text: str) -> str | None:
    """`text` as an agency or desk name (short, capitalised, no digits), else None."""
    text = text.strip(" .,:;")
    words = text.split()
    if not 1 <= len(words) <= 6 or any(char.isdigit() for char in text):
        return None
    if not words[0][0].isupper() or not all(NAME_TOKEN.match(word) for word in words):
        return None
    return text


def zones(doc: Document, kept: list[int]) -> dict[int, str]:
    """Where each kept line stands: "edge", "inner" or "body".

    Edge: up to HEADER_LINES lines above the first body paragraph or below the last one (every
    line when there is no paragraph at all); bylines and dates there fill the fields. Inner: a
    line between paragraphs without a paragraph directly above and below it; a byline or date
    there (a teaser's, a comment's) leaves the body but is not this article's. Body: a line
    with a paragraph on both sides; only credits and captions are lifted there.
    """
    is_paragraph = [is_prose(doc.lines[index].text) for index in kept]
    prose = [position for position, paragraph in enumerate(is_paragraph) if paragraph]
    if not prose:
        return dict.fromkeys(kept, "edge")
    first, last = prose[0], prose[-1]
    found = {}
    for position, index in enumerate(kept):
        if first - HEADER_LINES <= position < first or last < position <= last + HEADER_LINES:
            found[index] = "edge"
        elif first < position < last and not (
            is_paragraph[position - 1] and is_paragraph[position + 1]
        ):
            found[index] = "inner"
        else:
            found[index] = "body"
    return found


def is_agency(text: str) -> bool:
    """An organisation named after "By": an agency word, an acronym or several capitals."""
    words = text.split()
    return (
        any(word.lower() in ORGANISATION_WORDS for word in words)
        or (len(words) == 1 and text.isupper() and len(text) >= 2)
        or (len(words) >= 2 and all(word[0].isupper() for word in words))
    )


@dataclass
class Lifted:
    """What one line gave: the fields it fills, for the record and for the Removal."""

    rule: Rule
    authors: list[str] = field(default_factory=list)
    when: When | None = None
    updated: When | str | None = None
    relative: str | None = None
    reading_minutes: int | None = None
    source: str | None = None
    credit: dict[str, str] | None = None
    caption: dict[str, str] | None = None


@dataclass
class Tail:
    """The end of a byline after the names: a date, a reading time, an agency."""

    when: When | None = None
    relative: str | None = None
    reading_minutes: int | None = None
    source: str | None = None


class MetadataPlan:
    """The metadata rules for one site (or none): one RE2 pass per line finds the candidates."""

    def __init__(self, rules: list[Rule]) -> None:
        order = {kind: rank for rank, kind in enumerate(KIND_ORDER)}
        self.rules = sorted(rules, key=lambda rule: order.get(rule.kind, len(order)))
        self.reading = [rule for rule in self.rules if rule.kind == "reading_time"]
        self.patterns = RegexSet([rule.patterns[0] for rule in self.rules])

    def candidates(self, text: str, fields: bool = True) -> Iterator[tuple[Rule, Groups]]:
        """The rules whose pattern matches `text`, in kind order, with their named groups.

        Lazily: the first rule that reads the line ends the search, and each match costs a
        second RE2 call. `fields=False` leaves out the rules of FIELD_KINDS."""
        for index in self.patterns.matches(text):
            rule = self.rules[index]
            if not fields and rule.kind in FIELD_KINDS:
                continue
            groups = rule.patterns[0].named_groups(text)
            if groups is not None:
                yield rule, groups

    def reading_minutes(self, text: str) -> int | None:
        """`text` as a reading time in minutes (0 when a rule reads no number), else None."""
        for rule in self.reading:
            groups = rule.patterns[0].named_groups(text)
            if groups is not None:
                minutes = group(groups, "minutes")
                return int(minutes) if minutes and minutes.isdigit() else 0
        return None


def group(groups: Groups, name: str) -> str | None:
    """A named group's text, or None when the regex has no such group or it did not take part."""
    value = groups.get(name)
    return value.strip() if value else None


def parse_date(text: str, rule: Rule, day_first: bool) -> When | None:
    """A date group's text as a date: the rule's strptime formats first, then our parser."""
    for hint in rule.formats:
        try:
            parsed = datetime.strptime(text, hint)
        except ValueError:
            continue
        timed = any(directive in hint for directive in ("%H", "%I", "%M"))
        when = When(parsed.year, parsed.month, parsed.day)
        return when.with_time(parsed.hour, parsed.minute, None) if timed else when
    return parse_when(text, day_first)


class Metadata(RuleStage):
    """Lift title, authors, published and the other metadata lines out of the body."""

    name = "metadata"

    def compile(self, rules: list[Rule]) -> MetadataPlan:
        return MetadataPlan(rules)

    def __call__(self, doc: Document) -> Document:
        site = self.matched_site(doc)
        plan = self.plan(site)
        day_first = not (has_ambiguous_date(doc.text) and looks_english(doc))
        kept = [index for index, line in enumerate(doc.lines) if line.removal is None]
        found_authors = list(doc.authors)
        where = zones(doc, kept)
        for index in kept:
            line = doc.lines[index]
            if line.keep_rule is not None or len(line.text) > MAX_CAPTION_CHARS:
                continue
            lifted = self.lift(line, plan, day_first, doc, index, where[index] != "body")
            if lifted is None:
                continue
            if where[index] == "inner" and lifted.rule.kind in FIELD_KINDS:
                reason = lifted.rule.reason or f"a {lifted.rule.kind.replace('_', ' ')} line"
                line.removal = removal(
                    self.name, lifted.rule.uid, f"{reason} between paragraphs, not this article's"
                )
            else:
                self.apply(doc, line, lifted, found_authors)
        if not doc.authors and found_authors:
            doc.authors = found_authors
        self.find_title(doc)
        return doc

    def lift(
        self,
        line: Line,
        plan: MetadataPlan,
        day_first: bool,
        doc: Document,
        index: int,
        outside_body: bool,
    ) -> Lifted | None:
        """What `line` gives, by the first rule that reads all of it; None if none does.

        Bylines, dates and reading times never from a line inside a run of paragraphs;
        credits and captions anywhere (photos sit between paragraphs)."""
        text = line.text
        fields = outside_body and len(text) <= MAX_META_CHARS
        for rule, groups in plan.candidates(text, fields):
            lifted = self.read(rule, groups, text, plan, day_first)
            if lifted is not None:
                return lifted
        return self.caption_after_credit(doc, index)

    def read(
        self, rule: Rule, groups: Groups, text: str, plan: MetadataPlan, day_first: bool
    ) -> Lifted | None:
        """What a matching rule of each kind takes from the line, or None if it does not fit."""
        kind = rule.kind
        if kind == "credit":
            subject = group(groups, "subject") or group(groups, "name")
            credit = group(groups, "credit") or group(groups, "agency") or group(groups, "source")
            entry = {"text": text}
            if subject:
                entry["subject"] = subject
            if credit:
                entry["credit"] = credit
            return Lifted(rule, credit=entry)
        if kind == "caption":
            caption = group(groups, "caption") or text
            credit = group(groups, "credit")
            entry = {"text": caption}
            if credit:
                entry["credit"] = credit
            return Lifted(rule, caption=entry)
        if kind == "reading_time":
            minutes = group(groups, "minutes")
            return Lifted(rule, reading_minutes=int(minutes) if minutes else 0)
        if kind == "date":
            return self.read_date(rule, groups, day_first)
        if kind == "byline":
            return self.read_byline(rule, groups, plan, day_first)
        return None

    @staticmethod
    def read_date(rule: Rule, groups: Groups, day_first: bool) -> Lifted | None:
        """A date line: published, updated, or a relative date that fills neither."""
        value = group(groups, "date") or ""
        updated = group(groups, "updated") is not None
        if is_relative(value):
            return Lifted(rule, relative=value, updated=value if updated else None)
        when = parse_date(value, rule, day_first)
        if when is None:
            return None
        return Lifted(rule, updated=when) if updated else Lifted(rule, when=when)

    def read_byline(
        self, rule: Rule, groups: Groups, plan: MetadataPlan, day_first: bool
    ) -> Lifted | None:
        """A byline: person names (or an agency), and what may follow them on the line."""
        names_text = group(groups, "authors") or ""
        tail_text = group(groups, "rest") or ""
        lifted = Lifted(rule, source=group(groups, "source"))
        date_text = group(groups, "date")
        if date_text:
            lifted.when = parse_date(date_text, rule, day_first)
            if lifted.when is None:
                return None
        if not tail_text and not date_text:
            names_text, tail_text = split_byline(names_text, day_first, plan)
        names = person_names(strip_connectors(names_text))
        head, comma, last = names_text.rpartition(",")
        if names is None and comma and organisation(last) and not lifted.source:
            names, lifted.source = person_names(strip_connectors(head)), organisation(last)
        if names is None:
            agency = organisation(strip_connectors(names_text))
            if agency is None or lifted.source or not is_agency(agency):
                return None
            lifted.source = agency
        else:
            lifted.authors = names
        if tail_text:
            tail = parse_tail(tail_text, plan, day_first)
            if tail is None:
                return None
            lifted.when = lifted.when or tail.when
            lifted.relative = tail.relative
            lifted.reading_minutes = tail.reading_minutes
            lifted.source = lifted.source or tail.source
        if "rest" in groups and not (lifted.when or group(groups, "role")):
            return None  # a "NAME then something" rule reads a byline only with its date
        return lifted

    @staticmethod
    def caption_after_credit(doc: Document, index: int) -> Lifted | None:
        """The line just after a photo credit that names its subject is the photo's caption."""
        if index == 0:
            return None
        before = doc.lines[index - 1].removal
        line = doc.lines[index].text
        credits = doc.metadata.get("credits") or []
        if before is None or before.field != "metadata.credits" or not credits:
            return None
        subject = credits[-1].get("subject")
        if not subject or len(line) > MAX_META_CHARS or not line.startswith(subject):
            return None
        rule = Rule(uid="caption-after-credit", stage="metadata", kind="caption")
        return Lifted(rule, caption={"text": line})

    @staticmethod
    def apply(doc: Document, line: Line, lifted: Lifted, found_authors: list[str]) -> None:
        """Fill the fields from `lifted` and mark the line with where it went."""
        fields: list[str] = []
        if lifted.authors:
            fields.append("authors")
            for name in lifted.authors:
                if name not in found_authors:
                    found_authors.append(name)
        if lifted.when is not None:
            fields.append(set_published(doc, lifted.when))
        if lifted.updated is not None:
            value = lifted.updated if isinstance(lifted.updated, str) else lifted.updated.iso()
            doc.metadata.setdefault("updated", value)
            fields.append("metadata.updated")
        elif lifted.relative:
            doc.metadata.setdefault("relative_date", lifted.relative)
            fields.append("metadata.relative_date")
        if lifted.reading_minutes is not None:
            doc.metadata.setdefault("reading_time_minutes", lifted.reading_minutes)
            fields.append("metadata.reading_time_minutes")
        if lifted.source:
            doc.metadata.setdefault("source", lifted.source)
            fields.append("metadata.source")
        for name, entry in (("credits", lifted.credit), ("captions", lifted.caption)):
            if entry is not None:
                doc.metadata.setdefault(name, []).append(entry)
                fields.append(f"metadata.{name}")
        rule = lifted.rule
        reason = rule.reason or f"a {rule.kind.replace('_', ' ')} line"
        line.removal = removal("metadata", rule.uid, reason, field=", ".join(fields))

    def find_title(self, doc: Document) -> None:
        """Mark the headline line; set `title` from it unless the input already gave one."""
        lines = doc.lines
        start = next(
            (i for i, line in enumerate(lines) if line.removal is None and is_prose(line.text)),
            len(lines),
        )
        candidates = [
            index
            for index in range(start - 1, -1, -1)
            if lines[index].removal is None and lines[index].keep_rule is None
        ][:8]
        if doc.title:
            wanted = fold(doc.title)
            for index in [*candidates, *range(start, min(start + 3, len(lines)))]:
                line = lines[index]
                if (
                    line.removal is None
                    and line.keep_rule is None
                    and title_matches(line.text, wanted)
                ):
                    line.removal = removal(
                        self.name, "title", "the headline, already the title", field="title"
                    )
                    return
            return
        last_kept = max((i for i, line in enumerate(lines) if line.removal is None), default=-1)
        headlines = [
            index
            for index in candidates
            if index < last_kept
            and headline_like(lines[index].text)
            and (not lines[index].text.endswith(".") or above_metadata(lines, index))
        ]  # a headline heads something: the last line left is never the title
        if not headlines:
            return
        unstopped = [index for index in headlines[:3] if not lines[index].text.endswith(".")]
        index = unstopped[0] if unstopped else headlines[0]
        title = lines[index].text
        suffix = TITLE_SUFFIX.search(title)
        if suffix and len(suffix.group("site")) < len(title) - len(suffix.group(0)):
            doc.metadata.setdefault("sitename", suffix.group("site").strip())
            title = title[: suffix.start()].strip()
        doc.title = title
        lines[index].removal = removal(
            self.name, "title", "the headline above the body", field="title"
        )


def above_metadata(lines: list[Line], index: int) -> bool:
    """True when the line below `index` was lifted as a byline or a date. A headline that ends
    with a full stop is told from a first paragraph only by what follows it."""
    below = lines[index + 1].removal if index + 1 < len(lines) else None
    return below is not None and below.stage == "metadata" and bool(below.field)


def title_matches(text: str, wanted: str) -> bool:
    """True when `text` is the title, possibly with a site suffix ("Title | Site").

    The suffix is only looked for when the folded line starts with the title, as "Title | Site"
    does (the suffix starts with a space, and folding maps each character on its own), which
    spares most paragraphs the search; and of a paragraph, only the head is folded.
    """
    folded = fold_head(text, len(wanted))
    if folded == wanted:
        return True
    if not folded.startswith(wanted):
        return False
    suffix = SITE_SUFFIX.search(text)
    return suffix is not None and fold(text[: suffix.start()]) == wanted


def headline_like(text: str) -> bool:
    """A line that can be a headline: a few words, one sentence at most, not a list."""
    words = text.split()
    if not 2 <= len(words) <= 30 or len(text) > 250 or text.endswith((":", ",", ";")):
        return False
    suffix = TITLE_SUFFIX.search(text)
    head = text[: suffix.start()] if suffix else text
    if suffix and (len(head.split()) < 4 or len(suffix.group("site").split()) > 4):
        return False  # "Subscribe | Sign in" is a menu, "A headline of words | Site" a title
    if is_tag_list(head) or any(mark in head for mark in (" | ", " · ", " • ", " › ")):
        return False
    return not any(match.group(1).isupper() for match in SENTENCE_BREAK.finditer(head))


def is_tag_list(text: str) -> bool:
    """A list of tags or sections ("News, Ukraine, White House, Missiles"): three or more short
    capitalised items joined by commas or dots, and no sentence."""
    items = [item.strip() for item in TAG_SEPARATOR.split(text)]
    return (
        len(items) >= 3
        and all(item and len(item.split()) <= 4 and item[0].isupper() for item in items)
        and not ends_sentence(text)
    )


def strip_connectors(text: str) -> str:
    """Names without the words and marks that join them to a date ("NAME on", "NAME |")."""
    words = text.replace("|", " ").split()
    while words and (words[-1].lower() in LABEL_WORDS or not any(c.isalnum() for c in words[-1])):
        words.pop()
    return " ".join(words)


def split_byline(text: str, day_first: bool, plan: MetadataPlan) -> tuple[str, str]:
    """Split "NAME(S) [sep] DATE ... " into the names and what follows them."""
    cut = len(text)
    found = find_when(text, day_first)
    if found is not None:
        cut = found.start
    separator = PIECE_SPLIT.search(text)
    while separator is not None and separator.group(0).strip() in (",", "&"):
        separator = PIECE_SPLIT.search(text, separator.end())
    if separator is not None and separator.start() < cut:
        cut = separator.start()
    reading = re.search(r"\s\d+\s*\w*\s*$", text)
    if reading is not None and reading.start() < cut and plan.reading_minutes(reading.group(0)):
        cut = reading.start()
    return text[:cut], text[cut:]


def parse_tail(text: str, plan: MetadataPlan, day_first: bool) -> Tail | None:
    """Read a byline's end; None when something in it is not a date, reading time or agency."""
    tail = Tail()
    found = find_when(text, day_first)
    if found is not None:
        tail.when = found.when
        text = text[: found.start] + " | " + text[found.end :]
    for piece in PIECE_SPLIT.split(text):
        piece = piece.strip()
        if not piece or not leftover_words(piece) or piece.lower() in LABEL_WORDS:
            continue
        if is_relative(piece):
            tail.relative = piece
            continue
        minutes = plan.reading_minutes(piece)
        if minutes is not None:
            tail.reading_minutes = minutes
            continue
        words = [w for w in piece.split() if w.lower() not in LABEL_WORDS]
        agency = organisation(" ".join(words)) if words else None
        if agency is None or tail.source is not None:
            return None
        tail.source = agency
    return tail


def set_published(doc: Document, when: When) -> str:
    """Make `when` the publication date if there is none yet, or if it adds the time of day.

    Returns the field it went to: "published", or "metadata.dates" for another date.
    """
    current = doc.published
    if current is None:
        doc.published = when.iso()
        return "published"
    if len(current) == 10 and when.hour is not None and when.iso().startswith(current):
        doc.published = when.iso()
        return "published"
    if when.iso()[:10] == current[:10]:
        return "published"
    doc.metadata.setdefault("dates", []).append(when.iso())
    return "metadata.dates"


def looks_english(doc: Document) -> bool:
    """English pages write 05/03/2024 month first; most others write it day first."""
    bit, _ = guess_stoplist([line.text for line in doc.lines[:60] if line.removal is None])
    return bit == 0
