"""Request limits: a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 — in the API's error
shape on /api/, a plain page elsewhere — with the limit in the message, never a 400 or 500.

Three places see a body that is too large, and all answer the same: this middleware, from
Content-Length before anything reads the body; Django's own check (RequestDataTooBig, e.g.
the fields of a multipart form), through `core.views.bad_request` and the API's exception
handler; and the API's JSON parser, which reads at most the limit.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

CODE = "request_too_large"


def too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return _("The request body is larger than the limit of %(size)s (%(bytes)s bytes).") % {
        "size": filesizeformat(limit), "bytes": limit}


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = CODE

    def __init__(self):
        super().__init__(too_large_message(), CODE)


def too_large_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        from invoicing.core.api.errors import json_error

        return json_error(CODE, too_large_message(), 413)
    return HttpResponse(too_large_message(), status=413,
                        content_type="text/plain; charset=utf-8")


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    """Refuses by Content-Length. Multipart bodies pass: Django counts only their non-file
    fields against the limit (uploaded files have limits of their own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _declared_length(request) > limit and not request.META.get(
                "CONTENT_TYPE", "").startswith("multipart/form-data"):
            return too_large_response(request)
        return self.get_response(request)
