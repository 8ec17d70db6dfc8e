"""In-process measurements `make bench` adds beside the HTTP load (issue 11):

- the lock window: how long the series' counter row stays locked, from the statement that
  takes the number to the end of the COMMIT, over many API creates (statement timestamps in
  this process; the lock is taken by the UPDATE itself);
- the list query's plan at the bench's size (`EXPLAIN (ANALYZE, BUFFERS)`): the page's ids
  come from an index, and no sort runs over the whole workspace;
- the PDF engine's floor: the same lines as a bare xhtml2pdf table with no CSS, rendered in
  the same run, so our document's cost reads as a factor of what the engine needs anyway.
"""

from __future__ import annotations

import re
import statistics
import time

COUNTER_UPDATE = re.compile(r'^UPDATE "fiscal_documentsubtype" SET "next_number"')


def lock_window(seed, bodies: list[str], runs: int = 200) -> dict:
    """Median and p95 (ms) from the counter UPDATE to the end of COMMIT, over `runs` creates
    through the API in this process."""
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {seed.api_key}")
    client.get("/api/v1/invoices?per_page=1")
    taken: list[float] = []
    windows: list[float] = []

    def watch(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if COUNTER_UPDATE.search(sql):
            taken.append(time.perf_counter())
        return result

    real_commit = connection._commit

    def commit():
        real_commit()
        if taken:
            windows.append((time.perf_counter() - taken.pop()) * 1000)
            taken.clear()

    connection._commit = commit
    try:
        with connection.execute_wrapper(watch):
            for index in range(runs):
                response = client.post("/api/v1/invoices", data=bodies[index % len(bodies)],
                                       content_type="application/json",
                                       HTTP_IDEMPOTENCY_KEY=f"bench-lock-{time.time_ns()}")
                if response.status_code != 201:
                    raise RuntimeError(f"create answered {response.status_code}")
    finally:
        del connection._commit
    windows.sort()
    return {"runs": len(windows), "median_ms": round(statistics.median(windows), 2),
            "p95_ms": round(windows[int(len(windows) * 0.95) - 1], 2),
            "max_ms": round(windows[-1], 2), "goal_median_ms": 3.0}


def list_plan(seed) -> dict:
    """The plans of the list page's two queries (its ids, then their rows) at this size."""
    from django.db import connection

    from invoicing.invoices.models import Invoice
    from invoicing.invoices.read import rows_by_ids

    page = Invoice.objects.filter(workspace_id=seed.workspace_id).order_by(
        "-issue_date", "-id").values_list("pk", flat=True)[:50]
    ids_sql, ids_params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {ids_sql}", ids_params)
        ids_plan = "\n".join(row[0] for row in cursor.fetchall())
    ids = list(page)
    captured = []

    def grab(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(grab):
        rows_by_ids(seed.workspace_id, ids)
    rows_sql, rows_params = captured[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {rows_sql}", rows_params)
        rows_plan = "\n".join(row[0] for row in cursor.fetchall())
    sorts_everything = bool(re.search(r"Sort .*rows=(\d{5,})", ids_plan))
    return {"ids_plan": ids_plan, "rows_plan": rows_plan,
            "ids_use_index": "Index" in ids_plan, "sort_over_workspace": sorts_everything,
            "rows_sort": "Sort" in rows_plan.split("\n")[0]}


def _bare_table_html(lines: int) -> str:
    """The same cells as our lines table (number, quantity, description, price, discount,
    ITBIS, amount), with no stylesheet at all."""
    cells = "".join(f"<td>{value}</td>" for value in (
        "1", "2.5", "Producto de prueba con descripción", "RD$455.50", "", "RD$204.98",
        "RD$1,138.75"))
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(lines))
    return (f'<html><body><table width="100%"><tr><th>#</th><th>Cant.</th><th>Descripción'
            f"</th><th>Precio</th><th>Desc.</th><th>ITBIS</th><th>Importe</th></tr>{rows}"
            "</table></body></html>")


def pdf_floor(renders: dict, runs: tuple[int, int]) -> dict:
    """The bare table's render time beside ours, as a factor (goal ≤ 1.5×)."""
    from invoicing.documents.pdf import html_to_pdf

    out = {}
    for ours in renders.values():
        lines = ours["lines"]
        html = _bare_table_html(lines)
        html_to_pdf(html)
        times = []
        for _ in range(runs[0] if lines <= 10 else runs[1]):
            started = time.perf_counter()
            html_to_pdf(html)
            times.append((time.perf_counter() - started) * 1000)
        floor = statistics.median(times)
        out[f"floor_{lines}"] = {"lines": lines, "median_ms": round(floor, 1),
                                 "ours_ms": ours["median_ms"],
                                 "factor": round(ours["median_ms"] / floor, 2),
                                 "goal_factor": 1.5}
    return out


def ecf_setup(seed, count: int, rng) -> list[str]:
    """An electronic issuer for the E31 create run (issue 14): the bench workspace's address,
    a generated test certificate (never a real one), an E31 series with room for the run;
    returns `count` create bodies on E31 (5 product lines, a customer with an RNC)."""
    import json

    from invoicing.ecf import services
    from invoicing.fiscal.models import DocumentSubtype
    from tests.ecf.certs import PASSWORD, p12_for
    from workspaces.models import Workspace

    workspace = Workspace.objects.get(pk=seed.workspace_id)
    if not workspace.address:
        workspace.address = "Av. Winston Churchill 1099, Santo Domingo"
        workspace.save(update_fields=["address"])
    services.ecf_certificate_install(workspace=workspace, actor=None,
                                     p12_bytes=p12_for(workspace.rnc, workspace.name),
                                     password=PASSWORD)
    subtype, _created = DocumentSubtype.objects.get_or_create(
        workspace=workspace, ncf_type="E31", defaults={"name": "e-CF crédito fiscal",
                                                       "document_type": "invoice"})
    if subtype.range_start is None:
        import datetime

        subtype.prefix, subtype.padding = "", 10
        subtype.range_start, subtype.next_number, subtype.range_end = 1, 1, 9_999_999_999
        subtype.valid_until = datetime.date.today().replace(year=datetime.date.today().year + 1)
        subtype.save()
    bodies = []
    for _ in range(count):
        items = [{"product_id": rng.choice(seed.product_ids),
                  "quantity": rng.choice(["1", "2", "3", "1.5", "10"])} for _ in range(5)]
        bodies.append(json.dumps({"contact_id": rng.choice(seed.contact_ids_with_id),
                                  "document_subtype_id": subtype.pk, "payment_term": "Net 30",
                                  "items": items}, separators=(",", ":")))
    return bodies
