from __future__ import annotations

import pytest

from invoicing.ecf import selectors, services

from .certs import PASSWORD, p12_for


@pytest.fixture
def p12_for_workspace(workspace) -> bytes:
    """A PKCS#12 whose subject serial number is the test workspace's RNC."""
    return p12_for(workspace.rnc, workspace.name)


@pytest.fixture
def installed_certificate(workspace, owner, p12_for_workspace):
    return services.ecf_certificate_install(workspace=workspace, actor=owner,
                                            p12_bytes=p12_for_workspace, password=PASSWORD)


@pytest.fixture
def credentials(workspace, installed_certificate):
    return selectors.signing_credentials(workspace)
