"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from tests.quotations.helpers import make_quotation

MAKERS = {"quotation": make_quotation}
