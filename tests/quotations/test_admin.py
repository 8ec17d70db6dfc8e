"""The admin shows quotations read-only and changes them only through the services."""

import pytest
from django.urls import reverse

from invoicing.quotations.models import Quotation
from tests.factories import UserFactory
from tests.quotations.helpers import make_quotation
from workspaces.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_changelist_and_change_page(admin_client, workspace):
    quotation = make_quotation(workspace, status="invoiced")
    assert admin_client.get(reverse("admin:quotations_quotation_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:quotations_quotation_change", args=[quotation.pk]))
    assert page.status_code == 200 and "COT-0001" in page.content.decode()
    assert admin_client.get(reverse("admin:quotations_quotation_add")).status_code == 403


def test_actions_go_through_the_services(admin_client, workspace):
    draft, sent = make_quotation(workspace), make_quotation(workspace, status="sent")
    url = reverse("admin:quotations_quotation_changelist")
    admin_client.post(url, {"action": "mark_sent", "_selected_action": [draft.pk, sent.pk]})
    # The draft is sent; the sent one is refused (a message), not changed twice.
    assert dict(Quotation.objects.values_list("pk", "status")) == {draft.pk: "sent",
                                                                  sent.pk: "sent"}
    assert Activity.objects.filter(verb="sent").count() == 2
    admin_client.post(url, {"action": "mark_accepted", "_selected_action": [draft.pk]})
    admin_client.post(url, {"action": "mark_rejected", "_selected_action": [sent.pk]})
    assert dict(Quotation.objects.values_list("pk", "status")) == {draft.pk: "accepted",
                                                                  sent.pk: "rejected"}


def test_only_drafts_are_deleted_through_the_service(admin_client, workspace):
    draft, sent = make_quotation(workspace), make_quotation(workspace, status="sent")
    assert admin_client.get(reverse("admin:quotations_quotation_delete",
                                    args=[sent.pk])).status_code == 403
    admin_client.post(reverse("admin:quotations_quotation_delete", args=[draft.pk]),
                      {"post": "yes"})
    assert list(Quotation.objects.values_list("pk", flat=True)) == [sent.pk]
    assert Activity.objects.filter(verb="deleted", target_id=draft.pk).exists()
