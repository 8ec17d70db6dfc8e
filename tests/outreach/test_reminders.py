"""Issue 17 "Done when": reminders with the scheduler run twice concurrently on PostgreSQL:
each reminder sent once, none for paid documents; a late run catches up without doubling."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections
from django.utils import timezone

from invoicing.invoices.payments import payment_record
from invoicing.outreach.models import DeliveryPurpose, EmailDelivery, ReminderSent
from invoicing.outreach.reminders import reminders_run
from invoicing.outreach.services import outreach_settings_update
from tests.invoices.helpers import customer, make_invoice
from tests.outreach.helpers import run_outbox

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _enable(workspace, days=(-3, 0, 7, 30)):
    return outreach_settings_update(workspace=workspace, actor=None, reminders_enabled=True,
                                    reminder_days=list(days),
                                    reminder_message="Puede pagar por transferencia.")


def _due_in(workspace, days: int, **kwargs):
    return make_invoice(workspace, due_date=_days(days), issue_date=min(TODAY, _days(days)),
                        contact=customer(workspace, email=f"c{days}@cliente.do"), **kwargs)


def test_each_offset_is_sent_once_on_its_day(workspace):
    _enable(workspace)
    invoice = _due_in(workspace, 3)  # due in 3 days: the "3 days before" reminder is due
    assert reminders_run(today=TODAY) == 1
    assert reminders_run(today=TODAY) == 0
    assert reminders_run(today=_days(1)) == 0
    assert reminders_run(today=_days(3)) == 1  # on the due date
    assert reminders_run(today=_days(10)) == 1  # 7 days after
    assert reminders_run(today=_days(10)) == 0
    assert sorted(ReminderSent.objects.filter(invoice=invoice)
                  .values_list("offset_days", flat=True)) == [-3, 0, 7]
    deliveries = EmailDelivery.objects.filter(purpose=DeliveryPurpose.REMINDER)
    assert deliveries.count() == 3
    assert deliveries.first().subject.startswith("Recordatorio de pago")


def test_paid_credited_and_cancelled_invoices_are_never_reminded(workspace):
    _enable(workspace)
    paid = _due_in(workspace, 0)
    payment_record(invoice=paid, actor=None, amount=str(paid.total_amount))
    from invoicing.invoices.services import invoice_cancel

    cancelled = _due_in(workspace, 0)
    invoice_cancel(invoice=cancelled, actor=None, reason_code="04")
    draft = _due_in(workspace, 0, draft=True)
    from tests.notes.helpers import b01_invoice, credit

    credited = b01_invoice(workspace, due_date=TODAY, issue_date=TODAY, contact=customer(
        workspace, name="Farmacia Los Hidalgos SRL", tax_id_type="rnc", tax_id="101850043",
        email="pagos@hidalgos.do"))
    credit(workspace, credited, full=True, modification_code=1)
    credited.refresh_from_db()
    assert credited.status == "credited"
    assert reminders_run(today=_days(40)) == 0
    assert not ReminderSent.objects.filter(
        invoice__in=[paid, cancelled, draft, credited]).exists()


def test_a_late_run_sends_the_latest_reminder_only_once(workspace):
    _enable(workspace)
    invoice = _due_in(workspace, 0)
    # The scheduler was down for two weeks: only "7 days after" goes, the rest are claimed.
    assert reminders_run(today=_days(14)) == 1
    claims = dict(ReminderSent.objects.filter(invoice=invoice)
                  .values_list("offset_days", "delivery_id"))
    assert set(claims) == {-3, 0, 7}
    assert claims[-3] is None and claims[0] is None and claims[7] is not None
    assert reminders_run(today=_days(14)) == 0
    assert reminders_run(today=_days(31)) == 1
    assert reminders_run(today=_days(60)) == 0
    assert EmailDelivery.objects.count() == 2


def test_off_by_default_and_a_customer_without_email_is_skipped(workspace):
    invoice = _due_in(workspace, 0)
    assert reminders_run(today=_days(7)) == 0
    _enable(workspace)
    invoice.contact.email = ""
    invoice.contact.save()
    assert reminders_run(today=_days(7)) == 0
    assert ReminderSent.objects.get(invoice=invoice, offset_days=7).note == "no address"


def test_the_reminder_email_goes_out(workspace, smtp_server):
    _enable(workspace)
    invoice = _due_in(workspace, 0)
    reminders_run(today=TODAY)
    run_outbox()
    message = smtp_server.received[0].message
    assert message["To"] == "c0@cliente.do"
    assert message["Subject"] == f"Recordatorio de pago: Factura {invoice.document_number} " \
                                 "de Acme SRL"
    body = message.get_body(("plain",)).get_content()
    assert "vence el" in body and "Puede pagar por transferencia." in body


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_reminder_once(workspace):
    _enable(workspace)
    invoices = [_due_in(workspace, days) for days in (3, 0, -7, -30, -8, 5)]
    paid = _due_in(workspace, -7)
    payment_record(invoice=paid, actor=None, amount=str(paid.total_amount))
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait()
            counts.append(reminders_run(today=TODAY))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    for _round in range(2):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    # 3 days before (due in 3), on the due date, 7 after, 30 after, 7 after (due 8 days
    # ago): five invoices with a reminder due; the one due in 5 days has none yet.
    assert sum(counts) == 5
    sent = list(ReminderSent.objects.exclude(delivery=None)
                .values_list("invoice_id", "offset_days"))
    assert len(sent) == len(set(sent)) == 5
    assert EmailDelivery.objects.count() == 5
    assert not ReminderSent.objects.filter(invoice=paid).exists()
    assert not ReminderSent.objects.filter(invoice=invoices[-1]).exists()
