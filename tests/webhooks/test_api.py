"""`/api/v1/webhooks`: admins manage endpoints; the secret is shown once; the log is paged."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from invoicing.webhooks import signing
from invoicing.webhooks.models import WebhookEndpoint
from tests.conftest import api_client_for, make_member
from workspaces.roles import Role

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks"
BODY = {"url": "https://erp.example.com/hooks", "events": ["invoice.issued", "invoice.paid"]}


def test_the_secret_is_shown_once_and_stored_encrypted(api):
    created = api.post(URL, BODY, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["secret"].startswith("whsec_")
    assert data["events"] == ["invoice.issued", "invoice.paid"] and data["is_active"]
    assert "secret" not in api.get(f"{URL}/{data['id']}").json()
    assert "secret" not in api.get(URL).json()["results"][0]
    stored = WebhookEndpoint.objects.get()
    assert data["secret"] not in stored.secret_encrypted
    assert signing.decrypt(stored.secret_encrypted) == data["secret"]


def test_an_idempotent_replay_does_not_show_the_secret_again(api):
    first = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="hook-1")
    replay = api.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="hook-1")
    assert first.status_code == replay.status_code == 201
    assert replay.json()["secret"].startswith("redacted")
    assert WebhookEndpoint.objects.count() == 1


def test_our_signature_is_what_the_reference_library_computes():
    secret = signing.new_secret()
    body = b'{"type":"invoice.issued"}'
    headers = signing.headers(secret, "msg_1", body)
    assert Webhook(secret).verify(body, headers) == {"type": "invoice.issued"}
    assert Webhook(secret).sign("msg_1", _timestamp(headers), body.decode()) == \
        headers["webhook-signature"]


def _timestamp(headers):
    import datetime

    return datetime.datetime.fromtimestamp(int(headers["webhook-timestamp"]),
                                           tz=datetime.UTC)


@pytest.mark.parametrize("body, field", [
    ({"url": "https://erp.example.com/h", "events": []}, "events"),
    ({"url": "https://erp.example.com/h", "events": ["invoice.exploded"]}, "events"),
    ({"events": ["invoice.issued"]}, "url"),
    ({"url": "https://erp.example.com/" + "x" * 600, "events": ["invoice.issued"]}, "url"),
])
def test_bad_input_is_400_on_its_field(api, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert any(name.split(".")[0] == field for name in response.json()["error"]["fields"])


def test_patch_changes_and_reenabling_clears_the_failure(api):
    pk = api.post(URL, BODY, format="json").json()["id"]
    WebhookEndpoint.objects.filter(pk=pk).update(is_active=False, disabled_reason="failing")
    response = api.patch(f"{URL}/{pk}", {"is_active": True, "events": ["invoice.cancelled"]},
                         format="json")
    assert response.status_code == 200
    assert response.json()["is_active"] and response.json()["disabled_reason"] == ""
    assert response.json()["events"] == ["invoice.cancelled"]
    assert api.delete(f"{URL}/{pk}").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_log_refuses_an_unknown_filter_value(api):
    pk = api.post(URL, BODY, format="json").json()["id"]
    assert api.get(f"{URL}/{pk}/deliveries", {"status": "lost"}).status_code == 400
    assert api.get(f"{URL}/{pk}/deliveries", {"type": "invoice.paid"}).json()["count"] == 0


@pytest.mark.parametrize("role, allowed", [
    (Role.VIEWER, False), (Role.SELLER, False), (Role.ACCOUNTANT, False), (Role.ADMIN, True),
    (Role.OWNER, True)])
def test_only_admins_and_owners_manage_webhooks(workspace, role, allowed):
    client = api_client_for(workspace, role=role)  # the owner's key, acting as `role`
    created = client.post(URL, BODY, format="json")
    assert created.status_code == (201 if allowed else 403), created.content
    assert client.get(URL).status_code == (200 if allowed else 403)


def test_the_services_hold_to_the_role_table_too(workspace):
    from invoicing.core.errors import PermissionDenied
    from invoicing.webhooks import services

    seller = make_member(workspace, role=Role.SELLER)
    with pytest.raises(PermissionDenied):
        services.webhook_create(workspace=workspace, actor=seller, **BODY)


def test_the_log_forgets_old_events_but_not_ones_still_retried(workspace):
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from invoicing.webhooks import delivery
    from invoicing.webhooks.models import WebhookDelivery, WebhookEvent
    from invoicing.webhooks.tasks import prune
    from tests.webhooks.makers import make_endpoint

    endpoint = make_endpoint(workspace)  # one pending delivery, of event msg_walk
    with transaction.atomic():
        delivery.fan_out({"id": "msg_done", "type": "invoice.issued",
                          "timestamp": "2026-01-01T00:00:00-04:00", "data": {}}, workspace.pk)
    WebhookDelivery.objects.filter(event__event_id="msg_done").update(status="succeeded")
    WebhookEvent.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert prune() >= 2  # the event and its delivery
    assert list(WebhookEvent.objects.values_list("event_id", flat=True)) == ["msg_walk"]
    assert endpoint.deliveries.count() == 1
