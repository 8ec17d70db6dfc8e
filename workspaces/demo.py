"""Demo data of workspaces: the US dollar's rate over the last few months, as an office
would have entered it from the Banco Central's daily figure (a new workspace starts with
none, and may not issue in USD until it enters one)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from .currency_services import exchange_rate_set
from .models import Currency, ExchangeRate

# Days ago, rate: one entry about every month, the last one this week.
USD_RATES = [(120, "59.8250"), (90, "60.1040"), (60, "60.4875"), (30, "61.0320"),
             (3, "61.3560")]


def seed(workspace, user) -> None:
    usd = Currency.objects.filter(workspace=workspace, code="USD", is_default=False).first()
    if usd is None or ExchangeRate.objects.filter(currency=usd).exists():
        return
    today = timezone.localdate()
    for days_ago, rate in USD_RATES:
        exchange_rate_set(currency=usd, actor=user, rate=Decimal(rate),
                          effective_date=today - datetime.timedelta(days=days_ago))
