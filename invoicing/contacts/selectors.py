"""Reads for contacts shared by the API and the pages, and lookups in DGII's registry."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Contact, ContactKind, RncRegistryEntry
from .registry import registry_tax_id


def contact_search(queryset: QuerySet[Contact], q: str) -> QuerySet[Contact]:
    """Name or email contains `q` whatever its accents and case ("perez" finds "Pérez"),
    or the tax id contains its digits (`1-31-24` finds 131246796)."""
    from invoicing.core.text import search_key

    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q(search_text__contains=search_key(q)) | Q(email__iexact=q)
    digits = "".join(ch for ch in q if ch.isdigit())
    if digits and all(ch.isdigit() or ch in " -" for ch in q):
        condition |= Q(tax_id__contains=digits)
    elif q.isalnum():
        condition |= Q(tax_id__iexact=q)  # a passport number
    return queryset.filter(condition)


def contacts_sharing_tax_id(workspace, tax_id_type: str, tax_id: str, *,
                            exclude_pk: int | None = None) -> list[Contact]:
    """Other contacts of the workspace with this RNC or cédula (stored normalised): worth a
    warning, not a refusal, since a branch or a re-registered company may share one."""
    if not tax_id or tax_id_type not in ("rnc", "cedula"):
        return []
    return list(Contact.objects.for_workspace(workspace)
                .filter(tax_id_type=tax_id_type, tax_id=tax_id).exclude(pk=exclude_pk)
                .only("pk", "name").order_by("name")[:5])


def contact_filter_kind(queryset: QuerySet[Contact], kind: str) -> QuerySet[Contact]:
    """`customer` and `supplier` include contacts that are both; `both` only those."""
    if kind in (ContactKind.CUSTOMER, ContactKind.SUPPLIER):
        return queryset.filter(kind__in=[kind, ContactKind.BOTH])
    return queryset.filter(kind=kind)


def registry_entry(tax_id: str) -> RncRegistryEntry | None:
    """DGII's registry entry for an RNC or cédula (dashes allowed); None when the id is not
    valid or DGII does not list it."""
    digits = registry_tax_id(tax_id or "")
    if digits is None:
        return None
    return RncRegistryEntry.objects.filter(pk=digits).first()


def registry_status(tax_id: str) -> str | None:
    """The taxpayer's status in DGII's registry (`ACTIVO`, `SUSPENDIDO`, `DADO DE BAJA`…),
    or None when unknown. Documents that need the buyer's id (B01, E31…) should warn when
    it is not `RncRegistryEntry.ACTIVE`."""
    digits = registry_tax_id(tax_id or "")
    if digits is None:
        return None
    return RncRegistryEntry.objects.filter(pk=digits).values_list("status", flat=True).first()


def inactive_taxpayers(tax_ids) -> dict[str, str]:
    """{tax id: status} of the given ids that DGII's registry lists as not ACTIVO (one
    query), so a form can warn before a fiscal document to such a buyer."""
    ids = {registry_tax_id(t or "") for t in tax_ids} - {None}
    if not ids:
        return {}
    return dict(RncRegistryEntry.objects.filter(pk__in=ids)
                .exclude(status=RncRegistryEntry.ACTIVE).values_list("pk", "status"))
