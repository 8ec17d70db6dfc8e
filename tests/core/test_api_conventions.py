"""The conventions of API.md that every resource inherits, shown on /currencies."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from invoicing.core.models import IdempotencyRecord
from workspaces.models import Currency

URL = "/api/v1/currencies"


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


@pytest.mark.django_db
class TestAuthentication:
    def test_no_key_is_401_in_the_error_shape(self):
        response = APIClient().get(URL)
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Bearer"

    def test_bad_key_is_401(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Bearer inv_nope")
        assert_error(client.get(URL), 401, "authentication_failed")

    def test_revoked_key_is_401(self, api, workspace):
        from accounts.models import ApiKey
        from accounts.services import api_key_revoke

        assert api.get(URL).status_code == 200
        api_key_revoke(api_key=ApiKey.objects.get(workspace=workspace), actor=None)
        assert_error(api.get(URL), 401)

    def test_deactivated_workspace_key_is_401(self, api, workspace):
        workspace.is_active = False
        workspace.save()
        assert_error(api.get(URL), 401)

    def test_deactivated_user_key_is_401(self, api, owner):
        owner.is_active = False
        owner.save()
        assert_error(api.get(URL), 401)

    def test_key_records_when_it_was_last_used(self, api, workspace):
        from accounts.models import ApiKey

        assert ApiKey.objects.get(workspace=workspace).last_used_at is None
        api.get(URL)
        assert ApiKey.objects.get(workspace=workspace).last_used_at is not None

    def test_session_of_a_member_may_call_the_api(self, client, owner, workspace):
        client.force_login(owner)
        response = client.get(URL)
        assert response.status_code == 200
        assert {row["code"] for row in response.json()["results"]} == {"DOP", "USD"}


@pytest.mark.django_db
class TestErrors:
    def test_malformed_json_is_400(self, api):
        response = api.generic("POST", URL, '{"code": "EUR",', content_type="application/json")
        assert_error(response, 400, "malformed_request")

    def test_unknown_path_is_404_in_the_error_shape(self, api):
        assert_error(api.get("/api/v1/nothing-here"), 404, "not_found")

    def test_missing_object_is_404(self, api):
        assert_error(api.get(f"{URL}/999999"), 404, "not_found")

    def test_method_not_allowed_is_405(self, api):
        assert_error(api.put(URL, {}, format="json"), 405, "method_not_allowed")

    def test_validation_error_names_the_field(self, api):
        error = assert_error(api.post(URL, {"code": "XYZ"}, format="json"), 400,
                             "validation_error")
        assert "code" in error["fields"]

    def test_non_json_body_is_415(self, api):
        response = api.generic("POST", URL, "code=EUR",
                               content_type="application/x-www-form-urlencoded")
        assert_error(response, 415)

    def test_viewer_cannot_write_403(self, workspace):
        from tests.conftest import api_client_for, make_member
        from workspaces.roles import Role

        viewer = make_member(workspace, Role.VIEWER)
        # Keys act with their own role, but a session follows the member's role.
        from django.test import Client

        client = Client()
        client.force_login(viewer)
        response = client.post(URL, {"code": "EUR"}, content_type="application/json")
        assert_error(response, 403, "permission_denied")
        assert api_client_for(workspace).post(URL, {"code": "EUR", "name": "Euro",
                                                    "symbol": "€"},
                                              format="json").status_code == 201

    def test_trailing_slash_is_optional(self, api):
        assert api.get(URL).status_code == 200
        assert api.get(URL + "/").status_code == 200


@pytest.mark.django_db
class TestPagination:
    @pytest.fixture
    def many(self, workspace):
        for code in ["EUR", "GBP", "CAD", "MXN", "JPY", "CHF", "COP", "BRL"]:
            Currency.objects.create(workspace=workspace, code=code, name=code, symbol=code)

    def test_envelope(self, api, many):
        body = api.get(URL, {"per_page": 3, "page": 2}).json()
        assert body["count"] == 10
        assert (body["page"], body["per_page"], body["total_pages"]) == (2, 3, 4)
        assert len(body["results"]) == 3
        from urllib.parse import parse_qs, urlparse

        assert parse_qs(urlparse(body["next"]).query) == {"page": ["3"], "per_page": ["3"]}
        assert parse_qs(urlparse(body["previous"]).query) == {"per_page": ["3"]}

    def test_default_per_page_is_15_and_cap_is_100(self, api, many):
        assert api.get(URL).json()["per_page"] == 15
        assert api.get(URL, {"per_page": 1000}).json()["per_page"] == 100

    @pytest.mark.parametrize("params", [{"per_page": 0}, {"per_page": -1}, {"per_page": "x"},
                                        {"page": 0}, {"page": "abc"}])
    def test_bad_values_are_400(self, api, params):
        error = assert_error(api.get(URL, params), 400, "validation_error")
        assert set(error["fields"]) == set(params)

    def test_page_past_the_end_is_404(self, api, many):
        assert_error(api.get(URL, {"page": 99}), 404)

    def test_empty_first_page_is_200(self, api, workspace):
        body = api.get(URL, {"code": "EUR"}).json()
        assert body["count"] == 0 and body["results"] == []


@pytest.mark.django_db
class TestFiltersAndSort:
    def test_filter_bracket_and_plain_are_the_same(self, api):
        plain = api.get(URL, {"code": "usd"}).json()
        bracket = api.get(URL, {"filter[code]": "usd"}).json()
        assert plain == bracket
        assert [row["code"] for row in plain["results"]] == ["USD"]

    def test_invalid_filter_value_is_400(self, api):
        error = assert_error(api.get(URL, {"is_active": "maybe"}), 400)
        assert "is_active" in error["fields"]

    def test_sort_both_directions(self, api):
        up = [r["code"] for r in api.get(URL, {"sort": "code"}).json()["results"]]
        down = [r["code"] for r in api.get(URL, {"sort": "-code"}).json()["results"]]
        assert up == ["DOP", "USD"] and down == ["USD", "DOP"]

    def test_unknown_sort_field_is_400(self, api):
        error = assert_error(api.get(URL, {"sort": "secret"}), 400)
        assert "sort" in error["fields"]

    def test_ties_break_by_id(self, api, workspace):
        for code in ["EUR", "GBP", "CAD"]:
            Currency.objects.create(workspace=workspace, code=code, name="Same", symbol=code)
        rows = api.get(URL, {"sort": "name", "per_page": 100}).json()["results"]
        same = [r["id"] for r in rows if r["name"] == "Same"]
        assert same == sorted(same)


@pytest.mark.django_db
class TestIdempotency:
    BODY = {"code": "EUR", "name": "Euro", "symbol": "€"}

    def test_same_key_same_body_replays(self, api, workspace):
        first = api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        second = api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second["Idempotent-Replayed"] == "true"
        assert Currency.objects.filter(workspace=workspace, code="EUR").count() == 1

    def test_same_key_other_body_is_422(self, api):
        api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="k2")
        response = api.post(URL, {**self.BODY, "name": "Other"}, format="json",
                            HTTP_IDEMPOTENCY_KEY="k2")
        assert_error(response, 422, "idempotency_key_reused")

    def test_in_flight_key_is_409(self, api, workspace):
        IdempotencyRecord.objects.create(workspace=workspace, key="k3",
                                         fingerprint="whatever")
        from invoicing.core.api import idempotency

        # Same fingerprint as the request we are about to make, still without a response.
        IdempotencyRecord.objects.filter(key="k3").delete()
        first = api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="k3")
        IdempotencyRecord.objects.filter(key="k3").update(response_status=None)
        response = api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="k3")
        assert first.status_code == 201
        assert_error(response, 409, "idempotency_in_flight")
        assert idempotency.HEADER == "HTTP_IDEMPOTENCY_KEY"

    def test_keys_are_per_workspace(self, api, other_api, other_workspace):
        assert api.post(URL, self.BODY, format="json",
                        HTTP_IDEMPOTENCY_KEY="shared").status_code == 201
        response = other_api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
        assert response.status_code == 201
        assert response.json()["id"] != api.get(URL, {"code": "EUR"}).json()["results"][0]["id"]

    def test_error_responses_replay_too(self, api):
        bad = {"code": "NOPE"}
        first = api.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="k4")
        second = api.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="k4")
        assert first.status_code == second.status_code == 400
        assert first.json() == second.json()

    def test_expired_key_can_be_used_again(self, api, workspace):
        from datetime import timedelta

        from django.utils import timezone

        api.post(URL, self.BODY, format="json", HTTP_IDEMPOTENCY_KEY="k5")
        IdempotencyRecord.objects.filter(key="k5").update(
            created_at=timezone.now() - timedelta(hours=25))
        response = api.post(URL, {**self.BODY, "code": "GBP"}, format="json",
                            HTTP_IDEMPOTENCY_KEY="k5")
        assert response.status_code == 201


@pytest.mark.django_db
def test_openapi_schema_and_docs_are_served_locally(api, client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_openapi_schema_has_no_warnings():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null",
                 stdout=out, stderr=out)
