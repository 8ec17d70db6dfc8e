"""Every rule of DOMAIN.md "Credit and debit notes", through the services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from invoicing.core.errors import Conflict, InvalidInput
from invoicing.invoices import services as invoice_services
from invoicing.invoices.models import Invoice, InvoiceStatus
from invoicing.notes.models import Note, NoteStatus
from invoicing.notes.services import note_cancel
from tests.invoices.helpers import customer
from tests.notes.helpers import D, amount_line, b01_invoice, credit, debit, three_line_invoice

pytestmark = pytest.mark.django_db


def fresh(invoice) -> Invoice:
    return Invoice.objects.get(pk=invoice.pk)


def test_a_partial_credit_note_lowers_what_is_due(workspace):
    invoice = b01_invoice(workspace)  # 1,180.00
    note = credit(workspace, invoice, items=[amount_line("100.00", workspace)])
    assert note.document_number == "B0400000001"
    assert (note.modified_ncf, note.modified_issue_date) == (invoice.document_number,
                                                              invoice.issue_date)
    assert note.total_amount == D("118.00") and note.modification_code == 3
    invoice = fresh(invoice)
    assert invoice.credited_amount == D("118.00")
    assert invoice.amount_due == D("1062.00")
    assert invoice.status == InvoiceStatus.PENDING_PAYMENT


def test_a_note_goes_to_the_buyer_of_the_original(workspace):
    invoice = b01_invoice(workspace)
    other = customer(workspace, name="Otro Cliente SRL")
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, contact_id=other.pk, full=True)
    assert error.value.code == "contact_mismatch"
    # The original's buyer is named as it was frozen on the invoice.
    note = credit(workspace, invoice, contact_id=invoice.contact_id, full=True)
    assert note.contact_id == invoice.contact_id and note.buyer_name == invoice.buyer_name


def test_a_b_series_note_never_modifies_an_e_series_document(workspace):
    b01_invoice(workspace)
    contact = customer(workspace, tax_id_type="rnc", tax_id="131246796")
    with pytest.raises(InvalidInput) as error:
        credit(workspace, modified_ncf="E310000000001",
               modified_issue_date=timezone.localdate(), contact_id=contact.pk,
               items=[amount_line("10.00", workspace)])
    assert error.value.code == "series_mismatch"
    # A B document kept outside the system is fine.
    note = credit(workspace, modified_ncf="B0100000777",
                  modified_issue_date=timezone.localdate(), contact_id=contact.pk,
                  items=[amount_line("10.00", workspace)])
    assert note.invoice_id is None and note.modified_ncf == "B0100000777"


def test_a_note_never_modifies_a_note(workspace):
    invoice = b01_invoice(workspace)
    note = credit(workspace, invoice, items=[amount_line("10.00", workspace)])
    for ncf in (note.document_number, "B0400000999", "E330000000001"):
        with pytest.raises(InvalidInput) as error:
            debit(workspace, modified_ncf=ncf, modified_issue_date=timezone.localdate(),
                  contact_id=invoice.contact_id, items=[amount_line("10.00", workspace)])
        assert error.value.code == "note_on_note", ncf


def test_code_1_credits_the_whole_remainder_then_nothing_more(workspace):
    invoice = b01_invoice(workspace)
    credit(workspace, invoice, items=[{"invoice_item_id": invoice.written_lines[0].pk,
                                       "unit_price": "100.00"}])
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, modification_code=1,
               items=[amount_line("100.00", workspace)])
    assert error.value.code == "annulment_partial"
    note = credit(workspace, invoice, full=True)
    assert note.modification_code == 1 and note.total_amount == D("1062.00")
    invoice = fresh(invoice)
    assert invoice.annulled and invoice.status == InvoiceStatus.CREDITED
    assert invoice.amount_due == 0
    for issue in (credit, debit):
        with pytest.raises(Conflict) as error:
            issue(workspace, invoice, items=[amount_line("1.00", workspace)])
        assert error.value.code == "document_annulled"


def test_code_1_with_every_line_is_accepted(workspace):
    invoice = b01_invoice(workspace)
    line = invoice.written_lines[0]
    note = credit(workspace, invoice, modification_code=1,
                  items=[{"invoice_item_id": line.pk}])
    assert note.total_amount == D("1180.00")
    assert fresh(invoice).status == InvoiceStatus.CREDITED


def test_code_1_is_only_for_credit_notes(workspace):
    invoice = b01_invoice(workspace)
    with pytest.raises(InvalidInput) as error:
        debit(workspace, invoice, modification_code=1, items=[amount_line("1.00", workspace)])
    assert error.value.code == "annulment_on_debit_note"
    with pytest.raises(InvalidInput):
        debit(workspace, invoice, full=True)


def test_code_2_corrects_text_with_zero_amounts(workspace):
    invoice = b01_invoice(workspace)
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, modification_code=2, reason="Nombre del cliente",
               items=[amount_line("10.00", workspace)])
    assert error.value.code == "text_correction_amounts"
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, modification_code=2, reason="")
    assert "reason" in error.value.fields
    note = credit(workspace, invoice, modification_code=2, reason="Corrige la dirección",
                  items=[amount_line("0.00", workspace, description="Dirección correcta")])
    assert note.total_amount == 0
    without_lines = credit(workspace, invoice, modification_code=2, reason="Corrige el RNC")
    assert without_lines.total_amount == 0
    invoice = fresh(invoice)
    assert invoice.credited_amount == 0 and invoice.amount_due == D("1180.00")


@pytest.mark.parametrize(("days", "over"), [(30, False), (31, True)])
def test_the_30_day_flag(workspace, days, over):
    issued = timezone.localdate() - datetime.timedelta(days=days)
    invoice = b01_invoice(workspace, issue_date=issued, due_date=issued)
    note = credit(workspace, invoice, items=[amount_line("10.00", workspace)])
    assert note.over_30_days is over


def test_a_note_is_not_dated_before_its_original_nor_in_the_future(workspace):
    invoice = b01_invoice(workspace)
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, issue_date=invoice.issue_date - datetime.timedelta(days=1),
               items=[amount_line("1.00", workspace)])
    assert "issue_date" in error.value.fields
    with pytest.raises(InvalidInput):
        credit(workspace, invoice, issue_date=timezone.localdate() + datetime.timedelta(days=1),
               items=[amount_line("1.00", workspace)])


def test_a_credit_never_exceeds_what_is_left(workspace):
    invoice = b01_invoice(workspace)
    credit(workspace, invoice, items=[amount_line("500.00", workspace)])  # 590
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, items=[amount_line("500.01", workspace)])
    assert error.value.code == "credit_exceeds_balance"
    # Debit notes add to what is left: now it fits.
    debit(workspace, invoice, items=[amount_line("10.00", workspace, description="Flete")])
    credit(workspace, invoice, items=[amount_line("500.00", workspace)])
    invoice = fresh(invoice)
    assert invoice.amount_left_to_credit == D("11.80")


def test_a_debit_note_of_any_positive_amount_raises_what_is_due(workspace):
    invoice = b01_invoice(workspace)
    note = debit(workspace, invoice, items=[amount_line("5000.00", workspace,
                                                        description="Intereses")])
    assert note.document_number == "B0300000001" and note.total_amount == D("5900.00")
    invoice = fresh(invoice)
    assert invoice.debited_amount == D("5900.00") and invoice.amount_due == D("7080.00")
    with pytest.raises(InvalidInput):
        debit(workspace, invoice, items=[amount_line("0.00", workspace)])


def test_the_original_must_be_issued_and_not_voided(workspace):
    draft = b01_invoice(workspace, draft=True)
    with pytest.raises(Conflict) as error:
        credit(workspace, draft, full=True)
    assert error.value.code == "invoice_is_draft"
    cancelled = b01_invoice(workspace)
    invoice_services.invoice_cancel(invoice=cancelled, actor=None, reason_code="04")
    with pytest.raises(Conflict) as error:
        debit(workspace, cancelled, items=[amount_line("1.00", workspace)])
    assert error.value.code == "invoice_cancelled"


def test_an_invoice_with_notes_is_not_cancelled(workspace):
    invoice = b01_invoice(workspace)
    credit(workspace, invoice, items=[amount_line("1.00", workspace)])
    with pytest.raises(Conflict) as error:
        invoice_services.invoice_cancel(invoice=fresh(invoice), actor=None, reason_code="04")
    assert error.value.code == "invoice_has_notes"


def test_a_credit_beyond_what_is_unpaid_becomes_customer_credit(workspace):
    from invoicing.invoices.payments import payment_record

    invoice = b01_invoice(workspace)
    payment_record(invoice=invoice, actor=None, amount="1000.00")
    note = credit(workspace, invoice, items=[amount_line("500.00", workspace)])  # 590
    assert note.credited_to_balance == D("410.00")
    invoice = fresh(invoice)
    assert invoice.amount_due == 0 and invoice.status == InvoiceStatus.PAID
    assert invoice.contact.credit_balance == D("410.00")
    # Voiding the note takes the credit back.
    note_cancel(note=note, actor=None, reason_code="04")
    invoice = fresh(invoice)
    assert invoice.contact.credit_balance == 0
    assert invoice.credited_amount == 0 and invoice.amount_due == D("180.00")
    assert Note.objects.get(pk=note.pk).status == NoteStatus.CANCELLED


def test_customer_credit_pays_another_invoice_and_is_refunded(workspace):
    from invoicing.invoices.credit import refund_record
    from invoicing.invoices.payments import payment_delete, payment_record

    invoice = b01_invoice(workspace)
    payment_record(invoice=invoice, actor=None, amount="1180.00")
    credit(workspace, invoice, full=True)
    contact = fresh(invoice).contact
    assert contact.credit_balance == D("1180.00")
    other = b01_invoice(workspace, contact=contact, items=[amount_line("2000.00", workspace)])
    with pytest.raises(InvalidInput) as error:
        payment_record(invoice=other, actor=None, amount="1180.01", method="credit_balance")
    assert error.value.code == "credit_balance_insufficient"
    spent = payment_record(invoice=other, actor=None, amount="1000.00",
                           method="credit_balance")
    contact.refresh_from_db()
    assert contact.credit_balance == D("180.00")
    with pytest.raises(InvalidInput):
        refund_record(contact=contact, actor=None, amount="180.01")
    refund_record(contact=contact, actor=None, amount="80.00", method="bank_transfer")
    contact.refresh_from_db()
    assert contact.credit_balance == D("100.00")
    payment_delete(payment=spent, actor=None)  # the credit it spent comes back
    contact.refresh_from_db()
    assert contact.credit_balance == D("1100.00")


def test_a_debit_note_already_paid_is_not_voided(workspace):
    from invoicing.invoices.payments import payment_record

    invoice = b01_invoice(workspace)
    note = debit(workspace, invoice, items=[amount_line("100.00", workspace)])
    payment_record(invoice=fresh(invoice), actor=None, amount="1298.00")
    with pytest.raises(Conflict) as error:
        note_cancel(note=note, actor=None, reason_code="04")
    assert error.value.code == "note_settled"


def test_restock_never_beyond_what_was_sold(workspace):
    invoice, (_rice, oil, service) = three_line_invoice(workspace)
    lines = {line.product_id: line for line in invoice.written_lines}
    credit(workspace, invoice, items=[{"invoice_item_id": lines[oil.pk].pk, "quantity": "1",
                                       "restock": True}])
    with pytest.raises(InvalidInput) as error:
        credit(workspace, invoice, items=[{"invoice_item_id": lines[oil.pk].pk,
                                           "quantity": "1.5", "restock": True}])
    assert error.value.code == "restock_exceeds_sold"
    assert "items.0.quantity" in error.value.fields
    credit(workspace, invoice, items=[{"invoice_item_id": lines[oil.pk].pk, "quantity": "1",
                                       "restock": True}])
    with pytest.raises(InvalidInput):  # a service line has nothing to bring back
        credit(workspace, invoice, items=[{"invoice_item_id": lines[service.pk].pk,
                                           "restock": True}])
    with pytest.raises(InvalidInput):  # a line of another invoice
        other, _ = b01_invoice(workspace), None
        credit(workspace, invoice, items=[{"invoice_item_id": other.written_lines[0].pk}])


def test_a_full_credit_after_a_partial_one_credits_what_is_left_line_by_line(workspace):
    invoice, (rice, oil, service) = three_line_invoice(workspace)
    lines = {line.product_id: line for line in invoice.written_lines}
    credit(workspace, invoice, items=[{"invoice_item_id": lines[oil.pk].pk, "quantity": "1",
                                       "restock": True},
                                      {"invoice_item_id": lines[rice.pk].pk,
                                       "unit_price": "100.00"}])
    debit(workspace, invoice, items=[amount_line("50.00", workspace, description="Flete")])
    left = fresh(invoice).amount_left_to_credit
    note = credit(workspace, invoice, full=True)
    assert note.total_amount == left
    by_line = {line.invoice_line_id: line for line in note.lines.all()}
    assert by_line[lines[oil.pk].pk].quantity == 1 and by_line[lines[oil.pk].pk].restock
    assert by_line[lines[rice.pk].pk].total == D("1062.00") and by_line[lines[rice.pk].pk].restock
    assert not by_line[lines[service.pk].pk].restock
    assert any(line.debit_line_id for line in note.lines.all())
    assert fresh(invoice).status == InvoiceStatus.CREDITED


def test_the_series_type_decides_b_or_e(workspace):
    """The default note series is E34/E33 where the workspace may issue E-series (the e-CF
    app answers `issuing.series_available`), else B04/B03."""
    from invoicing.documents import issuing
    from invoicing.fiscal.models import DocumentSubtype
    from invoicing.notes.services import note_subtype

    b01_invoice(workspace)
    e34 = DocumentSubtype.objects.get(workspace=workspace, ncf_type="E34")  # a default
    assert note_subtype(workspace, "credit_note").ncf_type == "B04"  # not an e-CF issuer
    allow = lambda subtype: True  # noqa: E731 - an electronic issuer, as the e-CF app says
    issuing.register(available=allow)
    try:
        if issuing.series_available(e34):
            assert note_subtype(workspace, "credit_note").pk == e34.pk
    finally:
        issuing._AVAILABLE.remove(allow)
    assert note_subtype(workspace, "debit_note").ncf_type == "B03"
