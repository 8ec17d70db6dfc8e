"""What a printed invoice shows (DOMAIN.md "The printed invoice shows", issue 6): read back
from the rendered PDF with pdftotext and compared with the figures the invoice stores (which are
what the API reports)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from invoicing.contacts.identity import format_tax_id
from invoicing.core.money import format_money
from invoicing.documents.pdf import (
    PAGE_COUNT_TOKEN,
    build_document_context,
    html_to_pdf,
    render_document_html,
    render_document_pdf,
)
from invoicing.documents.totals import summarize_stored
from invoicing.invoices.models import Invoice
from invoicing.invoices.pdf import invoice_pdf
from tests.invoices.pdf_builders import (
    DEFAULT_LINES,
    build_invoice,
    build_quotation,
    buyer,
    cancel,
    many_lines,
    plain_subtype,
)
from tests.invoices.pdf_text import lines_with, page_count, pdf_text, squash
from workspaces.models import Currency


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issuer(workspace):
    workspace.address = "Av. Winston Churchill 1099, Torre Acrópolis, Santo Domingo"
    workspace.phone = "809-555-0100"
    workspace.email = "facturacion@acme.com.do"
    workspace.pdf_footer = "Cuenta Banreservas 960-123456-7 · ¡Gracias por su compra!"
    workspace.save()
    return workspace


@pytest.fixture
def invoice(issuer):
    return build_invoice(issuer, payments=[("5000.00", "bank_transfer", "TRF-88231")])


def test_fiscal_invoice_prints_every_dgii_element(invoice, issuer):
    text = pdf_text(invoice_pdf(invoice).content)
    flat = squash(text)

    # Issuer: name, RNC as printed (formatted), address, phone.
    assert "Acme SRL" in text
    assert "RNC: 1-31-24679-6" in text
    assert format_tax_id("rnc", issuer.rnc) == "1-31-24679-6"
    assert "Av. Winston Churchill 1099, Torre Acrópolis" in flat
    assert "809-555-0100" in text
    # NCF, its type's name and the range's expiry.
    assert invoice.document_number == "B0100000001"
    assert "B0100000001" in text
    assert "Factura de Crédito Fiscal" in text
    assert "Válido hasta: 31/12/2026" in text
    # Buyer: name and RNC formatted.
    assert "Distribuidora Peña & Asociados, S.R.L." in text
    assert "RNC: 1-01-85004-3" in text
    # Dates dd/mm/yyyy, payment terms, salesmen.
    assert lines_with(text, "Fecha de emisión", "05/03/2026")
    assert lines_with(text, "Fecha de vencimiento", "04/04/2026")
    assert lines_with(text, "Condiciones de pago", "Neto 30 días")
    assert lines_with(text, "Vendedor", "Ana Núñez")
    # Notes, footer text, page numbers.
    assert "Gracias por preferirnos" in text
    assert "¡Gracias por su compra!" in text
    assert "Página 1 de 1" in text
    assert "BORRADOR" not in text
    assert "ANULADA" not in text


def test_every_line_prints_with_accents_and_its_stored_figures(invoice):
    text = pdf_text(invoice_pdf(invoice).content)
    lines = list(invoice.lines.all())
    assert len(lines) == len(DEFAULT_LINES)
    for line in lines:
        row = lines_with(text, line.description)
        assert row, f"{line.description!r} missing from the PDF"
        row = row[0]
        assert format_money(line.unit_price) in row
        assert format_money(line.net_amount) in row
        itbis = [tax for tax in line.taxes if tax["kind"] == "itbis"]
        if itbis:
            assert format_money(Decimal(itbis[0]["amount"])) in row
        elif any(tax["kind"] == "exempt" for tax in line.taxes):
            assert "Exento" in row
        if line.discount_amount:
            assert format_money(line.discount_amount) in row
    for accented in ("á", "é", "í", "ó", "ú", "ñ", "¿", "¡", "—"):
        assert accented in text


def test_tax_breakdown_and_totals_are_the_stored_figures(invoice):
    text = pdf_text(invoice_pdf(invoice).content)
    totals = summarize_stored(invoice.lines.all())
    assert {row.rate for row in totals.itbis_rows} == {Decimal("18"), Decimal("16")}
    for row in totals.itbis_rows:
        label = f"ITBIS {row.rate.normalize():f}%"
        # The breakdown row: base and ITBIS of that rate; the totals block repeats the amount.
        assert lines_with(text, label, format_money(row.base), format_money(row.amount)), label
    tip = totals.rows_of("tip")[0]
    assert lines_with(text, "Propina legal 10%", format_money(tip.base), format_money(tip.amount))
    assert lines_with(text, "Exento de ITBIS", format_money(totals.exempt_amount))
    assert totals.exempt_amount == Decimal("3300.00")
    assert lines_with(text, "Total gravado / ITBIS", format_money(totals.taxed_base),
                      format_money(totals.itbis_amount))

    invoice.refresh_from_db()
    assert totals.total == invoice.total_amount  # the breakdown adds up to what is stored
    assert lines_with(text, "Subtotal", format_money(invoice.subtotal_amount))
    assert lines_with(text, "Descuento", f"-{format_money(invoice.discount_amount)}")
    assert lines_with(text, "Total DOP", format_money(invoice.total_amount))
    assert lines_with(text, "Pagado", format_money(invoice.amount_paid))
    assert lines_with(text, "Balance pendiente", format_money(invoice.amount_due))
    assert invoice.amount_paid == Decimal("5000.00")
    # Payments received.
    assert lines_with(text, "08/03/2026", "Transferencia", "TRF-88231", "RD$5,000.00")


def test_figures_match_what_the_api_reports(invoice, api):
    body = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    text = pdf_text(invoice_pdf(invoice).content)
    for field in ("subtotal_amount", "total_amount", "amount_paid", "amount_due"):
        assert format_money(Decimal(body[field])) in text, field
    assert f"-{format_money(Decimal(body['discount_amount']))}" in text
    assert body["document_number"] in text
    for item in body["items"]:
        row = lines_with(text, item["description"])[0]
        assert format_money(Decimal(item["subtotal"]) - Decimal(item["discount_amount"])) in row


def test_issued_invoice_prints_the_buyer_frozen_at_issue(invoice):
    contact = invoice.contact
    contact.name = "Otro Nombre Distinto SRL"
    contact.tax_id = "131246796"
    contact.save()
    text = pdf_text(render_document_pdf(Invoice.objects.get(pk=invoice.pk), kind="invoice").content)
    assert "Distribuidora Peña & Asociados, S.R.L." in text
    assert "1-01-85004-3" in text
    assert "Otro Nombre Distinto" not in text


def test_cedula_buyer_is_formatted(issuer):
    contact = buyer(issuer, name="José Ramírez", tax_id_type="cedula", tax_id="00113918205")
    invoice = build_invoice(issuer, contact=contact)
    assert "Cédula: 001-1391820-5" in pdf_text(invoice_pdf(invoice).content)


def test_draft_carries_borrador_and_uses_the_live_contact(issuer):
    draft = build_invoice(issuer, draft=True)
    assert draft.buyer_name == ""
    pdf = invoice_pdf(draft)
    text = pdf_text(pdf.content)
    assert pdf.filename == f"borrador-{draft.pk}.pdf"
    assert text.count("BORRADOR") >= 2  # banner and watermark
    assert "Sin asignar" in text
    assert "Distribuidora Peña & Asociados, S.R.L." in text
    assert "RNC: 1-01-85004-3" in text


def test_cancelled_invoice_carries_anulada_with_its_608_reason(issuer):
    invoice = cancel(build_invoice(issuer))
    text = squash(pdf_text(invoice_pdf(invoice).content))
    assert "ANULADA" in text
    assert "Motivo 04 – Corrección de la información (DGII 608)" in text
    assert "Se facturó al cliente equivocado." in text
    cancelled_on = timezone.localtime(invoice.cancelled_at).date()
    assert f"Fecha de anulación: {cancelled_on:%d/%m/%Y}" in text
    assert "B0100000001" in text


def test_non_fiscal_invoice_uses_the_same_family_without_ncf(issuer):
    invoice = build_invoice(issuer, subtype=plain_subtype(issuer))
    pdf = invoice_pdf(invoice)
    text = pdf_text(pdf.content)
    assert invoice.document_number == "INV-0001"
    assert pdf.filename == "INV-0001.pdf"
    assert "No. INV-0001" in text
    assert "Documento sin comprobante fiscal (NCF)" in text
    assert "Válido hasta" not in text
    assert lines_with(text, "Total DOP", format_money(invoice.total_amount))


def test_foreign_currency_amounts_use_its_symbol_and_rate(issuer):
    usd = Currency.objects.get(workspace=issuer, code="USD")
    usd.exchange_rate = Decimal("60.5000")
    usd.save()
    invoice = build_invoice(issuer, currency_code="USD")
    text = pdf_text(invoice_pdf(invoice).content)
    assert lines_with(text, "Total USD", format_money(invoice.total_amount, "US$"))
    assert "US$4,500.00" in text
    assert "RD$" not in text
    assert lines_with(text, "Moneda", "USD (tasa 60.50)")


def test_quotation_renders_with_the_same_family(issuer):
    quotation = build_quotation(issuer)
    pdf = render_document_pdf(quotation, kind="quotation")
    text = pdf_text(pdf.content)
    assert pdf.filename == f"{quotation.document_number}.pdf"
    assert "Cotización" in text
    assert quotation.document_number in text
    assert lines_with(text, "Válida hasta", quotation.valid_until.strftime("%d/%m/%Y"))
    assert lines_with(text, "Total DOP", format_money(quotation.total_amount))
    for description, *_rest in DEFAULT_LINES:
        assert description in text
    assert "Pagado" not in text
    assert "NCF" not in text.replace("(NCF)", "")


def test_long_invoice_paginates_with_the_header_on_every_page(issuer):
    invoice = build_invoice(issuer, lines=many_lines(100))
    content = invoice_pdf(invoice).content
    pages = page_count(content)
    assert pages >= 3
    seen = set()
    for page in range(1, pages + 1):
        text = pdf_text(content, page=page)
        header = lines_with(text, "Cant.", "Descripción", "Precio unit.", "ITBIS", "Importe")
        assert header, f"no table header on page {page}"
        assert f"Página {page} de {pages}" in text
        assert "B0100000001" in text  # every page names its document
        seen.update(n for n in range(1, 101)
                    if f"Artículo número {n} — año 2026, categoría ñandú" in text)
    assert seen == set(range(1, 101))
    last = pdf_text(content, page=pages)
    assert lines_with(last, "Total DOP", format_money(invoice.total_amount))


def test_page_count_is_right_even_when_the_estimate_is_wrong(issuer):
    invoice = build_invoice(issuer, lines=many_lines(100))
    rendered = render_document_html(invoice, kind="invoice")
    assert PAGE_COUNT_TOKEN in rendered.html
    content = html_to_pdf(rendered.html, estimated_pages=1)
    pages = page_count(content)
    assert pages >= 3
    assert f"Página 1 de {pages}" in pdf_text(content, page=1)


@pytest.mark.parametrize("count", [25, 60])
def test_page_estimate_matches_the_rendered_pages(issuer, count):
    """The estimate only saves a second render; this keeps it honest for common sizes."""
    invoice = build_invoice(issuer, lines=many_lines(count))
    rendered = render_document_html(invoice, kind="invoice")
    content = html_to_pdf(rendered.html, estimated_pages=rendered.estimated_pages)
    assert rendered.estimated_pages == page_count(content)


def test_the_pdf_text_is_spanish_whatever_the_ui_language(invoice):
    from django.utils import translation

    with translation.override("en"):
        context = build_document_context(invoice, kind="invoice")
        text = pdf_text(invoice_pdf(Invoice.objects.get(pk=invoice.pk)).content)
    assert context["title"] == "Factura de Crédito Fiscal"
    assert "Fecha de emisión" in text
    assert "Invoice" not in text
