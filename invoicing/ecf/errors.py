"""Errors of the e-CF library. `EcfInvalid` is a domain error (422 `ecf_invalid`): the API's
one error handler renders it with the schema's messages under `fields.ecf`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from invoicing.core.errors import DomainError


@dataclass(frozen=True)
class SchemaMessage:
    """One reason a document cannot make a valid e-CF: where (line, element path) and why."""

    message: str
    element: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = " ".join(part for part in (
            f"line {self.line}" if self.line else "", self.element) if part)
        return f"{where}: {self.message}" if where else self.message


class EcfInvalid(DomainError):
    """The document cannot make a valid e-CF (its XSD, or a DGII rule the XSD cannot say).
    Nothing was signed or stored."""

    code = "ecf_invalid"
    http_status = 422

    def __init__(self, messages: Iterable[SchemaMessage | str], *, summary: str | None = None):
        self.messages: tuple[SchemaMessage, ...] = tuple(
            m if isinstance(m, SchemaMessage) else SchemaMessage(str(m)) for m in messages)
        text = [str(m) for m in self.messages]
        super().__init__(summary or _("The document cannot make a valid e-CF: %(reason)s")
                         % {"reason": text[0] if text else _("unknown reason")},
                         fields={"ecf": text})


class CertificateUnusable(DomainError):
    """The stored certificate cannot sign (missing, expired, or undecryptable with the
    deployment's key)."""

    code = "ecf_not_configured"
    http_status = 409
