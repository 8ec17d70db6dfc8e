"""Shared fixtures. Personas: `owner` works in `workspace` (with the Dominican defaults),
`intruder` owns `other_workspace`; `api` and `other_api` are API clients with their keys."""

from __future__ import annotations

import os
import uuid
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
    """With Redis as the cache, each test process keeps its keys under a prefix of its own and
    clears only those (`_clean_cache`), so parallel workers, and other test runs sharing the
    Redis server, never see or wipe each other's keys."""
    from django.conf import settings
    from django.test import override_settings

    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith("redis"):
        yield
        return
    prefix = f"test-{worker_id}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    caches = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    with override_settings(CACHES=caches):
        yield
        _clear_own_keys()


def _clear_own_keys() -> None:
    from django.core.cache.backends.redis import RedisCache

    backend = _default_cache()
    if not isinstance(backend, RedisCache):
        cache.clear()
        return
    client = backend._cache.get_client(write=True)
    pattern = backend.make_key("*")
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)


def _default_cache():
    from django.core.cache import caches

    return caches["default"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploaded logos and rendered PDFs go to a temporary folder, never the working tree."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _clean_cache():
    _clear_own_keys()
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
