"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from tests.factories import ContactFactory, RncRegistryEntryFactory

MAKERS = {
    "contact": lambda workspace: ContactFactory(workspace=workspace),
    # Shared by every workspace (API.md): listed in SHARED_ROUTES of the walk.
    "rnc": lambda workspace: RncRegistryEntryFactory(),
}
