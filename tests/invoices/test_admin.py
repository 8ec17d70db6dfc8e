"""Admin: every model is listed with a workspace filter; invoice actions go through services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from invoicing.invoices.models import Invoice
from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    return client


def test_every_model_is_registered_with_a_changelist(admin_client, workspace):
    from django.apps import apps

    ours = [m for m in apps.get_models()
            if m._meta.app_label in {"accounts", "workspaces", "contacts", "products", "fiscal",
                                     "invoices", "quotations"}
            and not m._meta.auto_created]
    missing = [m._meta.label for m in ours if m not in admin.site._registry]
    assert not missing, missing
    for model in ours:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, model
        if any(f.name == "workspace" for f in model._meta.fields):
            assert f"workspace__id__exact={workspace.pk}" in response.content.decode() or \
                "workspace" in response.context["cl"].list_filter, model


def test_issue_action_and_rerender(admin_client, workspace):
    draft = make_invoice(workspace, draft=True)
    url = reverse("admin:invoices_invoice_changelist")
    admin_client.post(url, {"action": "issue_drafts", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.document_number == "INV-0001"
    response = admin_client.post(url, {"action": "rerender_pdf",
                                       "_selected_action": [draft.pk]})
    assert response.status_code == 302


def test_issued_invoice_cannot_be_deleted_in_admin(admin_client, workspace):
    issued = make_invoice(workspace)
    admin_client.post(reverse("admin:invoices_invoice_delete", args=[issued.pk]),
                      {"post": "yes"})
    assert Invoice.objects.filter(pk=issued.pk).exists()


def test_add_salesman_in_admin_needs_a_workspace(admin_client, workspace):
    url = reverse("admin:invoices_salesman_add")
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"workspace": workspace.pk, "name": "Pedro", "email": "",
                            "commission_rate": "2", "is_active": "on"})
    from invoicing.invoices.models import Salesman

    assert Salesman.objects.get(name="Pedro").workspace == workspace


def test_a_draft_with_lines_can_be_deleted_in_admin(admin_client, workspace):
    draft = make_invoice(workspace, draft=True)
    admin_client.post(reverse("admin:invoices_invoice_delete", args=[draft.pk]),
                      {"post": "yes"})
    assert not Invoice.objects.filter(pk=draft.pk).exists()
