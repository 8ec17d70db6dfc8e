"""The single error shape of API.md, for every status the API can answer:

    {"error": {"code": "validation_error", "message": "…", "fields": {"items.0.quantity": ["…"]}}}
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from invoicing.core.errors import DomainError
from invoicing.core.limits import RequestTooLarge

logger = logging.getLogger("invoicing.api")

# DRF's default codes, renamed where API users expect a clearer word.
CODE_NAMES = {
    "invalid": "validation_error",
    "parse_error": "malformed_request",
    "not_authenticated": "not_authenticated",
    "authentication_failed": "authentication_failed",
    "permission_denied": "permission_denied",
    "not_found": "not_found",
    "method_not_allowed": "method_not_allowed",
    "unsupported_media_type": "unsupported_media_type",
    "not_acceptable": "not_acceptable",
    "throttled": "throttled",
}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail → {"items.0.quantity": ["…"]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key in ("non_field_errors", "__all__") else str(key)
            path = f"{prefix}.{name}" if prefix and name != "non_field_errors" else (prefix or name)
            for sub_key, messages in flatten_errors(value, path).items():
                out.setdefault(sub_key, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item in ({}, [], None):
                    continue
                path = f"{prefix}.{index}" if prefix else str(index)
                for sub_key, messages in flatten_errors(item, path).items():
                    out.setdefault(sub_key, []).extend(messages)
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _validation_message(fields: dict[str, list[str]]) -> str:
    for name, messages in fields.items():
        if messages:
            return messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}"
    return _("Invalid input.")


def exception_handler(exc: Exception, context: dict) -> Response:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):  # Django's own check, e.g. reading request.body
        exc = RequestTooLarge()
    elif isinstance(exc, RecursionError):
        # Only a body nested beyond what Python can walk gets here (the JSON parser bounds
        # the depth; anything else decoding the raw body may not): the client's fault.
        logger.warning("API: input nested too deeply (RecursionError)")
        return Response(error_body("malformed_request", _("The JSON is nested too deeply.")),
                        status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        request = context.get("request")
        logger.exception("Unhandled error in API view", exc_info=exc)
        got_request_exception.send(sender=None, request=getattr(request, "_request", None))
        return Response(
            error_body("server_error", _("Something went wrong on our side. Nothing was saved.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )

    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        response.data = error_body("validation_error", _validation_message(fields), fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        raw_code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = CODE_NAMES.get(raw_code, raw_code) if isinstance(raw_code, str) else "error"
        message = detail if isinstance(detail, str) else _("Request refused.")
        response.data = error_body(code, str(message))
    return response


def json_error(code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)
