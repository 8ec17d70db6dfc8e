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
