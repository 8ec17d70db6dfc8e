"""Deleting a draft leaves nothing behind."""

import pytest

from invoicing.invoices import services
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db



def test_deleting_a_draft_removes_its_preview_pdfs(workspace, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from invoicing.documents.pdf import storage_folder
    from invoicing.invoices.pdf import invoice_pdf

    draft = make_invoice(workspace, draft=True)
    invoice_pdf(draft)
    folder = storage_folder(draft, kind="invoice")
    assert default_storage.listdir(folder)[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_delete(invoice=draft, actor=None)
    assert not default_storage.exists(folder) or not default_storage.listdir(folder)[1]
