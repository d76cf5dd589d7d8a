"""The stage interface: a small picklable object with one job and a name.

A stage is called with a document and returns it, marked. Bad content is marked on the
document (a `Removal` on a line, or a `Reject` on the document), never raised.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from ingest.document import Document
from ingest.rules import Rule, RuleFile, RuleSet


class Stage(ABC):
    """One step of the pipeline. `name` is its label in provenance and statistics."""

    name: ClassVar[str]

    @abstractmethod
    def __call__(self, doc: Document) -> Document:
        """Process `doc` and return it, marked."""

    def __repr__(self) -> str:
        return f"<stage {self.name}>"


class RuleStage(Stage):
    """A stage driven by the rules of its own name (`chrome:`, `metadata:`, ... in rule files).

    The rules in force depend on the document's site, so each stage compiles them into a plan
    once per site and per worker process (compiled RE2 sets are not shipped between processes).
    """

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._plans: dict[str | None, Any] = {}

    def __getstate__(self) -> dict:
        return {"rules": self.rules, "_plans": {}}

    @abstractmethod
    def compile(self, rules: list[Rule]) -> Any:
        """The plan for one site's rules of this stage (site rules first, then generic)."""

    def plan(self, site: RuleFile | None) -> Any:
        key = site.name if site else None
        if key not in self._plans:
            self._plans[key] = self.compile(self.rules.rules_for(site, self.name))
        return self._plans[key]

    def matched_site(self, doc: Document) -> RuleFile | None:
        """The site rule file the chrome stage matched to this document, if any."""
        return self.rules.site_named(doc.site_rules)
