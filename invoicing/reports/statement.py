"""A customer's statement (estado de cuenta) for a span of days: the balance brought forward,
then every document, note and payment in date order with the running balance, in the
workspace currency (each document, and the payments on it, at the document's fixed rate).

What raises the balance: invoices and debit notes; what lowers it: credit notes and payments
(with what the buyer withheld, which settles the invoice as a payment does: API.md
"Withholdings"). A payment from the customer's credit balance is left out:
the credit note that made that credit already lowered the balance. Documents count when they
stood at the end of the span (a document cancelled by then is left out), like the aging.

Per source: one aggregate for what came before the span and one query for the rows in it;
the same for the payments. A fixed number of queries whatever the number of documents.
"""

from __future__ import annotations

import datetime
import logging

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import Round
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicing.core.money import ZERO, quantize_money
from invoicing.documents.pdf.render import PdfRenderError, html_to_pdf

from .periods import end_of_day
from .sources import Source, sources

MONEY = DecimalField(max_digits=20, decimal_places=2)
FROM_CREDIT_BALANCE = "credit_balance"  # PaymentMethod.CREDIT_BALANCE
KIND_LABELS = {"invoice": gettext_lazy("Invoice"), "credit_note": gettext_lazy("Credit note"),
               "debit_note": gettext_lazy("Debit note"), "payment": gettext_lazy("Payment")}
log = logging.getLogger(__name__)


def _dop(field: str, rate: str):
    return Round(ExpressionWrapper(F(field) * F(rate), output_field=MONEY), 2,
                 output_field=MONEY)


def _documents(source: Source, workspace, contact_id: int, date_to):
    return (source.rows(workspace).filter(contact_id=contact_id, issue_date__lte=date_to)
            .filter(source.standing(end_of_day(date_to))))


def _payments(source: Source, documents, date_to):
    fk = source.model._meta.get_field(source.payments).field.name
    return (source.payment_model.objects
            .filter(**{f"{fk}__in": documents.values("id")}, date__lte=date_to)
            .exclude(method=FROM_CREDIT_BALANCE), fk)


def _settled(source: Source, fk: str):
    settled = _dop("amount", f"{fk}__exchange_rate")
    if source.payment_has("withheld_amount"):
        settled = settled + _dop("withheld_amount", f"{fk}__exchange_rate")
    return settled


def customer_statement(workspace, *, contact, date_from: datetime.date,
                       date_to: datetime.date) -> dict:
    opening = ZERO
    rows: list[dict] = []
    for source in sources():
        documents = _documents(source, workspace, contact.pk, date_to)
        before = documents.filter(issue_date__lt=date_from).aggregate(
            total=Sum(_dop("total_amount", "exchange_rate")))["total"] or ZERO
        opening += source.sign * before
        fields = ("id", "document_number", "issue_date",
                  *(("due_date",) if source.receivable else ()))
        for doc in (documents.filter(issue_date__gte=date_from)
                    .values(*fields, dop=_dop("total_amount", "exchange_rate")).order_by()):
            rows.append({"date": doc["issue_date"], "kind": source.kind, "id": doc["id"],
                         "document_number": doc["document_number"] or "",
                         "due_date": doc.get("due_date"), "description": "",
                         "debit": doc["dop"] if source.sign > 0 else ZERO,
                         "credit": doc["dop"] if source.sign < 0 else ZERO, "order": 0})
        if not source.payments:
            continue
        payments, fk = _payments(source, documents, date_to)
        settled = _settled(source, fk)
        opening -= payments.filter(date__lt=date_from).aggregate(
            total=Sum(settled))["total"] or ZERO
        for payment in (payments.filter(date__gte=date_from)
                        .values("id", "date", "method", "reference",
                                document=F(f"{fk}__document_number"),
                                document_id=F(f"{fk}_id"), dop=settled).order_by()):
            rows.append({"date": payment["date"], "kind": "payment", "id": payment["id"],
                         "document_number": payment["document"] or "",
                         "document_id": payment["document_id"], "due_date": None,
                         "description": payment["reference"], "method": payment["method"],
                         "debit": ZERO, "credit": payment["dop"], "order": 1})
    # Within a day: documents before the payments on them; then by number, then by id.
    rows.sort(key=lambda row: (row["date"], row["order"], row["document_number"], row["id"]))
    balance = quantize_money(opening)
    for row in rows:
        balance = quantize_money(balance + row["debit"] - row["credit"])
        row["balance"] = balance
        row["label"] = str(KIND_LABELS[row["kind"]])
    return {"contact": contact, "contact_id": contact.pk, "name": contact.name,
            "date_from": date_from, "date_to": date_to, "opening_balance": quantize_money(opening),
            "rows": rows, "totals": {
                "debit": sum((row["debit"] for row in rows), ZERO),
                "credit": sum((row["credit"] for row in rows), ZERO)},
            "closing_balance": balance}


def statement_pdf_response(workspace, report: dict, filename: str, *, inline: bool):
    """The statement printed like the other documents (xhtml2pdf under the same no-network
    policy), Spanish whatever the UI language; 503 in the API's error shape if it cannot be
    rendered."""
    with translation.override("es"):
        html = render_to_string("pdf/statement.html", {
            "issuer": workspace, "report": report, "rows": report["rows"]})
    try:
        content = html_to_pdf(html)
    except PdfRenderError:
        log.exception("PDF: statement of contact %s",
                                              report["contact_id"])
        return JsonResponse({"error": {"code": "pdf_unavailable", "message": _(
            "The PDF could not be rendered. Try again later.")}}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
