"""ingest: turn folders of scraped documents into clean, attributed JSONL.

    from ingest import Pipeline
    stats = Pipeline().run("drop/", "out/clean.jsonl")

Heavy modules load on first use, so importing the package (and `ingest --help`) stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from ingest.document import Document, Line, Removal
    from ingest.pipeline import Pipeline, Settings
    from ingest.rules import load_rules

__all__ = ["Document", "Line", "Pipeline", "Removal", "Settings", "__version__", "load_rules"]

_LAZY = {
    "Document": "ingest.document",
    "Line": "ingest.document",
    "Removal": "ingest.document",
    "Pipeline": "ingest.pipeline",
    "Settings": "ingest.pipeline",
    "load_rules": "ingest.rules",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
