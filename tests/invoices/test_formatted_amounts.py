"""Amounts in messages and in the activity log are formatted as the pages print them
(`RD$55,578.00`, never `55578.00`)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.invoices import payments
from tests.invoices.helpers import tax
from tests.notes.helpers import amount_line, b01_invoice, credit

pytestmark = pytest.mark.django_db

RAW = re.compile(r"(?<![\d,.$])\d{4,}\.\d{2}\b")  # 55578.00, not RD$55,578.00


def test_the_activity_log_and_messages_format_amounts(logged_in_client, workspace, owner):
    invoice = b01_invoice(workspace, items=[
        {"description": "Cemento gris (100 fundas)", "quantity": "1", "unit_price": "47100.00",
         "tax_ids": [tax(workspace, "ITBIS 18%").pk]}])
    assert str(invoice.total_amount) == "55578.00"
    url = reverse("invoices:detail", args=[invoice.pk])
    # Too much: the message names both amounts, formatted.
    response = logged_in_client.post(reverse("invoices:payment_add", args=[invoice.pk]), {
        "amount": "60000", "date": invoice.issue_date.isoformat(), "method": "cash"},
        follow=True)
    html = response.content.decode()
    assert "RD$60,000.00" in html and "RD$55,578.00" in html
    payments.payment_record(invoice=invoice, actor=owner, amount="10000.00")
    credit(workspace, invoice, actor=owner, modification_code=3,
           items=[amount_line("1000.00", workspace)], reason="Descuento por volumen")
    html = logged_in_client.get(url).content.decode()
    activity = html[html.index("<h2>Actividad</h2>"):]
    assert "RD$10,000.00" in activity and "RD$1,180.00" in activity
    assert not RAW.findall(activity), RAW.findall(activity)



def test_rates_and_percentages_print_in_one_format(logged_in_client, workspace, owner):
    """`18%` (never `18.00%`) and `61.3560` (always 4 decimals)."""
    from django.utils import timezone

    from workspaces.currency_services import exchange_rate_set
    from workspaces.models import Currency

    usd = Currency.objects.get(workspace=workspace, code="USD")
    exchange_rate_set(currency=usd, actor=owner, rate=Decimal("61.356"),
                      effective_date=timezone.localdate())
    invoice = b01_invoice(workspace, currency_id=usd.pk)
    detail = logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])).content.decode()
    assert "61.3560" in detail
    report = logged_in_client.get(reverse("reports:itbis")).content.decode()
    assert "18%" in report and "18.00%" not in report
