"""A new workspace's USD has no rate: a USD invoice is refused with a clear error (and the
form says so beside the currency) until someone enters the rate; then it takes the rate in
force on its date. The demo workspace has a few months of USD rates, none of them 1."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from invoicing.invoices.models import Invoice
from tests.invoices.helpers import customer, plain_subtype, tax
from tests.invoices.test_pages import form_data
from workspaces.models import Currency, ExchangeRate
from workspaces.services import exchange_rate_set

pytestmark = pytest.mark.django_db

LINE = {"description": "Licencia anual", "quantity": "1", "unit_price": "100.00"}


def usd(workspace):
    return Currency.objects.get(workspace=workspace, code="USD")


def body(workspace, **extra):
    return {"contact_id": customer(workspace).pk,
            "document_subtype_id": plain_subtype(workspace).pk,
            "issue_date": datetime.date.today().isoformat(),
            "items": [{**LINE, "tax_ids": [tax(workspace, "ITBIS 18%").pk]}], **extra}


def test_a_new_workspace_cannot_issue_in_usd_before_entering_a_rate(api, workspace):
    dollar = usd(workspace)
    assert not ExchangeRate.objects.filter(currency=dollar).exists()
    refused = api.post("/api/v1/invoices", body(workspace, currency_id=dollar.pk),
                       format="json")
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert "currency_id" in error["fields"] and "USD" in error["message"]
    assert not Invoice.objects.filter(workspace=workspace).exists()
    # A draft may wait for the rate.
    draft = api.post("/api/v1/invoices", body(workspace, currency_id=dollar.pk,
                                              status="draft"), format="json")
    assert draft.status_code == 201, draft.content
    refused = api.post(f"/api/v1/invoices/{draft.json()['id']}/issue")
    assert refused.status_code == 400 and "USD" in refused.json()["error"]["message"]

    exchange_rate_set(currency=dollar, actor=None, rate=Decimal("60.8500"))
    issued = api.post("/api/v1/invoices", body(workspace, currency_id=dollar.pk),
                      format="json")
    assert issued.status_code == 201, issued.content
    assert issued.json()["exchange_rate"] == "60.8500"


def test_the_form_says_the_rate_is_missing_and_refuses_to_issue(logged_in_client, workspace):
    page = logged_in_client.get(reverse("invoices:new")).content.decode()
    assert "USD (sin tasa de cambio" in page or "USD (no exchange rate yet" in page
    data = form_data(workspace, customer(workspace),
                     [{**LINE, "taxes": [tax(workspace, "ITBIS 18%").pk]}],
                     currency=usd(workspace).pk)
    response = logged_in_client.post(reverse("invoices:new"), data)
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "USD" in html and ("tasa" in html or "rate" in html)
    assert not Invoice.objects.filter(workspace=workspace).exists()

    exchange_rate_set(currency=usd(workspace), actor=None, rate=Decimal("61.0000"))
    page = logged_in_client.get(reverse("invoices:new")).content.decode()
    assert "USD (sin tasa de cambio" not in page and "USD (no exchange rate yet" not in page


def test_the_demo_has_months_of_usd_rates_none_of_them_one(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    dollar = Currency.objects.get(workspace__name="Comercial Demo SRL", code="USD")
    rates = list(ExchangeRate.objects.filter(currency=dollar).order_by("effective_date"))
    assert len(rates) >= 4
    assert (rates[-1].effective_date - rates[0].effective_date).days >= 90
    assert all(rate.rate > Decimal("50") for rate in rates)
    assert dollar.exchange_rate == rates[-1].rate != Decimal("1")
