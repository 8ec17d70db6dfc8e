"""Where PDFs are kept and when they are rendered: a content-hashed name in Django storage, one
file however often the document is rendered, a new file when what it prints changes, a render
queued on commit, and the HTTP answer."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from invoicing.celery import app as celery_app
from invoicing.documents.pdf import PdfRenderError, ensure_document_pdf, storage_folder
from invoicing.documents.pdf import storage as pdf_module
from invoicing.invoices import payments, services
from invoicing.invoices.models import Invoice
from invoicing.invoices.pdf import (
    invoice_pdf,
    invoice_pdf_response,
    queue_invoice_pdf,
    render_invoice_pdf,
)
from tests.invoices.pdf_builders import build_invoice, build_quotation, plain_subtype
from tests.invoices.pdf_text import pdf_text


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored(media: Path, document, kind="invoice") -> list[Path]:
    folder = media / storage_folder(document, kind=kind)
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


@pytest.fixture
def invoice(workspace):
    return build_invoice(workspace, subtype=plain_subtype(workspace))


def test_first_request_renders_and_stores_then_serves_the_stored_file(invoice, media):
    assert stored(media, invoice) == []
    first = invoice_pdf(invoice)
    assert first.content.startswith(b"%PDF-")
    assert first.filename == "INV-0001.pdf"
    files = stored(media, invoice)
    assert len(files) == 1
    assert files[0].read_bytes() == first.content
    assert files[0].parent.relative_to(media).as_posix() == \
        f"pdfs/{invoice.workspace_id}/invoice-{invoice.pk}"

    _name, rendered_now = ensure_document_pdf(invoice, kind="invoice")
    assert rendered_now is None  # found, not rendered again
    second = invoice_pdf(Invoice.objects.get(pk=invoice.pk))
    assert second.content == first.content  # byte for byte: the stored file, not a new render
    assert stored(media, invoice) == files


def test_rendering_twice_stores_one_file(invoice, media):
    render_invoice_pdf(invoice.pk)
    render_invoice_pdf(invoice.pk)
    assert len(stored(media, invoice)) == 1


def test_a_changed_invoice_gets_a_new_file_and_the_stale_one_goes(invoice, media):
    before = invoice_pdf(invoice)
    [old_file] = stored(media, invoice)

    services.invoice_update(invoice=invoice, actor=None, notes="Entrega en almacén de Santiago")
    after = invoice_pdf(Invoice.objects.get(pk=invoice.pk))
    [new_file] = stored(media, invoice)
    assert new_file.name != old_file.name
    assert not old_file.exists()
    assert "Entrega en almacén de Santiago" in pdf_text(after.content)
    assert "Entrega en almacén de Santiago" not in pdf_text(before.content)


def test_a_payment_changes_the_file(invoice, media):
    invoice_pdf(invoice)
    [old_file] = stored(media, invoice)
    payments.payment_record(invoice=invoice, actor=None, amount=Decimal("100.00"))
    invoice_pdf(Invoice.objects.get(pk=invoice.pk))
    [new_file] = stored(media, invoice)
    assert new_file.name != old_file.name


def test_a_new_logo_or_footer_changes_the_file(invoice, media, workspace):
    invoice_pdf(invoice)
    [first] = stored(media, invoice)
    workspace.pdf_footer = "Nuevo pie de página"
    workspace.save()
    invoice_pdf(Invoice.objects.get(pk=invoice.pk))
    [second] = stored(media, invoice)
    assert second.name != first.name

    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), "#0b5cad").save(buffer, "PNG")
    workspace.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    invoice_pdf(Invoice.objects.get(pk=invoice.pk))
    [third] = stored(media, invoice)
    assert third.name != second.name


def test_a_lost_race_leaves_one_file(invoice, media):
    """Two workers rendering the same content: the second save must not leave a copy."""
    name, _content = ensure_document_pdf(invoice, kind="invoice")
    pdf_module._store(name, b"%PDF-1.4 other render")
    assert len(stored(media, invoice)) == 1


def test_the_render_is_an_outbox_handler_delivered_with_acks_late(invoice, media):
    from invoicing.core.outbox import HANDLERS

    assert "invoices.pdf" in HANDLERS
    task = celery_app.tasks["outbox.deliver"]
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert render_invoice_pdf(invoice.pk).endswith(".pdf")
    assert render_invoice_pdf(10**9) is None  # a draft deleted meanwhile: nothing to do


def test_queue_renders_only_after_commit(invoice, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            queue_invoice_pdf(invoice.pk)
            assert stored(media, invoice) == []
        assert stored(media, invoice) == []  # committed, callbacks not run yet
    assert len(callbacks) == 1
    assert len(stored(media, invoice)) == 1


def test_issuing_through_the_service_queues_the_render(workspace, media,
                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = build_invoice(workspace, subtype=plain_subtype(workspace))
    assert len(stored(media, invoice)) == 1
    # What the background task stored is what a request then serves, without rendering.
    _name, rendered_now = ensure_document_pdf(Invoice.objects.get(pk=invoice.pk), kind="invoice")
    assert rendered_now is None


def test_quotations_are_stored_apart(workspace, media):
    quotation = build_quotation(workspace)
    pdf = pdf_module.render_document_pdf(quotation, kind="quotation")
    assert pdf.filename == f"{quotation.document_number}.pdf"
    [file] = stored(media, quotation, kind="quotation")
    assert f"quotation-{quotation.pk}" in file.as_posix()


def test_delete_document_pdfs_removes_every_render(invoice, media):
    invoice_pdf(invoice)
    assert stored(media, invoice)
    pdf_module.delete_document_pdfs(invoice, kind="invoice")
    assert stored(media, invoice) == []
    assert not default_storage.exists(f"{storage_folder(invoice, kind='invoice')}/missing.pdf")


@pytest.mark.parametrize("inline, disposition", [(True, "inline"), (False, "attachment")])
def test_http_response(invoice, inline, disposition):
    response = invoice_pdf_response(invoice, inline=inline)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'{disposition}; filename="INV-0001.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert int(response["Content-Length"]) == len(response.content)


def test_api_route_serves_the_pdf_and_hides_other_workspaces(invoice, api, other_api):
    response = api.get(f"/api/v1/invoices/{invoice.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="INV-0001.pdf"' in response["Content-Disposition"]
    assert "INV-0001" in pdf_text(response.content)
    assert other_api.get(f"/api/v1/invoices/{invoice.pk}/pdf").status_code == 404


def test_force_replaces_the_stored_file(invoice, media):
    name = render_invoice_pdf(invoice.pk)
    path = media / name
    path.write_bytes(b"damaged")
    assert render_invoice_pdf(invoice.pk) == name
    assert path.read_bytes() == b"damaged"  # same content hash: left alone
    assert render_invoice_pdf(invoice.pk, force=True) == name
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(stored(media, invoice)) == 1


def test_a_render_failure_answers_503_in_the_error_shape(invoice, monkeypatch):
    def broken(html, **kwargs):
        raise PdfRenderError("xhtml2pdf reported 1 error(s)")

    monkeypatch.setattr(pdf_module, "html_to_pdf", broken)
    response = invoice_pdf_response(invoice, inline=True)
    assert response.status_code == 503
    assert json.loads(response.content)["error"]["code"] == "pdf_unavailable"
