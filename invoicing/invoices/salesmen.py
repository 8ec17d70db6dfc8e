"""Writes for salesmen (their own module: invoices/services.py is about documents)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from invoicing.core.errors import Conflict, InvalidInput
from workspaces.authorization import requires
from workspaces.models import Membership, Workspace
from workspaces.services import activity_record

from .models import Salesman

FIELDS = {"name", "email", "commission_rate", "user_id", "is_active"}


def _clean(workspace: Workspace, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - FIELDS
    if unknown:
        raise InvalidInput(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise InvalidInput(_("The salesman needs a name."), field="name")
    if "commission_rate" in fields:
        rate = Decimal(fields["commission_rate"] or 0)
        if rate < 0 or rate > 100:
            raise InvalidInput(_("The commission is a percentage from 0 to 100."),
                               field="commission_rate")
        fields["commission_rate"] = rate
    if fields.get("user_id") is not None and not Membership.objects.filter(
            workspace=workspace, user_id=fields["user_id"]).exists():
        raise InvalidInput(_("Not found: no member with id %(id)s in this workspace.")
                           % {"id": fields["user_id"]}, field="user_id")
    return fields


@requires("salesman_create")
@transaction.atomic
def salesman_create(*, workspace: Workspace, actor: Any, **fields: Any) -> Salesman:
    fields = _clean(workspace, {"commission_rate": Decimal("0"), **fields})
    if "name" not in fields:
        raise InvalidInput(_("The salesman needs a name."), field="name")
    salesman = Salesman.objects.create(workspace=workspace, **fields)
    activity_record(workspace=workspace, actor=actor, verb="created", target=salesman,
                    description=salesman.name)
    return salesman


@requires("salesman_update")
@transaction.atomic
def salesman_update(*, salesman: Salesman, actor: Any, **fields: Any) -> Salesman:
    salesman = Salesman.objects.select_for_update().get(pk=salesman.pk)
    for name, value in _clean(salesman.workspace, fields).items():
        setattr(salesman, name, value)
    salesman.save()
    activity_record(workspace=salesman.workspace, actor=actor, verb="updated", target=salesman,
                    description=salesman.name)
    return salesman


@requires("salesman_delete")
@transaction.atomic
def salesman_delete(*, salesman: Salesman, actor: Any) -> None:
    """A salesman on any document is deactivated, never deleted (409)."""
    if salesman.invoices.exists() or salesman.quotations.exists():
        raise Conflict(_("%(name)s is on documents; deactivate the salesman instead.")
                       % {"name": salesman.name}, code="in_use")
    activity_record(workspace=salesman.workspace, actor=actor, verb="deleted", target=salesman,
                    description=salesman.name)
    salesman.delete()
