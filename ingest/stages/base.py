"""The stage interface: a small picklable object with one job and a name.

A stage is called with a document and returns it, marked. Bad content is marked on the
document (a `Removal` on a line, or a `Reject` on the document), never raised.
"""

from __future__ import annotations

from typing import ClassVar

from ingest.document import Document, Line, Removal


class Stage:
    """One step of the pipeline. `name` is its label in provenance and statistics."""

    name: ClassVar[str]

    def __call__(self, doc: Document) -> Document:
        raise NotImplementedError  # pragma: no cover - abstract

    def __repr__(self) -> str:
        return f"<stage {self.name}>"


class LineStage(Stage):
    """A stage that only decides, for each line still kept, whether to remove it.

    Subclasses implement `judge`; this class does the marking, and skips lines that a keep rule
    protects, so "keep beats drop" holds for every line-level stage at once.
    """

    def __call__(self, doc: Document) -> Document:
        for index, line in enumerate(doc.lines):
            if line.kept and line.keep_rule is None:
                verdict = self.judge(doc, index, line)
                if verdict is not None:
                    rule, reason = verdict
                    line.removal = Removal(self.name, rule, reason)
        return doc

    def judge(self, doc: Document, index: int, line: Line) -> tuple[str, str] | None:
        """Return (rule, reason) to remove `line`, or None to keep it."""
        raise NotImplementedError  # pragma: no cover - abstract
