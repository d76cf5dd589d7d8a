"""`make bench`: how fast ingest is, and how it compares with what users would run instead.

Every figure comes from running the real command (`ingest run`, `trafilatura`, a datatrove
pipeline) as a subprocess over the same corpus with the same worker count, so start-up, reading,
writing and the process pool are all in it. Peers run from the bench environment (.venv-bench),
never from the project's, and in alternation with ingest (A B C, then C B A, ...) so that drift
in the machine's load falls on every tool alike. See docs/performance.md for the method.

    python tools/bench.py                 # 10,000 text + 2,000 HTML documents, 3 rounds
    python tools/bench.py --quick         # 500 + 200 documents, 1 round: for development
    python tools/bench.py --scale 100000  # also: peak RSS at 100,000 text documents
    python tools/bench.py --profile       # also: cProfile of the stages, in-process
    python tools/bench.py --parts text --scale 100000   # only the text runs and the scale run
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import math
import os
import platform
import pstats
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench_corpus import describe, html_corpus, page_id, text_corpus
from bench_measure import Measurement, become_subreaper, measure, median

ROOT = Path(__file__).resolve().parent.parent
INGEST = Path(sys.executable).with_name("ingest")
HELP_TARGET = 0.3  # seconds, from issue 7
WARM_UP = 5  # documents processed untimed before an in-process measurement


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="plain-text documents")
    parser.add_argument("--html-size", type=int, default=2_000, help="HTML documents")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds on HTML")
    parser.add_argument("--quick", action="store_true", help="500 + 200 documents, 1 round")
    parser.add_argument("--scale", type=int, metavar="N", help="also run N text documents")
    parser.add_argument("--profile", action="store_true", help="cProfile the stages in-process")
    parser.add_argument("--no-peers", action="store_true", help="ingest only")
    parser.add_argument(
        "--parts",
        default="help,text,html,modes",
        help="what to run, comma-separated [default: %(default)s]; --scale needs text",
    )
    parser.add_argument("--scratch", type=Path, default=ROOT / "out" / "bench")
    parser.add_argument("--bench-venv", type=Path, default=ROOT / ".venv-bench")
    parser.add_argument("--aeb", type=Path, default=ROOT.parent / "shared" / "bench" / "aeb")
    args = parser.parse_args()
    if args.quick:
        args.size, args.html_size, args.rounds = 500, 200, 1
    args.parts = set(args.parts.split(","))
    if args.scale:
        args.parts.add("text")
    return args


# --- the machine and the start-up time ----------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on, including how busy it was."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }


def help_time(runs: int = 10) -> dict[str, Any]:
    """Wall time of `ingest --help` (median of `runs`), and what its imports cost."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([INGEST, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import ingest.cli"],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    rows = re.findall(r"import time:\s+(\d+) \|\s+(\d+) \|\s+(\S+)", trace)
    top = sorted(((int(own), name) for own, _, name in rows), reverse=True)[:5]
    total = next((int(cum) for _, cum, name in rows if name == "ingest.cli"), 0)
    return {
        "median_s": round(median(times), 3),
        "max_s": round(max(times), 3),
        "import_ingest_cli_ms": round(total / 1000, 1),
        "slowest_imports_ms": {name: round(own / 1000, 1) for own, name in top},
    }


# --- running the tools --------------------------------------------------------------------------


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def count_lines(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            total += sum(1 for _ in handle)
    return total


def stage_seconds_from_report(folder: Path) -> dict[str, float] | None:
    """`stage_seconds` from the run's own report (report.json beside the output), if it has one."""
    for path in sorted(folder.rglob("*report*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(report, dict) and isinstance(report.get("stage_seconds"), dict):
            return {stage: float(spent) for stage, spent in report["stage_seconds"].items()}
    return None


def run_ingest(
    corpus: Path, name: str, docs: int, size: int, workers: int, args: argparse.Namespace
) -> Measurement:
    """One `ingest run`, in a fresh folder: no state from an earlier run makes it incremental.

    Its stage times come from its report; on HTML, its records are scored against the benchmark.
    """
    out = fresh(args.scratch / "runs" / f"ingest-{name}-w{workers}")
    records = out / "records.jsonl"
    result = measure(
        [INGEST, "run", corpus, "--output", records, "--workers", workers],
        tool="ingest", corpus=name, workers=workers, documents=docs, size=size,
        log=out / "ingest.log",
    )  # fmt: skip
    result.outputs = count_lines([records]) if records.exists() else 0
    rejects = out / "records.rejects.jsonl"
    if rejects.exists():
        stages = Counter(
            entry["stage"] + (" (duplicates)" if entry.get("duplicate_of") else "")
            for entry in map(json.loads, rejects.read_text(encoding="utf-8").splitlines())
        )
        result.notes += [f"rejected by {stage}: {n}" for stage, n in stages.most_common(3)]
    result.stage_seconds = stage_seconds_from_report(out)
    if name.startswith("html") and records.exists():
        from ingest.evaluate import load_records

        f1 = aeb_f1(load_records(records), args.aeb)
        if f1 is not None:
            result.notes.append(f"AEB body F1 (first copies): {f1:.3f}")
    flag_failure(result, out / "ingest.log")
    tidy(out)
    return result


def tidy(out: Path) -> None:
    """Keep a run's logs and report, drop its outputs: 100,000 records take gigabytes."""
    for path in out.iterdir():
        if path.name.endswith((".log", "report.json")):
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def flag_failure(result: Measurement, log: Path) -> None:
    """A run that failed is not a figure: say so next to it, with the log's last line."""
    if result.exit_code != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        result.notes.append(f"exit {result.exit_code} ({log}): {lines[-1][:100] if lines else ''}")


def run_trafilatura(
    corpus: Path, name: str, docs: int, size: int, args: argparse.Namespace
) -> Measurement:
    """trafilatura's own CLI over the folder, in its default mode."""
    out = fresh(args.scratch / "runs" / f"trafilatura-{name}")
    command = [args.bench_venv / "bin" / "trafilatura", "--input-dir", corpus]
    command += ["--output-dir", out / "text", "--parallel", args.workers]
    result = measure(
        command, tool="trafilatura", corpus=name, workers=args.workers, documents=docs,
        size=size, log=out / "trafilatura.log",
    )  # fmt: skip
    # It names each output by a hash of its text, so identical copies share one file.
    result.outputs = sum(1 for path in (out / "text").rglob("*") if path.is_file())
    flag_failure(result, out / "trafilatura.log")
    tidy(out)
    return result


def run_datatrove(
    corpus: Path, name: str, docs: int, size: int, args: argparse.Namespace
) -> Measurement:
    """The datatrove pipeline of tools/bench_datatrove.py, in the bench environment."""
    out = fresh(args.scratch / "runs" / f"datatrove-{name}")
    command = [args.bench_venv / "bin" / "python", ROOT / "tools" / "bench_datatrove.py"]
    command += [corpus, out, "--workers", args.workers]
    log = out / "datatrove.log"
    result = measure(
        command, tool="datatrove", corpus=name, workers=args.workers, documents=docs,
        size=size, log=log,
    )  # fmt: skip
    result.outputs = count_lines(sorted((out / "records").glob("*.jsonl.gz")))
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    verdict = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    if verdict.get("note"):
        result.notes.append(f"LanguageFilter left out: {verdict['note']}")
    flag_failure(result, log)
    tidy(out)
    return result


# --- in-process: per-stage times, profiles, extraction mode ---------------------------------------


def in_process(
    folder: Path, limit: int, fast: bool = False, profile_to: Path | None = None
) -> tuple[dict[str, float], list[Any], float]:
    """Run the per-document stages on `limit` documents spread over the corpus, in this process.

    Returns (wall seconds per stage, the documents, CPU seconds of the whole loop, reading
    included). No pool and no other process in the way, so the split between stages is clean; the
    learned, cross-document passes are not in it. A few documents go through first, untimed, so
    the one-off loading of libraries and profiles is not charged to the sample.
    """
    from ingest.io.readers import discover, read_document
    from ingest.pipeline import Pipeline, RunStats, Settings

    pipeline = Pipeline(settings=Settings(fast_extraction=fast, workers=1))
    found = discover(folder).inputs
    items = found[:: max(1, len(found) // limit)][:limit]  # every site and fault, not the first
    for item in items[:WARM_UP]:  # one-off loading is not a cost per document
        pipeline.process(read_document(item))
    stats = RunStats()
    profiler = cProfile.Profile() if profile_to else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    docs = [pipeline.process(read_document(item), stats) for item in items]
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_to)
    return dict(stats.stage_seconds), docs, time.process_time() - started


def top_functions(profile: Path, count: int = 15) -> str:
    buffer = io.StringIO()
    stats = pstats.Stats(str(profile), stream=buffer)
    stats.strip_dirs().sort_stats("tottime").print_stats(count)
    return "\n".join(line for line in buffer.getvalue().splitlines() if line.strip())


def aeb_f1(records: dict[str, dict], aeb: Path) -> float | None:
    """Body F1 of the first copy of every benchmark page, with the benchmark's own metric."""
    from ingest.evaluate import aeb_gold, evaluate

    truth = aeb / "ground-truth.json"
    if not truth.exists():
        return None
    gold = {record["source"]: record for record in aeb_gold(truth)}
    pred = {}
    for source, record in records.items():
        page = page_id(source)
        if page is not None:
            pred[f"{page}.html.gz"] = record
    return evaluate(gold, pred).f1


def stage_table(seconds: dict[str, float], docs: int, source: str) -> list[str]:
    total = sum(seconds.values()) or 1.0
    lines = [f"  per stage ({source}): ms/doc, share of stage time"]
    for stage, spent in sorted(seconds.items(), key=lambda kv: -kv[1]):
        lines.append(f"    {stage:<12} {1000 * spent / docs:8.2f} ms  {100 * spent / total:5.1f} %")
    return lines


# --- reporting ----------------------------------------------------------------------------------

HEADER = (
    f"  {'tool':<12}{'W':>2} {'docs':>6} {'wall s':>7} {'docs/s':>7} {'MB/s':>6} "
    f"{'CPU ms/doc':>10} {'MB/CPU-s':>8} {'RSS driver':>10} {'RSS worker':>10} {'out':>6}"
)


def row(m: Measurement) -> str:
    worker = f"{m.worker_rss_mb:7.0f} MB" if m.worker_rss_mb else "         -"
    line = (
        f"  {m.tool:<12}{m.workers:>2} {m.documents:>6} {m.wall:7.1f} {m.docs_per_s:7.1f} "
        f"{m.mb_per_s:6.2f} {m.cpu_ms_per_doc:10.1f} {m.mb_per_cpu_s:8.2f} "
        f"{m.driver_rss_mb:7.0f} MB {worker} {m.outputs:>6}"
    )
    return "\n".join([line, *(f"      {note}" for note in m.notes)])


def valid(m: Measurement) -> bool:
    """A run that crashed or wrote nothing gives no throughput to compare."""
    return m.exit_code in (0, 1) and m.outputs > 0


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(map(math.log, values)) / len(values)) if values else float("nan")


def bench_text(args: argparse.Namespace, results: dict[str, Any]) -> list[Measurement]:
    """ingest on plain text with 1 and with N workers, then where the time goes per stage."""
    text, size = text_corpus(args.scratch, args.size)
    print(f"\n== plain text: {args.size} documents, {size / 1e6:.1f} MB {describe(text)}")
    print(HEADER)
    runs = []
    for workers in sorted({1, args.workers}):
        measured = run_ingest(text, f"text-{args.size}", args.size, size, workers, args)
        runs.append(measured)
        print(row(measured))
    reported = runs[-1].stage_seconds
    if reported is not None:
        print(
            "\n".join(
                stage_table(
                    reported, args.size, f"{args.workers}-worker run's report, wall time in workers"
                )
            )
        )
    sample = min(args.size, 500)
    seconds, _, cpu = in_process(text, sample)
    print("\n".join(stage_table(seconds, sample, f"in-process, {sample} documents")))
    print(f"    total {1000 * cpu / sample:.1f} ms/doc of CPU, reading included")
    results["text_stages"] = {
        "report": reported,
        "in_process": seconds,
        "in_process_cpu_ms_per_doc": 1000 * cpu / sample,
        "sample": sample,
    }
    if args.profile:
        in_process(text, sample, profile_to=args.scratch / "text.prof")
        print(top_functions(args.scratch / "text.prof"))
    return runs


def bench_html(args: argparse.Namespace, results: dict[str, Any], peers: bool) -> list[Measurement]:
    """ingest and its peers in alternating rounds, then ingest alone on one worker."""
    corpus = html_corpus(args.scratch, args.aeb / "html", args.html_size)
    name, docs, size = f"html-{args.html_size}", corpus.documents, corpus.bytes
    print(
        f"\n== HTML: {docs} documents ({len(list((corpus.pages / 'c000').iterdir()))} benchmark "
        f"pages, replicated), {size / 1e6:.1f} MB; {args.workers} workers, {args.rounds} round(s)"
    )
    print(HEADER)
    contenders = ["ingest", *(["trafilatura", "datatrove"] if peers else [])]
    rounds: list[dict[str, Measurement]] = []
    for number in range(args.rounds):
        order = contenders if number % 2 == 0 else contenders[::-1]
        print(f"  round {number + 1}: {' → '.join(order)}")
        measured: dict[str, Measurement] = {}
        for tool in order:
            if tool == "ingest":
                measured[tool] = run_ingest(corpus.mirrored, name, docs, size, args.workers, args)
            elif tool == "trafilatura":
                measured[tool] = run_trafilatura(corpus.pages, name, docs, size, args)
            else:
                measured[tool] = run_datatrove(corpus.pages, name, docs, size, args)
            print(row(measured[tool]))
        rounds.append(measured)
    ratios = {}
    for tool in contenders[1:]:
        paired = [
            measured[tool].docs_per_s / measured["ingest"].docs_per_s
            for measured in rounds
            if valid(measured[tool]) and valid(measured["ingest"])
        ]
        ratios[tool] = geometric_mean(paired)
        print(
            f"  {tool}: {ratios[tool]:.2f}× ingest's throughput (geometric mean of "
            f"{len(paired)} paired round(s): {', '.join(f'{x:.2f}' for x in paired)})"
        )
    results["peer_ratios"] = ratios
    reported = rounds[-1]["ingest"].stage_seconds
    if reported is not None:
        print(
            "\n".join(stage_table(reported, docs, "last ingest run's report, wall time in workers"))
        )
    runs = [m for measured in rounds for m in measured.values()]
    if args.workers != 1:
        print("  scaling: ingest on 1 worker")
        single = run_ingest(corpus.mirrored, name, docs, size, 1, args)
        runs.append(single)
        print(row(single))
    return runs


def bench_modes(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """Full against fast extraction, in-process on the benchmark pages: time per stage and F1."""
    pages = html_corpus(args.scratch, args.aeb / "html", args.html_size).pages / "c000"
    sample = len(list(pages.iterdir()))
    modes = {}
    for label, fast in (("full", False), ("fast", True)):
        seconds, done, cpu = in_process(pages, sample, fast)
        records = {f"c000/{d.source}": d.to_record() for d in done if d.reject is None}
        f1 = aeb_f1(records, args.aeb)
        modes[label] = {"seconds": seconds, "cpu_ms_per_doc": 1000 * cpu / sample, "f1": f1}
        print("\n".join(stage_table(seconds, sample, f"in-process, {label} extraction")))
        score = "n/a" if f1 is None else f"{f1:.3f}"
        print(
            f"    total {1000 * cpu / sample:.1f} ms/doc of CPU, reading included; AEB F1 {score}"
        )
        if args.profile:
            profile = args.scratch / f"html-{label}.prof"
            in_process(pages, sample, fast, profile)
            print(top_functions(profile))
    results["html_modes"] = modes


def bench_scale(args: argparse.Namespace, before: Measurement) -> Measurement:
    """Peak RSS on a corpus `--scale` documents large, next to the main text run."""
    big, size = text_corpus(args.scratch, args.scale)
    print(f"\n== memory as the corpus grows: {args.size} vs {args.scale} text documents")
    print(HEADER)
    scaled = run_ingest(big, f"text-{args.scale}", args.scale, size, args.workers, args)
    print(row(before))
    print(row(scaled))
    return scaled


def main() -> None:
    args = parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    become_subreaper()
    results: dict[str, Any] = {
        "machine": machine(),
        "args": vars(args) | {"parts": sorted(args.parts)},
    }
    info = results["machine"]
    print(
        f"machine: {info['cpus']} × {info['cpu']}, {info['memory_gib']} GiB, "
        f"Python {info['python']}; load average {info['load_before']}"
    )
    peers = not args.no_peers and (args.bench_venv / "bin" / "trafilatura").exists()
    if not args.no_peers and not peers:
        print(f"peers skipped: {args.bench_venv} is missing (`make bench` creates it)")

    runs: list[Measurement] = []
    if "help" in args.parts:
        results["help"] = h = help_time()
        verdict = "ok" if h["median_s"] < HELP_TARGET else "OVER TARGET"
        print(
            f"\n== ingest --help: median {h['median_s']} s, max {h['max_s']} s (target < "
            f"{HELP_TARGET} s: {verdict}); import ingest.cli {h['import_ingest_cli_ms']} ms"
        )
    if "text" in args.parts:
        runs += bench_text(args, results)  # the last one uses all the workers
        if args.scale:
            runs.append(bench_scale(args, runs[-1]))
    if "html" in args.parts:
        runs += bench_html(args, results, peers)
    if "modes" in args.parts:
        bench_modes(args, results)
    results["runs"] = [m.to_dict() for m in runs]
    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    target = args.scratch / time.strftime("results-%Y%m%d-%H%M%S.json")
    target.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nload average after: {info['load_after']}; all figures: {target}")


if __name__ == "__main__":
    main()
