"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from workspaces.models import Currency


def make_currency(workspace):
    return Currency.objects.get(workspace=workspace, code="USD")


MAKERS = {"currency": make_currency}
