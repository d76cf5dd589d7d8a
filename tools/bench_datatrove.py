"""The datatrove peer of `make bench`: reader → Trafilatura → LanguageFilter → JsonlWriter.

Runs in the bench environment (.venv-bench), never in the project's: datatrove is a peer we
measure against, not a dependency. Usage:

    .venv-bench/bin/python tools/bench_datatrove.py INPUT_DIR OUTPUT_DIR --workers N

datatrove ships readers for JSONL, WARC, Parquet and CSV but none for a folder of HTML files, so
the reader here is the smallest one its base class allows: one document per file. Every other
block is datatrove's own, with its defaults, as a user would write the pipeline.

LanguageFilter needs fastText's lid.176 model, which datatrove downloads on first use. Where that
download is impossible (no network), the filter is left out and the last line of the output says
so: the figure is then an upper bound on datatrove's throughput.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.extractors import Trafilatura
from datatrove.pipeline.filters import LanguageFilter
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.pipeline.writers import JsonlWriter


class HtmlFileReader(BaseDiskReader):
    """One document per file, its text the raw page (decoded as UTF-8, as the pages are)."""

    name = "📄 HTML files"

    def read_file(self, filepath: str) -> Iterator[Document]:
        with self.data_folder.open(filepath, "r", encoding="utf-8", errors="replace") as handle:
            document = self.get_document_from_dict({"text": handle.read()}, filepath, 0)
        if document:
            yield document


def language_model_problem() -> str | None:
    """Why LanguageFilter cannot run here, or None when its model is (or can be) in place."""
    from datatrove.utils.lid import FT176LID

    try:
        FT176LID().model  # noqa: B018 - loading is the test: it downloads and opens the model
    except Exception as error:  # any failure to fetch or open the model means the same thing
        return f"fastText lid.176 model unavailable ({type(error).__name__}: {error})"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input_dir")
    parser.add_argument("output_dir")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    problem = language_model_problem()
    pipeline = [
        HtmlFileReader(args.input_dir, glob_pattern="**/*.html"),
        Trafilatura(),
        *([] if problem else [LanguageFilter()]),
        JsonlWriter(f"{args.output_dir}/records"),
    ]
    LocalPipelineExecutor(
        pipeline,
        tasks=args.workers,
        workers=args.workers,
        logging_dir=f"{args.output_dir}/logs",
    ).run()
    print(json.dumps({"language_filter": problem is None, "note": problem}))


if __name__ == "__main__":
    main()
