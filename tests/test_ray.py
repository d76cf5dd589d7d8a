"""The Ray executor on a local two-CPU Ray: the same records as the local executor, byte for byte.

The corpus exercises the cross-document pass too: a chrome line only the site's documents
reveal (learned in pass one, removed in pass two on the Ray actors) and a duplicate document.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
from conftest import article, write_tree

from ingest import Pipeline
from ingest.runner import RunOptions, run

CHROME = "Tämä juttu on osa Satamalehden kesäsarjaa"  # no rule names it


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.WARNING)
    yield
    ray.shutdown()


def test_ray_writes_the_records_of_the_local_executor(tmp_path: Path, local_ray: None) -> None:
    files = {f"site/a{n:02d}.txt": f"{article(n)}\n{CHROME}\n" for n in range(12)}
    files["site/copy.txt"] = files["site/a03.txt"]
    root = write_tree(tmp_path / "in", files)
    run(Pipeline(), root, tmp_path / "local.jsonl", RunOptions(workers=1))
    remote = run(Pipeline(), root, tmp_path / "ray.jsonl", RunOptions(executor="ray", workers=2))
    assert (remote.executor, remote.workers) == ("ray", 2)
    assert (remote.stats.written, remote.stats.duplicates) == (12, 1)
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    rejects = (tmp_path / "ray.rejects.jsonl").read_bytes()
    assert rejects == (tmp_path / "local.rejects.jsonl").read_bytes()
    assert b'"duplicate_of"' in rejects
    assert remote.stats.removed["repeats"] == 12
