"""HTML → PDF with xhtml2pdf, never fetching a remote URL: `link_callback` resolves only our
own static files (the logo is read through the storage API and inlined), and the xhtml2pdf
resource policy forbids the network and every local read outside the static roots as a
second line."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation

from .context import PAGE_COUNT_TOKEN, build_document_context
from .kinds import pdf_kind

log = logging.getLogger(__name__)


class PdfRenderError(RuntimeError):
    """xhtml2pdf could not turn the document's HTML into a PDF."""


_TEMPLATE_BREAKS = re.compile(r">[ \t]*\n\s*<")


@dataclass(frozen=True)
class DocumentHtml:
    html: str
    estimated_pages: int


def render_document_html(document, *, kind: str) -> DocumentHtml:
    context = build_document_context(document, kind=kind)
    with translation.override("es"):
        html = render_to_string(pdf_kind(kind).template, context)
    # The templates' line breaks between tags are only layout of the source; dropping them
    # spares xhtml2pdf a text node each (a few percent of the render).
    html = _TEMPLATE_BREAKS.sub("><", html)
    return DocumentHtml(html=html, estimated_pages=context["estimated_pages"])


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
