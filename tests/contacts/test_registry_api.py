"""`GET /api/v1/rnc/{tax_id}` (API.md "RNC registry"): DGII's registry, the same for every
workspace; 404 when unknown, 400 when not a valid RNC or cédula."""

from __future__ import annotations

import datetime

import pytest

from invoicing.contacts.selectors import registry_entry, registry_status
from tests.factories import RncRegistryEntryFactory

pytestmark = pytest.mark.django_db

FIELDS = {"tax_id", "name", "trade_name", "activity", "status", "payment_regime", "started_on"}


@pytest.fixture
def bisono():
    return RncRegistryEntryFactory(tax_id="131246796", started_on=datetime.date(2006, 3, 14))


@pytest.mark.parametrize("path", ["131246796", "1-31-24679-6", "1-31-24679-6/"])
def test_a_known_rnc_answers_its_entry(api, bisono, path):
    response = api.get(f"/api/v1/rnc/{path}")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "tax_id": "131246796", "name": "CONSTRUCTORA BISONÓ, SRL",
        "trade_name": "BISONÓ CONSTRUCCIONES", "activity": "CONSTRUCCIÓN DE EDIFICIOS",
        "status": "ACTIVO", "payment_regime": "NORMAL", "started_on": "2006-03-14",
    }


def test_a_cedula_and_a_whitelisted_rnc_are_looked_up(api):
    RncRegistryEntryFactory(tax_id="00113918205", name="JUAN PÉREZ", status="DADO DE BAJA",
                            started_on=None)
    RncRegistryEntryFactory(tax_id="101581601", name="FERRETERÍA OCHOA, SA")
    cedula = api.get("/api/v1/rnc/001-1391820-5")
    assert cedula.status_code == 200
    assert cedula.json()["status"] == "DADO DE BAJA" and cedula.json()["started_on"] is None
    # 101581601 fails the check digit but is a real RNC on python-stdnum's whitelist.
    assert api.get("/api/v1/rnc/101581601").json()["name"] == "FERRETERÍA OCHOA, SA"


def test_a_valid_id_dgii_does_not_list_is_404(api, bisono):
    response = api.get("/api/v1/rnc/101850043")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["123456789", "101850042", "00113918204", "00100000000",
                                  "1318", "ABCDEFGHI", "13124679 6"])
def test_an_invalid_rnc_or_cedula_is_400_on_tax_id(api, bisono, path):
    response = api.get(f"/api/v1/rnc/{path}")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "tax_id" in error["fields"]


def test_every_role_and_every_workspace_reads_the_same_registry(bisono, workspace,
                                                                 other_api, client):
    from tests.conftest import make_member
    from workspaces.roles import Role

    viewer = make_member(workspace, Role.VIEWER)
    client.force_login(viewer)
    mine = client.get("/api/v1/rnc/131246796")
    theirs = other_api.get("/api/v1/rnc/131246796")
    assert mine.status_code == theirs.status_code == 200
    assert mine.json() == theirs.json()


def test_without_a_key_it_is_401(client, bisono):
    assert client.get("/api/v1/rnc/131246796").status_code == 401


def test_writes_are_not_routes(api, bisono):
    assert api.delete("/api/v1/rnc/131246796").status_code == 405
    assert api.put("/api/v1/rnc/131246796", {}, format="json").status_code == 405


def test_registry_status_selector_for_the_invoice_form(bisono):
    RncRegistryEntryFactory(tax_id="101850043", status="SUSPENDIDO")
    assert registry_status("1-31-24679-6") == "ACTIVO"
    assert registry_status("101850043") == "SUSPENDIDO"
    assert registry_status("401506254") is None  # valid, not listed
    assert registry_status("123456789") is None  # not an RNC
    assert registry_status("") is None
    assert registry_entry("131246796") == bisono
