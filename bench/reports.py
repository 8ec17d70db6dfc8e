"""The reports at the bench's size (issue 16), in process: for the latest month's 607 and
the dashboard's 12-month chart, the query count, each query's plan (`EXPLAIN (ANALYZE,
BUFFERS)`: index-backed, no sequential scan over the workspace's documents) and the time as
a ratio to the detail GET measured in the same run."""

from __future__ import annotations

import datetime
import statistics
import time


def _timed(client, path: str, runs: int) -> tuple[float, list[tuple[str, tuple]]]:
    from django.db import connection

    captured: list[tuple[str, tuple]] = []

    def grab(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    client.get(path)  # warm up
    timings = []
    for index in range(runs):
        wrapper = connection.execute_wrapper(grab) if index == 0 else None
        started = time.perf_counter()
        if wrapper:
            with wrapper:
                response = client.get(path)
        else:
            response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return statistics.median(timings), captured


def _plans(captured) -> list[str]:
    from django.db import connection

    plans = []
    with connection.cursor() as cursor:
        for sql, params in captured:
            if not sql.lstrip().upper().startswith("SELECT") or "invoices_" not in sql:
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def reports_plan(seed, runs: int = 5) -> dict:
    from django.test import Client

    from invoicing.invoices.models import Invoice

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {seed.api_key}")
    invoices = Invoice.objects.filter(workspace_id=seed.workspace_id).exclude(status="draft")
    latest = invoices.order_by("-issue_date").values_list("issue_date", flat=True).first()
    detail_id = invoices.values_list("pk", flat=True).first()
    if latest is None:
        return {}
    first = (latest.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    detail_ms, _queries = _timed(client, f"/api/v1/invoices/{detail_id}", runs)
    found = {"detail_ms": round(detail_ms, 2)}
    for name, path in [
            ("dgii_607", f"/api/v1/reports/dgii-607?period={latest:%Y%m}"),
            ("chart_12_months", f"/api/v1/reports/sales?group_by=month&date_from={first}"
                                f"&date_to={latest}")]:
        median, captured = _timed(client, path, runs)
        plans = _plans(captured)
        found[name] = {
            "path": path, "queries": len(captured), "median_ms": round(median, 2),
            "ratio_to_detail": round(median / detail_ms, 1) if detail_ms else None,
            "seq_scan_on_documents": any("Seq Scan on invoices_invoice " in plan
                                         for plan in plans),
            "plans": plans,
        }
    return found
