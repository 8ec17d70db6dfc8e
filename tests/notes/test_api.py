"""`/api/v1/credit-notes` and `/api/v1/debit-notes`: every refusal and code of API.md's notes
section, the note object, the original's figures, roles, voiding and the PDF."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.utils import timezone

from invoicing.invoices import services as invoice_services
from tests.conftest import api_client_for
from tests.invoices.helpers import customer
from tests.notes.helpers import amount_line, b01_invoice, credit, three_line_invoice
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
CREDIT, DEBIT = "/api/v1/credit-notes", "/api/v1/debit-notes"


@pytest.fixture
def invoice(workspace):
    return b01_invoice(workspace)  # B0100000001, 1,180.00


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_full_credit_note_answers_201_with_the_note(api, invoice, workspace):
    response = api.post(CREDIT, {"invoice_id": invoice.pk, "full": True,
                                 "reason": "Devolución total"}, format="json")
    assert response.status_code == 201, response.content
    note = response.json()
    assert set(note) >= {
        "id", "workspace_id", "document_type", "document_subtype_id", "document_number",
        "ncf_valid_until", "invoice_id", "modified_ncf", "modified_issue_date",
        "modification_code", "reason", "over_30_days", "issue_date", "contact_id", "contact",
        "currency", "currency_id", "exchange_rate", "items", "subtotal_amount",
        "discount_amount", "tax_amount", "total_amount", "status", "cancellation", "ecf",
        "created_at", "updated_at"}
    assert note["document_type"] == "credit_note" and note["document_number"] == "B0400000001"
    assert note["modified_ncf"] == "B0100000001" and note["modification_code"] == 1
    assert note["total_amount"] == "1180.00" and note["status"] == "issued"
    assert note["over_30_days"] is False and note["ecf"] is None
    assert note["items"][0]["invoice_item_id"] == invoice.written_lines[0].pk
    original = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert original["status"] == "credited" and original["amount_due"] == "0.00"
    assert original["credited_amount"] == "1180.00" and original["debited_amount"] == "0.00"
    assert original["credit_notes"] == [{
        "id": note["id"], "document_number": "B0400000001", "issue_date": note["issue_date"],
        "modification_code": 1, "total_amount": "1180.00"}]
    assert api.get(f"{CREDIT}/{note['id']}").json() == note


def test_a_debit_note_raises_what_is_due(api, invoice, workspace):
    response = api.post(DEBIT, {"invoice_id": invoice.pk, "reason": "Flete",
                                "items": [amount_line("100.00", workspace)]}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["document_number"] == "B0300000001"
    original = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert original["debited_amount"] == "118.00" and original["amount_due"] == "1298.00"
    assert [n["document_number"] for n in original["debit_notes"]] == ["B0300000001"]


def test_over_what_is_left_is_credit_exceeds_balance(api, invoice, workspace):
    response = api.post(CREDIT, {"invoice_id": invoice.pk,
                                 "items": [amount_line("1000.01", workspace)]}, format="json")
    assert error_of(response, 400)["code"] == "credit_exceeds_balance"


def test_code_1_for_less_than_what_is_left_is_400(api, invoice, workspace):
    response = api.post(CREDIT, {"invoice_id": invoice.pk, "modification_code": 1,
                                 "items": [amount_line("10.00", workspace)]}, format="json")
    assert error_of(response, 400)["code"] == "annulment_partial"


def test_code_1_on_a_debit_note_is_400(api, invoice, workspace):
    response = api.post(DEBIT, {"invoice_id": invoice.pk, "modification_code": 1,
                                "items": [amount_line("10.00", workspace)]}, format="json")
    assert "modification_code" in error_of(response, 400)["fields"]
    response = api.post(DEBIT, {"invoice_id": invoice.pk, "full": True}, format="json")
    error_of(response, 400)


def test_any_note_on_an_annulled_document_is_409(api, invoice, workspace):
    credit(workspace, invoice, full=True)
    for url in (CREDIT, DEBIT):
        response = api.post(url, {"invoice_id": invoice.pk,
                                  "items": [amount_line("1.00", workspace)]}, format="json")
        assert error_of(response, 409)["code"] == "document_annulled"


def test_a_note_on_a_note_is_400(api, invoice, workspace):
    note = credit(workspace, invoice, items=[amount_line("1.00", workspace)])
    response = api.post(DEBIT, {"modified_ncf": note.document_number,
                                "modified_issue_date": str(note.issue_date),
                                "contact_id": invoice.contact_id,
                                "items": [amount_line("1.00", workspace)]}, format="json")
    assert error_of(response, 400)["code"] == "note_on_note"


def test_a_b_series_note_on_an_e_series_document_is_series_mismatch(api, invoice, workspace):
    response = api.post(CREDIT, {"modified_ncf": "E310000000005",
                                 "modified_issue_date": str(timezone.localdate()),
                                 "contact_id": invoice.contact_id,
                                 "items": [amount_line("1.00", workspace)]}, format="json")
    assert error_of(response, 400)["code"] == "series_mismatch"


def test_a_note_on_a_document_kept_outside_the_system(api, invoice, workspace):
    day = timezone.localdate() - datetime.timedelta(days=45)
    response = api.post(CREDIT, {"modified_ncf": "B0100009999", "modified_issue_date": str(day),
                                 "contact_id": invoice.contact_id,
                                 "items": [amount_line("10.00", workspace)]}, format="json")
    assert response.status_code == 201, response.content
    note = response.json()
    assert note["invoice_id"] is None and note["over_30_days"] is True
    assert note["modified_issue_date"] == str(day)
    response = api.post(CREDIT, {"modified_ncf": "B0100009999",
                                 "items": [amount_line("10.00", workspace)]}, format="json")
    assert "modified_issue_date" in error_of(response, 400)["fields"]


def test_a_draft_or_cancelled_original_is_409(api, workspace):
    draft = b01_invoice(workspace, draft=True)
    response = api.post(CREDIT, {"invoice_id": draft.pk, "full": True}, format="json")
    error_of(response, 409)
    cancelled = b01_invoice(workspace)
    invoice_services.invoice_cancel(invoice=cancelled, actor=None, reason_code="04")
    response = api.post(DEBIT, {"invoice_id": cancelled.pk,
                                "items": [amount_line("1.00", workspace)]}, format="json")
    assert error_of(response, 409)["code"] == "invoice_cancelled"


def test_restocking_more_than_was_sold_is_400(api, workspace):
    invoice, (_rice, oil, _service) = three_line_invoice(workspace)
    line = next(li for li in invoice.written_lines if li.product_id == oil.pk)
    response = api.post(CREDIT, {"invoice_id": invoice.pk, "items": [
        {"invoice_item_id": line.pk, "quantity": "3", "restock": True}]}, format="json")
    error = error_of(response, 400)
    assert error["code"] == "restock_exceeds_sold" and "items.0.quantity" in error["fields"]


def test_a_different_contact_is_400(api, invoice, workspace):
    other = customer(workspace)
    response = api.post(CREDIT, {"invoice_id": invoice.pk, "contact_id": other.pk,
                                 "full": True}, format="json")
    assert error_of(response, 400)["code"] == "contact_mismatch"


def test_input_refusals(api, invoice, workspace, other_workspace):
    body = {"invoice_id": invoice.pk, "items": [amount_line("1.00", workspace)]}
    assert "reason" in error_of(api.post(CREDIT, {**body, "reason": "x" * 91},
                                         format="json"), 400)["fields"]
    assert "modification_code" in error_of(api.post(CREDIT, {**body, "modification_code": 4},
                                                    format="json"), 400)["fields"]
    assert "reason" in error_of(api.post(CREDIT, {**body, "modification_code": 2},
                                         format="json"), 400)["fields"]
    response = api.post(CREDIT, {**body, "modification_code": 2, "reason": "Texto"},
                        format="json")
    assert error_of(response, 400)["code"] == "text_correction_amounts"
    foreign = b01_invoice(other_workspace)
    response = api.post(CREDIT, {"invoice_id": foreign.pk, "full": True}, format="json")
    assert "invoice_id" in error_of(response, 400)["fields"]
    future = str(timezone.localdate() + datetime.timedelta(days=1))
    assert "issue_date" in error_of(api.post(CREDIT, {**body, "issue_date": future},
                                             format="json"), 400)["fields"]


def test_notes_need_the_accountant_role(workspace, invoice):
    seller = api_client_for(workspace, role=Role.SELLER)
    body = {"invoice_id": invoice.pk, "full": True}
    assert error_of(seller.post(CREDIT, body, format="json"), 403)["code"] == "permission_denied"
    assert seller.get(CREDIT).status_code == 200
    accountant = api_client_for(workspace, role=Role.ACCOUNTANT)
    assert accountant.post(CREDIT, body, format="json").status_code == 201


def test_voiding_a_b_series_note_undoes_it(api, invoice, workspace):
    note = credit(workspace, invoice, items=[amount_line("100.00", workspace)])
    url = f"{CREDIT}/{note.pk}/cancel"
    assert error_of(api.post(url, {}, format="json"), 400)["fields"]
    response = api.post(url, {"reason_code": "04", "reason": "Error"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation"]["reason_code"] == "04"
    original = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert original["credited_amount"] == "0.00" and original["credit_notes"] == []
    assert error_of(api.post(url, {"reason_code": "04"}, format="json"), 409)["code"] \
        == "note_cancelled"
    # A debit note's route does not serve credit notes.
    assert api.get(f"{DEBIT}/{note.pk}").status_code == 404


def test_lists_filter_and_sort(api, invoice, workspace):
    first = credit(workspace, invoice, items=[amount_line("10.00", workspace)])
    second = credit(workspace, invoice, items=[amount_line("20.00", workspace)])
    other = b01_invoice(workspace)
    third = credit(workspace, other, items=[amount_line("5.00", workspace)])
    page = api.get(CREDIT, {"invoice_id": invoice.pk, "sort": "total_amount"}).json()
    assert [n["id"] for n in page["results"]] == [first.pk, second.pk]
    page = api.get(CREDIT, {"sort": "-document_number"}).json()
    assert [n["id"] for n in page["results"]] == [third.pk, second.pk, first.pk]
    assert api.get(DEBIT).json()["count"] == 0
    assert api.get(CREDIT, {"ecf_status": "accepted"}).json()["count"] == 0
    assert api.get(CREDIT, {"sort": "reason"}).status_code == 400
    assert api.get(CREDIT, {"issue_date_from": "nope"}).status_code == 400


def test_the_pdf_names_the_modified_document(api, invoice, workspace, tmp_path):
    note = credit(workspace, invoice, reason="Devolución de mercancía",
                  items=[amount_line("100.00", workspace)])
    response = api.get(f"{CREDIT}/{note.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "B0400000001.pdf" in response["Content-Disposition"]
    path = tmp_path / "note.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    for expected in ("Nota de Crédito", "B0400000001", "NCF modificado", "B0100000001",
                     "3 – Corrige montos", "Devolución de mercancía"):
        assert expected in text, expected
