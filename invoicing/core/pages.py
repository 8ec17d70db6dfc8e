"""Shared plumbing for pages: sorted, paginated lists (`?sort=`, `?page=`, with the query
strings the templates need to keep filters across links) and POST actions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from invoicing.core.errors import DomainError


def sorted_queryset(request, queryset: QuerySet, *, sorts: dict[str, str], default: str
                    ) -> tuple[str, QuerySet]:
    """(the sort applied, the queryset in that order): the page's order, also for its CSV."""
    sort = request.GET.get("sort") or default
    field = sort.lstrip("-")
    if field not in sorts:
        sort, field = default, default.lstrip("-")
    direction = "-" if sort.startswith("-") else ""
    return sort, queryset.order_by(f"{direction}{sorts[field]}", f"{direction}id")


def sorted_page(request, queryset: QuerySet, *, sorts: dict[str, str], default: str,
                per_page: int = 25) -> dict:
    """Order by the requested column (unknown ones fall back to `default`), ties by id,
    and cut the page. Returns `page`, `sort`, `query` (without page) and `sort_query`
    (without page and sort) for `includes/pagination.html` and the `sort_link` tag."""
    sort, queryset = sorted_queryset(request, queryset, sorts=sorts, default=default)
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {"page": page, "sort": sort, "query": query.urlencode(),
            "sort_query": sort_query.urlencode()}


def run_action(request, action: Callable[[], object], *, success: str, done: str,
               failed: str | None = None) -> HttpResponseRedirect:
    """A page's POST action: run the service; a domain error becomes an error message and
    nothing else happens. Redirects to `done`, or to `failed` (default `done`) on error."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(failed or done)
    messages.success(request, success)
    return redirect(done)


def add_form_errors(form, error: DomainError) -> None:
    """A domain error becomes errors on the form fields it names, or on the form."""
    placed = False
    for name, messages_ in error.fields.items():
        if name in form.fields:
            for message in messages_:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
