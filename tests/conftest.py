"""Shared fixtures. Personas: `owner` works in `workspace` (with the Dominican defaults),
`intruder` owns `other_workspace`; `api` and `other_api` are API clients with their keys."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.services import api_key_create
from invoicing.celery import app as celery_app
from tests.factories import UserFactory
from tests.fakes.dgii import fake_dgii  # noqa: F401  (the fixture, for every test folder)
from workspaces.models import Membership, Workspace
from workspaces.roles import Role
from workspaces.services import workspace_create


@pytest.fixture(autouse=True, scope="session")
def _celery_eager(worker_id):
    """Tasks run in-process unless a test starts a real worker (tests/integration). Each
    pytest-xdist worker has its own queue, so a worker never takes another's tasks."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    celery_app.conf.task_default_queue = f"tests-{worker_id}"
    yield


@pytest.fixture(autouse=True)
def _no_dgii(settings):
    """Issuing an E-series document sends it to DGII after the commit: only the tests that
    start the fake DGII (`fake_dgii` turns sending on) send anything; elsewhere the e-CF is
    signed and kept."""
    settings.ECF_SEND_TO_DGII = False


@pytest.fixture(autouse=True, scope="session")
def _own_cache_per_xdist_worker(worker_id):
    """With Redis as the cache, each xdist worker clears only its own Redis database."""
    from django.conf import settings
    from django.test import override_settings

    location = settings.CACHES["default"].get("LOCATION", "")
    if worker_id == "master" or not str(location).startswith("redis"):
        yield
        return
    base, _, _db = str(location).rpartition("/")
    number = 10 + int(worker_id.removeprefix("gw"))
    # The machine's Redis may be shared by other test runs: a prefix of this run's own keeps
    # their keys (e.g. a DGII token cached for workspace 1) apart.
    caches = {"default": {**settings.CACHES["default"], "LOCATION": f"{base}/{number}",
                          "KEY_PREFIX": f"t{os.getpid()}"}}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded logos and rendered PDFs go to a temporary folder, never the working tree."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


def make_workspace(name: str = "Acme SRL", owner=None, rnc: str = "131246796") -> Workspace:
    """A workspace exactly as the product creates one: DOP/USD, default taxes and subtypes."""
    owner = owner or UserFactory()
    return workspace_create(name=name, owner=owner, rnc=rnc)


def make_member(workspace: Workspace, role: str = Role.SELLER, **user_kwargs):
    user = UserFactory(**user_kwargs)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


def api_client_for(workspace: Workspace, user=None, role: str | None = None) -> APIClient:
    """A client with a fresh key made by `user` (default: a member; admins and owners make
    keys), acting as `role` (default: the creator's, admin at most)."""
    if user is None:
        user = (Membership.objects.filter(workspace=workspace, role=Role.OWNER).first()
                or Membership.objects.filter(workspace=workspace).first()).user
    issued = api_key_create(workspace=workspace, actor=user, name="tests", role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.clear_key}")
    client.api_key = issued.clear_key
    client.workspace = workspace
    return client


@dataclass
class Persona:
    user: object
    workspace: Workspace


@pytest.fixture
def owner(db):
    return UserFactory(email="owner@example.com")


@pytest.fixture
def workspace(owner):
    return make_workspace("Acme SRL", owner=owner)


@pytest.fixture
def intruder(db):
    return UserFactory(email="intruder@example.com")


@pytest.fixture
def other_workspace(intruder):
    return make_workspace("Otra Empresa SRL", owner=intruder, rnc="101850043")


@pytest.fixture
def api(workspace, owner) -> APIClient:
    return api_client_for(workspace, owner)


@pytest.fixture
def other_api(other_workspace, intruder) -> APIClient:
    return api_client_for(other_workspace, intruder)


@pytest.fixture
def logged_in_client(client, owner, workspace):
    client.force_login(owner)
    return client
