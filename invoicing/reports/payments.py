"""The payments received in a span (the list of payments: API.md `/payments` has no page of
its own): filtered by method and by customer or invoice number, totalled by method in the
workspace currency (each payment at its invoice's fixed rate). One aggregate query for the
totals, one for the page (and its count), one streamed query for the CSV."""

from __future__ import annotations

import datetime

from django.db.models import DecimalField, F, Q, Sum
from django.db.models.functions import Round

from invoicing.core.money import ZERO
from invoicing.invoices.models import Payment, PaymentMethod

MONEY = DecimalField(max_digits=20, decimal_places=2)


def payments_in(workspace, *, date_from: datetime.date, date_to: datetime.date,
                method: str = "", search: str = ""):
    """The workspace's payments of the span, newest first, as the list shows them."""
    queryset = Payment.objects.filter(workspace=workspace, date__gte=date_from,
                                      date__lte=date_to)
    if method in PaymentMethod.values:
        queryset = queryset.filter(method=method)
    if search:
        queryset = queryset.filter(Q(invoice__contact__name__icontains=search)
                                   | Q(invoice__document_number__icontains=search))
    return queryset.order_by("-date", "-id")


def totals_by_method(queryset) -> list[dict]:
    """Per method (in the order of PaymentMethod): count and amount in DOP."""
    rows = {row["method"]: row for row in queryset.order_by().values("method").annotate(
        dop=Sum(Round(F("amount") * F("invoice__exchange_rate"), 2, output_field=MONEY)))}
    labels = dict(PaymentMethod.choices)
    return [{"method": method, "label": str(labels[method]),
             "amount": rows[method]["dop"] or ZERO}
            for method in PaymentMethod.values if method in rows]
