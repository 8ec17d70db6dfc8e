"""E-series credit and debit notes are real e-CF (issues 14 and 15): issuing an E34 or E33
builds its XML with `InformacionReferencia` (and `IndicadorNotaCredito` on E34), validates it
against DGII's XSD, signs and stores it inside the issuing transaction, and the note's API
object carries its `ecf` block. Each case is checked independently of the code that wrote it:
the XSD, no empty element, the API's figures to the cent, Debian's xmlsec1 on the signature,
the security code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicing.ecf import signing
from invoicing.ecf.models import EcfCertificate, EcfRecord, EcfStatus
from invoicing.notes.models import Note

from .issued import ecf_series, prepare_issuer
from .issued_notes import CASES, PATHS, accepted_e31, amount_line, issue_note, note_body
from .xmlcheck import (
    altered,
    empty_elements,
    order_problems,
    parse,
    schema_messages,
    totals_problems,
    xmlsec_verify,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]


@pytest.fixture(autouse=True)
def _issuer(workspace):
    prepare_issuer(workspace)


def _xml(api, note) -> bytes:
    response = api.get(f"{PATHS[note['document_type']]}/{note['id']}/xml")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/xml"
    return response.content


def _total(root, name) -> Decimal:
    text = root.findtext(f"Encabezado/Totales/{name}")
    return Decimal(text) if text is not None else Decimal(0)


@pytest.mark.parametrize("name", CASES)
def test_issued_note_is_a_valid_complete_ecf_with_the_api_figures(api, workspace, name):
    kind, note = issue_note(api, workspace, name)
    xml = _xml(api, note)
    assert schema_messages(kind, xml) == []
    assert order_problems(kind, xml) == []
    assert empty_elements(xml) == []
    assert totals_problems(xml) == []
    root = parse(xml)
    assert root.findtext("Encabezado/IdDoc/TipoeCF") == kind
    assert root.findtext("Encabezado/IdDoc/eNCF") == note["document_number"]
    assert note["document_number"].startswith(f"E{kind}")
    assert _total(root, "MontoTotal") == Decimal(note["total_amount"])
    assert _total(root, "TotalITBIS") + _total(root, "MontoImpuestoAdicional") == \
        Decimal(note["tax_amount"])
    items = root.findall("DetallesItems/Item")
    assert len(items) == len(note["items"])
    for item, line in zip(items, note["items"], strict=True):
        assert Decimal(item.findtext("CantidadItem")) == Decimal(line["quantity"])
        assert Decimal(item.findtext("MontoItem")) == \
            Decimal(line["subtotal"]) - Decimal(line["discount_amount"])
    reference = root.find("InformacionReferencia")
    assert reference.findtext("NCFModificado") == note["modified_ncf"]
    y, m, d = note["modified_issue_date"].split("-")
    assert reference.findtext("FechaNCFModificado") == f"{d}-{m}-{y}"
    assert reference.findtext("CodigoModificacion") == str(note["modification_code"])
    assert reference.findtext("RazonModificacion") == (note["reason"] or None)
    indicator = root.findtext("Encabezado/IdDoc/IndicadorNotaCredito")
    if kind == "34":
        assert indicator == ("1" if note["over_30_days"] else "0")
        assert note["over_30_days"] == ("over 30 days" in name)
        assert root.find("Encabezado/IdDoc/FechaVencimientoSecuencia") is None
    else:
        assert indicator is None
        assert root.findtext("Encabezado/IdDoc/FechaVencimientoSecuencia")
    assert note["ecf"]["status"] == "signed" and note["ecf"]["environment"] == "testecf"
    assert note["ecf"]["qr_url"].startswith("https://ecf.dgii.gov.do/testecf/consultatimbre?")
    assert f"ENCF={note['document_number']}" in note["ecf"]["qr_url"]


@pytest.mark.parametrize("name", CASES)
def test_note_signature_verifies_with_xmlsec1_and_one_byte_breaks_it(api, workspace, name,
                                                                      tmp_path):
    _kind, note = issue_note(api, workspace, name)
    xml = _xml(api, note)
    record = EcfRecord.objects.get(document_kind=note["document_type"], document_id=note["id"])
    assert bytes(record.xml) == xml and record.file_name == f"131246796{record.encf}.xml"
    good = xmlsec_verify(xml, tmp_path / "good")
    assert good.returncode == 0, good.stderr
    broken = xmlsec_verify(altered(xml, b"<MontoTotal>"), tmp_path / "broken")
    assert broken.returncode != 0
    value = parse(xml).findtext(f"{{{signing.DS}}}Signature/{{{signing.DS}}}SignatureValue")
    assert note["ecf"]["security_code"] == value.strip()[:6] == record.security_code


def test_the_detail_and_the_list_give_the_note_s_ecf_block(api, workspace):
    _kind, created = issue_note(api, workspace, "E34 code 3 within 30 days of an accepted E31")
    detail = api.get(f"/api/v1/credit-notes/{created['id']}").json()
    listed = api.get("/api/v1/credit-notes").json()["results"][0]
    assert created["ecf"] == detail["ecf"] == listed["ecf"]
    assert created["ecf"]["signed_at"] and created["ecf"]["track_id"] is None
    assert created["ecf"]["messages"] == []


def test_note_lists_filter_by_ecf_status(api, workspace):
    from tests.notes.helpers import b01_invoice, credit, note_series

    _kind, electronic = issue_note(api, workspace,
                                   "E34 code 3 within 30 days of an accepted E31")
    paper = credit(workspace, b01_invoice(workspace), full=True,
                   document_subtype_id=note_series(workspace)[0].pk)
    assert paper.document_number.startswith("B04")
    ids = lambda status: {n["id"] for n in api.get(  # noqa: E731
        "/api/v1/credit-notes", {"ecf_status": status}).json()["results"]}
    assert ids("signed") == {electronic["id"]}
    assert ids("accepted") == set()
    EcfRecord.objects.filter(document_id=electronic["id"],
                             document_kind="credit_note").update(status="accepted")
    assert ids("accepted") == {electronic["id"]}
    every = {n["id"] for n in api.get("/api/v1/credit-notes").json()["results"]}
    assert every == {electronic["id"], paper.pk}
    assert api.get("/api/v1/credit-notes", {"ecf_status": "nonsense"}).status_code == 400


def test_b_series_notes_have_no_ecf_and_no_xml(api, workspace):
    from tests.notes.helpers import b01_invoice, credit, note_series

    # B04 named: an electronic issuer's default note series is E34.
    note = credit(workspace, b01_invoice(workspace), full=True,
                  document_subtype_id=note_series(workspace)[0].pk)
    answer = api.get(f"/api/v1/credit-notes/{note.pk}").json()
    assert answer["document_number"].startswith("B04") and answer["ecf"] is None
    assert api.get(f"/api/v1/credit-notes/{note.pk}/xml").status_code == 404
    assert api.post(f"/api/v1/credit-notes/{note.pk}/ecf/retry").status_code == 404


def test_the_xml_route_answers_for_its_own_kind_only(api, workspace):
    _kind, note = issue_note(api, workspace, "E33 of a B01")
    assert api.get(f"/api/v1/debit-notes/{note['id']}/xml").status_code == 200
    assert api.get(f"/api/v1/credit-notes/{note['id']}/xml").status_code == 404
    assert api.get(f"/api/v1/invoices/{note['id']}/xml").status_code == 404


def test_a_note_that_cannot_make_an_ecf_is_422_and_nothing_is_written(api, workspace):
    _kind, note_kind, data = note_body(api, workspace,
                                       "E34 code 3 over 30 days of a document outside the system")
    workspace.address = ""
    workspace.save(update_fields=["address"])
    records = EcfRecord.objects.count()
    response = api.post(PATHS[note_kind], data, format="json")
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "ecf_invalid" and error["fields"]["ecf"]
    assert not Note.objects.filter(workspace=workspace).exists()
    assert EcfRecord.objects.count() == records
    assert ecf_series(workspace, "E34").next_number == 1  # the number was not taken


def test_a_note_on_an_accepted_e31_leaves_the_original_untouched_when_refused(api, workspace):
    original = accepted_e31(api, workspace)
    workspace.address = ""
    workspace.save(update_fields=["address"])
    response = api.post("/api/v1/credit-notes", {
        "invoice_id": original["id"], "document_subtype_id": ecf_series(workspace, "E34").pk,
        "full": True}, format="json")
    assert response.status_code == 422
    after = api.get(f"/api/v1/invoices/{original['id']}").json()
    assert after["credited_amount"] == "0.00" and after["status"] == original["status"]


def test_without_a_certificate_an_e_series_note_is_409(api, workspace):
    _kind, note_kind, data = note_body(api, workspace, "E33 of a B01")
    EcfCertificate.objects.all().delete()
    response = api.post(PATHS[note_kind], data, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ecf_not_configured"
    assert not Note.objects.filter(workspace=workspace).exists()


def test_without_a_certificate_the_default_note_series_is_b(api, workspace):
    from tests.notes.helpers import b01_invoice

    ecf_series(workspace, "E34")
    EcfCertificate.objects.all().delete()
    original = b01_invoice(workspace)
    response = api.post("/api/v1/credit-notes", {"invoice_id": original.pk, "full": True},
                        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["document_number"].startswith("B04")


def test_an_electronic_issuer_s_default_note_series_is_e(api, workspace):
    from tests.notes.helpers import b01_invoice

    ecf_series(workspace, "E33")
    original = b01_invoice(workspace)
    response = api.post("/api/v1/debit-notes", {
        "invoice_id": original.pk, "items": [amount_line(workspace, "100.00")]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["document_number"].startswith("E33")
    assert response.json()["ecf"]["status"] == "signed"


@pytest.mark.parametrize("status", [EcfStatus.SIGNED, EcfStatus.SENT, EcfStatus.REJECTED])
def test_a_note_on_an_e31_dgii_has_not_accepted_is_409(api, workspace, status):
    original = accepted_e31(api, workspace, status=status)
    response = api.post("/api/v1/credit-notes", {
        "invoice_id": original["id"], "document_subtype_id": ecf_series(workspace, "E34").pk,
        "full": True}, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "ecf_not_accepted"
    assert not Note.objects.filter(workspace=workspace).exists()


def test_a_b_series_note_on_an_e31_is_series_mismatch(api, workspace):
    from tests.notes.helpers import note_series

    b04, _b03 = note_series(workspace)
    original = accepted_e31(api, workspace)
    response = api.post("/api/v1/credit-notes", {
        "invoice_id": original["id"], "document_subtype_id": b04.pk, "full": True},
        format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "series_mismatch"


def test_an_e34_note_cannot_be_cancelled(api, workspace):
    _kind, note = issue_note(api, workspace, "E34 code 1 within 30 days of an accepted E31")
    response = api.post(f"/api/v1/credit-notes/{note['id']}/cancel", {"reason_code": "01"},
                        format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "ecf_note_not_voidable"
    record = EcfRecord.objects.get(document_kind="credit_note", document_id=note["id"])
    assert record.status == EcfStatus.SIGNED
    assert api.get(f"/api/v1/credit-notes/{note['id']}").json()["status"] == "issued"


def test_retry_queues_the_sending_and_refuses_a_final_status(api, workspace):
    from invoicing.core.models import OutboxMessage

    _kind, note = issue_note(api, workspace, "E33 of a B01")
    url = f"/api/v1/debit-notes/{note['id']}/ecf/retry"
    before = OutboxMessage.objects.filter(topic="ecf.send").count()
    response = api.post(url)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "signed"
    assert OutboxMessage.objects.filter(topic="ecf.send").count() == before + 1
    EcfRecord.objects.filter(document_kind="debit_note").update(status="accepted")
    response = api.post(url)
    assert response.status_code == 409


def test_another_workspace_gets_404_on_the_note_routes(api, other_api, workspace):
    _kind, note = issue_note(api, workspace, "E34 code 1 over 30 days of a B01")
    base = f"/api/v1/credit-notes/{note['id']}"
    assert other_api.get(f"{base}/xml").status_code == 404
    assert other_api.post(f"{base}/ecf/retry").status_code == 404


def test_an_e34_s_issued_event_carries_its_ecf_block_and_keeps_the_lock_window(workspace):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from invoicing.core.models import OutboxMessage
    from invoicing.webhooks import services as webhook_services
    from tests.notes.helpers import b01_invoice, credit
    from tests.webhooks.test_note_events import lock_window

    webhook_services.webhook_create(workspace=workspace, actor=None,
                                    url="https://erp.example.com/hooks",
                                    events=["credit_note.issued"])
    invoice = b01_invoice(workspace)
    subtype = ecf_series(workspace, "E34")
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        note = credit(workspace, invoice, document_subtype_id=subtype.pk,
                      items=[amount_line(workspace, "100.00")])
    # After the number: the note's number, the activity, the signed record, its outbox rows.
    assert [sql for sql in lock_window(captured) if sql.startswith("SELECT")] == []
    [event] = [m.payload for m in OutboxMessage.objects.filter(topic="webhooks.fan_out")]
    assert event["type"] == "credit_note.issued"
    assert event["data"]["object"] == "credit_note"
    assert event["data"]["document_number"] == note.document_number
    record = EcfRecord.objects.get(document_kind="credit_note", document_id=note.pk)
    assert event["data"]["ecf"]["security_code"] == record.security_code
    assert event["data"]["ecf"]["status"] == "signed"


def test_an_e34_returning_goods_reads_nothing_after_its_number(workspace, tmp_path):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tests.notes.helpers import credit, three_line_invoice
    from tests.webhooks.test_note_events import lock_window

    invoice, _products = three_line_invoice(workspace)
    subtype = ecf_series(workspace, "E34")
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        note = credit(workspace, invoice, document_subtype_id=subtype.pk, full=True)
    assert [sql for sql in lock_window(captured) if sql.startswith("SELECT")] == []
    xml = bytes(EcfRecord.objects.get(document_kind="credit_note", document_id=note.pk).xml)
    assert schema_messages("34", xml) == [] and empty_elements(xml) == []
    kinds = [item.findtext("IndicadorBienoServicio")
             for item in parse(xml).iterfind("DetallesItems/Item")]
    assert kinds == ["1", "1", "2"]  # two goods that come back (1), one service (2)
    assert xmlsec_verify(xml, tmp_path).returncode == 0


def test_a_text_correction_e34_is_a_valid_ecf_or_a_clear_422(api, workspace):
    from tests.notes.helpers import b01_invoice

    subtype = ecf_series(workspace, "E34").pk
    original = b01_invoice(workspace)
    zero = api.post("/api/v1/credit-notes", {
        "invoice_id": original.pk, "document_subtype_id": subtype, "modification_code": 2,
        "reason": "Corrige el nombre del cliente",
        "items": [amount_line(workspace, "0.00", "Corrección de texto")]}, format="json")
    assert zero.status_code == 201, zero.content
    xml = _xml(api, zero.json())
    assert schema_messages("34", xml) == [] and empty_elements(xml) == []
    assert parse(xml).findtext("InformacionReferencia/CodigoModificacion") == "2"
    bare = api.post("/api/v1/credit-notes", {
        "invoice_id": original.pk, "document_subtype_id": subtype, "modification_code": 2,
        "reason": "Corrige el nombre del cliente"}, format="json")
    assert bare.status_code == 422, bare.content
    assert bare.json()["error"]["code"] == "ecf_invalid"
