"""Printed invoices and quotations: HTML templates (`templates/pdf/`) rendered by xhtml2pdf.

What is printed is decided once, in `build_document_context`, from the stored document: the
frozen buyer/issuer copies of an issued invoice (the live contact and workspace for drafts and
quotations), the stored line figures, and `totals.summarize_stored` for the tax breakdown, so
the PDF shows to the cent what the API reports. The text is Spanish whatever the UI language:
it is a Dominican fiscal document (DOMAIN.md "The printed invoice shows").

Files are kept in Django's default storage under a name that carries a hash of the rendered
HTML (`pdfs/<workspace>/<kind>-<id>/<hash>.pdf`): a document whose printed content changed
gets a new name, an unchanged one finds its file, and rendering twice stores one file. The
HTML is hashed rather than the model fields so that a change of template, logo or footer is a
change of the file too.

The renderer never fetches a remote URL: `link_callback` resolves only our own static files
(the logo is read through the storage API and inlined), and the xhtml2pdf resource policy
forbids the network and every local read outside the static roots as a second line.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from PIL import Image

from invoicing.contacts.identity import format_tax_id
from invoicing.core.money import ZERO, format_money

from .models import Invoice, InvoiceStatus
from .totals import summarize_stored

log = logging.getLogger(__name__)

INVOICE = "invoice"
QUOTATION = "quotation"
KINDS = (INVOICE, QUOTATION)
TEMPLATES = {INVOICE: "pdf/invoice.html", QUOTATION: "pdf/quotation.html"}

# Part of every file's hash: bump it to re-render every stored PDF (a fix in this module that
# changes the output without changing the HTML).
RENDER_VERSION = "1"
STORAGE_ROOT = "pdfs"
# A logo larger than this is left off the page rather than slowing every render.
MAX_LOGO_BYTES = 1024 * 1024
LOGO_MIME = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}
MAX_FOOTER_CHARS = 400
# Stands for the page count in the HTML until the PDF is rendered (see html_to_pdf).
PAGE_COUNT_TOKEN = "PDFPAGECOUNT00"
# The largest a logo prints (points: 3.4 cm × 1.9 cm).
LOGO_BOX = (96.0, 54.0)
CONTENT_WIDTH_POINTS = 538.0  # Letter (612 pt) less two 1.3 cm margins
ISSUER_SHARE = 57.0

TAX_ID_LABELS = {"rnc": "RNC", "cedula": "Cédula", "passport": "Pasaporte"}
PAYMENT_METHODS = {
    "cash": "Efectivo", "check": "Cheque", "bank_transfer": "Transferencia",
    "card": "Tarjeta", "mobile_payment": "Pago móvil", "other": "Otro",
}
TAX_KIND_LABELS = {"itbis": "ITBIS", "exempt": "Exento", "tip": "Propina legal", "isc": "ISC",
                   "other": "Otros impuestos"}


class PdfRenderError(RuntimeError):
    """xhtml2pdf could not turn the document's HTML into a PDF."""


@dataclass(frozen=True)
class PdfFile:
    content: bytes
    filename: str


# --- Formatting ---------------------------------------------------------------------------------

def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _quantity(value: Decimal) -> str:
    """`1`, `2.5`, `1,250.75`: a quantity without its trailing zeros."""
    text = f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")
    return text or "0"


def _rate(value: Decimal | str) -> str:
    text = f"{Decimal(value):.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _exchange_rate(value: Decimal) -> str:
    """`60.50`, `58.1234`: at least 2 decimals, at most the 4 stored."""
    text = f"{Decimal(value):,.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def _tax_label(kind: str, name: str, rate: Decimal) -> str:
    if kind == "itbis":
        return f"ITBIS {_rate(rate)}"
    return name or f"{TAX_KIND_LABELS.get(kind, kind)} {_rate(rate)}"


def _safe_filename(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "documento"


# --- What is printed ----------------------------------------------------------------------------

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
            itbis_rate = " + ".join(_rate(tax["rate"]) for tax in itbis)
        else:
            itbis_amount, itbis_rate = ("Exento" if exempt else "—"), ""
        discount = ""
        if line.discount_amount:
            discount = money(line.discount_amount)
        rows.append({
            "number": str(number),
            "quantity": _quantity(line.quantity),
            "description": line.description,
            "unit_price": money(line.unit_price),
            "discount": discount,
            "discount_rate": (_rate(line.discount)
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
        rows.append({"label": _tax_label(row.kind, row.name, row.rate), "kind": row.kind,
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


def _mark(document, kind: str) -> dict[str, str] | None:
    """The big stamp: BORRADOR on a draft invoice, ANULADA (with its 608 reason) once void."""
    if kind != INVOICE:
        return None
    if document.status == InvoiceStatus.DRAFT:
        return {"word": "BORRADOR", "css": "draft",
                "text": "Documento sin número ni valor fiscal hasta que se emita."}
    if document.status == InvoiceStatus.CANCELLED:
        parts = []
        if document.cancel_reason_code:
            parts.append(f"Motivo {document.get_cancel_reason_code_display()} (DGII 608).")
        if document.cancel_reason:
            parts.append(document.cancel_reason.strip())
        if document.cancelled_at:
            local = timezone.localtime(document.cancelled_at).date()
            parts.append(f"Fecha de anulación: {_date(local)}.")
        text = " ".join(parts) or "Comprobante anulado."
        return {"word": "ANULADA", "css": "cancelled", "text": text}
    return None


def build_document_context(document, *, kind: str = INVOICE) -> dict[str, Any]:
    """Everything the PDF prints, as display strings, for an Invoice or a Quotation.

    A quotation has the same abstract fields as an invoice (`AbstractDocumentTotals`), lines
    with the same fields, `valid_until` instead of a due date and no payments.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    with translation.override("es"):
        currency = document.currency
        symbol = currency.symbol or f"{currency.code} "

        def money(amount: Decimal) -> str:
            return format_money(amount, symbol)

        lines = list(document.lines.all())
        totals = summarize_stored(lines)
        subtype = document.document_subtype
        ncf_info = subtype.ncf_type_info if kind == INVOICE else None
        is_draft = kind == INVOICE and document.status == InvoiceStatus.DRAFT
        frozen = kind == INVOICE and not is_draft

        if kind == QUOTATION:
            title = "Cotización"
        elif ncf_info is not None:
            title = str(ncf_info.name)
        else:
            title = "Factura"

        context: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "is_fiscal": ncf_info is not None,
            "number_label": "NCF" if ncf_info is not None else "No.",
            "number": document.document_number or "",
            "ncf_valid_until": _date(getattr(document, "ncf_valid_until", None)),
            "issue_date": _date(document.issue_date),
            "due_date": _date(getattr(document, "due_date", None)) if kind == INVOICE else "",
            "valid_until": _date(getattr(document, "valid_until", None))
            if kind == QUOTATION else "",
            "payment_term": document.payment_term,
            "salesmen": ", ".join(s.name for s in document.salesmen.all()),
            "currency_code": currency.code,
            "exchange_rate": "" if currency.is_default else _exchange_rate(document.exchange_rate),
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
            "mark": _mark(document, kind),
            "payments": [],
            "amount_paid": "",
            "amount_due": "",
        }
        if kind == INVOICE:
            context["payments"] = [
                {"date": _date(p.date), "method": PAYMENT_METHODS.get(p.method, p.method),
                 "reference": p.reference, "amount": money(p.amount)}
                for p in sorted(document.payments.all(), key=lambda p: (p.date, p.pk))
            ]
            context["amount_paid"] = money(document.amount_paid)
            context["amount_due"] = money(document.amount_due)
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
    facts = [("Fecha de emisión", context["issue_date"])]
    if context["kind"] == INVOICE:
        facts.append(("Fecha de vencimiento", context["due_date"]))
    else:
        facts.append(("Válida hasta", context["valid_until"]))
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
    if context["kind"] == INVOICE:
        rows.append(("Pagado", context["amount_paid"], "t"))
        rows.append(("Balance pendiente", context["amount_due"], "due"))
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
    if context["kind"] == QUOTATION:
        tail += 20.0

    pages, used = 1, head
    for line in context["lines"]:
        height = _ROW + _ROW_EXTRA_LINE * (_wrapped(line["description"], 48) - 1)
        if used + height > _BODY:
            pages, used = pages + 1, _TABLE_HEAD
        used += height
    if used + tail > _BODY:
        pages += 1
    return pages


_TEMPLATE_BREAKS = re.compile(r">[ \t]*\n\s*<")


@dataclass(frozen=True)
class DocumentHtml:
    html: str
    estimated_pages: int


def render_document_html(document, *, kind: str = INVOICE) -> DocumentHtml:
    context = build_document_context(document, kind=kind)
    with translation.override("es"):
        html = render_to_string(TEMPLATES[kind], context)
    # The templates' line breaks between tags are only layout of the source; dropping them
    # spares xhtml2pdf a text node each (a few percent of the render).
    html = _TEMPLATE_BREAKS.sub("><", html)
    return DocumentHtml(html=html, estimated_pages=context["estimated_pages"])


# --- HTML → PDF ---------------------------------------------------------------------------------

_REFUSED = "refused:resource"  # a URI no fetcher understands: xhtml2pdf's policy blocks it


def _static_roots() -> tuple[Path, ...]:
    roots = [Path(p if isinstance(p, str | Path) else p[1]) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return tuple(root.resolve() for root in roots)


def _within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def link_callback(uri: str, rel: str | None = None) -> str:
    """Resolve a resource named in the HTML: our own static files and inline images only.

    Anything else — http(s), file:, a path outside the static roots, `..` tricks — is
    answered with a URI that nothing fetches, so a remote URL is never requested.
    """
    uri = (uri or "").strip()
    if uri.startswith(("data:image/png;", "data:image/jpeg;", "data:image/gif;")):
        return uri
    static_url = settings.STATIC_URL or "/static/"
    relative = uri[len(static_url):] if uri.startswith(static_url) else ""
    if relative and not any(ch in relative for ch in "?#\\") \
            and ".." not in relative.split("/"):
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            found = None
        if not found and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            found = str(candidate) if candidate.is_file() else None
        if found:
            path = Path(found).resolve()
            if path.is_file() and _within(path, _static_roots()):
                return str(path)
    log.warning("PDF renderer refused the resource %r", uri[:200])
    return _REFUSED


def _resource_policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(
        base_dir=None, extra_roots=_static_roots(), allow_remote=False,
        allowed_hosts=frozenset(), allow_private_networks=False,
    )


def _pisa(html: str) -> bytes:
    from xhtml2pdf import pisa

    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", link_callback=link_callback,
                            resource_policy=_resource_policy(), raise_exception=True)
    if result.err:
        raise PdfRenderError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


_PAGES_COUNT = re.compile(rb"/Count (\d+) /Kids")


def pdf_page_count(content: bytes) -> int:
    match = _PAGES_COUNT.search(content)
    if match:
        return int(match.group(1))
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def html_to_pdf(html: str, *, estimated_pages: int = 1) -> bytes:
    """Render HTML with xhtml2pdf under our link callback and a no-network resource policy.

    `PAGE_COUNT_TOKEN` in the HTML (the "de Y" of the page footer) is replaced by the page
    count: first by `estimated_pages`, then, if the rendered document has another number of
    pages, by that number in a second render. The footer is a static frame, so the number
    printed there never changes how the body paginates.
    """
    if PAGE_COUNT_TOKEN not in html:
        return _pisa(html)
    pages = max(1, estimated_pages)
    content = _pisa(html.replace(PAGE_COUNT_TOKEN, str(pages)))
    actual = pdf_page_count(content)
    if actual != pages:
        log.info("PDF: estimated %s pages, rendered %s; rendering again", pages, actual)
        content = _pisa(html.replace(PAGE_COUNT_TOKEN, str(actual)))
    return content


# --- Storage ------------------------------------------------------------------------------------

def content_hash(html: str) -> str:
    from xhtml2pdf import __version__ as xhtml2pdf_version

    digest = hashlib.sha256()
    digest.update(f"{RENDER_VERSION}|{xhtml2pdf_version}|".encode())
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()[:24]


def storage_folder(document, *, kind: str = INVOICE) -> str:
    return f"{STORAGE_ROOT}/{document.workspace_id}/{kind}-{document.pk}"


def storage_name(document, digest: str, *, kind: str = INVOICE) -> str:
    return f"{storage_folder(document, kind=kind)}/{digest}.pdf"


def document_pdf_filename(document, *, kind: str = INVOICE) -> str:
    """`B0100000001.pdf`, `INV-0001.pdf`, `COT-0001.pdf`; `borrador-12.pdf` for a draft."""
    if document.document_number:
        return f"{_safe_filename(document.document_number)}.pdf"
    prefix = "cotizacion" if kind == QUOTATION else "borrador"
    return f"{prefix}-{document.pk}.pdf"


def _remove_stale(folder: str, keep: str) -> None:
    """Older renders of the same document: their content is no longer what it prints."""
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        path = f"{folder}/{name}"
        if path != keep and name.endswith(".pdf"):
            try:
                default_storage.delete(path)
            except OSError:
                log.warning("PDF: could not delete stale %s", path)


def delete_document_pdfs(document, *, kind: str = INVOICE) -> None:
    """Remove every stored render of a document (for a draft that is deleted)."""
    _remove_stale(storage_folder(document, kind=kind), keep="")


def _store(name: str, content: bytes) -> None:
    """Save under exactly `name`, once. A concurrent render of the same content may win the
    race; then ours went to an alternative name, which is removed."""
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:
        default_storage.delete(saved)


def ensure_document_pdf(document, *, kind: str = INVOICE,
                        force: bool = False) -> tuple[str, bytes | None]:
    """Make sure the document's current PDF is in storage; (storage name, bytes when it was
    rendered now, else None). `force` renders and replaces the stored file even when one with
    the same content hash exists (an admin's re-render of a damaged file)."""
    rendered = render_document_html(document, kind=kind)
    name = storage_name(document, content_hash(rendered.html), kind=kind)
    if not force and default_storage.exists(name):
        return name, None
    content = html_to_pdf(rendered.html, estimated_pages=rendered.estimated_pages)
    if force and default_storage.exists(name):
        default_storage.delete(name)
    if not default_storage.exists(name):
        _store(name, content)
    _remove_stale(storage_folder(document, kind=kind), keep=name)
    return name, content


def render_document_pdf(document, *, kind: str = INVOICE) -> PdfFile:
    """The document's PDF: the stored file when its content is current, else rendered and
    stored at once. Works for an Invoice (`kind="invoice"`) and a Quotation
    (`kind="quotation"`)."""
    name, content = ensure_document_pdf(document, kind=kind)
    if content is None:
        try:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
        except FileNotFoundError:  # removed between exists() and open(): render again
            name, content = ensure_document_pdf(document, kind=kind)
            if content is None:
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
    return PdfFile(content=content, filename=document_pdf_filename(document, kind=kind))


def invoice_pdf(invoice: Invoice) -> PdfFile:
    return render_document_pdf(invoice, kind=INVOICE)


# --- Background rendering -----------------------------------------------------------------------

def _invoice_for_render(invoice_id: int) -> Invoice | None:
    return (Invoice.objects.select_related("workspace", "contact", "currency",
                                           "document_subtype")
            .filter(pk=invoice_id).first())


def render_invoice_pdf(invoice_id: int, force: bool = False) -> str | None:
    """Store the invoice's current PDF; its storage name, or None if the invoice is gone.
    Idempotent: the file name is the content's hash, so a second run (a redelivered message,
    a second change queued) finds the file and stops. `force` renders it again regardless."""
    invoice = _invoice_for_render(invoice_id)
    if invoice is None:
        return None
    name, _content = ensure_document_pdf(invoice, kind=INVOICE, force=force)
    return name


def queue_invoice_pdf(invoice_id: int, *, workspace_id: int | None = None) -> None:
    """Render the invoice's PDF in the background once the current change commits (through
    the outbox, so a broker outage only delays it; `invoice_pdf` also renders on demand)."""
    from invoicing.core import outbox

    with transaction.atomic():
        outbox.enqueue("invoices.pdf", {"invoice_id": invoice_id}, workspace_id=workspace_id)
