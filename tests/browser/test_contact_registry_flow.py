"""Issue 18 in a real browser: typing a valid RNC or cédula on the contact form fills the
name from DGII's registry (never over a name the user typed), and a taxpayer the registry
does not list as ACTIVO gets a warning."""

import re

import pytest

from invoicing.contacts.models import Contact
from tests.factories import RncRegistryEntryFactory

pytestmark = pytest.mark.browser


def type_tax_id(page, kind: str, value: str) -> None:
    page.select_option("select[name=tax_id_type]", kind)
    page.fill("input[name=tax_id]", value)
    page.locator("input[name=tax_id]").press("Tab")  # `change` runs the htmx check


def test_the_registry_fills_the_name_and_warns_about_inactive_taxpayers(logged_in_page, staff):
    page = logged_in_page
    _user, workspace = staff
    RncRegistryEntryFactory(tax_id="131246796", name="CONSTRUCTORA BISONÓ, SRL")
    RncRegistryEntryFactory(tax_id="00113918205", name="JUAN PÉREZ RODRÍGUEZ",
                            status="SUSPENDIDO")

    page.goto("/contacts/new/")
    name = page.locator("input[name=name]")
    assert name.input_value() == ""

    type_tax_id(page, "rnc", "1-31-24679-6")
    page.get_by_test_id("registry-entry").wait_for()
    # A function, not an expression string: the page's CSP forbids eval of strings.
    page.wait_for_function("() => document.querySelector('input[name=name]').value !== ''")
    assert name.input_value() == "CONSTRUCTORA BISONÓ, SRL"
    assert page.get_by_test_id("registry-inactive").count() == 0

    # Another id replaces a name the registry filled in, and warns: not ACTIVO.
    type_tax_id(page, "cedula", "001-1391820-5")
    warning = page.get_by_test_id("registry-inactive")
    warning.wait_for()
    assert "SUSPENDIDO" in warning.inner_text()
    assert name.input_value() == "JUAN PÉREZ RODRÍGUEZ"

    # A name typed by the user stays when the id is checked again.
    name.fill("Juan Pérez (taller)")
    type_tax_id(page, "rnc", "131246796")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=registry-entry]')?.dataset.registryName"
        " === 'CONSTRUCTORA BISONÓ, SRL'")
    assert name.input_value() == "Juan Pérez (taller)"

    page.click("form.card button[type=submit].primary")
    page.wait_for_url(re.compile(r"/contacts/\d+/$"))
    contact = Contact.objects.get(workspace=workspace)
    assert (contact.name, contact.tax_id) == ("Juan Pérez (taller)", "131246796")
