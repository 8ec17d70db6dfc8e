"""Catalog admin: contacts, products, movements and currencies are written through the
services, so the admin enforces the same rules as the API and pages."""

from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.contacts.models import Contact
from invoicing.fiscal.models import Tax
from invoicing.products.models import Product, StockMovement
from tests.factories import ContactFactory, ProductFactory
from workspaces.models import Activity, Currency, ExchangeRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, owner):
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)
    return client


def test_changelists_and_change_forms_render(admin_client, workspace):
    contact = ContactFactory(workspace=workspace)
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    for url in (reverse("admin:contacts_contact_changelist"),
                reverse("admin:contacts_contact_add"),
                reverse("admin:contacts_contact_change", args=[contact.pk]),
                reverse("admin:products_product_changelist"),
                reverse("admin:products_product_add"),
                reverse("admin:products_product_change", args=[product.pk]),
                reverse("admin:products_stockmovement_changelist"),
                reverse("admin:products_stockmovement_add"),
                reverse("admin:workspaces_currency_add"),
                reverse("admin:workspaces_exchangerate_changelist")):
        assert admin_client.get(url).status_code == 200, url


def test_contact_add_checks_the_rnc_and_uses_the_service(admin_client, workspace):
    url = reverse("admin:contacts_contact_add")
    data = {"workspace": workspace.pk, "name": "Farmacia Los Hidalgos", "kind": "customer",
            "tax_id_type": "rnc", "tax_id": "101850042", "is_active": "on"}
    bad = admin_client.post(url, data)
    assert bad.status_code == 200 and bad.context["adminform"].form.errors["tax_id"]
    assert admin_client.post(url, {**data, "tax_id": "1-01-85004-3"}).status_code == 302
    contact = Contact.objects.get()
    assert (contact.workspace, contact.tax_id) == (workspace, "101850043")
    assert Activity.objects.filter(target_id=contact.pk, verb="created",
                                   target_type="contacts.contact").exists()


def test_product_add_refuses_two_itbis_treatments(admin_client, workspace):
    url = reverse("admin:products_product_add")
    taxes = Tax.objects.filter(workspace=workspace, kind__in=["itbis", "exempt"])
    data = {"workspace": workspace.pk, "sku": "A-1", "name": "Arroz", "description": "",
            "unit_price": "375", "cost": "300", "unit": "saco",
            "taxes": [t.pk for t in taxes], "tracks_inventory": "on", "is_active": "on"}
    bad = admin_client.post(url, data)
    assert bad.status_code == 200 and bad.context["adminform"].form.errors
    assert not Product.objects.exists()
    exento = Tax.objects.get(workspace=workspace, kind="exempt")
    assert admin_client.post(url, {**data, "taxes": [exento.pk]}).status_code == 302
    product = Product.objects.get()
    assert list(product.taxes.all()) == [exento]


def test_movement_add_goes_through_the_ledger(admin_client, workspace):
    product = ProductFactory(workspace=workspace, tracks_inventory=True)
    url = reverse("admin:products_stockmovement_add")
    bad = admin_client.post(url, {"product": product.pk, "kind": "sale", "quantity": "-1",
                                  "note": "x"})
    assert bad.status_code == 200 and not StockMovement.objects.exists()
    assert admin_client.post(url, {"product": product.pk, "kind": "purchase",
                                   "quantity": "7", "note": "Factura 55"}).status_code == 302
    product.refresh_from_db()
    assert product.stock_quantity == Decimal("7")
    movement = StockMovement.objects.get()
    assert admin_client.get(reverse("admin:products_stockmovement_change",
                                    args=[movement.pk])).status_code == 200
    assert admin_client.post(reverse("admin:products_stockmovement_delete",
                                     args=[movement.pk])).status_code == 403


def test_currency_admin_uses_the_services(admin_client, workspace):
    url = reverse("admin:workspaces_currency_add")
    bad = admin_client.post(url, {"workspace": workspace.pk, "code": "XYZ", "name": "",
                                  "symbol": "", "is_active": "on"})
    assert bad.status_code == 200 and bad.context["adminform"].form.errors["code"]
    assert admin_client.post(url, {"workspace": workspace.pk, "code": "EUR", "name": "Euro",
                                   "symbol": "€", "is_active": "on",
                                   "new_rate": "66.5"}).status_code == 302
    eur = Currency.objects.get(workspace=workspace, code="EUR")
    assert eur.exchange_rate == Decimal("66.5")
    assert ExchangeRate.objects.filter(currency=eur).count() == 1
    dop = Currency.objects.get(workspace=workspace, code="DOP")
    change = admin_client.post(reverse("admin:workspaces_currency_change", args=[dop.pk]), {
        "code": "DOP", "name": "Peso", "symbol": "RD$", "new_rate": "2",
        "rates-TOTAL_FORMS": "0", "rates-INITIAL_FORMS": "0"})
    assert change.status_code == 200 and change.context["adminform"].form.errors
