"""The printed copy of an e-CF (issue 14): `pdftotext` shows the e-NCF, the electronic type
name, the security code, the signing date and the legend; `zbarimg` reads the QR on the page
back as the stored URL. A B-series PDF stays as it was."""

from __future__ import annotations

import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from invoicing.ecf.models import EcfRecord
from tests.invoices.pdf_text import pdf_text, squash

from .issued import body, prepare_issuer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]
LEGEND = "Representación impresa de un comprobante fiscal electrónico"


@pytest.mark.parametrize("name, title", [
    ("E31", "Factura de Crédito Fiscal Electrónica"),
    ("E32 under RD$250,000", "Factura de Consumo Electrónica"),
])
def test_the_pdf_shows_the_ecf_and_its_qr_reads_back(api, workspace, tmp_path, name, title):
    prepare_issuer(workspace)
    _kind, data = body(workspace, name)
    invoice = api.post("/api/v1/invoices", data, format="json").json()
    record = EcfRecord.objects.get(document_id=invoice["id"])
    response = api.get(f"/api/v1/invoices/{invoice['id']}/pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = squash(pdf_text(content))
    signed = timezone.localtime(record.signed_at, ZoneInfo("America/Santo_Domingo"))
    assert "e-NCF" in text and invoice["document_number"] in text
    assert title in text
    assert record.security_code in text
    assert signed.strftime("%d-%m-%Y %H:%M:%S") in text
    assert LEGEND in text
    pdf = tmp_path / "ecf.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    page = next(tmp_path.glob("page*.png"))
    read = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True,
                          text=True, timeout=120)
    assert read.stdout.strip() == record.qr_url


def test_a_b_series_pdf_has_no_ecf_elements(api, workspace):
    from tests.invoices.helpers import customer, fiscal_subtype, tax

    invoice = api.post("/api/v1/invoices", {
        "contact_id": customer(workspace).pk, "document_subtype_id": fiscal_subtype(workspace).pk,
        "items": [{"description": "Servicio", "quantity": "1", "unit_price": "100.00",
                   "tax_ids": [tax(workspace, "ITBIS 18%").pk]}]}, format="json").json()
    response = api.get(f"/api/v1/invoices/{invoice['id']}/pdf")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = squash(pdf_text(content))
    assert "NCF" in text and "e-NCF" not in text and LEGEND not in text
