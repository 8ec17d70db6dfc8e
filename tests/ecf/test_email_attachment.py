"""Issue 17: the email of an E31 goes once DGII has accepted it, with its signed XML beside
the PDF, as the real SMTP server on loopback receives it; a B01's email carries the PDF
alone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from invoicing.core.models import OutboxMessage
from invoicing.ecf.models import EcfRecord, EcfStatus
from tests.fakes.smtp import smtp_server  # noqa: F401  (fixture)
from tests.invoices.helpers import make_invoice
from tests.outreach.helpers import run_outbox

from .issued import body, prepare_issuer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]


def test_an_e31_email_carries_its_signed_xml(api, workspace, smtp_server):  # noqa: F811
    prepare_issuer(workspace)
    _kind, data = body(workspace, "E31")
    created = api.post("/api/v1/invoices", data, format="json")
    assert created.status_code == 201, created.content
    invoice = created.json()
    sent = api.post(f"/api/v1/invoices/{invoice['id']}/send", {"to": ["compras@cliente.do"]},
                    format="json")
    assert sent.status_code == 202, sent.content
    run_outbox()
    assert smtp_server.received == []  # signed, not yet accepted by DGII: the email waits

    record = EcfRecord.objects.get(document_kind="invoice", document_id=invoice["id"])
    EcfRecord.objects.filter(pk=record.pk).update(status=EcfStatus.ACCEPTED)
    OutboxMessage.objects.filter(topic="outreach.email").update(available_at=timezone.now())
    run_outbox()
    message = smtp_server.received[0].message
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(files) == {f"{invoice['document_number']}.pdf", record.file_name}
    assert record.file_name.endswith(".xml")
    xml = files[record.file_name].get_payload(decode=True)
    assert xml == bytes(record.xml) and b"<SignatureValue>" in xml


def test_a_b01_email_carries_the_pdf_alone(api, workspace, smtp_server):  # noqa: F811
    invoice = make_invoice(workspace)
    api.post(f"/api/v1/invoices/{invoice.pk}/send", {"to": ["compras@cliente.do"]},
             format="json")
    run_outbox()
    names = [p.get_filename() for p in smtp_server.received[0].message.iter_attachments()]
    assert names == [f"{invoice.document_number}.pdf"]


def test_the_customer_link_offers_the_signed_xml_once_accepted(api, workspace):
    """Issue 17: the customer link lets the customer download the PDF and, for an e-CF, its
    signed XML (once DGII accepted it, like the email)."""
    import re

    from django.test import Client

    prepare_issuer(workspace)
    _kind, data = body(workspace, "E31")
    invoice = api.post("/api/v1/invoices", data, format="json").json()
    url = api.get(f"/api/v1/invoices/{invoice['id']}/share").json()["url"]
    path = re.sub(r"^https?://[^/]+", "", url)
    assert 'data-testid="public-xml"' not in Client().get(path).content.decode()
    assert Client().get(f"{path}xml/").status_code == 404  # not accepted yet

    record = EcfRecord.objects.get(document_kind="invoice", document_id=invoice["id"])
    EcfRecord.objects.filter(pk=record.pk).update(status=EcfStatus.ACCEPTED)
    assert f'href="{path}xml/"' in Client().get(path).content.decode()
    xml = Client().get(f"{path}xml/")
    assert xml.status_code == 200 and xml["Content-Type"] == "application/xml"
    assert xml.content == bytes(record.xml)
    assert record.file_name in xml["Content-Disposition"]
    assert xml["X-Robots-Tag"].startswith("noindex")


def test_an_e34_email_carries_its_signed_xml_once_dgii_accepts_it(api, workspace,
                                                                  smtp_server):  # noqa: F811
    """A credit note of the E series goes to the customer like an E31: after DGII accepts
    it, with its PDF and its signed XML."""
    from .issued_notes import issue_note

    prepare_issuer(workspace)
    _kind, note = issue_note(api, workspace, "E34 code 3 within 30 days of an accepted E31")
    sent = api.post(f"/api/v1/credit-notes/{note['id']}/send", {"to": ["compras@cliente.do"]},
                    format="json")
    assert sent.status_code == 202, sent.content
    run_outbox()
    assert smtp_server.received == []  # signed, not yet accepted by DGII: the email waits

    record = EcfRecord.objects.get(document_kind="credit_note", document_id=note["id"])
    EcfRecord.objects.filter(pk=record.pk).update(status=EcfStatus.ACCEPTED)
    OutboxMessage.objects.filter(topic="outreach.email").update(available_at=timezone.now())
    run_outbox()
    message = smtp_server.received[0].message
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert record.file_name in files and any(name.endswith(".pdf") for name in files)
    assert files[record.file_name].get_payload(decode=True) == bytes(record.xml)
