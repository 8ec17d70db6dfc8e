"""`/api/v1/contacts` against API.md: fields, tax-id checks, filters, sort, status codes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicing.contacts.models import Contact
from tests.factories import ContactFactory, InvoiceFactory, QuotationFactory
from workspaces.models import Activity

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts"
FIELDS = {"id", "name", "kind", "tax_id_type", "tax_id", "email", "phone", "address",
          "payment_terms_days", "notes", "is_active", "credit_balance"}


def error_fields(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"].get("fields", {})


class TestCreate:
    def test_full_object_with_formatted_rnc_stored_as_digits(self, api, workspace):
        response = api.post(URL, {
            "name": "Constructora Bisonó SRL", "kind": "customer", "tax_id_type": "rnc",
            "tax_id": "1-31-24679-6", "email": "compras@bisono.do", "phone": "809-562-1010",
            "address": "Av. 27 de Febrero 495", "payment_terms_days": 30, "notes": "VIP",
        }, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == FIELDS
        assert body["tax_id"] == "131246796"
        assert body["is_active"] is True and body["payment_terms_days"] == 30
        contact = Contact.objects.get(pk=body["id"])
        assert contact.workspace == workspace and contact.tax_id == "131246796"
        assert contact.tax_id_display == "1-31-24679-6"
        assert Activity.objects.filter(target_id=contact.pk, verb="created").exists()

    @pytest.mark.parametrize(("tax_id_type", "tax_id", "stored"), [
        ("rnc", "131246796", "131246796"),
        ("rnc", "101850043", "101850043"),
        ("rnc", "401506254", "401506254"),
        ("rnc", "101581601", "101581601"),  # stdnum whitelist: real, bad check digit
        ("cedula", "001-1391820-5", "00113918205"),
        ("cedula", "22400022111", "22400022111"),
        ("cedula", "00104727362", "00104727362"),  # stdnum whitelist
        ("passport", "p 1234-5678", "P12345678"),
        ("none", "", ""),
    ])
    def test_valid_ids(self, api, tax_id_type, tax_id, stored):
        response = api.post(URL, {"name": "X", "tax_id_type": tax_id_type, "tax_id": tax_id},
                            format="json")
        assert response.status_code == 201, response.content
        assert response.json()["tax_id"] == stored

    @pytest.mark.parametrize(("tax_id_type", "tax_id"), [
        ("rnc", "123456789"), ("rnc", "101850042"), ("rnc", "13124679"),
        ("rnc", "13124679X"), ("cedula", "00100000000"), ("cedula", "00113918204"),
        ("cedula", "0011391820"), ("rnc", ""), ("cedula", "00113918205"[:9]),
        ("passport", "1"), ("none", "131246796"),
    ])
    def test_invalid_ids_are_400_on_tax_id_and_nothing_is_saved(self, api, tax_id_type,
                                                                tax_id):
        response = api.post(URL, {"name": "X", "tax_id_type": tax_id_type, "tax_id": tax_id},
                            format="json")
        fields = error_fields(response)
        assert list(fields) == ["tax_id"]
        assert not Contact.objects.exists()

    def test_type_is_inferred_from_the_digits_when_omitted(self, api):
        rnc = api.post(URL, {"name": "A", "tax_id": "131246796"}, format="json").json()
        cedula = api.post(URL, {"name": "B", "tax_id": "00113918205"}, format="json").json()
        none = api.post(URL, {"name": "C"}, format="json").json()
        assert (rnc["tax_id_type"], cedula["tax_id_type"], none["tax_id_type"]) == (
            "rnc", "cedula", "none")
        assert "tax_id_type" in error_fields(api.post(URL, {"name": "D", "tax_id": "12345"},
                                                      format="json"))

    def test_error_message_says_what_is_wrong(self, api):
        english = api.post(URL, {"name": "X", "tax_id_type": "rnc", "tax_id": "101850042"},
                           format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert "check digit" in english.json()["error"]["fields"]["tax_id"][0]

    @pytest.mark.parametrize(("body", "field"), [
        ({}, "name"), ({"name": "  "}, "name"), ({"name": "X", "kind": "lead"}, "kind"),
        ({"name": "X", "tax_id_type": "ssn"}, "tax_id_type"),
        ({"name": "X", "email": "not-an-email"}, "email"),
        ({"name": "X", "payment_terms_days": -1}, "payment_terms_days"),
        ({"name": "X", "payment_terms_days": "soon"}, "payment_terms_days"),
        ({"name": "x" * 201}, "name"),
    ])
    def test_bad_fields_are_named(self, api, body, field):
        assert field in error_fields(api.post(URL, body, format="json"))

    def test_nulls_mean_empty_and_unknown_fields_are_ignored(self, api):
        response = api.post(URL, {"name": "X", "email": None, "tax_id": None,
                                  "payment_terms_days": None, "colour": "blue"}, format="json")
        assert response.status_code == 201
        body = response.json()
        assert body["email"] == "" and body["payment_terms_days"] is None

    def test_kinds(self, api):
        for kind in ("customer", "supplier", "both"):
            assert api.post(URL, {"name": kind, "kind": kind},
                            format="json").json()["kind"] == kind

    def test_idempotency_key_replays(self, api):
        body = {"name": "Idem SRL", "tax_id": "131246796"}
        first = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
        second = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
        assert first.json() == second.json()
        assert Contact.objects.count() == 1


class TestReadUpdateDelete:
    def test_retrieve(self, api, workspace):
        contact = ContactFactory(workspace=workspace, tax_id="101850043")
        body = api.get(f"{URL}/{contact.pk}").json()
        assert set(body) == FIELDS and body["tax_id"] == "101850043"

    def test_patch_changes_only_what_is_sent(self, api, workspace):
        contact = ContactFactory(workspace=workspace, phone="809-000-0000")
        response = api.patch(f"{URL}/{contact.pk}", {"email": "nuevo@example.com"},
                             format="json")
        assert response.status_code == 200
        contact.refresh_from_db()
        assert contact.email == "nuevo@example.com" and contact.phone == "809-000-0000"

    def test_patch_type_checks_the_existing_id(self, api, workspace):
        contact = ContactFactory(workspace=workspace, tax_id_type="rnc", tax_id="131246796")
        fields = error_fields(api.patch(f"{URL}/{contact.pk}", {"tax_id_type": "cedula"},
                                        format="json"))
        assert "tax_id" in fields
        assert Contact.objects.get(pk=contact.pk).tax_id_type == "rnc"

    def test_patch_to_no_id_drops_the_number(self, api, workspace):
        contact = ContactFactory(workspace=workspace)
        body = api.patch(f"{URL}/{contact.pk}", {"tax_id_type": "none"}, format="json").json()
        assert (body["tax_id_type"], body["tax_id"]) == ("none", "")

    def test_patch_bad_rnc_is_400_and_unchanged(self, api, workspace):
        contact = ContactFactory(workspace=workspace, tax_id="101850043")
        assert "tax_id" in error_fields(api.patch(f"{URL}/{contact.pk}",
                                                  {"tax_id": "101850042"}, format="json"))
        assert Contact.objects.get(pk=contact.pk).tax_id == "101850043"

    def test_put_needs_the_name(self, api, workspace):
        contact = ContactFactory(workspace=workspace)
        assert "name" in error_fields(api.put(f"{URL}/{contact.pk}", {"email": "a@b.do"},
                                              format="json"))
        response = api.put(f"{URL}/{contact.pk}", {"name": "Renombrado SRL"}, format="json")
        assert response.status_code == 200 and response.json()["name"] == "Renombrado SRL"

    def test_deactivate_with_patch(self, api, workspace):
        contact = ContactFactory(workspace=workspace)
        assert api.patch(f"{URL}/{contact.pk}", {"is_active": False},
                         format="json").json()["is_active"] is False

    def test_delete_unused_is_204(self, api, workspace):
        contact = ContactFactory(workspace=workspace)
        assert api.delete(f"{URL}/{contact.pk}").status_code == 204
        assert not Contact.objects.filter(pk=contact.pk).exists()
        assert api.get(f"{URL}/{contact.pk}").status_code == 404

    @pytest.mark.parametrize("factory", [InvoiceFactory, QuotationFactory])
    def test_delete_used_by_a_document_is_409_and_kept(self, api, workspace, factory):
        contact = ContactFactory(workspace=workspace)
        factory(workspace=workspace, contact=contact)
        response = api.delete(f"{URL}/{contact.pk}")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "contact_in_use" and "deactivate" in error["message"].lower()
        assert Contact.objects.filter(pk=contact.pk, is_active=True).exists()

    def test_missing_is_404(self, api):
        assert api.get(f"{URL}/999999").status_code == 404
        assert api.delete(f"{URL}/999999").status_code == 404

    def test_viewer_reads_but_cannot_write(self, client, workspace):
        from tests.conftest import make_member
        from workspaces.roles import Role

        viewer = make_member(workspace, Role.VIEWER)
        client.force_login(viewer)
        assert client.get(URL).status_code == 200
        assert client.post(URL, {"name": "X"},
                           content_type="application/json").status_code == 403


class TestListFiltersSort:
    @pytest.fixture
    def contacts(self, workspace):
        return {
            "bisono": ContactFactory(workspace=workspace, name="Constructora Bisonó SRL",
                                     kind="customer", tax_id="131246796"),
            "hidalgos": ContactFactory(workspace=workspace, name="Farmacia Los Hidalgos",
                                       kind="both", tax_id="101850043"),
            "cibao": ContactFactory(workspace=workspace, name="Distribuidora del Cibao",
                                    kind="supplier", tax_id="401506254"),
            "juan": ContactFactory(workspace=workspace, name="Juan Pérez", kind="customer",
                                   tax_id_type="cedula", tax_id="00113918205"),
            "old": ContactFactory(workspace=workspace, name="Antigua SRL", kind="customer",
                                  tax_id_type="none", tax_id="", is_active=False),
        }

    def names(self, response):
        assert response.status_code == 200, response.content
        return {row["name"] for row in response.json()["results"]}

    def test_list_envelope_and_default_sort_by_name(self, api, contacts):
        body = api.get(URL).json()
        assert body["count"] == 5 and body["page"] == 1 and body["per_page"] == 15
        names = [row["name"] for row in body["results"]]
        assert names == sorted(names)
        assert set(body["results"][0]) == FIELDS

    def test_kind_filter_counts_both_as_customer_and_supplier(self, api, contacts):
        assert self.names(api.get(URL, {"kind": "customer"})) == {
            "Constructora Bisonó SRL", "Farmacia Los Hidalgos", "Juan Pérez", "Antigua SRL"}
        assert self.names(api.get(URL, {"filter[kind]": "supplier"})) == {
            "Farmacia Los Hidalgos", "Distribuidora del Cibao"}
        assert self.names(api.get(URL, {"kind": "both"})) == {"Farmacia Los Hidalgos"}
        assert "kind" in error_fields(api.get(URL, {"kind": "lead"}))

    def test_q_matches_name_or_tax_id(self, api, contacts):
        assert self.names(api.get(URL, {"q": "farmacia"})) == {"Farmacia Los Hidalgos"}
        assert self.names(api.get(URL, {"q": "1-31-24"})) == {"Constructora Bisonó SRL"}
        assert self.names(api.get(URL, {"filter[q]": "0011391"})) == {"Juan Pérez"}

    def test_tax_id_filter_is_exact_with_or_without_dashes(self, api, contacts):
        assert self.names(api.get(URL, {"tax_id": "1-01-85004-3"})) == {
            "Farmacia Los Hidalgos"}
        assert self.names(api.get(URL, {"filter[tax_id]": "00113918205"})) == {"Juan Pérez"}
        assert self.names(api.get(URL, {"tax_id": "1018500"})) == set()

    def test_is_active_filter(self, api, contacts):
        assert self.names(api.get(URL, {"is_active": "false"})) == {"Antigua SRL"}
        assert "is_active" in error_fields(api.get(URL, {"is_active": "maybe"}))

    def test_sort(self, api, contacts):
        down = [r["name"] for r in api.get(URL, {"sort": "-name"}).json()["results"]]
        assert down == sorted(down, reverse=True)
        by_tax = [r["tax_id"] for r in api.get(URL, {"sort": "tax_id"}).json()["results"]]
        assert by_tax == sorted(by_tax)
        assert "sort" in error_fields(api.get(URL, {"sort": "email"}))

    def test_other_workspace_sees_none(self, other_api, contacts):
        assert other_api.get(URL).json()["count"] == 0


def test_list_runs_the_same_queries_for_1_and_30_rows(api, workspace):
    ContactFactory(workspace=workspace)
    api.get(URL)  # warm-up: a fresh key records last_used_at

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL, {"per_page": 100}).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    ContactFactory.create_batch(29, workspace=workspace)
    assert count() == one
