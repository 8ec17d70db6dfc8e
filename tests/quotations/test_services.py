"""Quotation rules at the service level: numbering, totals shared with invoices, expiry (the
periodic task, its management command), the conversion's all-or-nothing transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from invoicing.core.errors import Conflict, InvalidInput
from invoicing.documents import totals
from invoicing.documents.totals import summarize_stored
from invoicing.invoices.models import Invoice
from invoicing.quotations import conversion, services
from invoicing.quotations.models import Quotation, QuotationStatus
from tests.conftest import make_workspace
from tests.invoices.helpers import plain_subtype, tax
from tests.quotations.helpers import make_quotation, mixed_items, quotation_subtype
from workspaces.models import Activity

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def set_dates(quotation, *, issue, until):
    Quotation.objects.filter(pk=quotation.pk).update(issue_date=issue, valid_until=until)


class TestTotals:
    def test_mixed_discounts_and_rates_to_the_cent(self, workspace):
        quotation = make_quotation(workspace, items=mixed_items(workspace))
        # Worked by hand: gross 6725.81, discounts 208.86, taxes 870.90.
        assert (quotation.subtotal_amount, quotation.discount_amount, quotation.tax_amount,
                quotation.total_amount) == (Decimal("6725.81"), Decimal("208.86"),
                                            Decimal("870.90"), Decimal("7387.85"))
        lines = list(quotation.lines.order_by("position"))
        assert [line.total for line in lines] == [Decimal("1119.99"), Decimal("1275.28"),
                                                  Decimal("1692.60"), Decimal("2949.98"),
                                                  Decimal("350.00")]
        assert lines[0].taxes[1] == {"id": tax(workspace, "Propina legal 10%").pk,
                                     "name": "Propina legal 10%", "kind": "tip",
                                     "rate": "10.00", "amount": "87.50"}

    def test_the_converted_invoice_equals_the_quotation_to_the_cent(self, workspace):
        quotation = make_quotation(workspace, items=mixed_items(workspace), status="accepted")
        invoice = conversion.quotation_convert(quotation=quotation, actor=None,
                                             document_subtype_id=plain_subtype(workspace).pk)
        invoice.refresh_from_db()
        quotation.refresh_from_db()
        for field in ("subtotal_amount", "discount_amount", "tax_amount", "total_amount"):
            assert getattr(invoice, field) == getattr(quotation, field), field
        line_fields = ("product_id", "description", "quantity", "unit_price", "discount",
                       "discount_type", "taxes", "subtotal", "discount_amount", "tax_amount",
                       "total")
        quoted = list(quotation.lines.order_by("position").values(*line_fields))
        invoiced = list(invoice.lines.order_by("position").values(*line_fields))
        assert invoiced == quoted
        # The printed breakdown (ITBIS per rate, exempt, propina) is the same too.
        assert summarize_stored(invoice.lines.all()) == summarize_stored(quotation.lines.all())
        breakdown = summarize_stored(invoice.lines.all())
        assert {(row.kind, row.rate): row.amount for row in breakdown.breakdown} == {
            ("itbis", Decimal("18.00")): Decimal("607.50"),
            ("itbis", Decimal("16.00")): Decimal("175.90"),
            ("exempt", Decimal("0.00")): Decimal("0.00"),
            ("tip", Decimal("10.00")): Decimal("87.50")}
        assert breakdown.exempt_amount == Decimal("2042.60")  # the exempt and untaxed lines

    def test_quotation_figures_come_from_the_shared_totals_module(self, workspace):
        quotation = make_quotation(workspace, items=mixed_items(workspace))
        inputs = [totals.LineInput(
            quantity=line.quantity, unit_price=line.unit_price, discount=line.discount,
            discount_type=line.discount_type,
            taxes=[totals.TaxInput(id=t["id"], name=t["name"], kind=t["kind"],
                                   rate=Decimal(t["rate"])) for t in line.taxes])
            for line in quotation.lines.order_by("position")]
        assert totals.compute_totals(inputs).total == quotation.total_amount


class TestNumbering:
    def test_each_workspace_has_its_own_series(self, workspace):
        other = make_workspace("Beta SRL", rnc="101850043")
        assert make_quotation(workspace).document_number == "COT-0001"
        assert make_quotation(other).document_number == "COT-0001"
        assert make_quotation(workspace).document_number == "COT-0002"

    def test_a_refused_creation_gives_the_number_back(self, workspace):
        with pytest.raises(InvalidInput):
            make_quotation(workspace, items=[{"description": "x", "quantity": "1",
                                              "unit_price": "1", "discount": "5"}])
        assert make_quotation(workspace).document_number == "COT-0001"
        assert quotation_subtype(workspace).next_number == 2

    def test_a_deleted_draft_keeps_its_number_used(self, workspace):
        services.quotation_delete(quotation=make_quotation(workspace), actor=None)
        assert make_quotation(workspace).document_number == "COT-0002"

    def test_converting_takes_the_invoice_series_number_not_a_quotation_number(self,
                                                                              workspace):
        quotation = make_quotation(workspace, status="invoiced")
        assert quotation.document_number == "COT-0001"
        assert quotation.invoice.document_number == "INV-0001"
        assert quotation_subtype(workspace).next_number == 2


class TestExpiry:
    def test_open_quotations_past_validity_expire(self, workspace):
        draft, sent = make_quotation(workspace), make_quotation(workspace, status="sent")
        current = make_quotation(workspace, status="sent")
        for quotation in (draft, sent):
            set_dates(quotation, issue=TODAY() - datetime.timedelta(days=20),
                      until=TODAY() - datetime.timedelta(days=1))
        set_dates(current, issue=TODAY() - datetime.timedelta(days=15), until=TODAY())
        assert services.quotations_expire_due() == 2
        statuses = dict(Quotation.objects.values_list("pk", "status"))
        assert statuses == {draft.pk: "expired", sent.pk: "expired", current.pk: "sent"}
        assert Activity.objects.filter(verb="expired").count() == 2
        # Valid until today means valid all of today; tomorrow it expires.
        assert services.quotations_expire_due(today=TODAY() + datetime.timedelta(days=1)) == 1

    def test_closed_quotations_never_expire(self, workspace):
        for status in ("accepted", "rejected", "invoiced"):
            quotation = make_quotation(workspace, status=status)
            set_dates(quotation, issue=TODAY() - datetime.timedelta(days=30),
                      until=TODAY() - datetime.timedelta(days=10))
        assert services.quotations_expire_due() == 0
        assert set(Quotation.objects.values_list("status", flat=True)) == {
            "accepted", "rejected", "invoiced"}

    def test_running_twice_changes_nothing_the_second_time(self, workspace):
        quotation = make_quotation(workspace)
        set_dates(quotation, issue=TODAY() - datetime.timedelta(days=20),
                  until=TODAY() - datetime.timedelta(days=5))
        assert services.quotations_expire_due() == 1
        assert services.quotations_expire_due() == 0
        assert Activity.objects.filter(verb="expired").count() == 1

    def test_the_celery_task_is_registered_under_the_beat_name(self, workspace, settings):
        from invoicing.celery import app

        assert settings.CELERY_BEAT_SCHEDULE["quotations-expire"]["task"] == \
            "quotations.expire_due"
        import invoicing.quotations.tasks  # noqa: F401  (autodiscovery does this in a worker)

        quotation = make_quotation(workspace)
        set_dates(quotation, issue=TODAY() - datetime.timedelta(days=20),
                  until=TODAY() - datetime.timedelta(days=5))
        result = app.tasks["quotations.expire_due"].delay()
        assert result.get() == 1
        quotation.refresh_from_db()
        assert quotation.status == QuotationStatus.EXPIRED

    def test_management_command(self, workspace):
        quotation = make_quotation(workspace)
        out = StringIO()
        call_command("expire_quotations", stdout=out)
        assert "0 quotation(s) expired" in out.getvalue()
        call_command("expire_quotations", "--date",
                     (quotation.valid_until + datetime.timedelta(days=1)).isoformat(),
                     stdout=out)
        assert "1 quotation(s) expired" in out.getvalue()
        quotation.refresh_from_db()
        assert quotation.status == "expired"

    def test_expire_one_refuses_a_quotation_still_valid(self, workspace):
        quotation = make_quotation(workspace)
        with pytest.raises(Conflict):
            services.quotation_expire(quotation=quotation)
        expired = services.quotation_expire(
            quotation=quotation, today=quotation.valid_until + datetime.timedelta(days=1))
        assert expired.status == "expired"


class TestConversionIsOneTransaction:
    def test_the_database_refuses_invoiced_without_an_invoice(self, workspace):
        quotation = make_quotation(workspace)
        with pytest.raises(IntegrityError), transaction.atomic():
            Quotation.objects.filter(pk=quotation.pk).update(status="invoiced")

    def test_an_invoice_serves_one_quotation_only(self, workspace):
        done = make_quotation(workspace, status="invoiced")
        other = make_quotation(workspace, status="accepted")
        with pytest.raises(IntegrityError), transaction.atomic():
            Quotation.objects.filter(pk=other.pk).update(status="invoiced",
                                                         invoice=done.invoice_id)

    def test_a_failure_after_the_invoice_rolls_both_back(self, workspace, monkeypatch):
        quotation = make_quotation(workspace, status="accepted")

        def boom(**kwargs):
            if kwargs.get("verb") == "converted":
                raise RuntimeError("disk full")
            return real(**kwargs)

        real = conversion.activity_record
        monkeypatch.setattr(conversion, "activity_record", boom)
        with pytest.raises(RuntimeError):
            conversion.quotation_convert(quotation=quotation, actor=None,
                                       document_subtype_id=plain_subtype(workspace).pk)
        quotation.refresh_from_db()
        assert quotation.status == "accepted" and quotation.invoice_id is None
        assert not Invoice.objects.exists()
        assert plain_subtype(workspace).next_number == 1
