"""The quality gate: run `ingest` over the article-extraction benchmark in two forms and score it.

    python tools/eval_aeb.py [--bench ../shared/bench/aeb] [--floors eval/floors.json]
                             [--workers N] [--keep DIR] [--json FILE]

Forms: the HTML pages as they are (`html/<id>.html.gz`), and the same pages rendered to
full-page plain text by `aeb_render.render_page`, one line per block element, chrome and all,
as a naive scraper saves them. Each form goes through `Pipeline.run`, exactly what `ingest run`
does, and its records are scored with `ingest.evaluate` (the benchmark's own metric). Prints F1,
precision and recall per form and exits 1 when a figure is below its floor in the floors file,
so a change that makes cleaning worse fails `make eval`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from aeb_render import render_page  # noqa: E402  (tools/ is on sys.path when run as a script)

from ingest.evaluate import EvalReport, aeb_gold, evaluate, load_records  # noqa: E402
from ingest.pipeline import Pipeline  # noqa: E402

FIGURES = ("f1", "precision", "recall")


def render_text_form(bench: Path, gold: list[dict], folder: Path) -> dict[str, dict]:
    """Write each page's full visible text to `folder`; return the gold keyed by text source."""
    folder.mkdir(parents=True, exist_ok=True)
    keyed = {}
    for record in gold:
        page_id = record["source"].removesuffix(".html.gz")
        with gzip.open(bench / "html" / record["source"], "rt", encoding="utf-8") as fh:
            text = render_page(fh.read())
        (folder / f"{page_id}.txt").write_text(text + "\n", encoding="utf-8", newline="\n")
        keyed[f"{page_id}.txt"] = {**record, "source": f"{page_id}.txt"}
    return keyed


def run_form(folder: Path, output: Path, gold: dict[str, dict], workers: int) -> EvalReport:
    """Clean `folder` as `ingest run` does, then score the records against `gold`."""
    Pipeline().run(folder, output, output.with_suffix(".rejects.jsonl"), workers=workers)
    return evaluate(gold, load_records(output))


def check(name: str, report: EvalReport, floors: dict[str, float]) -> list[str]:
    """The figures of `report` below their floor, as messages."""
    return [
        f"{name} {figure} {getattr(report, figure):.3f} is below its floor {floors[figure]:.3f}"
        for figure in FIGURES
        if figure in floors and getattr(report, figure) < floors[figure]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "bench" / "aeb")
    parser.add_argument("--floors", type=Path, default=REPO / "eval" / "floors.json")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="copy the rendered text and records here")
    parser.add_argument("--json", type=Path, help="also write the reports here as JSON")
    args = parser.parse_args(argv)
    if not (args.bench / "ground-truth.json").is_file():
        print(f"eval: no benchmark at {args.bench} (expected ground-truth.json)", file=sys.stderr)
        return 2
    floors = json.loads(args.floors.read_text(encoding="utf-8"))
    gold = aeb_gold(args.bench / "ground-truth.json")
    # Always a fresh folder: `ingest run` is incremental, and a kept state would skip documents
    # whose cleaning changed with the code.
    with tempfile.TemporaryDirectory(prefix="ingest-eval-") as scratch:
        work = Path(scratch)
        text_gold = render_text_form(args.bench, gold, work / "text")
        html_gold = {record["source"]: record for record in gold}
        reports = {
            "html": run_form(args.bench / "html", work / "html.jsonl", html_gold, args.workers),
            "text": run_form(work / "text", work / "text.jsonl", text_gold, args.workers),
        }
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("html.jsonl", "text.jsonl"):
                shutil.copyfile(work / name, args.keep / name)
            shutil.copytree(work / "text", args.keep / "text", dirs_exist_ok=True)
    failures = []
    print(f"{'form':<6} {'docs':>5} {'F1':>7} {'precision':>10} {'recall':>8}   floors (F1/P/R)")
    for name, report in reports.items():
        floor = floors.get(name, {})
        shown = "/".join(f"{floor[f]:.3f}" if f in floor else "-" for f in FIGURES)
        print(
            f"{name:<6} {report.documents:>5} {report.f1:>7.3f} {report.precision:>10.3f} "
            f"{report.recall:>8.3f}   {shown}"
        )
        failures.extend(check(name, report, floor))
    if args.json:
        args.json.write_text(
            json.dumps({name: r.to_dict() for name, r in reports.items()}, indent=2) + "\n",
            encoding="utf-8",
        )
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
