"""Currencies (API.md, issue 3): ISO 4217 only, exactly one default, rates with history and
effective dates, `exchange_rate_on`, the API and its `rates` sub-resource."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from invoicing.core.errors import Conflict, InvalidInput
from tests.factories import InvoiceFactory
from workspaces.models import Currency, ExchangeRate
from workspaces.services import (
    currency_create,
    currency_make_default,
    currency_update,
    exchange_rate_on,
    exchange_rate_set,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/currencies"
FIELDS = {"id", "code", "name", "symbol", "exchange_rate", "is_default", "is_active"}
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def get(workspace, code) -> Currency:
    return Currency.objects.get(workspace=workspace, code=code)


def error_fields(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"].get("fields", {})


class TestRules:
    def test_new_workspace_has_dop_default_and_usd(self, workspace):
        dop, usd = get(workspace, "DOP"), get(workspace, "USD")
        assert (dop.is_default, dop.symbol, dop.exchange_rate) == (True, "RD$", Decimal("1"))
        assert usd.is_default is False
        assert Currency.objects.filter(workspace=workspace, is_default=True).count() == 1

    @pytest.mark.parametrize("code", ["XYZ", "US", "", "EURO", "U$D", "RD$"])
    def test_only_iso_4217_codes(self, workspace, owner, code):
        with pytest.raises(InvalidInput) as caught:
            currency_create(workspace=workspace, actor=owner, code=code, name="", symbol="")
        assert "code" in caught.value.fields

    def test_code_is_normalised_and_unique(self, workspace, owner):
        eur = currency_create(workspace=workspace, actor=owner, code=" eur", name="Euro",
                              symbol="€")
        assert eur.code == "EUR"
        with pytest.raises(InvalidInput):
            currency_create(workspace=workspace, actor=owner, code="EUR")

    def test_exactly_one_default(self, workspace, owner):
        usd = get(workspace, "USD")
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("60.0000"))
        eur = currency_create(workspace=workspace, actor=owner, code="EUR",
                              exchange_rate=Decimal("66.0000"))
        currency_make_default(currency=usd, actor=owner)
        assert list(Currency.objects.filter(workspace=workspace, is_default=True)) == [usd]
        usd.refresh_from_db()
        eur.refresh_from_db()
        dop = get(workspace, "DOP")
        # Rates are restated against the new default: 1 DOP = 1/60 USD, 1 EUR = 1.1 USD.
        assert usd.exchange_rate == Decimal("1")
        assert dop.exchange_rate == Decimal("0.0167")
        assert eur.exchange_rate == Decimal("1.1000")
        assert exchange_rate_on(currency=eur, on=TODAY) == Decimal("1.1000")

    def test_default_cannot_be_unset_deactivated_or_given_a_rate(self, workspace, owner):
        dop = get(workspace, "DOP")
        with pytest.raises(Conflict):
            currency_update(currency=dop, actor=owner, is_default=False)
        with pytest.raises(Conflict):
            currency_update(currency=dop, actor=owner, is_active=False)
        with pytest.raises(InvalidInput):
            currency_update(currency=dop, actor=owner, exchange_rate=Decimal("2"))
        with pytest.raises(InvalidInput):
            exchange_rate_set(currency=dop, actor=owner, rate=Decimal("2"))
        assert exchange_rate_on(currency=dop, on=TODAY) == Decimal("1.0000")

    def test_rate_history_and_rate_on_a_date(self, workspace, owner):
        usd = get(workspace, "USD")
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("58.5"),
                          effective_date=TODAY - 30 * DAY)
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("59.1"),
                          effective_date=TODAY - 10 * DAY)
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("60.25"))
        assert exchange_rate_on(currency=usd, on=TODAY - 31 * DAY) == Decimal("58.5")  # earliest
        assert exchange_rate_on(currency=usd, on=TODAY - 30 * DAY) == Decimal("58.5")
        assert exchange_rate_on(currency=usd, on=TODAY - 11 * DAY) == Decimal("58.5")
        assert exchange_rate_on(currency=usd, on=TODAY - 10 * DAY) == Decimal("59.1")
        assert exchange_rate_on(currency=usd, on=TODAY) == Decimal("60.25")
        usd.refresh_from_db()
        assert usd.exchange_rate == Decimal("60.25")
        # A late entry for a past day does not change today's rate.
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("59.5"),
                          effective_date=TODAY - 5 * DAY)
        usd.refresh_from_db()
        assert usd.exchange_rate == Decimal("60.25")
        assert exchange_rate_on(currency=usd, on=TODAY - 5 * DAY) == Decimal("59.5")

    def test_same_day_rate_replaces(self, workspace, owner):
        usd = get(workspace, "USD")
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("60"))
        exchange_rate_set(currency=usd, actor=owner, rate=Decimal("61"))
        assert ExchangeRate.objects.filter(currency=usd).count() == 1
        assert exchange_rate_on(currency=usd, on=TODAY) == Decimal("61")

    @pytest.mark.parametrize(("rate", "when", "field"), [
        (Decimal("0"), None, "rate"), (Decimal("-1"), None, "rate"), ("abc", None, "rate"),
        (Decimal("1"), TODAY + DAY, "effective_date"),
    ])
    def test_bad_rates(self, workspace, owner, rate, when, field):
        with pytest.raises(InvalidInput) as caught:
            exchange_rate_set(currency=get(workspace, "USD"), actor=owner, rate=rate,
                              effective_date=when)
        assert field in caught.value.fields
        assert not ExchangeRate.objects.exists()

    def test_code_of_a_used_currency_cannot_change(self, workspace, owner):
        usd = get(workspace, "USD")
        currency_update(currency=usd, actor=owner, name="Dólar")  # unused: fine
        InvoiceFactory(workspace=workspace, currency=usd)
        with pytest.raises(Conflict) as caught:
            currency_update(currency=usd, actor=owner, code="EUR")
        assert "code" in caught.value.fields
        currency_update(currency=usd, actor=owner, code="usd")  # same code: fine


class TestApi:
    def test_list_fields(self, api):
        body = api.get(URL).json()
        assert body["count"] == 2
        assert set(body["results"][0]) == FIELDS
        dop = next(row for row in body["results"] if row["code"] == "DOP")
        assert (dop["exchange_rate"], dop["is_default"], dop["symbol"]) == ("1.0000", True,
                                                                             "RD$")

    def test_usd_has_no_rate_until_one_is_entered(self, api, workspace):
        usd = get(workspace, "USD")
        assert api.get(f"{URL}/{usd.pk}").json()["exchange_rate"] is None
        with CaptureQueriesContext(connection) as two:
            api.get(URL)
        api.patch(f"{URL}/{usd.pk}", {"exchange_rate": "58.5"}, format="json")
        currency_create(workspace=workspace, actor=None, code="EUR")
        with CaptureQueriesContext(connection) as three:
            rows = {row["code"]: row["exchange_rate"] for row in api.get(URL).json()["results"]}
        assert rows == {"DOP": "1.0000", "USD": "58.5000", "EUR": None}
        assert len(three) == len(two)

    def test_create_with_rate_records_history(self, api, workspace):
        response = api.post(URL, {"code": "eur", "name": "Euro", "symbol": "€",
                                  "exchange_rate": "66.1234"}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["code"], body["exchange_rate"], body["is_default"]) == (
            "EUR", "66.1234", False)
        assert ExchangeRate.objects.get(currency_id=body["id"]).effective_date == TODAY

    def test_create_errors(self, api):
        assert "code" in error_fields(api.post(URL, {"code": "ABC"}, format="json"))
        assert "code" in error_fields(api.post(URL, {"code": "USD"}, format="json"))
        assert "code" in error_fields(api.post(URL, {"name": "x"}, format="json"))
        assert "exchange_rate" in error_fields(api.post(URL, {"code": "EUR",
                                                              "exchange_rate": "0"},
                                                        format="json"))

    def test_patch_exchange_rate_is_todays_rate(self, api, workspace):
        usd = get(workspace, "USD")
        body = api.patch(f"{URL}/{usd.pk}", {"exchange_rate": 60.5}, format="json").json()
        assert body["exchange_rate"] == "60.5000"
        entry = ExchangeRate.objects.get(currency=usd)
        assert (entry.rate, entry.effective_date) == (Decimal("60.5"), TODAY)

    def test_patch_make_default_and_refuse_unset(self, api, workspace):
        usd, dop = get(workspace, "USD"), get(workspace, "DOP")
        assert "is_default" in error_fields(api.patch(f"{URL}/{dop.pk}", {"is_default": False},
                                                      format="json"), 409)
        body = api.patch(f"{URL}/{usd.pk}", {"is_default": True}, format="json").json()
        assert body["is_default"] is True and body["exchange_rate"] == "1.0000"
        assert api.get(URL, {"is_default": "true"}).json()["results"][0]["code"] == "USD"

    def test_delete(self, api, workspace):
        eur = currency_create(workspace=workspace, actor=None, code="EUR")
        assert api.delete(f"{URL}/{eur.pk}").status_code == 204
        dop = get(workspace, "DOP")
        assert api.delete(f"{URL}/{dop.pk}").status_code == 409
        usd = get(workspace, "USD")
        InvoiceFactory(workspace=workspace, currency=usd)
        response = api.delete(f"{URL}/{usd.pk}")
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "currency_in_use"
        assert Currency.objects.filter(pk=usd.pk).exists()

    def test_rates_post_and_history(self, api, workspace):
        usd = get(workspace, "USD")
        url = f"{URL}/{usd.pk}/rates"
        old = api.post(url, {"rate": "58.75", "effective_date": str(TODAY - 7 * DAY)},
                       format="json")
        assert old.status_code == 201, old.content
        assert set(old.json()) == {"id", "currency_id", "rate", "effective_date", "created_at"}
        assert old.json()["rate"] == "58.7500" and old.json()["currency_id"] == usd.pk
        assert api.post(url + "/", {"rate": 60}, format="json").json()["effective_date"] == \
            str(TODAY)
        history = api.get(url).json()
        assert history["count"] == 2
        assert [row["effective_date"] for row in history["results"]] == [
            str(TODAY), str(TODAY - 7 * DAY)]
        assert api.get(f"{URL}/{usd.pk}").json()["exchange_rate"] == "60.0000"

    @pytest.mark.parametrize(("body", "field"), [
        ({}, "rate"), ({"rate": "0"}, "rate"), ({"rate": "x"}, "rate"),
        ({"rate": "1", "effective_date": "2020-13-01"}, "effective_date"),
        ({"rate": "1", "effective_date": str(TODAY + DAY)}, "effective_date"),
    ])
    def test_rates_post_errors(self, api, workspace, body, field):
        usd = get(workspace, "USD")
        assert field in error_fields(api.post(f"{URL}/{usd.pk}/rates", body, format="json"))
        assert not ExchangeRate.objects.exists()

    def test_default_currency_takes_no_rate(self, api, workspace):
        dop = get(workspace, "DOP")
        assert "rate" in error_fields(api.post(f"{URL}/{dop.pk}/rates", {"rate": 2},
                                               format="json"))

    def test_rates_of_another_workspace_are_404(self, other_api, workspace):
        usd = get(workspace, "USD")
        assert other_api.get(f"{URL}/{usd.pk}/rates").status_code == 404
        assert other_api.post(f"{URL}/{usd.pk}/rates", {"rate": 1},
                              format="json").status_code == 404

    def test_seller_cannot_set_rates(self, workspace):
        from django.test import Client

        from tests.conftest import make_member
        from workspaces.roles import Role

        seller = make_member(workspace, Role.SELLER)
        client = Client()
        client.force_login(seller)
        usd = get(workspace, "USD")
        assert client.get(f"{URL}/{usd.pk}/rates").status_code == 200
        assert client.post(f"{URL}/{usd.pk}/rates", {"rate": 1},
                           content_type="application/json").status_code == 403

    def test_lists_run_the_same_queries_for_1_and_30_rows(self, api, workspace):
        usd = get(workspace, "USD")
        exchange_rate_set(currency=usd, actor=None, rate=Decimal("60"))
        api.get(URL)

        def count(url, **params):
            with CaptureQueriesContext(connection) as ctx:
                response = api.get(url, {"per_page": 100, **params})
                assert response.status_code == 200
            return len(ctx.captured_queries), response.json()["count"]

        one_rate = count(f"{URL}/{usd.pk}/rates")
        one_currency = count(URL, code="DOP")
        assert one_rate[1] == one_currency[1] == 1
        for code in ["EUR", "GBP", "CAD", "MXN", "JPY", "CHF", "COP", "BRL", "ARS", "CLP",
                     "PEN", "CNY", "INR", "KRW", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN",
                     "CZK", "HUF", "TRY", "ZAR", "HTG", "JMD", "TTD", "BBD"]:
            Currency.objects.create(workspace=workspace, code=code, name=code, symbol=code)
        for days in range(1, 30):
            exchange_rate_set(currency=usd, actor=None, rate=Decimal(50 + days),
                              effective_date=TODAY - days * DAY)
        assert count(URL) == (one_currency[0], 30)
        assert count(f"{URL}/{usd.pk}/rates") == (one_rate[0], 30)
