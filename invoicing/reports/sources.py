"""Where the reports read fiscal documents from: the one seam between the reports and the
apps that issue documents.

Invoices are always a source. Credit notes (B04/E34) and debit notes (B03/E33) join as soon
as the notes app is installed (`_note_sources`, by model name through the app registry: no
import of an app that may not be there). Any other app that issues fiscal documents joins by
having a module `report_sources.py` with `SOURCES = [{...}, ...]`: dicts with the keys of
`Source` below, naming its own models; `core.discovery.app_modules` finds it (as it finds
dashboard panels), and that app imports nothing of the reports. Each
report selector reads every source with the same few queries and joins the rows (a union of
invoice rows and note rows); a credit note's `sign` of -1 makes it subtract.

What a source's model must have (the fields `documents.AbstractDocumentTotals` gives, plus
what an invoice freezes at issue): `workspace`, `contact`, `document_subtype` (with
`ncf_type`), `document_number`, `issue_date`, `exchange_rate`, `subtotal_amount`,
`discount_amount`, `tax_amount`, `total_amount`, `status`, `cancelled_at`,
`cancel_reason_code`, `buyer_name`, `buyer_tax_id_type`, `buyer_tax_id`; lines (the
related name `lines`) with `subtotal`, `discount_amount`, `taxes` (the frozen JSON list),
`product`, `description`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Exists, Model, OuterRef, Q

from invoicing.core.discovery import app_modules

# DGII report 607 payment-form columns (17 cash … 23 other), by payment method.
PAYMENT_COLUMNS = {
    "cash": "cash", "check": "bank", "bank_transfer": "bank", "mobile_payment": "bank",
    "card": "card", "gift_certificate": "gift", "swap": "swap",
    "credit_balance": "other", "other": "other",
}
PAYMENT_FORMS = ("cash", "bank", "card", "credit", "gift", "swap", "other")

# EcfRecord.environment and .status values (invoicing.ecf.models, not imported).
ECF_PRODUCTION = "ecf"
ECF_REJECTED = "rejected"

# Purchase-side types are issued by the buyer for its purchases: never sales (DOMAIN.md).
PURCHASE_TYPES = frozenset({"B11", "B13", "B17", "E41", "E43", "E47"})


@dataclass(frozen=True)
class Source:
    kind: str  # "invoice", "credit_note", "debit_note"
    model: type[Model]
    sign: int = 1  # -1: subtracts from sales and ITBIS (credit notes)
    draft_status: str | None = "draft"
    cancelled_status: str = "cancelled"
    modified_ncf: str | None = None  # the field with the NCF a note modifies
    modifies: str | None = None  # the FK to the invoice a note modifies (aging)
    over_30_days: str | None = None  # the E34 IndicadorNotaCredito field
    payments: str | None = None  # related name of payments (date, amount, method)
    receivable: bool = False  # has a due date and is owed (aging)
    lines: str = "lines"
    where: dict | None = None  # narrows the model's rows (one model for credit and debit notes)

    def rows(self, workspace):
        """The workspace's documents of this source that reports may count: never an e-CF
        of DGII's test environments or one DGII rejected (`reportable_ecf`)."""
        queryset = self.model.objects.filter(workspace=workspace)
        if self.where:
            queryset = queryset.filter(**self.where)
        reportable = reportable_ecf(self.kind)
        return queryset.filter(reportable) if reportable is not None else queryset

    @property
    def payment_model(self) -> type[Model] | None:
        return self.model._meta.get_field(self.payments).related_model if self.payments \
            else None

    def payment_has(self, name: str) -> bool:
        """Whether payments have this field (withholdings came with the fiscal lifecycle)."""
        model = self.payment_model
        return model is not None and any(field.name == name
                                          for field in model._meta.get_fields())

    @property
    def line_model(self) -> type[Model]:
        return self.model._meta.get_field(self.lines).related_model

    @property
    def line_document(self) -> str:
        return self.model._meta.get_field(self.lines).field.name

    def standing(self, until) -> Q:
        """Issued and not cancelled by `until` (an aware datetime): a document cancelled
        later still stood in earlier months."""
        q = ~Q(status=self.cancelled_status) | Q(cancelled_at__gte=until)
        if self.draft_status:
            q &= ~Q(status=self.draft_status)
        return q

    def fiscal(self, prefix: str = "") -> Q:
        return Q(**{f"{prefix}document_subtype__ncf_type__isnull": False}) & ~Q(
            **{f"{prefix}document_subtype__ncf_type__in": PURCHASE_TYPES})


def reportable_ecf(kind: str) -> Q | None:
    """API.md "Electronic documents": documents keep the environment they were sent in and
    only those of production (`ecf`) count in reports; DOMAIN.md "DGII web services": a
    rejected e-CF has no fiscal validity (nor a 608 line once it is cancelled by a reissue).
    A document without an e-CF record (B-series, or E-series issued before e-CF existed)
    counts. One NOT EXISTS on the record's unique (document_kind, document_id) index, in the
    same query: no query more per report. The e-CF app is looked up by name, never imported.
    """
    if not apps.is_installed("invoicing.ecf"):
        return None
    record = apps.get_model("ecf", "EcfRecord")
    outside = record.objects.filter(document_kind=kind, document_id=OuterRef("pk")).filter(
        ~Q(environment=ECF_PRODUCTION) | Q(status=ECF_REJECTED))
    return ~Exists(outside)


def _invoice_source() -> Source:
    from invoicing.invoices.models import Invoice

    return Source(kind="invoice", model=Invoice, payments="payments", receivable=True)


def _note_sources() -> list[Source]:
    """Credit and debit notes, once the notes app is installed (one `notes.Note` model with
    `document_type`); looked up by name, never imported, so the reports run without it."""
    if not apps.is_installed("invoicing.notes"):
        return []
    note = apps.get_model("notes", "Note")
    common = {"model": note, "draft_status": None, "modified_ncf": "modified_ncf",
              "modifies": "invoice", "over_30_days": "over_30_days"}
    return [Source(kind="credit_note", sign=-1, where={"document_type": "credit_note"},
                   **common),
            Source(kind="debit_note", sign=1, where={"document_type": "debit_note"}, **common)]


def sources() -> list[Source]:
    """Invoices, the notes app's notes, then every other app's `report_sources.SOURCES`."""
    found = [_invoice_source(), *_note_sources()]
    for module in app_modules("report_sources"):
        found.extend(Source(**spec) for spec in getattr(module, "SOURCES", []))
    return found
