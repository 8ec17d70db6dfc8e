"""`page`/`per_page` pagination with the envelope of API.md."""

from __future__ import annotations

import math
from collections import OrderedDict

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


def parse_positive_int(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("Must be a positive whole number.")]}) from None
    if value < 1:
        raise ValidationError({name: [_("Must be a positive whole number.")]})
    return value


class PageNumberPagination(pagination.BasePagination):
    page_query_param = "page"
    per_page_query_param = "per_page"
    default_per_page = 15
    max_per_page = 100

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        self.request = request
        self.page = parse_positive_int(params.get(self.page_query_param), "page", 1)
        self.per_page = min(
            parse_positive_int(params.get(self.per_page_query_param), "per_page",
                               self.default_per_page),
            self.max_per_page,
        )
        self.count = queryset.count()
        self.total_pages = max(1, math.ceil(self.count / self.per_page))
        if self.page > self.total_pages:
            raise NotFound(_("Page %(page)s does not exist; the last page is %(last)s.")
                           % {"page": self.page, "last": self.total_pages})
        start = (self.page - 1) * self.per_page
        return list(queryset[start:start + self.per_page])

    def _page_link(self, number: int | None) -> str | None:
        if number is None:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.per_page_query_param, self.per_page)
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data):
        return Response(OrderedDict([
            ("count", self.count),
            ("page", self.page),
            ("per_page", self.per_page),
            ("total_pages", self.total_pages),
            ("next", self._page_link(self.page + 1 if self.page < self.total_pages else None)),
            ("previous", self._page_link(self.page - 1 if self.page > 1 else None)),
            ("results", data),
        ]))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "page", "per_page", "total_pages", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "page": {"type": "integer", "example": 1},
                "per_page": {"type": "integer", "example": 15},
                "total_pages": {"type": "integer", "example": 9},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "page", "required": False, "in": "query",
             "description": "Page number, from 1.", "schema": {"type": "integer", "minimum": 1}},
            {"name": "per_page", "required": False, "in": "query",
             "description": "Rows per page (default 15; values above 100 count as 100).",
             "schema": {"type": "integer", "minimum": 1}},
        ]
