"""The e-CF of a note on its pages and on paper (issues 14 and 15): the detail's e-CF panel
(status, DGII's messages, security code, the signed XML, "reintentar envío" for accountants
and up), the list's badge and filter by e-CF status at a constant query count, and the
printed E34: e-NCF, "Nota de Crédito Electrónica", the security code, the signing date, the
legend and a QR that reads back as the stored URL."""

from __future__ import annotations

import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from invoicing.ecf.models import EcfRecord, EcfStatus
from tests.invoices.pdf_text import pdf_text, squash

from .issued import prepare_issuer
from .issued_notes import issue_note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("installed_certificate")]
LEGEND = "Representación impresa de un comprobante fiscal electrónico"


@pytest.fixture(autouse=True)
def _issuer(workspace):
    prepare_issuer(workspace)


def _record(note) -> EcfRecord:
    return EcfRecord.objects.get(document_kind=note["document_type"], document_id=note["id"])


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_note_page_shows_its_ecf_and_offers_xml_and_retry(api, workspace,
                                                               logged_in_client, client):
    from tests.conftest import make_member

    _kind, note = issue_note(api, workspace, "E34 code 1 within 30 days of an accepted E31")
    record = _record(note)
    page = logged_in_client.get(f"/notes/{note['id']}/").content.decode()
    assert 'data-testid="ecf-panel"' in page and record.security_code in page
    assert 'data-testid="ecf-retry"' in page
    assert f"/notes/{note['id']}/cancel/" not in page  # DGII has it: never voided
    xml = logged_in_client.get(f"/settings/ecf/notes/{note['id']}/xml/")
    assert xml.status_code == 200 and xml.content == bytes(record.xml)
    assert record.file_name in xml["Content-Disposition"]
    assert logged_in_client.post(f"/settings/ecf/notes/{note['id']}/retry/").status_code == 302
    viewer = make_member(workspace, role="viewer")
    client.force_login(viewer)
    page = client.get(f"/notes/{note['id']}/").content.decode()
    assert 'data-testid="ecf-panel"' in page and 'data-testid="ecf-retry"' not in page
    assert client.post(f"/settings/ecf/notes/{note['id']}/retry/").status_code == 403


def test_a_rejected_note_says_so_with_dgii_messages(api, workspace, logged_in_client):
    _kind, note = issue_note(api, workspace, "E33 of a B01")
    EcfRecord.objects.filter(pk=_record(note).pk).update(
        status=EcfStatus.REJECTED, messages=[{"code": "64", "message": "NCF modificado inválido"}])
    page = logged_in_client.get(f"/notes/{note['id']}/").content.decode()
    assert 'data-testid="ecf-rejected"' in page and "NCF modificado inválido" in page
    assert 'data-testid="ecf-retry"' not in page


def test_a_b_series_note_page_has_no_ecf_panel(workspace, logged_in_client):
    from tests.notes.helpers import b01_invoice, credit, note_series

    # B04 named: an electronic issuer's default note series is E34.
    note = credit(workspace, b01_invoice(workspace), full=True,
                  document_subtype_id=note_series(workspace)[0].pk)
    page = logged_in_client.get(f"/notes/{note.pk}/").content.decode()
    assert 'data-testid="ecf-panel"' not in page
    assert logged_in_client.get(f"/settings/ecf/notes/{note.pk}/xml/").status_code == 404


def test_another_workspace_cannot_download_a_note_s_xml(api, workspace, client, intruder,
                                                        other_workspace):
    _kind, note = issue_note(api, workspace, "E33 of a B01")
    client.force_login(intruder)
    assert client.get(f"/settings/ecf/notes/{note['id']}/xml/").status_code == 404
    assert client.post(f"/settings/ecf/notes/{note['id']}/retry/").status_code == 404


def _list_queries(client, path="/notes/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_note_list_shows_and_filters_by_ecf_status_at_a_constant_cost(
        api, workspace, logged_in_client):
    # The older B01 first: in a fiscal series numbers follow dates.
    _kind, second = issue_note(api, workspace, "E34 code 1 over 30 days of a B01")
    _kind, first = issue_note(api, workspace, "E33 of a B01")
    EcfRecord.objects.filter(pk=_record(second).pk).update(status=EcfStatus.ACCEPTED)
    page = logged_in_client.get("/notes/").content.decode()
    assert page.count('data-testid="ecf-status"') == 2
    accepted = logged_in_client.get("/notes/?ecf_status=accepted").content.decode()
    assert second["document_number"] in accepted and first["document_number"] not in accepted
    credit_only = logged_in_client.get("/notes/?kind=debit_note&ecf_status=accepted")
    assert second["document_number"] not in credit_only.content.decode()
    _list_queries(logged_in_client)
    few = _list_queries(logged_in_client)
    for _ in range(3):
        issue_note(api, workspace, "E33 of a document outside the system")
    assert _list_queries(logged_in_client) == few


@pytest.mark.parametrize("name, title", [
    ("E34 code 3 within 30 days of an accepted E31", "Nota de Crédito Electrónica"),
    ("E33 of a B01", "Nota de Débito Electrónica"),
])
def test_the_note_pdf_shows_the_ecf_and_its_qr_reads_back(api, workspace, tmp_path, name,
                                                          title):
    _kind, note = issue_note(api, workspace, name)
    record = _record(note)
    path = "credit-notes" if note["document_type"] == "credit_note" else "debit-notes"
    response = api.get(f"/api/v1/{path}/{note['id']}/pdf")
    assert response.status_code == 200
    content = _content(response)
    text = squash(pdf_text(content))
    signed = timezone.localtime(record.signed_at, ZoneInfo("America/Santo_Domingo"))
    assert "e-NCF" in text and note["document_number"] in text
    assert title in text and note["modified_ncf"] in text
    assert record.security_code in text
    assert signed.strftime("%d-%m-%Y %H:%M:%S") in text
    assert LEGEND in text
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=120)
    page = next(tmp_path.glob("page*.png"))
    read = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True,
                          text=True, timeout=120)
    assert read.stdout.strip() == record.qr_url


def test_a_b_series_note_pdf_has_no_ecf_elements(api, workspace):
    from tests.notes.helpers import b01_invoice, credit, note_series

    # B04 named: an electronic issuer's default note series is E34.
    note = credit(workspace, b01_invoice(workspace), full=True,
                  document_subtype_id=note_series(workspace)[0].pk)
    text = squash(pdf_text(_content(api.get(f"/api/v1/credit-notes/{note.pk}/pdf"))))
    assert note.document_number in text
    assert "e-NCF" not in text and LEGEND not in text


def test_the_note_form_of_an_accepted_e31_issues_an_e34_with_its_ecf(api, workspace,
                                                                    logged_in_client):
    from invoicing.notes.models import Note
    from tests.ecf.issued import ecf_series
    from tests.ecf.issued_notes import accepted_e31

    ecf_series(workspace, "E34")
    original = accepted_e31(api, workspace)
    response = logged_in_client.post(f"/notes/credit/new/{original['id']}/", {
        "full": "on", "modification_code": "1", "reason": "Anulación",
        "issue_date": original["issue_date"]})
    assert response.status_code == 302, response.content.decode()[:500]
    note = Note.objects.get()
    assert note.document_number.startswith("E34")
    record = EcfRecord.objects.get(document_kind="credit_note", document_id=note.pk)
    page = logged_in_client.get(f"/notes/{note.pk}/").content.decode()
    assert record.security_code in page and 'data-testid="ecf-panel"' in page


def test_the_note_form_of_an_e31_dgii_has_not_accepted_says_so(api, workspace,
                                                               logged_in_client):
    from invoicing.notes.models import Note
    from tests.ecf.issued import ecf_series
    from tests.ecf.issued_notes import accepted_e31

    ecf_series(workspace, "E34")
    original = accepted_e31(api, workspace, status=EcfStatus.SENT)
    response = logged_in_client.post(f"/notes/credit/new/{original['id']}/", {
        "full": "on", "modification_code": "1", "issue_date": original["issue_date"]})
    assert response.status_code == 200
    assert f"DGII aún no ha aceptado {original['document_number']}" in \
        response.content.decode()
    assert not Note.objects.exists()
