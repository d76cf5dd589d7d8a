"""Shared fixtures: every test builds its data in tmp_path; none touches the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.document import Document, Line

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SEEDS = REPO.parent / "shared" / "seeds"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (relative path -> text or bytes) under `root` and return `root`."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def doc_from_lines(*texts: str, source: str = "site/doc.txt", **fields: object) -> Document:
    """A document already segmented into the given lines (for line-stage unit tests)."""
    doc = Document(source=source, kind="text", **fields)
    doc.lines = [Line(text, number) for number, text in enumerate(texts, start=1)]
    doc.text = "\n".join(texts)
    return doc


@pytest.fixture
def tree(tmp_path: Path):
    """Build an input folder: `tree({"a.txt": "..."})` returns its path."""

    def build(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "in", files)

    return build
