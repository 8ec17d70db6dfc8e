"""Under the embedded default (no broker: tasks run inside the request) issuing does not
render the PDF, so it stays fast; the first request for the PDF renders and stores it, and
the next one serves the stored file. With a broker, issuing queues the render."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from invoicing.core.models import OutboxMessage
from invoicing.documents.pdf import ensure_document_pdf, storage_folder
from invoicing.invoices.models import Invoice
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _stored(media: Path, invoice) -> list[Path]:
    return sorted((media / storage_folder(invoice, kind="invoice")).glob("*.pdf"))


def test_embedded_default_renders_the_pdf_on_first_request(settings, media, logged_in_client,
                                                          workspace,
                                                          django_capture_on_commit_callbacks):
    settings.PDF_RENDER_IN_BACKGROUND = False
    with django_capture_on_commit_callbacks(execute=True):
        invoice = make_invoice(workspace)
    assert not OutboxMessage.objects.filter(topic="invoices.pdf").exists()
    assert _stored(media, invoice) == []
    response = logged_in_client.get(reverse("invoices:pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert len(_stored(media, invoice)) == 1
    _name, rendered_now = ensure_document_pdf(Invoice.objects.get(pk=invoice.pk),
                                              kind="invoice")
    assert rendered_now is None  # the second request serves the stored file


def test_with_a_broker_issuing_queues_the_render(settings, media, workspace):
    settings.PDF_RENDER_IN_BACKGROUND = True
    invoice = make_invoice(workspace)
    assert OutboxMessage.objects.filter(topic="invoices.pdf",
                                        payload__invoice_id=invoice.pk).exists()
