"""The OpenAPI schema: served in English whatever the request's language, and
post-processed so every operation documents the single error shape and numeric path ids
are integers."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

SCHEMA_LANGUAGE = "en"

# The `…/{id}/pdf` routes of every document: what they take and answer. (Their renderers
# would otherwise add DRF's `?format=` parameter, which changes nothing there.)
PDF_PARAMETERS = [
    OpenApiParameter("inline", OpenApiTypes.INT, OpenApiParameter.QUERY, enum=[0, 1],
                     description="`1`: `Content-Disposition: inline` (for showing in a "
                     "browser); otherwise an attachment named after the document number."),
    OpenApiParameter("format", exclude=True),
]
PDF_RESPONSES = {(200, "application/pdf"): OpenApiResponse(
    response=OpenApiTypes.BINARY, description="The PDF document.")}


class SchemaView(SpectacularAPIView):
    """`/api/v1/schema/`. Descriptions come from translatable strings (field labels, help
    texts, choice names); a schema that followed `Accept-Language` would make a client
    generated from it change with whoever downloaded it. So the schema is generated and
    rendered in English, always (drf-spectacular's `?lang=` is ignored too), and generated
    once per process. Error messages of the API itself still follow the request."""

    _generated: ClassVar[dict[Any, dict]] = {}

    def dispatch(self, request, *args, **kwargs):
        with translation.override(SCHEMA_LANGUAGE):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # inside the override: lazy strings render in English
        response["Content-Language"] = SCHEMA_LANGUAGE
        return response

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        version = self.api_version or request.version or self._get_version_parameter(request)
        schema = self._generated.get(version)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version,
                                             patterns=self.patterns)
            schema = generator.get_schema(request=request, public=self.serve_public)
            self._generated[version] = schema
        filename = self._get_filename(request, version)
        return Response(data=schema,
                        headers={"Content-Disposition": f'inline; filename="{filename}"'})

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "validation_error"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "example": {"items.0.quantity": ["Ensure this value is greater than 0."]},
                },
            },
        }
    },
}

DESCRIPTIONS = {
    "400": "Invalid input; `error.fields` names each field at fault (dotted paths).",
    "401": "Missing, unknown or revoked API key.",
    "403": "The key or user's role does not allow this.",
    "404": "No such object in this workspace (objects of other workspaces do not exist).",
    "405": "Method not allowed on this path.",
    "406": "The `Accept` header asks for a format this path does not answer in (JSON; "
           "`application/pdf` on `…/pdf`).",
    "409": "The object's state refuses the operation, or the Idempotency-Key is in flight.",
    "413": "The body is larger than the server's limit (the message says it).",
    "415": "Send JSON (`Content-Type: application/json`).",
    "422": "The Idempotency-Key was used before with a different body.",
    "500": "Server error; nothing was saved.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = ["400", "401", "403", "404", "405", "406", "500"]
            if method in {"post", "put", "patch", "delete"}:
                codes += ["409"]
            if method in {"post", "put", "patch"}:
                codes += ["413", "415"]
            if method == "post":
                codes += ["422"]
                params = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in params):
                    params.append({
                        "name": "Idempotency-Key", "in": "header", "required": False,
                        "description": "Replays the first response for 24 h (API.md).",
                        "schema": {"type": "string", "maxLength": 255},
                    })
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {
                    "description": DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ref}},
                })
    return result


def integer_path_ids(result, generator, request, public):
    """Routes take ids as `\\d+` (the router's regex, for the optional trailing slash);
    drf-spectacular documents such a parameter as a string with a pattern. An id is an
    integer (API.md), and generated clients should take an int."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("pattern") == r"^\d+$":
                    parameter["schema"] = {"type": "integer"}
    return result
