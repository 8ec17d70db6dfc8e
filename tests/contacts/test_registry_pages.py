"""The contact form's tax-id check consults DGII's registry: the entry's name (which
static/js/app.js copies into an empty name field) and a warning for a taxpayer that is not
ACTIVO. The browser side is tests/browser/test_contact_registry_flow.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import RncRegistryEntryFactory

pytestmark = pytest.mark.django_db


def check(client, tax_id_type: str, tax_id: str, **headers) -> str:
    response = client.post(reverse("contacts:check_tax_id"),
                           {"tax_id_type": tax_id_type, "tax_id": tax_id},
                           HTTP_HX_REQUEST="true", **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_listed_active_taxpayer_shows_its_registered_name(logged_in_client):
    RncRegistryEntryFactory(tax_id="131246796", name="CONSTRUCTORA BISONÓ, SRL")
    html = check(logged_in_client, "rnc", "1-31-24679-6")
    assert 'data-testid="tax-id-ok"' in html and "1-31-24679-6" in html
    assert 'data-registry-name="CONSTRUCTORA BISONÓ, SRL"' in html
    assert 'data-testid="registry-inactive"' not in html


def test_a_taxpayer_that_is_not_activo_is_warned_about(logged_in_client):
    RncRegistryEntryFactory(tax_id="00113918205", name="JUAN PÉREZ RODRÍGUEZ",
                            status="DADO DE BAJA")
    html = check(logged_in_client, "cedula", "001-1391820-5")
    assert 'data-registry-name="JUAN PÉREZ RODRÍGUEZ"' in html
    assert 'data-testid="registry-inactive"' in html and "DADO DE BAJA" in html


def test_an_id_dgii_does_not_list_says_so_once_a_registry_is_loaded(logged_in_client):
    html = check(logged_in_client, "rnc", "101850043")
    assert "data-registry-name" not in html and 'data-testid="registry-unknown"' not in html
    RncRegistryEntryFactory(tax_id="131246796")
    html = check(logged_in_client, "rnc", "101850043")
    assert 'data-testid="registry-unknown"' in html


def test_an_invalid_id_or_a_passport_is_not_looked_up(logged_in_client):
    RncRegistryEntryFactory(tax_id="131246796")
    html = check(logged_in_client, "rnc", "131246797")
    assert 'data-testid="tax-id-error"' in html and "registry" not in html
    html = check(logged_in_client, "passport", "P12345678")
    assert "data-registry-name" not in html and "registry-unknown" not in html


def test_the_warning_is_in_spanish(logged_in_client):
    RncRegistryEntryFactory(tax_id="101850043", status="SUSPENDIDO")
    html = check(logged_in_client, "rnc", "101850043", HTTP_ACCEPT_LANGUAGE="es")
    assert "SUSPENDIDO" in html and "La DGII" in html
