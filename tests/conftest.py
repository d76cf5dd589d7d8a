"""Shared fixtures: every test builds its data in tmp_path; none touches the network."""

from __future__ import annotations

import io
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from ingest.cli import main
from ingest.document import Document, Line
from ingest.io.readers import ReadOptions, discover, read_documents
from ingest.rules import RuleSet, parse_rule_text
from ingest.stages.base import Stage

# The suite is deterministic: property tests draw the same examples on every run and machine
# (`--hypothesis-profile explore` draws fresh ones when hunting for bugs).
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("deterministic")

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


def write_warc(path: Path, responses: list[tuple[str, str, str, bytes]], gz: bool = True) -> Path:
    """A WARC (per-record gzip when `gz`) of HTTP exchanges, as wget writes them: for each
    (url, status line, Content-Type, body), a request record, then the response record."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for url, status, content_type, body in responses:
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], "HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-05-01T12:00:00Z"},
            )
            writer.write_record(record)
    return path


def read_inputs(root: Path, options: ReadOptions | None = None) -> tuple[list[Document], Counter]:
    """Every document the inputs under `root` hold, and what their containers skipped."""
    skipped: Counter[str] = Counter()
    docs = [
        doc
        for item in discover(root).inputs
        for doc in read_documents(item, options or ReadOptions(), skipped)
    ]
    return docs, skipped


def run_cli(*args: object) -> Result:
    """`ingest run ARGS --workers 1` in this process, so that a test's patches reach it."""
    return CliRunner().invoke(main, ["run", *map(str, args), "--workers", "1"])


class Explode(Stage):
    """A stage that raises on documents that say "boom": a document failed by a bug."""

    name = "explode"

    def __call__(self, doc: Document) -> Document:
        if "boom" in doc.text:
            raise RuntimeError("stage blew up")
        return doc


def doc_from_lines(*texts: str, source: str = "site/doc.txt", **fields: object) -> Document:
    """A document already segmented into the given lines (for line-stage unit tests)."""
    doc = Document(source=source, kind="text", **fields)
    doc.lines = [Line(text, number) for number, text in enumerate(texts, start=1)]
    doc.text = "\n".join(texts)
    return doc


@pytest.fixture(scope="session")
def generic_rules() -> RuleSet:
    """The shipped rules/generic.yaml alone: what the stages do on a site they have never seen."""
    path = REPO / "rules" / "generic.yaml"
    rule_file, problems = parse_rule_text(path.read_text(encoding="utf-8"), str(path))
    assert rule_file is not None, problems
    return RuleSet([rule_file])


@pytest.fixture
def tree(tmp_path: Path):
    """Build an input folder: `tree({"a.txt": "..."})` returns its path."""

    def build(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path / "in", files)

    return build


SUBJECTS = (
    "The harbour board",
    "A spokesperson for the council",
    "The new mayor of the town",
    "Residents of the old quarter",
    "The regional transport authority",
    "A group of local teachers",
    "The owner of the bakery",
    "Engineers from the university",
)
VERBS = ("agreed to", "refused to", "promised to", "decided to", "voted to", "planned to")
OBJECTS = (
    "repair the sea wall near the ferry terminal",
    "open a second library in the north of the city",
    "lower the fares for students and pensioners",
    "plant a thousand trees along the river",
    "rebuild the bridge that was closed in the spring",
    "publish the accounts of the water company",
    "extend the opening hours of the swimming pool",
    "move the weekly market to the main square",
)
REASONS = (
    "because the cost of waiting would be higher",
    "after a long debate that lasted until midnight",
    "although several members said that it was too early",
    "so that the work can be finished before the winter",
    "when the results of the survey were made public",
    "since there was no money left in the budget for it",
)


def article(number: int) -> str:
    """A plain-text article (a title, three paragraphs) whose body no other number repeats."""
    rng = random.Random(number)

    def sentence() -> str:
        return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} " + (
            f"{rng.choice(REASONS)}, and the decision was announced on day {rng.randint(1, 999)}."
        )

    paragraphs = [" ".join(sentence() for _ in range(4)) for _ in range(3)]
    return f"Story number {number} from the town hall\n\n" + "\n\n".join(paragraphs) + "\n"
