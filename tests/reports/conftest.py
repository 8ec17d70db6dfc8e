from __future__ import annotations

import pytest

from tests.conftest import api_client_for
from tests.reports.scenario import golden_month
from workspaces.roles import Role


@pytest.fixture
def month(workspace):
    return golden_month(workspace)


@pytest.fixture
def accountant_api(workspace, owner):
    return api_client_for(workspace, owner, role=Role.ACCOUNTANT)


@pytest.fixture
def seller_api(workspace, owner):
    return api_client_for(workspace, owner, role=Role.SELLER)


@pytest.fixture
def viewer_api(workspace, owner):
    return api_client_for(workspace, owner, role=Role.VIEWER)
