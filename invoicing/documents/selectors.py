"""Reads every document list shares."""

from __future__ import annotations

from django.db.models import QuerySet


def filter_documents(queryset: QuerySet, data: dict, *, search) -> QuerySet:
    """The list pages' filters of every document: text search, status, customer and an
    issue-date range (from a filter form's cleaned data)."""
    queryset = search(queryset, data.get("q") or "")
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("contact"):
        queryset = queryset.filter(contact=data["contact"])
    if data.get("date_from"):
        queryset = queryset.filter(issue_date__gte=data["date_from"])
    if data.get("date_to"):
        queryset = queryset.filter(issue_date__lte=data["date_to"])
    return queryset
