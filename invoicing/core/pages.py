"""Shared plumbing for list pages: `?sort=` over allowed columns and `?page=` pagination,
with the query strings the templates need to keep filters across links."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet


def sorted_page(request, queryset: QuerySet, *, sorts: dict[str, str], default: str,
                per_page: int = 25) -> dict:
    """Order by the requested column (unknown ones fall back to `default`), ties by id,
    and cut the page. Returns `page`, `sort`, `query` (without page) and `sort_query`
    (without page and sort) for `includes/pagination.html` and the `sort_link` tag."""
    sort = request.GET.get("sort") or default
    field = sort.lstrip("-")
    if field not in sorts:
        sort, field = default, default.lstrip("-")
    direction = "-" if sort.startswith("-") else ""
    queryset = queryset.order_by(f"{direction}{sorts[field]}", f"{direction}id")
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {"page": page, "sort": sort, "query": query.urlencode(),
            "sort_query": sort_query.urlencode()}
