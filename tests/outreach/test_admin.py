import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from invoicing.outreach.models import RecurringInvoice, ShareLink
from invoicing.outreach.services import share_link_ensure
from tests.invoices.helpers import make_invoice
from tests.outreach.makers import make_recurring, make_settings

pytestmark = pytest.mark.django_db


def test_every_model_has_an_admin_that_loads_and_acts_through_services(admin_client,
                                                                       workspace):
    link = share_link_ensure(document=make_invoice(workspace))
    template = make_recurring(workspace)
    make_settings(workspace)
    for model in apps.get_app_config("outreach").get_models():
        assert model in admin.site._registry, model
        url = reverse(f"admin:outreach_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, model
    admin_client.post(reverse("admin:outreach_sharelink_changelist"),
                      {"action": "revoke", "_selected_action": [link.pk]})
    assert ShareLink.objects.get().revoked_at is not None
    assert Client().get(f"/p/{link.token}/").status_code == 404
    admin_client.post(reverse("admin:outreach_recurringinvoice_changelist"),
                      {"action": "pause", "_selected_action": [template.pk]})
    assert not RecurringInvoice.objects.get().is_active
