"""The contact and product searches ignore accents and case ("perez" finds "Pérez", "CAFE"
finds "Café molido"), on the pages and in the API, through a stored folded column that
works the same on PostgreSQL and SQLite; RNC and cédula match with or without dashes."""

import pytest
from django.urls import reverse

from invoicing.core.text import search_key
from tests.factories import ContactFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_the_key_drops_accents_and_case():
    assert search_key("  José  PÉREZ ", "Peña") == "jose perez pena"


def test_contacts_are_found_without_accents_or_case(logged_in_client, api, workspace):
    perez = ContactFactory(workspace=workspace, name="Juan Pérez Rodríguez",
                           tax_id_type="cedula", tax_id="00113918205")
    ContactFactory(workspace=workspace, name="Ferretería Ochoa SRL", tax_id="101850043")
    for q in ("perez", "PÉREZ", "rodriguez", "juan perez"):
        html = logged_in_client.get(reverse("contacts:list"), {"q": q}).content.decode()
        assert "Juan Pérez Rodríguez" in html and "Ochoa" not in html, q
        found = api.get("/api/v1/contacts", {"q": q}).json()["results"]
        assert [c["id"] for c in found] == [perez.pk], q
    for q in ("001-1391820-5", "00113918205", "1391820"):
        found = api.get("/api/v1/contacts", {"q": q}).json()["results"]
        assert [c["id"] for c in found] == [perez.pk], q
    html = logged_in_client.get(reverse("contacts:list"), {"q": "ferreteria"}).content.decode()
    assert "Ochoa" in html


def test_a_renamed_contact_is_found_by_its_new_name(api, workspace):
    contact = ContactFactory(workspace=workspace, name="Colmado Ana")
    response = api.patch(f"/api/v1/contacts/{contact.pk}", {"name": "Colmado Ñoño"},
                         format="json")
    assert response.status_code == 200, response.content
    found = api.get("/api/v1/contacts", {"q": "nono"}).json()["results"]
    assert [c["id"] for c in found] == [contact.pk]


def test_products_are_found_by_name_or_sku_without_accents_or_case(logged_in_client, api,
                                                                    workspace):
    cafe = ProductFactory(workspace=workspace, sku="CAF-500", name="Café molido Santo Domingo")
    ProductFactory(workspace=workspace, sku="AZU-1", name="Azúcar crema")
    for q in ("cafe", "CAFÉ MOLIDO", "caf-500"):
        html = logged_in_client.get(reverse("products:list"), {"q": q}).content.decode()
        assert "Café molido" in html and "Azúcar" not in html, q
        found = api.get("/api/v1/products", {"q": q}).json()["results"]
        assert [p["id"] for p in found] == [cafe.pk], q
