import pytest
from django.urls import reverse

from tests.invoices.helpers import make_invoice

pytestmark = pytest.mark.django_db
URL = "/api/v1/salesmen"


def test_crud_and_fields(api, workspace):
    response = api.post(URL, {"name": "Ana Peña", "email": "ana@example.com",
                              "commission_rate": "4.5"}, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data == {"id": data["id"], "name": "Ana Peña", "email": "ana@example.com",
                    "commission_rate": "4.50", "user_id": None, "is_active": True}
    patched = api.patch(f"{URL}/{data['id']}", {"is_active": False}, format="json").json()
    assert patched["is_active"] is False
    assert api.get(URL, {"is_active": "false"}).json()["count"] == 1
    assert api.delete(f"{URL}/{data['id']}").status_code == 204


@pytest.mark.parametrize("body, field", [({"name": ""}, "name"),
                                         ({"name": "x", "commission_rate": "101"},
                                          "commission_rate"),
                                         ({"name": "x", "user_id": 999999}, "user_id")])
def test_bad_input(api, body, field):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_salesman_on_an_invoice_is_deactivated_not_deleted(api, workspace):
    seller = api.post(URL, {"name": "José"}, format="json").json()
    make_invoice(workspace, salesman_ids=[seller["id"]])
    assert api.delete(f"{URL}/{seller['id']}").status_code == 409
    assert api.get(f"{URL}/{seller['id']}").status_code == 200


def test_linked_user_must_be_a_member(api, workspace, owner, intruder):
    assert api.post(URL, {"name": "Yo", "user_id": owner.pk},
                    format="json").status_code == 201
    assert api.post(URL, {"name": "Otro", "user_id": intruder.pk},
                    format="json").status_code == 400


def test_pages(logged_in_client, workspace):
    assert logged_in_client.get(reverse("invoices:salesman_list")).status_code == 200
    response = logged_in_client.post(reverse("invoices:salesman_new"),
                                     {"name": "Carla", "commission_rate": "3",
                                      "is_active": "on"})
    assert response.status_code == 302
    assert "Carla" in logged_in_client.get(reverse("invoices:salesman_list")).content.decode()


def test_dashboard_shows_receivables(logged_in_client, workspace,
                                     django_assert_max_num_queries):
    make_invoice(workspace)
    # The panels of every app: invoices, fiscal ranges (and their waiting ranges), e-CF,
    # reports' charts.
    with django_assert_max_num_queries(23):
        html = logged_in_client.get("/").content.decode()
    assert 'data-testid="invoices-panel"' in html and "RD$1,180.00" in html
