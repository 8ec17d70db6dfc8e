"""Serializer fields bound to the request's workspace: an id from another workspace is
answered exactly as an unknown id ("not found")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class WorkspaceRelatedField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": _("Not found: no object with id {pk_value} in this workspace."),
        "incorrect_type": _("Expected an id (integer), got {data_type}."),
    }

    def __init__(self, *, model=None, active_only: bool = False, **kwargs):
        self.model = model
        self.active_only = active_only
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model._default_manager.none() if model else None)
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context["request"]
        queryset = self.model._default_manager.filter(workspace_id=request.workspace.pk)
        if self.active_only:
            queryset = queryset.filter(is_active=True)
        return queryset


class MoneyField(serializers.DecimalField):
    """Money as a string with exactly 2 decimals; accepts numbers or strings."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


class QuantityField(serializers.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)
