"""The role table (workspaces/roles.py) holds each action's least role, and the API, the
pages and the services all answer by it: every role against every invoice action, through
each of the three."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from invoicing.core.errors import PermissionDenied
from invoicing.invoices import payments, services
from invoicing.invoices.models import Invoice, Payment
from tests.conftest import make_member
from tests.invoices.helpers import customer, make_invoice, plain_subtype, tax
from workspaces.roles import RANK, Role, least_role

pytestmark = pytest.mark.django_db
ROLES = [Role.VIEWER, Role.SELLER, Role.ACCOUNTANT, Role.ADMIN, Role.OWNER]
ACTIONS = ["invoice_create", "invoice_issue", "invoice_delete", "invoice_cancel",
           "payment_record", "payment_delete"]


def allowed(role, action) -> bool:
    return RANK[role] >= RANK[Role(least_role(action))]


def test_the_table_says_what_api_md_says():
    assert least_role("read") == Role.VIEWER
    assert least_role("invoice_create") == least_role("payment_record") == Role.SELLER
    assert least_role("invoice_cancel") == least_role("credit_note_issue") == Role.ACCOUNTANT
    assert least_role("dgii_report_download") == Role.ACCOUNTANT
    assert least_role("api_key_create") == least_role("webhook_manage") == Role.ADMIN
    assert least_role("owner_grant") == Role.OWNER
    with pytest.raises(KeyError):
        least_role("invoice_explode")


def _setup(workspace, owner):
    """A draft, an issued invoice and a payment to act on."""
    draft = make_invoice(workspace, draft=True)
    issued = make_invoice(workspace)
    paid = make_invoice(workspace)
    payment = payments.payment_record(invoice=paid, actor=owner, amount=Decimal("10.00"))
    return draft, issued, paid, payment


def _item(workspace):
    return {"description": "Servicio", "quantity": "1", "unit_price": "100.00",
            "tax_ids": [tax(workspace, "ITBIS 18%").pk]}


@pytest.mark.parametrize("role", ROLES)
def test_services_check_their_actor(workspace, owner, role):
    user = owner if role == Role.OWNER else make_member(workspace, role=role)
    draft, issued, paid, payment = _setup(workspace, owner)
    calls = {
        "invoice_create": lambda: services.invoice_create(
            workspace=workspace, actor=user, contact_id=customer(workspace).pk,
            document_subtype_id=plain_subtype(workspace).pk, items=[_item(workspace)]),
        "invoice_issue": lambda: services.invoice_issue(invoice=draft, actor=user),
        "invoice_cancel": lambda: services.invoice_cancel(invoice=issued, actor=user,
                                                          reason_code="04"),
        "payment_record": lambda: payments.payment_record(invoice=paid, actor=user,
                                                          amount=Decimal("1.00")),
        "payment_delete": lambda: payments.payment_delete(payment=payment, actor=user),
        "invoice_delete": lambda: services.invoice_delete(
            invoice=make_invoice(workspace, draft=True), actor=user),
    }
    for action in ACTIONS:
        if allowed(role, action):
            calls[action]()
        else:
            with pytest.raises(PermissionDenied):
                calls[action]()


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_by_the_table(workspace, owner, role):
    user = owner if role == Role.OWNER else make_member(workspace, role=role)
    api = APIClient()
    api.force_login(user)
    draft, issued, paid, payment = _setup(workspace, owner)
    requests = {
        "invoice_create": lambda: api.post("/api/v1/invoices", {
            "contact_id": customer(workspace).pk,
            "document_subtype_id": plain_subtype(workspace).pk,
            "items": [_item(workspace)]}, format="json"),
        "invoice_issue": lambda: api.post(f"/api/v1/invoices/{draft.pk}/issue"),
        "invoice_cancel": lambda: api.post(f"/api/v1/invoices/{issued.pk}/cancel",
                                           {"reason_code": "04"}, format="json"),
        "payment_record": lambda: api.post("/api/v1/payments", {
            "invoice_id": paid.pk, "amount": "1.00"}, format="json"),
        "payment_delete": lambda: api.delete(f"/api/v1/payments/{payment.pk}"),
        "invoice_delete": lambda: api.delete(
            f"/api/v1/invoices/{make_invoice(workspace, draft=True).pk}"),
    }
    assert api.get("/api/v1/invoices").status_code == 200  # every member reads
    for action in ACTIONS:
        status = requests[action]().status_code
        assert (status < 300) is allowed(role, action), (action, status)
        if not allowed(role, action):
            assert status == 403, (action, status)


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_answer_by_the_table(client, workspace, owner, role):
    user = owner if role == Role.OWNER else make_member(workspace, role=role)
    client.force_login(user)
    draft, issued, paid, payment = _setup(workspace, owner)
    posts = {
        "invoice_issue": (f"/invoices/{draft.pk}/issue/", {}),
        "invoice_cancel": (f"/invoices/{issued.pk}/cancel/", {"reason_code": "04"}),
        "payment_record": (f"/invoices/{paid.pk}/payments/", {
            "amount": "1.00", "date": "2026-01-05", "method": "cash"}),
        "payment_delete": (f"/invoices/{paid.pk}/payments/{payment.pk}/delete/", {}),
        "invoice_delete": (f"/invoices/{make_invoice(workspace, draft=True).pk}/delete/", {}),
    }
    assert client.get("/invoices/").status_code == 200
    assert (client.get("/invoices/new/").status_code == 200) is allowed(role, "invoice_create")
    for action, (url, data) in posts.items():
        response = client.post(url, data)
        assert (response.status_code == 302) is allowed(role, action), (action, response)
        if not allowed(role, action):
            assert response.status_code == 403
    issued.refresh_from_db()
    assert (issued.status == "cancelled") is allowed(role, "invoice_cancel")
    assert Payment.objects.filter(pk=payment.pk).exists() is not allowed(role, "payment_delete")
    assert Invoice.objects.filter(pk=draft.pk, status="draft").exists() is not \
        allowed(role, "invoice_issue")
