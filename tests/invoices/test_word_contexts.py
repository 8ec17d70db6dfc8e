"""One English word, two Spanish ones (pgettext): "Paid" is the invoice's status (Pagada) and a
totals row (Pagado); "Overdue" the invoice's badge (Vencida) and the dashboard's amount
(Vencido); "Admin" a member's role (Administrador) and the settings tile (Administración)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from invoicing.invoices import payments
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_paid_is_a_status_and_a_totals_row(logged_in_client, workspace, owner):
    invoice = make_invoice(workspace)
    payments.payment_record(invoice=invoice, actor=owner, amount=Decimal("100.00"))
    html = _text(logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])))
    assert "<td>Pagado</td>" in html
    payments.payment_record(invoice=invoice, actor=owner, amount=invoice.total_amount - 100)
    html = _text(logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])))
    assert ">Pagada</span>" in html and "<td>Pagado</td>" in html


def test_overdue_is_a_badge_and_an_amount(logged_in_client, workspace):
    today = timezone.localdate()
    invoice = make_invoice(workspace, issue_date=today - datetime.timedelta(days=60),
                           due_date=today - datetime.timedelta(days=30))
    detail = _text(logged_in_client.get(reverse("invoices:detail", args=[invoice.pk])))
    assert 'badge-overdue">Vencida</span>' in detail
    assert "<dt>Vencido</dt>" in _text(logged_in_client.get(reverse("dashboard")))


def test_admin_is_a_role_and_a_tile(logged_in_client, owner):
    owner.is_staff = True
    owner.save()
    settings_page = _text(logged_in_client.get(reverse("workspaces:index")))
    assert "<strong>Administración</strong>" in settings_page
    members = _text(logged_in_client.get(reverse("workspaces:members")))
    assert "Administrador" in members
