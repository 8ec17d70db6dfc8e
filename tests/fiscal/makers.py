"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py)."""

from invoicing.fiscal.models import DocumentSubtype, Tax


def make_tax(workspace):
    return Tax.objects.get(workspace=workspace, name="ITBIS 18%")


def make_document_subtype(workspace):
    return DocumentSubtype.objects.get(workspace=workspace, ncf_type="B01")


MAKERS = {"tax": make_tax, "document-subtype": make_document_subtype}
