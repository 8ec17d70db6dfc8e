"""Render timings of the invoice PDF (not part of the suite: its name is not test_*.py).

    pytest tests/invoices/bench_pdf.py -s

Builds invoices of 10 and 100 lines through the services (issuer with logo and footer, one
payment, notes), then times, in one process after a warm-up render: building the HTML
(queries + context + template) and turning it into a PDF (xhtml2pdf), each repeated and
reported as median and best wall time, and the PDF's CPU time (process_time), which other
processes on a shared machine disturb least; and serving the stored file (load the invoice,
build the HTML to hash it, read the file), which is what a request costs once the background
render has run.
"""

from __future__ import annotations

import io
import statistics
import time

from django.core.files.base import ContentFile
from PIL import Image

from invoicing.documents.pdf import html_to_pdf, pdf_page_count, render_document_html
from invoicing.invoices.models import Invoice
from invoicing.invoices.pdf import invoice_pdf
from tests.invoices.pdf_builders import build_invoice, many_lines

REPEAT = 15


def _timed(function, repeat=REPEAT, clock=time.perf_counter):
    function()
    times = []
    for _ in range(repeat):
        started = clock()
        function()
        times.append((clock() - started) * 1000)
    return statistics.median(times), min(times)


def test_render_timings(workspace, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (360, 160), "#0b5cad").save(buffer, "PNG")
    workspace.logo.save("logo.png", ContentFile(buffer.getvalue()), save=False)
    workspace.address = "Av. Winston Churchill 1099, Santo Domingo"
    workspace.pdf_footer = "¡Gracias por su compra!"
    workspace.save()
    print()
    for count in (10, 100):
        invoice = build_invoice(workspace, lines=many_lines(count),
                                payments=[("100.00", "cash", "")])
        rendered = render_document_html(invoice, kind="invoice")
        html = _timed(lambda invoice=invoice: render_document_html(invoice, kind="invoice"))
        pdf = _timed(lambda r=rendered: html_to_pdf(r.html, estimated_pages=r.estimated_pages))
        cpu = _timed(lambda r=rendered: html_to_pdf(r.html, estimated_pages=r.estimated_pages),
                     clock=time.process_time)
        pages = pdf_page_count(html_to_pdf(rendered.html,
                                           estimated_pages=rendered.estimated_pages))
        invoice_pdf(invoice)  # stored now: what a request serves once the task has run
        served = _timed(lambda pk=invoice.pk: invoice_pdf(Invoice.objects.get(pk=pk)))
        print(f"{count:>3} lines, {pages} page(s): HTML median {html[0]:.1f} ms "
              f"(best {html[1]:.1f}); PDF median {pdf[0]:.1f} ms (best {pdf[1]:.1f}); "
              f"total best {html[1] + pdf[1]:.1f} ms; PDF CPU time median {cpu[0]:.1f} ms; "
              f"serving the stored file median {served[0]:.1f} ms")
