"""Issuing an E-series invoice makes a real e-CF (issue 14): built from the frozen invoice,
valid against DGII's XSD, signed, stored with the invoice in the issuing transaction, and
shown in its `ecf` block; `GET …/xml` gives the stored bytes. Each case is checked
independently: the XSD, no empty element, figures equal to the API's, Debian's xmlsec1 on the
signature (and one altered byte breaks it), the security code and the QR URL."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from invoicing.ecf import signing
from invoicing.ecf.models import EcfRecord
from invoicing.invoices import read
from invoicing.invoices.models import Invoice

from .issued import CASES, body, ecf_series, prepare_issuer
from .xmlcheck import (
    altered,
    empty_elements,
    parse,
    schema_messages,
    totals_problems,
    xmlsec_verify,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]


@pytest.fixture(autouse=True)
def _issuer(workspace):
    prepare_issuer(workspace)


def _issue(api, workspace, name):
    kind, data = body(workspace, name)
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 201, response.content
    return kind, response.json()


def _xml(api, invoice_id, kind="ecf") -> bytes:
    response = api.get(f"/api/v1/invoices/{invoice_id}/xml", {"kind": kind})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml"
    return response.content


def _total(root, name) -> Decimal:
    text = root.findtext(f"Encabezado/Totales/{name}")
    return Decimal(text) if text is not None else Decimal(0)


@pytest.mark.parametrize("name", CASES)
def test_issued_ecf_is_valid_complete_and_has_the_api_figures(api, workspace, name):
    kind, invoice = _issue(api, workspace, name)
    xml = _xml(api, invoice["id"])
    assert schema_messages(kind, xml) == []
    assert empty_elements(xml) == []
    assert totals_problems(xml) == []
    root = parse(xml)
    assert root.findtext("Encabezado/IdDoc/eNCF") == invoice["document_number"]
    rate = Decimal(invoice["exchange_rate"])
    if invoice["currency"] == "DOP":
        assert _total(root, "MontoTotal") == Decimal(invoice["total_amount"])
        assert _total(root, "TotalITBIS") + _total(root, "MontoImpuestoAdicional") == \
            Decimal(invoice["tax_amount"])
    else:
        other = root.find("Encabezado/OtraMoneda")
        assert other.findtext("TipoMoneda") == invoice["currency"]
        assert Decimal(other.findtext("MontoTotalOtraMoneda")) == Decimal(invoice["total_amount"])
        # Each DOP line is the line × rate to the cent: within a cent per line of the total.
        lines = len(invoice["items"])
        assert abs(_total(root, "MontoTotal") - Decimal(invoice["total_amount"]) * rate) \
            <= Decimal("0.01") * lines * 2
    for item, line in zip(root.iterfind("DetallesItems/Item"), invoice["items"], strict=True):
        assert Decimal(item.findtext("CantidadItem")) == Decimal(line["quantity"])
    assert invoice["ecf"]["status"] == "signed" and invoice["ecf"]["environment"] == "testecf"


@pytest.mark.parametrize("name", CASES)
def test_stored_signature_verifies_with_xmlsec1_and_one_byte_breaks_it(api, workspace, name,
                                                                        tmp_path):
    _kind, invoice = _issue(api, workspace, name)
    xml = _xml(api, invoice["id"])
    record = EcfRecord.objects.get(document_id=invoice["id"])
    assert bytes(record.xml) == xml  # the bytes as stored
    good = xmlsec_verify(xml, tmp_path / "good")
    assert good.returncode == 0, good.stderr
    broken = xmlsec_verify(altered(xml, b"<MontoTotal>"), tmp_path / "broken")
    assert broken.returncode != 0
    value = parse(xml).findtext(f"{{{signing.DS}}}Signature/{{{signing.DS}}}SignatureValue")
    assert invoice["ecf"]["security_code"] == value.strip()[:6] == record.security_code


@pytest.mark.parametrize("name", CASES)
def test_qr_url_has_dgii_parameters_in_order(api, workspace, name):
    _kind, invoice = _issue(api, workspace, name)
    root = parse(_xml(api, invoice["id"]))
    ecf = invoice["ecf"]
    url = urlsplit(ecf["qr_url"])
    params = parse_qsl(url.query)
    total = root.findtext("Encabezado/Totales/MontoTotal")
    code = ecf["security_code"]
    assert f"CodigoSeguridad={quote(code, safe='')}" in url.query
    if name == "E32 under RD$250,000":
        assert url.path == "/testecf/consultatimbrefc"
        assert params == [("RncEmisor", "131246796"), ("ENCF", invoice["document_number"]),
                          ("MontoTotal", total), ("CodigoSeguridad", code)]
        return
    assert url.path == "/testecf/consultatimbre"
    signed = root.findtext("FechaHoraFirma")
    issue = root.findtext("Encabezado/Emisor/FechaEmision")
    buyer = root.findtext("Encabezado/Comprador/RNCComprador")
    assert params == [("RncEmisor", "131246796"), ("RncComprador", buyer),
                      ("ENCF", invoice["document_number"]), ("FechaEmision", issue),
                      ("MontoTotal", total), ("FechaFirma", signed), ("CodigoSeguridad", code)]
    assert f"FechaFirma={signed.replace(' ', '%20')}" in url.query


def test_consumer_invoice_under_250k_keeps_its_signed_rfce(api, workspace, tmp_path):
    _kind, invoice = _issue(api, workspace, "E32 under RD$250,000")
    summary = _xml(api, invoice["id"], kind="rfce")
    assert schema_messages("RFCE", summary) == []
    assert parse(summary).findtext("Encabezado/CodigoSeguridadeCF") == \
        invoice["ecf"]["security_code"]
    assert xmlsec_verify(summary, tmp_path / "rfce").returncode == 0
    _kind, over = _issue(api, workspace, "E32 over RD$250,000")
    assert api.get(f"/api/v1/invoices/{over['id']}/xml", {"kind": "rfce"}).status_code == 404


def test_the_three_read_sources_give_the_same_ecf_block(api, workspace):
    _kind, created = _issue(api, workspace, "E31")
    detail = api.get(f"/api/v1/invoices/{created['id']}").json()
    listed = api.get("/api/v1/invoices").json()["results"][0]
    portable = read.render(read._portable_rows(Invoice.objects.filter(pk=created["id"])))[0]
    assert created["ecf"] == detail["ecf"] == listed["ecf"] == portable["ecf"]
    assert created["ecf"]["signed_at"] and created["ecf"]["track_id"] is None


def test_b_series_invoices_have_no_ecf_and_no_xml(api, workspace):
    from tests.invoices.helpers import customer, fiscal_subtype, tax

    response = api.post("/api/v1/invoices", {
        "contact_id": customer(workspace).pk, "document_subtype_id": fiscal_subtype(workspace).pk,
        "items": [{"description": "Servicio", "quantity": "1", "unit_price": "100.00",
                   "tax_ids": [tax(workspace, "ITBIS 18%").pk]}]}, format="json")
    assert response.status_code == 201 and response.json()["ecf"] is None
    assert api.get(f"/api/v1/invoices/{response.json()['id']}/xml").status_code == 404


def test_an_invoice_that_cannot_make_an_ecf_is_422_and_nothing_is_written(api, workspace):
    workspace.address = ""
    workspace.save(update_fields=["address"])
    _kind, data = body(workspace, "E31")
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "ecf_invalid" and error["fields"]["ecf"]
    assert not Invoice.objects.filter(workspace=workspace).exists()
    assert not EcfRecord.objects.exists()
    assert ecf_series(workspace, "E31").next_number == 1  # the number was not taken


def test_quantities_beyond_two_decimals_are_a_400_on_the_line(api, workspace):
    _kind, data = body(workspace, "E31")
    data["items"][1]["quantity"] = "1.125"
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 400
    assert "items.1.quantity" in response.json()["error"]["fields"]


def test_without_a_certificate_an_e_series_invoice_is_409(api, workspace):
    from invoicing.ecf.models import EcfCertificate

    EcfCertificate.objects.all().delete()
    _kind, data = body(workspace, "E31")
    response = api.post("/api/v1/invoices", data, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ecf_not_configured"


def test_due_date_and_terms_of_an_ecf_no_longer_change(api, workspace):
    _kind, invoice = _issue(api, workspace, "E31")
    response = api.patch(f"/api/v1/invoices/{invoice['id']}", {"payment_term": "60 días"},
                         format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "document_issued"
    assert api.patch(f"/api/v1/invoices/{invoice['id']}", {"notes": "ok"},
                     format="json").status_code == 200
    record = EcfRecord.objects.get(document_id=invoice["id"])
    assert bytes(record.xml) == _xml(api, invoice["id"])


def test_another_workspace_gets_404_on_the_xml(api, other_api, workspace):
    _kind, invoice = _issue(api, workspace, "E31")
    assert other_api.get(f"/api/v1/invoices/{invoice['id']}/xml").status_code == 404
    assert other_api.post(f"/api/v1/invoices/{invoice['id']}/ecf/retry").status_code == 404
