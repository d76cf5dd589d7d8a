"""Security: no stage touches the network, HTML is never executed, outputs go only where asked."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ingest import Pipeline

PAGE = b"""<html><head><title>Harbour news</title>
<link rel="stylesheet" href="https://cdn.example/style.css">
<script src="https://tracker.example/t.js"></script>
<script>document.write("INJECTED-BY-SCRIPT"); fetch("https://evil.example/x");</script>
</head><body><article><h1>Harbour wall to be rebuilt</h1>
<img src="https://images.example/wall.jpg" onerror="alert('INJECTED-BY-HANDLER')">
<p>The harbour board agreed on Tuesday to rebuild the old sea wall before the winter storms,
after engineers found that two sections had moved during the spring tides this year.</p>
<p>Work will start in August and should take about three months, the board said in a short
statement published on its website on Tuesday evening after the meeting had ended.</p>
<iframe src="https://video.example/embed/1"></iframe>
</article></body></html>"""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Record, and refuse, every attempt to open a connection or resolve a name."""
    attempts: list[tuple] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_html_is_extracted_without_network_or_execution(
    tree, tmp_path: Path, no_network: list[tuple]
) -> None:
    root = tree({"page.html": PAGE, "page.json": '{"url": "https://harbour.example/wall"}'})
    out = tmp_path / "out.jsonl"
    stats = Pipeline().run(root, out, workers=1)
    assert stats.written == 1
    text = out.read_text(encoding="utf-8")
    assert "rebuild the old sea wall" in text
    assert "INJECTED" not in text and "evil.example" not in text
    assert no_network == []


def test_outputs_go_only_where_asked(tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree({"a/doc.txt": "A paragraph of body text that is long enough to keep here."})
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    out_dir = tmp_path / "results"
    Pipeline().run(root, out_dir / "clean.jsonl", workers=1)
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before
    assert list(work.iterdir()) == []
    assert {p.name for p in tmp_path.iterdir()} == {"in", "cwd", "results"}
    assert all(p.parent == out_dir for p in out_dir.rglob("*"))
