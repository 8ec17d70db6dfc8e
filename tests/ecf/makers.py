"""Objects for the cross-workspace walk (tests/core/test_cross_workspace.py). The e-CF routes
have no id in the path: the walk checks that another workspace's key sees none of them."""

from invoicing.ecf import services

from .certs import PASSWORD, p12_for


def make_ecf_setup(workspace):
    services.ecf_settings_update(workspace=workspace, actor=None, environment="certecf")
    return services.ecf_certificate_install(workspace=workspace, actor=None,
                                            p12_bytes=p12_for(workspace.rnc, workspace.name),
                                            password=PASSWORD)


MAKERS = {"ecf": make_ecf_setup}


def make_ecf_invoice(workspace):
    """An issued E31 (its e-CF signed and stored): `/invoices/{id}/xml` and `…/ecf/retry`."""
    from invoicing.ecf.models import EcfCertificate
    from invoicing.invoices import services as invoices

    from .issued import body, prepare_issuer

    prepare_issuer(workspace)
    if not EcfCertificate.objects.filter(workspace_id=workspace.pk).exists():
        make_ecf_setup(workspace)
    _kind, data = body(workspace, "E31")
    return invoices.invoice_create(workspace=workspace, actor=None, **data)


MAKERS["invoice-ecf"] = make_ecf_invoice


def _electronic_issuer(workspace):
    from invoicing.ecf.models import EcfCertificate

    from .issued import prepare_issuer

    prepare_issuer(workspace)
    if not EcfCertificate.objects.filter(workspace_id=workspace.pk).exists():
        make_ecf_setup(workspace)


def make_ecf_credit_note(workspace):
    """An issued E34 on a B01 (its e-CF signed and stored): `/credit-notes/{id}/xml`, …"""
    from tests.notes.helpers import b01_invoice, credit

    from .issued import ecf_series

    _electronic_issuer(workspace)
    return credit(workspace, b01_invoice(workspace), full=True,
                  document_subtype_id=ecf_series(workspace, "E34").pk)


def make_ecf_debit_note(workspace):
    """An issued E33 on a B01: `/debit-notes/{id}/xml` and `…/ecf/retry`."""
    from tests.notes.helpers import amount_line, b01_invoice, debit

    from .issued import ecf_series

    _electronic_issuer(workspace)
    return debit(workspace, b01_invoice(workspace), items=[amount_line("50.00", workspace)],
                 document_subtype_id=ecf_series(workspace, "E33").pk)


MAKERS["credit-note-ecf"] = make_ecf_credit_note
MAKERS["debit-note-ecf"] = make_ecf_debit_note
