"""`make bench` keeps working: the harness runs end to end in its tiny mode (50 invoices, about
two seconds per measurement, its own database, dropped afterwards, and its own redis-server)
and writes every measurement, the query counts and a passing numbering check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOAD_MEASUREMENTS = ("nodb", "list", "detail", "create_c4", "create_c16", "pdf_cached",
                     "pdf_cold", "create_e31_c4")
QUERY_COUNTED = ("nodb", "list", "detail", "create", "pdf_cached", "pdf_cold")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed"),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="the bench needs PostgreSQL (DATABASE_URL=postgres://…)"),
]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("bench") / "results.json"
    database = f"bench_tiny_{os.getpid()}"
    # The harness starts its own redis-server (no --redis-url, no BENCH_REDIS_URL), so the
    # tasks it queues never reach the Celery workers other tests start on the suite's Redis.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "DJANGO_SETTINGS", "BENCH_REDIS_URL"))}
    completed = subprocess.run(
        [sys.executable, "-m", "bench.run", "--tiny", "--database-name", database,
         "--output", str(output), "--cache-prefix", f"bench-tiny-{os.getpid()}", "--drop-db"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )
    return completed, output


def test_the_tiny_run_succeeds_and_prints_the_table(tiny_run):
    completed, _output = tiny_run
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "| measurement | conc. | req/s | median ms | p95 ms | p99 ms |" in completed.stdout
    assert "Numbering check (SQL, after the create runs): OK" in completed.stdout


def test_results_hold_every_measurement(tiny_run):
    _completed, output = tiny_run
    latest = json.loads(output.read_text())["latest"]
    assert latest["invoices"] == 50
    measurements = latest["measurements"]
    for name in LOAD_MEASUREMENTS:
        m = measurements[name]
        assert m["requests"] > 0, name
        assert m["failed"] == 0, (name, m["errors"])
        assert 0 < m["p50_ms"] <= m["p95_ms"] <= m["p99_ms"], name
        if name != "nodb":
            assert m["reference_rps"] > 0 and m["ratio"] > 0, name
    assert measurements["create_c4"]["numbers_taken"] > 0
    assert measurements["create_c16"]["invoices_per_s"] > 0
    for lines in (10, 100):
        render = measurements[f"render_{lines}"]
        assert render["lines"] == lines and render["median_ms"] > 0 and render["pages"] >= 1
    queries = measurements["queries"]
    assert queries["nodb"] == {"queries": 0, "status": 200}
    for name in QUERY_COUNTED[1:]:
        assert queries[name]["status"] in (200, 201), (name, queries[name])
        assert queries[name]["queries"] > 0, name


def test_the_numbers_issued_under_load_have_no_gaps_or_repeats(tiny_run):
    _completed, output = tiny_run
    latest = json.loads(output.read_text())["latest"]
    gapless = latest["gapless"]
    assert gapless["ok"] is True
    fiscal = gapless["fiscal"]
    assert fiscal["series"] == "B01"
    assert fiscal["duplicates"] == fiscal["gaps"] == 0
    assert fiscal["numbers"] == fiscal["last"] - fiscal["first"] + 1
    assert fiscal["next_number"] == fiscal["last"] + 1
    assert latest["numbers_created"] >= latest["measurements"]["create_c4"]["numbers_taken"]
    assert latest["targets"]["gapless"]["ok"] is True


def test_tasks_go_to_the_broker_not_inline(tiny_run):
    """The production shape: each issued invoice queues its PDF render on commit (and its
    stock task when a line tracks inventory), to the broker rather than inline."""
    _completed, output = tiny_run
    latest = json.loads(output.read_text())["latest"]
    assert latest["tasks_queued"] >= latest["numbers_created"] > 0


def test_the_reports_are_measured_with_their_plans(tiny_run):
    """Issue 16: the latest month's 607 and the 12-month chart, each with its query count,
    its plans and its time as a ratio to the detail GET of the same run; an index serves
    every document table they read (checked with sequential scans disabled: at 50 invoices
    the planner rightly prefers reading a few pages whole; the 1M run shows the real plan)."""
    from bench.reports import index_backed

    _completed, output = tiny_run
    reports = json.loads(output.read_text())["latest"]["measurements"]["reports"]
    assert reports["detail_ms"] > 0
    for name in ("dgii_607", "chart_12_months"):
        measured = reports[name]
        assert 0 < measured["queries"] <= 12, (name, measured["queries"])
        assert measured["median_ms"] > 0 and measured["ratio_to_detail"] > 0, name
        assert measured["plans"] and all("Index" in p["plan"] or "Seq Scan" in p["plan"]
                                         for p in measured["plans"]), name
        assert measured["no_index_for"] == [], (name, measured["no_index_for"])
    assert index_backed(reports)
