"""The RNC registry import streams: `make bench` imports DGII's 740,000 lines
(`python -m bench.rnc`); here the same harness imports 20,000 synthetic lines, as a ZIP, in
a child process on its own database, and its memory must stay flat: once the first batch
is written, reading the rest of the file adds (almost) nothing to the peak RSS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINES = 20_000

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-rnc")
    output = folder / "rnc.json"
    server = os.environ.get("DATABASE_URL", "")
    database = (server if server.startswith("postgres")
                else f"sqlite:///{folder / 'rnc.sqlite3'}")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.rnc", "--lines", str(LINES), "--once",
         "--database-url", database, "--database-name", f"bench_rnc_{os.getpid()}",
         "--output", str(output)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return json.loads(output.read_text()), completed.stdout


def test_the_synthetic_file_is_imported_with_its_skips(small_run):
    result, stdout = small_run
    made, first = result["file"], result["first_import"]
    assert made["lines"] == LINES and made["bytes"] > 100 * LINES
    counts = first["counts"]
    assert counts["read"] == LINES
    assert counts["skipped"]["wrong_field_count"] == made["malformed"] > 0
    assert counts["skipped"]["repeated"] == made["repeated"] > 0
    assert counts["created"] == LINES - made["malformed"] - made["repeated"]
    assert "| ZIP into an empty registry | 20,000 |" in stdout


def test_memory_stays_flat_while_the_file_is_read(small_run):
    result, _stdout = small_run
    first = result["first_import"]
    file_mb = result["file"]["bytes"] / 1024 / 1024
    # Reading the 19 batches after the first adds well under the file's size...
    assert first["rss_growth_after_first_batch_mb"] < min(1.0, file_mb / 2), first
    # ...and the whole import holds one batch, not the file.
    assert first["rss_growth_mb"] < 32, first
    assert result["flat_memory"]["ok"] is True
