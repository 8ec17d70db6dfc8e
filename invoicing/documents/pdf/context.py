"""What a printed document says, built once from the stored document: the frozen buyer and
issuer copies of an issued document (the live contact and workspace for drafts and
quotations), the stored line figures, and `totals.summarize_stored` for the tax breakdown, so
the PDF shows to the cent what the API reports. What differs by kind of document (title,
dates, stamp, payments) comes from its registered `PdfKind`."""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import translation
from PIL import Image

from invoicing.contacts.identity import format_tax_id
from invoicing.core.money import ZERO, format_money
from invoicing.documents.totals import summarize_stored

from .format import (
    TAX_ID_LABELS,
    date_text,
    exchange_rate_text,
    quantity_text,
    rate_text,
    tax_label,
)
from .kinds import context_extras, pdf_kind

log = logging.getLogger(__name__)

# A logo larger than this is left off the page rather than slowing every render.
MAX_LOGO_BYTES = 1024 * 1024
LOGO_MIME = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}
MAX_FOOTER_CHARS = 400
# Stands for the page count in the HTML until the PDF is rendered (see render.html_to_pdf).
PAGE_COUNT_TOKEN = "PDFPAGECOUNT00"
# The largest a logo prints (points: 3.4 cm × 1.9 cm).
LOGO_BOX = (96.0, 54.0)
CONTENT_WIDTH_POINTS = 538.0  # Letter (612 pt) less two 1.3 cm margins
ISSUER_SHARE = 57.0


def _logo(workspace) -> dict[str, str] | None:
    """The workspace logo inlined as a `data:` URI, read through the storage API, with the
    size it prints at (fitted into LOGO_BOX, keeping its proportions).

    Inlining keeps the renderer away from the media folder altogether (and works the same on
    S3-compatible storage); a logo that cannot be read, is too large or is not a PNG, JPEG or
    GIF is left off rather than failing the invoice.
    """
    logo = workspace.logo
    if not logo or not logo.name:
        return None
    try:
        with logo.storage.open(logo.name, "rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except Exception:  # a missing file, a name outside the storage root (SuspiciousFileOperation)
        log.warning("PDF: workspace %s logo %r cannot be read", workspace.pk, logo.name)
        return None
    if len(data) > MAX_LOGO_BYTES:
        log.warning("PDF: workspace %s logo is larger than %s bytes; left off",
                    workspace.pk, MAX_LOGO_BYTES)
        return None
    mime = next((m for magic, m in LOGO_MIME.items() if data.startswith(magic)), None)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:
        mime = None
    if mime is None or not width or not height:
        log.warning("PDF: workspace %s logo is not a PNG, JPEG or GIF; left off", workspace.pk)
        return None
    box_width, box_height = LOGO_BOX
    scale = min(box_width / width, box_height / height)
    # xhtml2pdf sizes cells by percentage only: the logo's cell and the issuer's share the
    # ISSUER_SHARE of the width between the margins (templates/pdf/_header.html).
    cell = (width * scale + 8) / CONTENT_WIDTH_POINTS * 100
    return {"src": f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}",
            "width": f"{width * scale:.1f}", "height": f"{height * scale:.1f}",
            "cell": f"{cell:.1f}%", "rest": f"{ISSUER_SHARE - cell:.1f}%"}


def _issuer(document, *, frozen: bool) -> dict[str, str]:
    workspace = document.workspace
    name = workspace.name
    rnc = workspace.rnc
    address = workspace.address
    if frozen and getattr(document, "issuer_name", ""):
        name = document.issuer_name
        rnc = document.issuer_rnc
        address = document.issuer_address
    return {
        "name": name,
        "rnc": format_tax_id("rnc", rnc),
        "address": address,
        "phone": workspace.phone,
        "email": workspace.email,
        "logo": _logo(workspace),
    }


def _buyer(document, *, frozen: bool) -> dict[str, str]:
    contact = document.contact
    if frozen and getattr(document, "buyer_name", ""):
        name, id_type = document.buyer_name, document.buyer_tax_id_type
        tax_id, address = document.buyer_tax_id, document.buyer_address
    else:
        name, id_type, tax_id, address = (contact.name, contact.tax_id_type, contact.tax_id,
                                          contact.address)
    return {
        "name": name,
        "tax_id_label": TAX_ID_LABELS.get(id_type, "RNC/Cédula") if tax_id else "",
        "tax_id": format_tax_id(id_type, tax_id),
        "address": address,
        "phone": contact.phone,
        "email": contact.email,
    }


def _lines(lines: Iterable, money) -> list[dict[str, str]]:
    rows = []
    for number, line in enumerate(lines, start=1):
        itbis = [tax for tax in line.taxes if tax.get("kind") == "itbis"]
        exempt = any(tax.get("kind") == "exempt" for tax in line.taxes)
        if itbis:
            itbis_amount = money(sum((Decimal(tax["amount"]) for tax in itbis), ZERO))
            itbis_rate = " + ".join(rate_text(tax["rate"]) for tax in itbis)
        else:
            itbis_amount, itbis_rate = ("Exento" if exempt else "—"), ""
        discount = ""
        if line.discount_amount:
            discount = money(line.discount_amount)
        rows.append({
            "number": str(number),
            "quantity": quantity_text(line.quantity),
            "description": line.description,
            "unit_price": money(line.unit_price),
            "discount": discount,
            "discount_rate": (rate_text(line.discount)
                              if line.discount_type == "percentage" and line.discount_amount
                              else ""),
            "itbis": itbis_amount,
            "itbis_rate": itbis_rate,
            "amount": money(line.subtotal - line.discount_amount),
        })
    return rows


def _tax_breakdown(totals, money) -> dict[str, Any]:
    """The printed tax summary: base and amount per ITBIS rate, exempt amount, then the other
    taxes (propina legal, ISC…) with the base each applies to."""
    rows = []
    for row in totals.breakdown:
        if row.kind == "exempt":
            continue  # shown once, as the exempt amount (which also covers untaxed lines)
        rows.append({"label": tax_label(row.kind, row.name, row.rate), "kind": row.kind,
                     "base": money(row.base), "amount": money(row.amount)})
    return {
        "rows": rows,  # every tax, in the breakdown's order (ITBIS first): the totals block
        "itbis_rows": [row for row in rows if row["kind"] == "itbis"],
        "other_rows": [row for row in rows if row["kind"] != "itbis"],
        "taxed_base": money(totals.taxed_base),
        "itbis": money(totals.itbis_amount),
        "exempt": money(totals.exempt_amount),
        "has_exempt": totals.exempt_amount != ZERO,
    }


def build_document_context(document, *, kind: str) -> dict[str, Any]:
    """Everything the PDF prints, as display strings, for a document of a registered kind
    (`kinds.py`): the shared parts here, what differs by kind from its `PdfKind`."""
    profile = pdf_kind(kind)
    with translation.override("es"):
        currency = document.currency
        symbol = currency.symbol or f"{currency.code} "

        def money(amount: Decimal) -> str:
            return format_money(amount, symbol)

        lines = list(document.lines.all())
        totals = summarize_stored(lines)
        subtype = document.document_subtype
        ncf_info = subtype.ncf_type_info if profile.fiscal else None
        frozen = profile.frozen(document)
        title = profile.title(document, ncf_info)

        context: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "is_fiscal": ncf_info is not None,
            "number_label": "NCF" if ncf_info is not None else "No.",
            "number": document.document_number or "",
            "ncf_valid_until": date_text(getattr(document, "ncf_valid_until", None)),
            "issue_date": date_text(document.issue_date),
            "date_facts": profile.date_facts(document),
            "payment_term": document.payment_term,
            "salesmen": ", ".join(s.name for s in document.salesmen.all())
            if hasattr(document, "salesmen") else "",
            "currency_code": currency.code,
            "exchange_rate": "" if currency.is_default
            else exchange_rate_text(document.exchange_rate),
            "issuer": _issuer(document, frozen=frozen),
            "buyer": _buyer(document, frozen=frozen),
            "lines": _lines(lines, money),
            "taxes": _tax_breakdown(totals, money),
            "subtotal": money(document.subtotal_amount),
            "discount": money(document.discount_amount),
            "has_discount": document.discount_amount != ZERO,
            "tax": money(document.tax_amount),
            "total": money(document.total_amount),
            "notes": document.notes,
            "footer": (document.workspace.pdf_footer or "")[:MAX_FOOTER_CHARS],
            "mark": profile.mark(document),
            "payments": [],
            "balance_rows": [],
            "tail_extra": profile.tail_extra,
        }
        context.update(profile.extra(document, money))
        context.update(context_extras(document, kind))
        context["facts"] = _facts(context)
        context["summary"] = _summary(context)
        context["page_ref"] = " · ".join(
            part for part in (title, context["number"] or "Borrador", context["issuer"]["name"])
            if part)
        context["page_count"] = PAGE_COUNT_TOKEN
        context["estimated_pages"] = estimate_pages(context)
    return context


def _facts(context: dict[str, Any]) -> list[tuple[str, str]]:
    """The dates-and-terms box beside the buyer, as (label, value) rows."""
    facts = [("Fecha de emisión", context["issue_date"]), *context["date_facts"]]
    if context["payment_term"]:
        facts.append(("Condiciones de pago", context["payment_term"]))
    currency = context["currency_code"]
    if context["exchange_rate"]:
        currency += f" (tasa {context['exchange_rate']})"
    facts.append(("Moneda", currency))
    if context["salesmen"]:
        facts.append(("Vendedor", context["salesmen"]))
    return facts


def _summary(context: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The totals block, as (label, value, css class) rows: subtotal, discount, each tax, total,
    then paid and due for an invoice. The taxes add up to the stored `tax_amount`."""
    rows = [("Subtotal", context["subtotal"], "t")]
    if context["has_discount"]:
        rows.append(("Descuento", f"-{context['discount']}", "t"))
    tax_rows = context["taxes"]["rows"]
    rows += [(row["label"], row["amount"], "t") for row in tax_rows]
    if not tax_rows:
        rows.append(("Impuestos", context["tax"], "t"))
    rows.append((f"Total {context['currency_code']}", context["total"], "grand"))
    rows += context["balance_rows"]
    return rows


# Page geometry for the estimate below, in points, measured on rendered documents
# (templates/pdf/_styles.css: Letter, 690 pt of body between the margins).
_BODY = 690.0
_TEXT_LINE = 10.6  # an 8.5 pt line
_ROW = 14.0  # a line of the lines table with a one-line description
_ROW_EXTRA_LINE = 10.0
_TABLE_HEAD = 17.0
_SUMMARY_ROW = 14.3


def _wrapped(text: str, chars_per_line: int) -> int:
    return sum(max(1, -(-len(part) // chars_per_line)) for part in (text or "").splitlines()) \
        if text else 0


def estimate_pages(context: dict[str, Any]) -> int:
    """How many pages the document will take, from its parts' sizes.

    Only a first guess for "Página X de Y": `html_to_pdf` checks it against the rendered
    document and renders again in the rare case it was wrong. Guessing saves the second
    layout pass that xhtml2pdf's `<pdf:pagecount>` always costs.
    """
    issuer, buyer = context["issuer"], context["buyer"]
    issuer_lines = (bool(issuer["rnc"]) + _wrapped(issuer["address"], 55)
                    + bool(issuer["phone"] or issuer["email"]))
    facts_lines = sum(_wrapped(f"{label}: {value}", 42) for label, value in context["facts"])
    buyer_lines = (2 + bool(buyer["tax_id"]) + _wrapped(buyer["address"], 65)
                   + bool(buyer["phone"] or buyer["email"]))
    head = (max(16.0 + _TEXT_LINE * issuer_lines, 60.0)
            + 15.0 + _TEXT_LINE * max(buyer_lines, facts_lines) + 24.0)
    if context["mark"]:
        head += 12.0 + 11.3 * _wrapped(f"{context['mark']['word']} — {context['mark']['text']}",
                                       95)
    tail = 11.3 + _SUMMARY_ROW * max(len(context["summary"]),
                                     len(context["taxes"]["rows"])
                                     + context["taxes"]["has_exempt"] + 2.5)
    if context["payments"]:
        tail += 30.0 + 12.0 * len(context["payments"])
    if context["notes"]:
        tail += 23.0 + _TEXT_LINE * _wrapped(context["notes"], 110)
    tail += context["tail_extra"]

    pages, used = 1, head
    for line in context["lines"]:
        height = _ROW + _ROW_EXTRA_LINE * (_wrapped(line["description"], 48) - 1)
        if used + height > _BODY:
            pages, used = pages + 1, _TABLE_HEAD
        used += height
    if used + tail > _BODY:
        pages += 1
    return pages
