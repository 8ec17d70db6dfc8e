"""The demo workspace looks real: five months of sales (so the dashboard and the reports
have something to show), dollar invoices at the rate of their date (never 1.0000), and a
range for every fiscal series it offers (the dashboard warns about none). Seeding again
adds nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from invoicing.fiscal import dashboard as fiscal_dashboard
from invoicing.invoices.models import Invoice
from workspaces.models import ExchangeRate, Workspace

pytestmark = pytest.mark.django_db


def _seed() -> Workspace:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert out.getvalue().count("\n") <= 2  # quiet: the login line only
    return Workspace.objects.get(name="Comercial Demo SRL")


def test_the_demo_has_months_of_history_dollars_and_every_range():
    workspace = _seed()
    invoices = Invoice.objects.filter(workspace=workspace).exclude(status="draft")
    today = timezone.localdate()
    months = {(i.issue_date.year, i.issue_date.month) for i in invoices}
    assert len(months) >= 5 and invoices.count() >= 40
    assert min(i.issue_date for i in invoices) <= today - datetime.timedelta(days=120)
    statuses = set(invoices.values_list("status", flat=True))
    assert {"paid", "partially_paid", "pending_payment", "cancelled"} <= statuses
    assert invoices.overdue().exists() and invoices.not_overdue().filter(
        status="pending_payment").exists()

    dollars = list(invoices.filter(currency__code="USD"))
    assert len(dollars) >= 3
    for invoice in dollars:
        rate = (ExchangeRate.objects.filter(currency=invoice.currency,
                                            effective_date__lte=invoice.issue_date)
                .order_by("-effective_date").first())
        assert invoice.exchange_rate == rate.rate > Decimal("50")
    # B01 numbers follow the dates, dollars included.
    b01 = list(invoices.filter(document_number__startswith="B01").order_by("document_number"))
    assert [i.issue_date for i in b01] == sorted(i.issue_date for i in b01)

    request = RequestFactory().get("/")
    request.workspace = workspace
    assert fiscal_dashboard.panel(request) is None  # no series without a range

    before = Invoice.objects.filter(workspace=workspace).count()
    _seed()
    assert Invoice.objects.filter(workspace=workspace).count() == before


def test_the_demo_writes_spanish_whatever_language_is_active():
    from django.utils import translation

    from workspaces.models import Activity

    with translation.override("en"):
        workspace = _seed()
    descriptions = list(Activity.objects.filter(workspace=workspace, verb="created",
                                                target_type="quotations.quotation")
                        .values_list("description", flat=True))
    assert descriptions and all(d.startswith("Cotización") for d in descriptions)
