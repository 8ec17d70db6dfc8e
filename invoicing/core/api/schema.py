"""OpenAPI post-processing: every operation documents the single error shape."""

from __future__ import annotations

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
            codes = ["400", "401", "403", "404", "405", "500"]
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
