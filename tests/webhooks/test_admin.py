import pytest
from django.urls import reverse

from tests.webhooks.makers import make_endpoint

pytestmark = pytest.mark.django_db


def test_the_admin_lists_endpoints_and_deliveries_without_the_secret(admin_client, workspace):
    endpoint = make_endpoint(workspace)
    delivery = endpoint.deliveries.get()
    for name, pk in (("webhookendpoint", endpoint.pk), ("webhookdelivery", delivery.pk)):
        assert admin_client.get(reverse(f"admin:webhooks_{name}_changelist")).status_code == 200
        page = admin_client.get(reverse(f"admin:webhooks_{name}_change", args=[pk]))
        assert page.status_code == 200
        assert "secret_encrypted" not in page.content.decode()
        assert endpoint.secret not in page.content.decode()
