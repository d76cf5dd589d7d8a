"""tools/eval_aeb.py, the `make eval` gate, on a two-page stand-in for the benchmark."""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path

import pytest
from conftest import REPO

PARAGRAPHS = (
    "The harbour board met on Tuesday evening to discuss the future of the old grain store, "
    "which has stood empty since the last tenant left in the spring of last year and now "
    "needs a new roof before the winter storms arrive.",
    "Members agreed that they would commission a survey before taking any decision on the "
    "building, and they asked the officers to report back in time for the next meeting of the "
    "full council, which is due to be held in June.",
    "A spokesperson for the board said that the survey would cost about ten thousand pounds "
    "and that the money would come from the reserves, so that there would be no need to raise "
    "the charges for the boats that use the harbour.",
)
PAGE = (
    "<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a> "
    "<a href='/news'>News</a></nav><article><h1>{title}</h1><p>{first}</p><p>{second}</p>"
    "</article><footer>Privacy policy</footer></body></html>"
)


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    root = tmp_path / "aeb"
    (root / "html").mkdir(parents=True)
    truth = {}
    pages = (("a1", "Board to survey the grain store", 0), ("b2", "Store gets a roof", 1))
    for page_id, title, first in pages:
        body = PARAGRAPHS[first : first + 2]
        html = PAGE.format(title=title, first=body[0], second=body[1])
        (root / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[page_id] = {"articleBody": "\n".join(body), "url": None}
    (root / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return root


def run_gate(monkeypatch: pytest.MonkeyPatch, bench: Path, floors: dict, tmp_path: Path) -> int:
    monkeypatch.syspath_prepend(str(REPO / "tools"))
    eval_aeb = importlib.import_module("eval_aeb")
    floors_file = tmp_path / "floors.json"
    floors_file.write_text(json.dumps(floors), encoding="utf-8")
    report = tmp_path / "report.json"
    args = ["--bench", str(bench), "--floors", str(floors_file), "--workers", "1"]
    code = eval_aeb.main([*args, "--json", str(report)])
    assert set(json.loads(report.read_text(encoding="utf-8"))) == {"html", "text"}
    return code


def test_the_gate_passes_above_its_floors(monkeypatch, bench, tmp_path, capsys) -> None:
    floors = {"html": {"f1": 0.5}, "text": {"f1": 0.5, "recall": 0.5}}
    assert run_gate(monkeypatch, bench, floors, tmp_path) == 0
    printed = capsys.readouterr().out
    assert "html" in printed and "text" in printed


def test_the_gate_fails_below_a_floor(monkeypatch, bench, tmp_path, capsys) -> None:
    floors = {"text": {"precision": 1.01}}
    assert run_gate(monkeypatch, bench, floors, tmp_path) == 1
    assert "FAIL: text precision" in capsys.readouterr().err


def test_without_the_benchmark_it_says_so(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.syspath_prepend(str(REPO / "tools"))
    eval_aeb = importlib.import_module("eval_aeb")
    assert eval_aeb.main(["--bench", str(tmp_path / "missing")]) == 2
    assert "no benchmark" in capsys.readouterr().err
