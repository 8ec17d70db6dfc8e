import os, time
from pathlib import Path
from invoicing.invoices.pdf import render_document_html, html_to_pdf
from invoicing.invoices.models import InvoiceStatus
from tests.invoices.pdf_builders import build_invoice, build_quotation, many_lines, plain_subtype

OUT = Path("/tmp/pdfout"); OUT.mkdir(exist_ok=True)

def dump(name, doc, kind="invoice"):
    html = render_document_html(doc, kind=kind)
    (OUT / f"{name}.html").write_text(html)
    (OUT / f"{name}.pdf").write_bytes(html_to_pdf(html))

def test_scratch(workspace, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workspace.address = "Av. Winston Churchill 1099, Torre Acrópolis, piso 12, Santo Domingo"
    workspace.phone = "809-555-0100"; workspace.email = "facturacion@acme.com.do"
    workspace.pdf_footer = "Acme SRL · Cuenta Banreservas 960-123456-7 · ¡Gracias por su compra!"
    from PIL import Image, ImageDraw
    import io
    from django.core.files.base import ContentFile
    img = Image.new("RGB", (360, 160), "#0b5cad"); d = ImageDraw.Draw(img); d.ellipse((20,20,140,140), fill="#ffffff"); d.rectangle((170,60,340,100), fill="#f5b700")
    buf = io.BytesIO(); img.save(buf, "PNG")
    workspace.logo.save("acme.png", ContentFile(buf.getvalue()), save=False)
    workspace.save()
    inv = build_invoice(workspace, payments=[("5000.00", "bank_transfer", "TRF-88231")],
                        status=InvoiceStatus.PARTIALLY_PAID)
    dump("invoice", inv)
    dump("draft", build_invoice(workspace, status=InvoiceStatus.DRAFT))
    dump("cancelled", build_invoice(workspace, number="B0100000002", status=InvoiceStatus.CANCELLED,
         cancel_reason_code="04", cancel_reason="Se facturó al cliente equivocado.", cancelled_at=__import__("django.utils.timezone").utils.timezone.now()))
    dump("plain", build_invoice(workspace, number="INV-0001", subtype=plain_subtype(workspace)))
    dump("quotation", build_quotation(workspace), kind="quotation")
    dump("long", build_invoice(workspace, number="B0100000003", lines=many_lines(100)))

def test_bench(workspace, settings, tmp_path):
    import statistics
    settings.MEDIA_ROOT = tmp_path
    for n in (10, 100):
        inv = build_invoice(workspace, number=f"B01000000{n:02d}", lines=many_lines(n))
        html_to_pdf(render_document_html(inv))  # warm-up
        ht, pt = [], []
        for _ in range(15):
            t0 = time.perf_counter(); html = render_document_html(inv); t1 = time.perf_counter()
            html_to_pdf(html); t2 = time.perf_counter()
            ht.append((t1 - t0) * 1000); pt.append((t2 - t1) * 1000)
        print(f"\n{n} lines: html median {statistics.median(ht):.1f} ms, pdf median {statistics.median(pt):.1f} ms, min total {min(a+b for a,b in zip(ht,pt)):.1f}")

def test_profile(workspace, settings, tmp_path):
    import cProfile, pstats
    settings.MEDIA_ROOT = tmp_path
    inv = build_invoice(workspace, number="B0100000010", lines=many_lines(10))
    html = render_document_html(inv)
    html_to_pdf(html)
    pr = cProfile.Profile(); pr.enable()
    for _ in range(5): html_to_pdf(html)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(45)

def _t(html, n=7):
    import statistics
    html_to_pdf(html)
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); html_to_pdf(html); ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts)

def test_variants(workspace, settings, tmp_path):
    import re
    settings.MEDIA_ROOT = tmp_path
    inv = build_invoice(workspace, number="B0100000010", lines=many_lines(10))
    html = render_document_html(inv)
    print("\nbaseline", _t(html))
    print("no pagecount", _t(html.replace(" de <pdf:pagecount>", "")))
    body_start = html.index("<body>")
    print("empty body", _t(html[:body_start] + "<body><p>x</p></body></html>"))
    print("no css", _t(re.sub(r"<style>.*?</style>", "", html, flags=re.S)))
    lines_only = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    i = lines_only.index('<table class="lines"'); j = lines_only.index("</table>", i) + 8
    print("lines table only no css", _t("<html><body>" + lines_only[i:j] + "</body></html>"))
