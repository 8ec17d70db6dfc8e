"""Currency pages under settings: list and add, detail with rate history, record a rate,
make default, delete."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_member
from tests.factories import InvoiceFactory
from workspaces.models import Currency, ExchangeRate
from workspaces.roles import Role
from workspaces.services import exchange_rate_set

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English source strings; the UI defaults to Spanish once translated."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def test_settings_links_to_the_currency_list(logged_in_client):
    html = logged_in_client.get(reverse("workspaces:index")).content.decode()
    assert reverse("workspaces:currency_list") in html
    page = logged_in_client.get(reverse("workspaces:currency_list"))
    assert page.status_code == 200
    assert "DOP" in page.content.decode() and "USD" in page.content.decode()


def test_add_currency(logged_in_client, workspace):
    url = reverse("workspaces:currency_list")
    bad = logged_in_client.post(url, {"code": "XYZ"})
    assert bad.status_code == 400 and bad.context["form"].errors["code"]
    response = logged_in_client.post(url, {"code": "eur", "name": "Euro", "symbol": "€",
                                           "exchange_rate": "66.5"})
    eur = Currency.objects.get(workspace=workspace, code="EUR")
    assert response["Location"] == reverse("workspaces:currency_detail", args=[eur.pk])
    assert eur.exchange_rate == Decimal("66.5")


def test_record_rate_and_see_history(logged_in_client, workspace):
    usd = Currency.objects.get(workspace=workspace, code="USD")
    url = reverse("workspaces:currency_rate_add", args=[usd.pk])
    past = TODAY - datetime.timedelta(days=3)
    assert logged_in_client.post(url, {"rate": "58.9", "effective_date": past.isoformat()}
                                 ).status_code == 302
    assert logged_in_client.post(url, {"rate": "60.1", "effective_date": TODAY.isoformat()}
                                 ).status_code == 302
    future = logged_in_client.post(url, {"rate": "61", "effective_date": (
        TODAY + datetime.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and future.context["rate_form"].errors["effective_date"]
    html = logged_in_client.get(reverse("workspaces:currency_detail",
                                        args=[usd.pk])).content.decode()
    assert 'data-testid="rate-history"' in html
    assert "58.9000" in html or "58,9000" in html
    usd.refresh_from_db()
    assert usd.exchange_rate == Decimal("60.1")
    assert ExchangeRate.objects.filter(currency=usd).count() == 2


def test_edit_name_and_deactivate(logged_in_client, workspace):
    usd = Currency.objects.get(workspace=workspace, code="USD")
    url = reverse("workspaces:currency_detail", args=[usd.pk])
    assert logged_in_client.post(url, {"name": "Dólar EE. UU.", "symbol": "US$"}
                                 ).status_code == 302
    usd.refresh_from_db()
    assert (usd.name, usd.is_active) == ("Dólar EE. UU.", False)
    dop = Currency.objects.get(workspace=workspace, code="DOP")
    refused = logged_in_client.post(reverse("workspaces:currency_detail", args=[dop.pk]),
                                    {"name": "Peso", "symbol": "RD$"})
    assert refused.status_code == 400 and refused.context["edit_form"].errors["is_active"]


def test_make_default_and_delete(logged_in_client, workspace):
    usd = Currency.objects.get(workspace=workspace, code="USD")
    exchange_rate_set(currency=usd, actor=None, rate=Decimal("60"))
    dop = Currency.objects.get(workspace=workspace, code="DOP")
    InvoiceFactory(workspace=workspace, currency=dop)
    logged_in_client.post(reverse("workspaces:currency_make_default", args=[usd.pk]))
    usd.refresh_from_db()
    assert usd.is_default
    dop.refresh_from_db()
    assert not dop.is_default and dop.exchange_rate == Decimal("0.0167")
    # Used by an invoice: kept, with the reason shown.
    response = logged_in_client.post(reverse("workspaces:currency_delete", args=[dop.pk]),
                                     follow=True)
    assert Currency.objects.filter(pk=dop.pk).exists()
    assert "deactivate it instead" in response.content.decode()
    eur = Currency.objects.create(workspace=workspace, code="EUR", name="Euro", symbol="€")
    logged_in_client.post(reverse("workspaces:currency_delete", args=[eur.pk]))
    assert not Currency.objects.filter(pk=eur.pk).exists()


def test_seller_reads_but_cannot_change(client, workspace):
    seller = make_member(workspace, Role.SELLER)
    client.force_login(seller)
    usd = Currency.objects.get(workspace=workspace, code="USD")
    html = client.get(reverse("workspaces:currency_detail", args=[usd.pk])).content.decode()
    assert 'id="rate-form"' not in html
    assert client.post(reverse("workspaces:currency_rate_add", args=[usd.pk]),
                       {"rate": "1", "effective_date": TODAY.isoformat()}).status_code == 403
    assert client.post(reverse("workspaces:currency_list"), {"code": "EUR"}).status_code == 403
    assert not Currency.objects.filter(code="EUR").exists()


def test_pages_queries_are_bounded(logged_in_client, workspace, django_assert_max_num_queries):
    usd = Currency.objects.get(workspace=workspace, code="USD")
    for days in range(25):
        exchange_rate_set(currency=usd, actor=None, rate=Decimal(50 + days),
                          effective_date=TODAY - datetime.timedelta(days=days))
    with django_assert_max_num_queries(10):
        logged_in_client.get(reverse("workspaces:currency_list"))
    with django_assert_max_num_queries(10):
        logged_in_client.get(reverse("workspaces:currency_detail", args=[usd.pk]))
