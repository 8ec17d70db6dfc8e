"""Writes for contacts: create, update, (de)activate, delete."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from .identity import normalize_tax_id
from .models import Contact, ContactKind, TaxIdType

EDITABLE_FIELDS = ("name", "kind", "tax_id_type", "tax_id", "email", "phone", "address",
                   "payment_terms_days", "notes", "is_active")
MAX_PAYMENT_TERMS_DAYS = 3650


def _clean(contact: Contact, fields: dict[str, Any]) -> None:
    """Apply `fields` onto `contact` and check the whole result; raises InvalidInput."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    for name, value in fields.items():
        if name in {"name", "email", "phone", "address", "notes", "tax_id"}:
            value = (value or "").strip()
        setattr(contact, name, value)

    for name in ("name", "email", "phone"):
        limit = Contact._meta.get_field(name).max_length
        if len(getattr(contact, name)) > limit:
            raise InvalidInput(_("At most %(max)s characters.") % {"max": limit}, field=name)
    if not contact.name:
        raise InvalidInput(_("Enter the contact's name."), field="name")
    if contact.kind not in ContactKind.values:
        raise InvalidInput(_("Choose customer, supplier or both."), field="kind")
    if contact.tax_id_type not in TaxIdType.values:
        raise InvalidInput(_("Choose RNC, cédula, passport or none."), field="tax_id_type")
    if contact.tax_id_type == TaxIdType.NONE and "tax_id" not in fields:
        # Switching a contact to "no ID" drops the number it had.
        contact.tax_id = ""
    contact.tax_id = normalize_tax_id(contact.tax_id_type, contact.tax_id)
    if contact.email:
        try:
            validate_email(contact.email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid email address."), field="email") from None
    days = contact.payment_terms_days
    if days is not None and not 0 <= days <= MAX_PAYMENT_TERMS_DAYS:
        raise InvalidInput(
            _("Payment terms are between 0 and %(max)s days.") % {"max": MAX_PAYMENT_TERMS_DAYS},
            field="payment_terms_days",
        )


@requires("contact_create")
@transaction.atomic
def contact_create(*, workspace: Workspace, actor: Any, name: str,
                   kind: str = ContactKind.CUSTOMER, tax_id_type: str | None = None,
                   tax_id: str = "", email: str = "", phone: str = "", address: str = "",
                   payment_terms_days: int | None = None, notes: str = "",
                   is_active: bool = True) -> Contact:
    """Create a contact. Without `tax_id_type`, a 9-digit id is taken as an RNC and an
    11-digit one as a cédula."""
    if tax_id_type is None:
        tax_id_type = guess_tax_id_type(tax_id)
    contact = Contact(workspace=workspace)
    _clean(contact, {
        "name": name, "kind": kind, "tax_id_type": tax_id_type, "tax_id": tax_id,
        "email": email, "phone": phone, "address": address,
        "payment_terms_days": payment_terms_days, "notes": notes, "is_active": is_active,
    })
    contact.save()
    activity_record(workspace=workspace, actor=actor, verb="created", target=contact,
                    description=_("Contact %(name)s created") % {"name": contact.name})
    return contact


def guess_tax_id_type(tax_id: str | None) -> str:
    digits = "".join(ch for ch in (tax_id or "") if ch.isdigit())
    if not (tax_id or "").strip():
        return TaxIdType.NONE
    if len(digits) == 9:
        return TaxIdType.RNC
    if len(digits) == 11:
        return TaxIdType.CEDULA
    raise InvalidInput(_("Say which kind of tax ID this is (RNC, cédula or passport)."),
                       field="tax_id_type")


@requires("contact_update")
@transaction.atomic
def contact_update(*, contact: Contact, actor: Any, **fields: Any) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _clean(contact, fields)
    contact.save()
    activity_record(workspace=contact.workspace, actor=actor, verb="updated", target=contact,
                    description=_("Contact %(name)s changed") % {"name": contact.name},
                    data={"fields": sorted(fields)})
    return contact


@requires("contact_set_active")
@transaction.atomic
def contact_set_active(*, contact: Contact, actor: Any, is_active: bool) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_active != is_active:
        contact.is_active = is_active
        contact.save(update_fields=["is_active", "updated_at"])
        activity_record(
            workspace=contact.workspace, actor=actor,
            verb="activated" if is_active else "deactivated", target=contact,
            description=(_("Contact %(name)s reactivated") if is_active
                         else _("Contact %(name)s deactivated")) % {"name": contact.name},
        )
    return contact


@requires("contact_delete")
def contact_delete(*, contact: Contact, actor: Any) -> None:
    """Delete a contact no document uses. One used by an invoice or a quotation (their
    foreign keys PROTECT it) is kept: 409, deactivate it instead."""
    try:
        with transaction.atomic():
            contact = Contact.objects.select_for_update().get(pk=contact.pk)
            activity_record(workspace=contact.workspace, actor=actor, verb="deleted",
                            target=contact,
                            description=_("Contact %(name)s deleted") % {"name": contact.name})
            contact.delete()
    except models.ProtectedError:
        raise Conflict(
            _("%(name)s is used by invoices or quotations and cannot be deleted; deactivate "
              "it instead.") % {"name": contact.name},
            code="contact_in_use",
        ) from None
