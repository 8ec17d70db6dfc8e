"""Domain errors raised by services. The API maps them to HTTP in one place
(`invoicing.core.api.errors`); pages turn them into form errors or messages."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a business rule refused the operation. Nothing was changed."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None,
                 fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.fields: dict[str, list[str]] = dict(fields or {})
        if field:
            self.fields.setdefault(field, []).append(self.message)


class InvalidInput(DomainError):
    """The request asks for something the rules never allow (400)."""

    code = "validation_error"
    http_status = 400


class Conflict(DomainError):
    """The request is fine but the object's current state refuses it (409)."""

    code = "conflict"
    http_status = 409


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403
