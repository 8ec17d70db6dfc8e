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
