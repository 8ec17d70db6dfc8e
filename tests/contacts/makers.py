"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from tests.factories import ContactFactory

MAKERS = {"contact": lambda workspace: ContactFactory(workspace=workspace)}
