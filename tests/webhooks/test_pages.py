"""Settings → Webhooks: add an endpoint (the secret shown once), its delivery log with every
attempt (constant queries), redelivery, enable/disable; admins only."""

from __future__ import annotations

import pytest
from django.db import transaction

from invoicing.webhooks import delivery, services
from invoicing.webhooks.models import WebhookAttempt, WebhookEndpoint
from tests.conftest import make_member
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
LIST = "/settings/webhooks/"


def _endpoint_with_log(workspace, deliveries=1):
    endpoint = services.webhook_create(workspace=workspace, actor=None,
                                       url="https://erp.example.com/hooks",
                                       events=["invoice.issued"])
    for n in range(deliveries):
        with transaction.atomic():
            delivery.fan_out({"id": f"msg_{workspace.pk}_{n}", "type": "invoice.issued",
                              "timestamp": "2026-01-01T00:00:00-04:00",
                              "data": {"object": "invoice", "id": n}}, workspace.pk)
    for made in endpoint.deliveries.all():
        for number, code in ((1, 500), (2, 200)):
            WebhookAttempt.objects.create(delivery=made, number=number, status_code=code,
                                          succeeded=code == 200, duration_ms=12)
    return endpoint


def test_an_admin_adds_an_endpoint_and_sees_the_secret_once(logged_in_client):
    assert LIST in logged_in_client.get("/settings/").content.decode()
    page = logged_in_client.get(LIST)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    created = logged_in_client.post(LIST, {"url": "https://erp.example.com/hooks",
                                           "description": "ERP",
                                           "events": ["invoice.issued", "invoice.paid"]})
    assert created.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["invoice.issued", "invoice.paid"]
    html = created.content.decode()
    assert 'data-testid="new-webhook-secret"' in html and "whsec_" in html
    assert "whsec_" not in logged_in_client.get(LIST).content.decode()


def test_a_refused_url_is_a_form_error(logged_in_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    page = logged_in_client.post(LIST, {"url": "http://169.254.169.254/",
                                        "events": ["invoice.issued"]})
    assert page.status_code == 200
    assert "field-error" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_shows_every_attempt_in_constant_queries(
        logged_in_client, workspace, django_assert_max_num_queries):
    one = _endpoint_with_log(workspace, deliveries=1)
    url = f"{LIST}{one.pk}/"
    logged_in_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        page = logged_in_client.get(url)
    html = page.content.decode()
    assert "invoice.issued" in html and "<strong>500</strong>" in html
    assert "<strong>200</strong>" in html
    many = _endpoint_with_log(workspace, deliveries=12)
    with CaptureQueriesContext(connection) as more:
        assert logged_in_client.get(f"{LIST}{many.pk}/").status_code == 200
    assert len(more) == len(few)


def test_redeliver_and_disable_from_the_page(logged_in_client, workspace):
    endpoint = _endpoint_with_log(workspace)
    made = endpoint.deliveries.get()
    response = logged_in_client.post(f"{LIST}{endpoint.pk}/deliveries/{made.pk}/retry/")
    assert response.status_code == 302
    from invoicing.core.models import OutboxMessage

    assert OutboxMessage.objects.filter(topic="webhooks.deliver",
                                        payload__manual=True).count() == 1
    logged_in_client.post(f"{LIST}{endpoint.pk}/toggle/")
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    logged_in_client.post(f"{LIST}{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SELLER, Role.ACCOUNTANT])
def test_below_admin_the_pages_are_forbidden(client, workspace, role):
    endpoint = _endpoint_with_log(workspace)
    user = make_member(workspace, role=role)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.get(f"{LIST}{endpoint.pk}/").status_code == 403
    assert "webhooks" not in client.get("/settings/").content.decode()


def test_another_workspaces_endpoint_is_not_found(logged_in_client, other_workspace):
    foreign = _endpoint_with_log(other_workspace)
    assert logged_in_client.get(f"{LIST}{foreign.pk}/").status_code == 404
    assert logged_in_client.post(f"{LIST}{foreign.pk}/toggle/").status_code == 404
