"""Contact pages: list with search and pagination, form with the tax-id error next to the
field before anything is saved, detail, deactivate instead of delete."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicing.contacts.models import Contact
from tests.conftest import make_member
from tests.factories import ContactFactory, InvoiceFactory
from workspaces.roles import Role

pytestmark = pytest.mark.django_db

FORM = {"name": "Constructora Bisonó SRL", "kind": "customer", "tax_id_type": "rnc",
        "tax_id": "131246797", "email": "", "phone": "", "address": "",
        "payment_terms_days": "30", "notes": ""}


def test_list_search_and_pagination(logged_in_client, workspace, other_workspace):
    ContactFactory(workspace=workspace, name="Farmacia Los Hidalgos", tax_id="101850043")
    ContactFactory(workspace=workspace, name="Juan Pérez", tax_id_type="cedula",
                   tax_id="00113918205")
    ContactFactory(workspace=other_workspace, name="Farmacia Ajena")
    url = reverse("contacts:list")
    page = logged_in_client.get(url).content.decode()
    assert "Farmacia Los Hidalgos" in page and "Juan Pérez" in page
    assert "1-01-85004-3" in page and "001-1391820-5" in page
    assert "Farmacia Ajena" not in page
    found = logged_in_client.get(url, {"q": "001-139"}).content.decode()
    assert "Juan Pérez" in found and "Farmacia Los Hidalgos" not in found
    found = logged_in_client.get(url, {"q": "hidalgos"}).content.decode()
    assert "Farmacia Los Hidalgos" in found and "Juan Pérez" not in found

    ContactFactory.create_batch(30, workspace=workspace)
    first = logged_in_client.get(url).content.decode()
    second = logged_in_client.get(url, {"page": 2}).content.decode()
    assert 'page=2' in first and first.count("/contacts/") > 25
    assert "page=1" in second


def test_list_shows_inactive_only_when_asked(logged_in_client, workspace):
    ContactFactory(workspace=workspace, name="Cliente Viejo", is_active=False)
    url = reverse("contacts:list")
    assert "Cliente Viejo" not in logged_in_client.get(url).content.decode()
    assert "Cliente Viejo" in logged_in_client.get(url, {"status": "inactive"}).content.decode()


def test_list_queries_do_not_grow_with_rows(logged_in_client, workspace):
    url = reverse("contacts:list")
    ContactFactory(workspace=workspace)
    logged_in_client.get(url)
    with CaptureQueriesContext(connection) as one:
        logged_in_client.get(url)
    ContactFactory.create_batch(24, workspace=workspace)
    with CaptureQueriesContext(connection) as many:
        assert logged_in_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries) <= 10


def test_invalid_rnc_shows_the_error_at_the_field_and_saves_nothing(logged_in_client):
    response = logged_in_client.post(reverse("contacts:new"), FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_tax_id-error"' in html and "check digit" in html
    assert response.context["form"].errors["tax_id"]
    assert not Contact.objects.exists()


def test_valid_form_saves_digits_and_shows_the_formatted_id(logged_in_client, workspace):
    response = logged_in_client.post(reverse("contacts:new"), {**FORM, "tax_id": "1-31-24679-6"})
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:detail", args=[contact.pk])
    assert (contact.workspace, contact.tax_id, contact.payment_terms_days) == (
        workspace, "131246796", 30)
    detail = logged_in_client.get(response["Location"]).content.decode()
    assert "1-31-24679-6" in detail and "Constructora Bisonó SRL" in detail


def test_edit_form(logged_in_client, workspace):
    contact = ContactFactory(workspace=workspace, name="Viejo Nombre", tax_id="101850043")
    url = reverse("contacts:edit", args=[contact.pk])
    page = logged_in_client.get(url).content.decode()
    assert "Viejo Nombre" in page and "1-01-85004-3" in page
    bad = logged_in_client.post(url, {**FORM, "tax_id_type": "cedula", "tax_id": "00113918204"})
    assert bad.status_code == 200 and bad.context["form"].errors["tax_id"]
    assert Contact.objects.get(pk=contact.pk).name == "Viejo Nombre"
    good = logged_in_client.post(url, {**FORM, "name": "Nuevo Nombre",
                                       "tax_id_type": "cedula", "tax_id": "22400022111"})
    assert good.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.tax_id_type, contact.tax_id) == (
        "Nuevo Nombre", "cedula", "22400022111")


def test_live_tax_id_check(logged_in_client):
    url = reverse("contacts:check_tax_id")
    bad = logged_in_client.post(url, {"tax_id_type": "rnc", "tax_id": "123456789"},
                                HTTP_HX_REQUEST="true")
    assert 'data-testid="tax-id-error"' in bad.content.decode()
    good = logged_in_client.post(url, {"tax_id_type": "cedula", "tax_id": "00113918205"},
                                 HTTP_HX_REQUEST="true")
    assert "001-1391820-5" in good.content.decode()
    assert logged_in_client.post(url, {"tax_id": "1"}).status_code == 404  # htmx only


def test_delete_used_contact_offers_to_deactivate(logged_in_client, workspace):
    contact = ContactFactory(workspace=workspace)
    InvoiceFactory(workspace=workspace, contact=contact)
    response = logged_in_client.post(reverse("contacts:delete", args=[contact.pk]),
                                     follow=True)
    html = response.content.decode()
    assert 'data-testid="offer-deactivate"' in html
    assert Contact.objects.filter(pk=contact.pk).exists()
    logged_in_client.post(reverse("contacts:set_active", args=[contact.pk]),
                          {"is_active": "0"})
    assert Contact.objects.get(pk=contact.pk).is_active is False


def test_delete_unused_contact(logged_in_client, workspace):
    contact = ContactFactory(workspace=workspace)
    response = logged_in_client.post(reverse("contacts:delete", args=[contact.pk]))
    assert response.status_code == 302 and not Contact.objects.filter(pk=contact.pk).exists()


def test_detail_queries_are_bounded(logged_in_client, workspace, django_assert_max_num_queries):
    contact = ContactFactory(workspace=workspace)
    # 10, and the invoices (2) and quotations (1) panels of the customer's documents.
    with django_assert_max_num_queries(13):
        assert logged_in_client.get(reverse("contacts:detail", args=[contact.pk])).status_code \
            == 200


def test_other_workspace_contact_is_404(logged_in_client, other_workspace):
    foreign = ContactFactory(workspace=other_workspace)
    for name in ("contacts:detail", "contacts:edit"):
        assert logged_in_client.get(reverse(name, args=[foreign.pk])).status_code == 404
    assert logged_in_client.post(reverse("contacts:delete",
                                         args=[foreign.pk])).status_code == 404


def test_viewer_reads_but_cannot_write(client, workspace):
    viewer = make_member(workspace, Role.VIEWER)
    client.force_login(viewer)
    assert client.get(reverse("contacts:list")).status_code == 200
    assert client.get(reverse("contacts:new")).status_code == 403
    assert client.post(reverse("contacts:new"), FORM).status_code == 403
