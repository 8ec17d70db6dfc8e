"""What every document service checks before it writes: related rows looked up inside the
workspace (a foreign id is "not found", API.md), and dates inside the window a document may
carry."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from invoicing.contacts.models import Contact
from invoicing.core.errors import InvalidInput
from invoicing.fiscal.models import DocumentSubtype
from workspaces.models import Currency, Workspace

# A document's dates stay in this window (product rule): a typo such as 9999-12-31 is an
# error the user sees, not an arithmetic overflow later.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


def not_found(field: str, label: str, pk: Any) -> InvalidInput:
    return InvalidInput(_("Not found: no %(label)s with id %(id)s in this workspace.")
                        % {"label": label, "id": pk}, field=field)


def check_date(value: datetime.date | None, field: str) -> None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidInput(_("Use a date between %(first)s and %(last)s.")
                           % {"first": EARLIEST_DATE.strftime("%d/%m/%Y"),
                              "last": LATEST_DATE.strftime("%d/%m/%Y")}, field=field)


def days_after(start: datetime.date, days: int, field: str) -> datetime.date:
    """`start` + `days`, refused (400 on `field`) when it would leave the date window."""
    try:
        result = start + datetime.timedelta(days=days)
    except OverflowError:
        result = datetime.date.max
    check_date(result, field)
    return result


def contact_in_workspace(workspace: Workspace, pk: Any) -> Contact:
    contact = Contact.objects.filter(workspace=workspace, pk=pk).first() \
        if isinstance(pk, int) else None
    if contact is None:
        raise not_found("contact_id", _("contact"), pk)
    if not contact.is_active:
        raise InvalidInput(_("The contact %(name)s is inactive.") % {"name": contact.name},
                           field="contact_id")
    return contact


def subtype_in_workspace(workspace: Workspace, pk: Any, *,
                         document_types: tuple[str, ...]) -> DocumentSubtype:
    subtype = DocumentSubtype.objects.filter(workspace=workspace, pk=pk).first() \
        if isinstance(pk, int) else None
    if subtype is None:
        raise not_found("document_subtype_id", _("document type"), pk)
    if subtype.document_type not in document_types:
        raise InvalidInput(_("%(subtype)s does not number this kind of document.")
                           % {"subtype": subtype}, field="document_subtype_id")
    return subtype


def currency_in_workspace(workspace: Workspace, pk: Any | None) -> Currency:
    if pk is None:
        currency = Currency.objects.filter(workspace=workspace, is_default=True).first()
        if currency is None:
            raise InvalidInput(_("This workspace has no default currency."), field="currency_id")
        return currency
    currency = Currency.objects.filter(workspace=workspace, pk=pk).first() \
        if isinstance(pk, int) else None
    if currency is None:
        raise not_found("currency_id", _("currency"), pk)
    if not currency.is_active:
        raise InvalidInput(_("The currency %(code)s is inactive.") % {"code": currency.code},
                           field="currency_id")
    return currency
