"""Writes for contacts: create, update, (de)activate, delete; and the import of DGII's RNC
registry."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicing.core import count_cache
from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Workspace
from workspaces.services import activity_record

from . import registry
from .identity import normalize_tax_id
from .models import Contact, ContactKind, RncImport, RncRegistryEntry, TaxIdType

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
    count_cache.changed(workspace.pk)
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
    count_cache.changed(contact.workspace_id)  # searches match contact names and ids
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
        count_cache.changed(contact.workspace_id)
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
            count_cache.changed(contact.workspace_id)
    except models.ProtectedError:
        raise Conflict(
            _("%(name)s is used by invoices or quotations and cannot be deleted; deactivate "
              "it instead.") % {"name": contact.name},
            code="contact_in_use",
        ) from None


# --- The RNC registry (shared by every workspace) -------------------------------------------

REGISTRY_BATCH_SIZE = 1000
_REGISTRY_FIELDS = ("name", "trade_name", "activity", "started_on", "status", "payment_regime",
                    "import_run")


def rnc_registry_import(*, path: str | Path, source: str = "",
                        batch_size: int = REGISTRY_BATCH_SIZE, prune: bool = False,
                        on_batch: Callable[[int], None] | None = None) -> RncImport:
    """Upsert DGII's registry from `DGII_RNC.TXT` or its ZIP at `path`, streaming, in
    batches of `batch_size`, all in one transaction: a file that fails half-way leaves the
    registry as it was. A taxpayer repeated within the file takes its last line.

    Taxpayers of earlier imports missing from this file are kept (and counted as `stale`),
    or deleted with `prune`. Raises InvalidInput when no line of the file is a taxpayer (a
    wrong file, or an error page downloaded instead of the ZIP).

    Returns the run's record; `counts` has `read`, `created`, `updated`, `skipped` (by
    reason: registry.SKIP_REASONS), `stale` or `deleted`, and `seconds`. `on_batch(lines
    read so far)` is called after each batch is written (progress, memory readings).
    """
    started = time.monotonic()
    skipped = dict.fromkeys(registry.SKIP_REASONS, 0)
    counts: dict[str, Any] = {"read": 0, "created": 0, "updated": 0, "skipped": skipped}
    with transaction.atomic():
        before = RncRegistryEntry.objects.count()
        run = RncImport.objects.create(source=(source or str(path))[:500])
        upserted = 0
        batch: dict[str, RncRegistryEntry] = {}
        with registry.open_registry(path) as text:
            for parsed in registry.read_registry(text):
                counts["read"] += 1
                if isinstance(parsed, str):
                    skipped[parsed] += 1
                    continue
                if parsed.tax_id in batch:
                    skipped[registry.REPEATED] += 1
                batch[parsed.tax_id] = RncRegistryEntry(
                    tax_id=parsed.tax_id, name=parsed.name, trade_name=parsed.trade_name,
                    activity=parsed.activity, started_on=parsed.started_on, status=parsed.status,
                    payment_regime=parsed.payment_regime, import_run=run.pk)
                if len(batch) >= batch_size:
                    upserted += _registry_upsert(batch)
                    batch = {}
                    if on_batch is not None:
                        on_batch(counts["read"])
        upserted += _registry_upsert(batch)
        # Counted once at the end rather than per batch: the ids this file holds are the
        # rows now stamped with this run; an id met again in a later batch was upserted twice.
        listed = RncRegistryEntry.objects.filter(import_run=run.pk).count()
        if not listed:
            raise InvalidInput(_("No line of this file is a taxpayer of DGII's registry "
                                 "(expected DGII_RNC.TXT or DGII_RNC.zip)."))
        total = RncRegistryEntry.objects.count()
        counts["created"] = total - before
        counts["updated"] = listed - counts["created"]
        skipped[registry.REPEATED] += upserted - listed
        if prune:
            counts["deleted"] = RncRegistryEntry.objects.exclude(import_run=run.pk).delete()[0]
        else:
            counts["stale"] = total - listed
        counts["seconds"] = round(time.monotonic() - started, 1)
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return run


def _registry_upsert(batch: dict[str, RncRegistryEntry]) -> int:
    if batch:
        RncRegistryEntry.objects.bulk_create(
            batch.values(), update_conflicts=True, unique_fields=["tax_id"],
            update_fields=list(_REGISTRY_FIELDS))
        reset_queries()  # with DEBUG on, Django would keep every batch's SQL in memory
    return len(batch)


def rnc_registry_refresh(*, url: str) -> RncImport:
    """Download DGII's registry from `url` (the ZIP, or the TXT) to a temporary folder and
    import it (the weekly job). Nothing is pruned: a taxpayer missing from one download
    stays until someone runs `import_dgii_rnc --prune`."""
    from django.conf import settings

    with tempfile.TemporaryDirectory(prefix="dgii-rnc-") as folder:
        path = registry.download_registry(url, Path(folder), timeout=settings.DGII_RNC_TIMEOUT)
        return rnc_registry_import(path=path, source=url)
