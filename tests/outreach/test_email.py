"""Issue 17 "Done when": a real SMTP server on loopback (aiosmtpd, started by the test)
receives the email with the PDF attached (and the XML of an e-CF), the right recipients and
subject; with the SMTP server down the send is retried and the failure is shown, and nothing
else fails."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from invoicing.core import outbox
from invoicing.core.models import OutboxMessage
from invoicing.outreach import documents
from invoicing.outreach.models import DeliveryStatus, EmailDelivery
from tests.conftest import api_client_for
from tests.invoices.helpers import customer, make_invoice
from tests.outreach.helpers import run_outbox
from tests.quotations.helpers import make_quotation
from workspaces.models import Activity
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def _invoice(workspace, email="compras@cliente.do"):
    return make_invoice(workspace, contact=customer(workspace, name="Ferretería Ochoa SRL",
                                                    email=email))


def test_the_email_reaches_a_real_smtp_server_with_the_pdf(api, workspace, smtp_server):
    invoice = _invoice(workspace)
    response = api.post(f"/api/v1/invoices/{invoice.pk}/send",
                        {"cc": ["contabilidad@cliente.do"], "message": "Gracias por su compra."},
                        format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    run_outbox()

    assert len(smtp_server.received) == 1
    got = smtp_server.received[0]
    assert sorted(got.recipients) == ["compras@cliente.do", "contabilidad@cliente.do"]
    message = got.message
    assert message["To"] == "compras@cliente.do"
    assert message["Cc"] == "contabilidad@cliente.do"
    assert message["Subject"] == f"Factura {invoice.document_number} de Acme SRL"
    body = message.get_body(("plain",)).get_content()
    assert "Gracias por su compra." in body
    assert "/p/" in body  # the customer link goes with it
    assert message.get_body(("html",)) is not None
    pdfs = [part for part in message.iter_attachments()
            if part.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in pdfs] == [f"{invoice.document_number}.pdf"]
    assert pdfs[0].get_content().startswith(b"%PDF")

    delivery = EmailDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT
    sent = api.get(f"/api/v1/invoices/{invoice.pk}/emails").json()
    assert sent[0]["status"] == "sent" and sent[0]["last_error"] == ""
    verbs = set(Activity.objects.filter(target_id=invoice.pk, target_type="invoices.invoice")
                .values_list("verb", flat=True))
    assert {"email_queued", "email_sent"} <= verbs


def test_a_redelivered_message_sends_nothing_twice(api, workspace, smtp_server):
    invoice = _invoice(workspace)
    api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")
    run_outbox()
    delivery = EmailDelivery.objects.get()
    # The broker hands the message over again (a worker died after sending).
    OutboxMessage.objects.filter(pk=delivery.outbox_message_id).update(done_at=None)
    outbox.process(delivery.outbox_message_id)
    assert len(smtp_server.received) == 1


def test_an_ecf_goes_with_its_signed_xml(api, workspace, smtp_server):
    """Apps add attachments through `documents.ATTACHMENT_PROVIDERS` (or an `attachments`
    module): the e-CF app gives the signed XML of an accepted e-CF."""
    invoice = _invoice(workspace)
    xml = b"<?xml version='1.0' encoding='UTF-8'?><ECF><Signature/></ECF>"

    def signed_xml(document, kind):
        return [(f"131246796{document.document_number}.xml", xml, "application/xml")]

    documents.ATTACHMENT_PROVIDERS.append(signed_xml)
    try:
        api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")
        run_outbox()
    finally:
        documents.ATTACHMENT_PROVIDERS.remove(signed_xml)
    message = smtp_server.received[0].message
    names = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(names) == {f"{invoice.document_number}.pdf",
                          f"131246796{invoice.document_number}.xml"}
    assert names[f"131246796{invoice.document_number}.xml"].get_content() in (xml, xml.decode())


def test_an_ecf_not_yet_accepted_waits(api, workspace, smtp_server):
    invoice = _invoice(workspace)

    def not_yet(document, kind):
        raise outbox.RetryLater(60, "DGII has not accepted the e-CF yet")

    documents.ATTACHMENT_PROVIDERS.append(not_yet)
    try:
        api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")
        run_outbox()
    finally:
        documents.ATTACHMENT_PROVIDERS.remove(not_yet)
    assert smtp_server.received == []
    delivery = EmailDelivery.objects.get()
    assert delivery.status == DeliveryStatus.QUEUED
    message = OutboxMessage.objects.get(pk=delivery.outbox_message_id)
    assert message.available_at > timezone.now() and message.failed_at is None


def test_the_smtp_server_down_is_retried_then_shown(api, workspace, smtp_down, settings,
                                                    logged_in_client):
    invoice = _invoice(workspace)
    api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")
    delivery = EmailDelivery.objects.get()
    run_outbox()
    message = OutboxMessage.objects.get(pk=delivery.outbox_message_id)
    assert message.attempts == 1 and message.done_at is None and message.failed_at is None
    assert message.available_at > timezone.now() + datetime.timedelta(seconds=5)  # back-off
    shown = api.get(f"/api/v1/invoices/{invoice.pk}/emails").json()[0]
    assert shown["status"] == "queued" and "Connection refused" in shown["last_error"]
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="delivery-error"' in page and "Connection refused" in page

    for _attempt in range(10):  # time passes: every retry comes due
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
        outbox.process(message.pk)
    message.refresh_from_db()
    assert message.failed_at is not None and message.attempts == 5
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "Connection refused" in delivery.last_error
    assert Activity.objects.filter(verb="email_failed", target_id=invoice.pk).count() == 1
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="delivery-failed"' in page
    # Nothing else failed: the invoice is as it was, its other effects ran.
    invoice.refresh_from_db()
    assert invoice.status == "pending_payment"
    assert api.get(f"/api/v1/invoices/{invoice.pk}").status_code == 200
    assert not OutboxMessage.objects.exclude(pk=message.pk).filter(failed_at__isnull=False)


def test_without_any_address_it_is_400(api, workspace):
    invoice = _invoice(workspace, email="")
    response = api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")
    assert response.status_code == 400
    assert "to" in response.json()["error"]["fields"]
    response = api.post(f"/api/v1/invoices/{invoice.pk}/send", {"to": ["no-es-correo"]},
                        format="json")
    assert response.status_code == 400
    assert "to.0" in response.json()["error"]["fields"]
    assert not EmailDelivery.objects.exists()


def test_a_draft_is_not_sent(api, workspace):
    draft = make_invoice(workspace, draft=True)
    response = api.post(f"/api/v1/invoices/{draft.pk}/send", {"to": ["a@b.do"]}, format="json")
    assert response.status_code == 409


def test_a_quotation_is_emailed_and_becomes_sent(api, workspace, smtp_server):
    quotation = make_quotation(workspace, contact=customer(workspace, email="ventas@c.do"))
    response = api.post(f"/api/v1/quotations/{quotation.pk}/send", {}, format="json")
    assert response.status_code == 202
    assert api.get(f"/api/v1/quotations/{quotation.pk}").json()["status"] == "sent"
    run_outbox()
    message = smtp_server.received[0].message
    assert message["Subject"] == f"Cotización {quotation.document_number} de Acme SRL"
    assert [p.get_filename() for p in message.iter_attachments()] == \
        [f"{quotation.document_number}.pdf"]


@pytest.mark.parametrize("kind", ["credit", "debit"])
def test_a_note_is_emailed_with_its_pdf(api, workspace, smtp_server, kind):
    """API.md: `POST /credit-notes/{id}/send` and `/debit-notes/{id}/send`, like invoices."""
    from tests.notes.helpers import amount_line, b01_invoice, credit, debit

    original = b01_invoice(workspace, contact=customer(
        workspace, name="Farmacia Los Hidalgos SRL", tax_id_type="rnc", tax_id="101850043",
        email="pagos@hidalgos.do"))
    note = (credit if kind == "credit" else debit)(
        workspace, original, items=[amount_line("100.00", workspace)])
    response = api.post(f"/api/v1/{kind}-notes/{note.pk}/send", {"cc": ["c@hidalgos.do"]},
                        format="json")
    assert response.status_code == 202, response.content
    # A credit note's id is not a debit note's: the other resource answers 404.
    other = "debit" if kind == "credit" else "credit"
    assert api.post(f"/api/v1/{other}-notes/{note.pk}/send", {}, format="json") \
        .status_code == 404
    run_outbox()
    got = smtp_server.received[0]
    assert sorted(got.recipients) == ["c@hidalgos.do", "pagos@hidalgos.do"]
    title = "Nota de crédito" if kind == "credit" else "Nota de débito"
    assert got.message["Subject"] == f"{title} {note.document_number} de Acme SRL"
    pdfs = [p for p in got.message.iter_attachments()]
    assert [p.get_filename() for p in pdfs] == [f"{note.document_number}.pdf"]
    assert pdfs[0].get_content().startswith(b"%PDF")
    shown = api.get(f"/api/v1/{kind}-notes/{note.pk}/emails").json()
    assert shown[0]["status"] == "sent"
    share = api.get(f"/api/v1/{kind}-notes/{note.pk}/share").json()
    assert "/p/" in share["url"]


def test_a_note_goes_with_the_xml_its_app_gives(api, workspace, smtp_server):
    """The signed XML of an e-CF note comes from the e-CF app's provider, as for invoices."""
    from tests.notes.helpers import amount_line, b01_invoice, credit

    note = credit(workspace, b01_invoice(workspace), items=[amount_line("10.00", workspace)])
    seen = []

    def signed_xml(document, kind):
        seen.append(kind)
        return [(f"{document.document_number}.xml", b"<ECF/>", "application/xml")]

    documents.ATTACHMENT_PROVIDERS.append(signed_xml)
    try:
        api.post(f"/api/v1/credit-notes/{note.pk}/send", {"to": ["a@b.do"]}, format="json")
        run_outbox()
    finally:
        documents.ATTACHMENT_PROVIDERS.remove(signed_xml)
    assert seen == ["credit_note"]
    names = [p.get_filename() for p in smtp_server.received[0].message.iter_attachments()]
    assert names == [f"{note.document_number}.pdf", f"{note.document_number}.xml"]


def test_the_note_page_sends_it(logged_in_client, workspace, smtp_server):
    from tests.notes.helpers import amount_line, b01_invoice, debit

    note = debit(workspace, b01_invoice(workspace), items=[amount_line("10.00", workspace)])
    page = logged_in_client.get(f"/notes/{note.pk}/").content.decode()
    assert f'action="/outreach/debit_note/{note.pk}/send/"' in page
    assert f'value="{note.contact.email}"' in page  # "to" prefilled from the contact
    assert 'data-testid="send-button"' in page
    response = logged_in_client.post(f"/outreach/debit_note/{note.pk}/send/",
                                     {"to": "compras@cliente.do", "cc": "", "message": "Hola"})
    assert response.status_code == 302 and response.url == f"/notes/{note.pk}/"
    run_outbox()
    assert smtp_server.received[0].recipients == ["compras@cliente.do"]
    page = logged_in_client.get(f"/notes/{note.pk}/").content.decode()
    assert 'data-testid="delivery-sent"' in page
    # The wrong kind in the URL finds nothing.
    assert logged_in_client.post(f"/outreach/credit_note/{note.pk}/send/",
                                 {"to": "a@b.do"}).status_code == 404


def test_the_workspace_template_is_the_default_message(api, workspace, smtp_server,
                                                       logged_in_client):
    api.patch("/api/v1/outreach/settings",
              {"email_message": "Gracias por preferirnos. Cuenta BHD 123-456."}, format="json")
    invoice = _invoice(workspace)
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Gracias por preferirnos. Cuenta BHD 123-456." in page  # the form is prefilled
    api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")  # no message given
    run_outbox()
    message = smtp_server.received[0].message
    assert "Cuenta BHD 123-456." in message.get_body(("plain",)).get_content()
    assert "Cuenta BHD 123-456." in message.get_body(("html",)).get_content()


def test_every_send_is_in_the_activity_log_with_recipients_and_outcome(api, workspace,
                                                                        smtp_server, settings):
    invoice = _invoice(workspace)
    api.post(f"/api/v1/invoices/{invoice.pk}/send", {"cc": ["cc@cliente.do"]}, format="json")
    run_outbox()
    log = Activity.objects.filter(target_type="invoices.invoice", target_id=invoice.pk)
    queued = log.get(verb="email_queued")
    assert queued.data["to"] == ["compras@cliente.do"] and queued.data["cc"] == ["cc@cliente.do"]
    sent = log.get(verb="email_sent")
    assert "compras@cliente.do" in sent.description and "cc@cliente.do" in sent.description
    assert sent.data["attachments"] == [f"{invoice.document_number}.pdf"]


def test_english_when_the_workspace_chooses_it(api, workspace, smtp_server):
    api.patch("/api/v1/outreach/settings", {"language": "en"}, format="json")
    invoice = _invoice(workspace)
    api.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json")
    run_outbox()
    message = smtp_server.received[0].message
    assert message["Subject"] == f"Invoice {invoice.document_number} from Acme SRL"
    assert "attached" in message.get_body(("plain",)).get_content()


def test_a_viewer_cannot_send(workspace, owner):
    client = api_client_for(workspace, owner, role=Role.VIEWER)
    invoice = _invoice(workspace)
    assert client.post(f"/api/v1/invoices/{invoice.pk}/send", {}, format="json") \
        .status_code == 403
    assert client.get(f"/api/v1/invoices/{invoice.pk}/emails").status_code == 200


def test_the_page_sends_it(logged_in_client, workspace, smtp_server):
    invoice = _invoice(workspace)
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'value="compras@cliente.do"' in page
    response = logged_in_client.post(f"/outreach/invoice/{invoice.pk}/send/",
                                     {"to": "compras@cliente.do, otro@cliente.do", "cc": "",
                                      "message": "Saludos"})
    assert response.status_code == 302
    run_outbox()
    assert sorted(smtp_server.received[0].recipients) == ["compras@cliente.do",
                                                          "otro@cliente.do"]
