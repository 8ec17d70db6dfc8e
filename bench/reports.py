"""The reports at the bench's size (issue 16), in process: for the latest month's 607 and
the dashboard's 12-month chart, the query count, each query's plan (`EXPLAIN (ANALYZE,
BUFFERS)`: index-backed, no sequential scan over the workspace's documents) and the time as
a ratio to the detail GET measured in the same run.

Two readings of each plan: the one PostgreSQL chooses (at 1,000,000 invoices it must not
scan a document table whole: `seq_scans`), and the one it falls back to with sequential
scans disabled (`seq_scans_without_seqscan`): empty means an index serves every table the
report reads, which is what the tiny run of `make test` can check on 50 invoices, where the
planner rightly prefers a sequential scan of a few pages.
"""

from __future__ import annotations

import datetime
import statistics
import time

# Every table a report reads documents, lines, payments or e-CF records from.
DOCUMENT_TABLES = ("invoices_invoice", "invoices_invoiceline", "invoices_payment",
                   "invoices_withholding", "notes_note", "notes_noteline", "ecf_ecfrecord")


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


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _scans(plan: dict) -> list[dict]:
    """The scan nodes on document tables: their kind, table and index."""
    return [{"node": node["Node Type"], "table": node["Relation Name"],
             "index": node.get("Index Name")}
            for node in _nodes(plan)
            if node.get("Relation Name") in DOCUMENT_TABLES and "Scan" in node["Node Type"]]


def _explain(cursor, sql: str, params, *, seqscan: bool) -> tuple[dict, str]:
    if not seqscan:
        cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
    data = cursor.fetchone()[0]
    document = data[0] if isinstance(data, list) else data
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
    text = "\n".join(row[0] for row in cursor.fetchall())
    return document, text


def _plans(captured) -> list[dict]:
    from django.db import connection, transaction

    plans = []
    for sql, params in captured:
        if not sql.lstrip().upper().startswith("SELECT") or not any(
                f'"{table}"' in sql for table in DOCUMENT_TABLES):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            chosen, text = _explain(cursor, sql, params, seqscan=True)
        with transaction.atomic(), connection.cursor() as cursor:
            forced, _text = _explain(cursor, sql, params, seqscan=False)
        scans = _scans(chosen["Plan"])
        plans.append({
            "sql": sql[:300], "execution_ms": round(chosen.get("Execution Time", 0), 2),
            "scans": scans,
            "seq_scans": sorted({s["table"] for s in scans if s["node"] == "Seq Scan"}),
            "seq_scans_without_seqscan": sorted({s["table"] for s in _scans(forced["Plan"])
                                                 if s["node"] == "Seq Scan"}),
            "plan": text})
    return plans


def reports_plan(seed, runs: int = 5) -> dict:
    from django.test import Client

    from invoicing.invoices.models import Invoice

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {seed.api_key}")
    invoices = Invoice.objects.filter(workspace_id=seed.workspace_id).exclude(status="draft")
    newest = invoices.order_by("-issue_date").values_list("issue_date", flat=True).first()
    detail_id = invoices.values_list("pk", flat=True).first()
    if newest is None:
        return {}
    # The last whole month (the seed's newest month ends today, a few days in), unless the
    # seed spans a single month (the tiny run).
    latest = newest.replace(day=1) - datetime.timedelta(days=1)
    if not invoices.filter(issue_date__lte=latest).exists():
        latest = newest
    # The dashboard's chart: the 12 months to the latest one (API: sales by month).
    first = (latest.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    detail_ms, detail_queries = _timed(client, f"/api/v1/invoices/{detail_id}", runs)
    found = {"detail_ms": round(detail_ms, 2), "detail_queries": len(detail_queries),
             "documents_in_workspace": invoices.count(),
             "documents_in_month": invoices.filter(issue_date__gte=latest.replace(day=1),
                                                   issue_date__lte=latest).count(),
             "documents_in_12_months": invoices.filter(issue_date__gte=first,
                                                       issue_date__lte=latest).count()}
    for name, path in [
            ("dgii_607", f"/api/v1/reports/dgii-607?period={latest:%Y%m}"),
            ("chart_12_months", f"/api/v1/reports/sales?group_by=month&date_from={first}"
                                f"&date_to={latest}")]:
        median, captured = _timed(client, path, runs)
        plans = _plans(captured)
        found[name] = {
            "path": path, "queries": len(captured), "median_ms": round(median, 2),
            "ratio_to_detail": round(median / detail_ms, 1) if detail_ms else None,
            "seq_scan_on_documents": sorted({t for p in plans for t in p["seq_scans"]}),
            "no_index_for": sorted({t for p in plans for t in p["seq_scans_without_seqscan"]}),
            "plans": plans,
        }
    return found


def index_backed(found: dict) -> bool:
    """Whether an index serves every document table each report reads."""
    return bool(found) and all(not found[name]["no_index_for"]
                               for name in ("dgii_607", "chart_12_months"))


def summary_lines(found: dict, invoices: int) -> list[str]:
    if not found:
        return []
    out = []
    for name, title, span in (
            ("dgii_607", "607 of the last whole month", "documents_in_month"),
            ("chart_12_months", "12-month sales chart", "documents_in_12_months")):
        r = found[name]
        scanned = ", ".join(r["seq_scan_on_documents"]) or "none"
        missing = ", ".join(r["no_index_for"]) or "none"
        out.append(
            f"Reports at {invoices:,} invoices, {title} ({found[span]:,} documents): "
            f"{r['queries']} queries, median {r['median_ms']} ms = "
            f"{r['ratio_to_detail']}× the detail GET ({found['detail_ms']} ms, same run); "
            f"sequential scans of document tables in the chosen plans: {scanned}; tables "
            f"without an index for the report: {missing} (plans in the results file).")
    return out
