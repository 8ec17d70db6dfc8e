"""Filters (`filter[x]=…` or `x=…`) and `sort=field,-other` for list endpoints."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

_BRACKETED = re.compile(r"^filter\[(?P<name>[^\]]+)\]$")


def normalize_filter_params(params: QueryDict) -> QueryDict:
    """`filter[status]=paid` becomes `status=paid`; a bracketed name wins over a plain one."""
    data = params.copy()
    for key in list(params.keys()):
        match = _BRACKETED.match(key)
        if match:
            data.setlist(match["name"], params.getlist(key))
            del data[key]
    return data


class FilterBackend(DjangoFilterBackend):
    """django-filter over the normalized parameters; only list actions are filtered (DRF's
    get_object() runs the filter backends too, and a detail URL must not depend on them)."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset
        if _no_filter_given(request.query_params, getattr(view, "filterset_class", None)):
            # A FilterSet bound to no filter value filters nothing; building its form is a
            # noticeable part of an unfiltered list request.
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = normalize_filter_params(request.query_params)
        return kwargs


# Query parameters of the list endpoints that are never filters.
NON_FILTER_PARAMS = frozenset({"page", "per_page", "sort"})


def _no_filter_given(params: QueryDict, filterset_class) -> bool:
    if filterset_class is None or any(name not in NON_FILTER_PARAMS for name in params):
        return False
    return not any(name in NON_FILTER_PARAMS for name in filterset_class.base_filters)


def parse_sort(raw: str, allowed: dict[str, str | tuple[str, ...]]) -> list[str]:
    """`-issue_date,total_amount` → ORM ordering; unknown fields are a 400 on `sort`."""
    ordering: list[str] = []
    for part in [p.strip() for p in raw.split(",") if p.strip()]:
        descending = part.startswith("-")
        name = part[1:] if descending else part
        if name not in allowed:
            raise ValidationError({"sort": [
                _("Unknown sort field %(field)s. Use one of: %(allowed)s.")
                % {"field": name, "allowed": ", ".join(sorted(allowed))}
            ]})
        targets = allowed[name]
        for target in (targets,) if isinstance(targets, str) else targets:
            ordering.append(f"-{target}" if descending else target)
    if not ordering:
        raise ValidationError({"sort": [_("Give a field to sort by.")]})
    # Ties break by id, in the direction of the first field, so pages never repeat or skip.
    ordering.append("-id" if ordering[0].startswith("-") else "id")
    return ordering


class SortFilter(BaseFilterBackend):
    """Views declare `sort_fields` (API name → ORM field) and `default_sort`."""

    param = "sort"

    def filter_queryset(self, request, queryset, view):
        allowed = getattr(view, "sort_fields", None)
        if allowed is None or getattr(view, "action", "list") != "list":
            return queryset
        if isinstance(allowed, list | tuple):
            allowed = {name: name for name in allowed}
        raw = request.query_params.get(self.param) or getattr(view, "default_sort", "-id")
        return queryset.order_by(*parse_sort(raw, allowed))

    def get_schema_operation_parameters(self, view):
        allowed = getattr(view, "sort_fields", None)
        if allowed is None:
            return []
        names = sorted(allowed)
        return [{
            "name": self.param, "required": False, "in": "query",
            "description": "Sort by " + ", ".join(names) + "; prefix with `-` for descending. "
            f"Default `{getattr(view, 'default_sort', '-id')}`.",
            "schema": {"type": "string", "enum": names + [f"-{n}" for n in names]},
        }]


class StrictBooleanField(forms.Field):
    """`true/false/1/0/yes/no`; anything else is a 400, not silently ignored."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """`contact_id=12`: a whole number, or 400 (a plain NumberFilter takes `12.5` and drops
    the fraction). Documented as `integer`."""

    field_class = forms.IntegerField
