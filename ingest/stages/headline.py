"""Repeated headlines out: the article's own title in the body, and lists of other headlines.

Three cases, in order:
1. a line that is the title again (scrapers often keep the <h1> and a "Related" list that
   repeats it);
2. a heading of links to other articles ("Further Reading", "Lesen Sie auch", "À lire aussi",
   the `headline` rules) and the block of headline-like lines under it;
3. the same headlines elsewhere in the page (a sidebar repeating the list).
A heading followed by a real paragraph takes only itself: the block stops at the first line that
does not read as a headline.
"""

from __future__ import annotations

from ingest.document import Document, Line, removal
from ingest.rules import RegexSet, Rule
from ingest.stages.base import RuleStage
from ingest.stages.metadata import fold, fold_head, title_matches

MAX_HEADING_CHARS = 80
MAX_BLOCK_LINES = 15
MAX_HEADLINE_CHARS = 160


def is_headline(text: str) -> bool:
    """A line that reads as a headline: a few words, no full stop, not a paragraph.

    A sentence ending in a full stop ends the block: lists of headlines rarely stop with one,
    and short body paragraphs after a "Read more" link always do.
    """
    words = text.split()
    if not 2 <= len(words) <= 25 or len(text) > MAX_HEADLINE_CHARS:
        return False
    return not text.endswith((".", ":", ",", ";"))


class HeadlinePlan:
    """The heading rules for one site (or none), in one RE2 set."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.headings = RegexSet([rule.patterns[0] for rule in rules])

    def heading(self, text: str) -> Rule | None:
        if len(text) > MAX_HEADING_CHARS:
            return None
        hits = self.headings.matches(text)
        return self.rules[hits[0]] if hits else None


class Headline(RuleStage):
    """Remove the title repeated in the body and blocks of other articles' headlines."""

    name = "headline"

    def compile(self, rules: list[Rule]) -> HeadlinePlan:
        return HeadlinePlan(rules)

    def __call__(self, doc: Document) -> Document:
        site = self.matched_site(doc)
        lines = doc.lines
        if doc.title:
            title = fold(doc.title)
            # Each word of a folded text is in the case-folded text: a line without the title's
            # longest word is not the title, and a substring test tells it without folding.
            word = max(title.split(), key=len, default="")
            for line in lines:
                if (
                    removable(line)
                    and word in line.text.casefold()
                    and title_matches(line.text, title)
                ):
                    line.removal = removal(self.name, "title-repeat", "the title, repeated")
        listed = self.heading_blocks(lines, self.plan(site))
        if not listed:
            return doc
        longest = max(map(len, listed))
        for line in lines:
            if not removable(line):
                continue
            heading = listed.get(fold_head(line.text, longest))  # a paragraph is none of them
            if heading is not None:
                line.removal = removal(
                    self.name, "other-headline", f"a headline listed under {heading!r}"
                )
        return doc

    def heading_blocks(self, lines: list[Line], plan: HeadlinePlan) -> dict[str, str]:
        """Mark each heading and its block; return the block's headlines (folded) -> heading."""
        listed: dict[str, str] = {}
        index = 0
        while index < len(lines):
            heading = lines[index]
            rule = plan.heading(heading.text)
            index += 1
            if rule is None:
                continue
            reason = rule.reason or "a heading of links to other articles"
            if removable(heading):
                heading.removal = removal(self.name, rule.uid, reason)
            taken = 0
            while index < len(lines) and taken < MAX_BLOCK_LINES:
                line = lines[index]
                if line.removal is None and not is_headline(line.text):
                    break
                if removable(line):
                    line.removal = removal(
                        self.name, rule.uid, f"a headline under {heading.text[:60]!r}"
                    )
                    listed.setdefault(fold(line.text), heading.text[:60])
                    taken += 1
                index += 1
        return listed


def removable(line: Line) -> bool:
    return line.removal is None and line.keep_rule is None
