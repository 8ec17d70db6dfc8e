"""The customer link's pages: `/p/<token>/` shows one document without a login,
`/p/<token>/pdf/` its PDF and, for an accepted e-CF, `/p/<token>/xml/` its signed XML. They
reach nothing else: the document is looked up by the link's own workspace, kind and id; no
navigation, no other document; `noindex`; rate-limited per client address. A revoked,
expired or unknown token is a plain 404."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from accounts.throttle import client_address
from invoicing.documents.pdf.responses import document_pdf_response
from invoicing.documents.totals import summarize_stored

from .documents import KINDS, signed_xml
from .models import ShareLink
from .services import share_link_viewed

log = logging.getLogger(__name__)
RATE_LIMIT = 120  # requests per client address per minute


def _throttled(request) -> bool:
    key = f"outreach:public:{client_address(request)}"
    try:
        try:
            count = cache.incr(key)
        except ValueError:  # the first request of this minute
            cache.set(key, 1, timeout=60)
            count = 1
        return count > RATE_LIMIT
    except Exception:  # the cache is down: serve rather than fail
        log.warning("customer link: rate limit unavailable", exc_info=True)
        return False


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _open(request, token: str):
    if _throttled(request):
        return None, _private(HttpResponse("Too many requests", status=429,
                                           content_type="text/plain"))
    link = ShareLink.objects.live().filter(token=token).first() if len(token) <= 64 else None
    if link is None:
        raise Http404
    document = KINDS[link.kind].get(link.workspace_id, link.document_id)
    if document is None or not document.workspace.is_active:
        raise Http404
    return (link, document), None


@require_GET
def public_document(request, token: str):
    opened, refused = _open(request, token)
    if refused:
        return refused
    link, document = opened
    share_link_viewed(link=link, document=document)
    lines = list(document.lines.all())
    kind = KINDS[link.kind]
    response = render(request, "outreach/public.html", {
        "document": document, "lines": lines, "totals": summarize_stored(lines),
        "symbol": document.currency.symbol, "title": kind.title_es, "token": token,
        "is_invoice": link.kind == "invoice", "is_note": kind.note_type != "",
        "has_xml": (document.document_number or "").startswith("E")
        and signed_xml(document) is not None,
    })
    return _private(response)


@require_GET
def public_pdf(request, token: str):
    opened, refused = _open(request, token)
    if refused:
        return refused
    link, document = opened
    share_link_viewed(link=link, document=document)
    return _private(document_pdf_response(document, kind=link.kind,
                                          inline=not request.GET.get("download")))


@require_GET
def public_xml(request, token: str):
    opened, refused = _open(request, token)
    if refused:
        return refused
    link, document = opened
    found = signed_xml(document)
    if found is None:
        raise Http404
    share_link_viewed(link=link, document=document)
    name, content = found
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)
