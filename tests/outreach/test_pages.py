"""Outreach pages: recurring invoices (list with constant queries, create, pause), the
workspace's choices, and the panel on the invoice page, all through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from invoicing.outreach.models import OutreachSettings, RecurringInvoice
from tests.conftest import make_member
from tests.invoices.helpers import customer, make_invoice, plain_subtype, tax
from tests.outreach.makers import make_recurring
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def test_the_recurring_list_has_constant_queries(logged_in_client, workspace,
                                                 django_assert_max_num_queries):
    from invoicing.outreach.recurring import recurring_run_due

    make_recurring(workspace)
    with django_assert_max_num_queries(9):
        response = logged_in_client.get("/recurring/")
    assert response.status_code == 200
    for _ in range(8):
        make_recurring(workspace)
    recurring_run_due()
    with django_assert_max_num_queries(9):
        html = logged_in_client.get("/recurring/").content.decode()
    assert html.count("/toggle/") == 9


def test_a_recurring_invoice_is_made_and_paused_from_the_pages(logged_in_client, workspace):
    contact = customer(workspace, name="Clínica Abreu")
    response = logged_in_client.post("/recurring/new/", {
        "contact": contact.pk, "document_subtype": plain_subtype(workspace).pk,
        "frequency": "monthly", "interval": 1, "start_date": str(timezone.localdate()),
        "mode": "issued", "description": "Iguala", "quantity": "1", "unit_price": "1500",
        "tax": tax(workspace, "ITBIS 18%").pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    template = RecurringInvoice.objects.get()
    assert template.items[0]["description"] == "Iguala" and template.is_active
    assert "Clínica Abreu" in logged_in_client.get("/recurring/").content.decode()
    logged_in_client.post(f"/recurring/{template.pk}/toggle/")
    template.refresh_from_db()
    assert not template.is_active
    page = logged_in_client.get(f"/recurring/{template.pk}/")
    assert page.status_code == 200 and 'value="Iguala"' in page.content.decode()


def test_the_settings_page_saves_the_choices(logged_in_client, workspace):
    response = logged_in_client.post("/settings/outreach/", {
        "language": "es", "email_message": "Gracias", "link_lifetime_days": "",
        "reminders_enabled": "on", "reminder_days": "-3, 0, 15", "reminder_message": "Pague"})
    assert response.status_code == 302
    chosen = OutreachSettings.objects.get(workspace=workspace)
    assert chosen.reminders_enabled and chosen.reminder_days == [-3, 0, 15]
    assert "-3, 0, 15" in logged_in_client.get("/settings/outreach/").content.decode()


def test_roles_hold_on_the_pages(client, workspace):
    viewer = make_member(workspace, role=Role.VIEWER)
    client.force_login(viewer)
    assert client.get("/recurring/").status_code == 200
    assert client.get("/recurring/new/").status_code == 403
    assert client.get("/settings/outreach/").status_code == 403
    invoice = make_invoice(workspace)
    assert client.post(f"/outreach/invoice/{invoice.pk}/send/", {"to": "a@b.do"}) \
        .status_code == 403
    assert client.post(f"/outreach/invoice/{invoice.pk}/share/").status_code == 403
    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'id="send-form"' not in page


def test_another_workspace_s_document_is_404_on_the_pages(logged_in_client, other_workspace):
    foreign = make_invoice(other_workspace)
    assert logged_in_client.post(f"/outreach/invoice/{foreign.pk}/share/").status_code == 404
    assert logged_in_client.post(f"/outreach/invoice/{foreign.pk}/send/",
                                 {"to": "a@b.do"}).status_code == 404
    assert logged_in_client.get(f"/recurring/{make_recurring(other_workspace).pk}/") \
        .status_code == 404


def test_the_invoice_page_makes_and_revokes_the_link(logged_in_client, workspace):
    invoice = make_invoice(workspace)
    logged_in_client.post(f"/outreach/invoice/{invoice.pk}/share/")
    page = logged_in_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'data-testid="share-url"' in page
    url = page.split('data-testid="share-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    path = "/p/" + url.split("/p/")[1]
    assert Client().get(path).status_code == 200
    logged_in_client.post(f"/outreach/invoice/{invoice.pk}/share/revoke/")
    assert Client().get(path).status_code == 404
