"""Walk every route registered in the API router with a second workspace's key: each object
of the first workspace must answer 404 on every method of every detail route, and never
appear in the second workspace's lists.

Each test package lists, in `tests/<app>/makers.py`, a `MAKERS = {basename: make(workspace)}`
for the routes its app registers; a route without a maker fails this test.

The exception is data that belongs to no workspace: DGII's RNC registry is "the same for
all" (API.md). Those routes are listed in SHARED_ROUTES, and the walk checks the opposite:
the second workspace reads exactly what the first does.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import reverse

import tests
from invoicing.core.api.router import router


def all_makers() -> dict:
    makers = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            found = importlib.import_module(f"tests.{module.name}.makers")
        except ModuleNotFoundError:
            continue
        makers.update(found.MAKERS)
    return makers


# basename → the path parameter of its detail route; objects come from the maker.
SHARED_ROUTES = {"rnc": "tax_id"}
# Viewsets that add actions to another resource's objects (`/invoices/{id}/send`): the owner
# check reads that resource's detail route.
DETAIL_OF = {"invoice-outreach": "invoice", "quotation-outreach": "quotation",
             "credit-note-outreach": "credit-note", "debit-note-outreach": "debit-note"}


def detail_routes(basename: str, kwarg: str = "pk") -> list[tuple[str, list[str]]]:
    """(url name, HTTP methods) of each route of this viewset that takes a pk."""
    found = []
    for pattern in router.urls:
        callback = pattern.callback
        if getattr(callback, "initkwargs", {}).get("basename") != basename:
            continue
        if kwarg not in pattern.pattern.regex.groupindex:
            continue
        methods = sorted(set(callback.actions) - {"head", "options"})
        found.append((pattern.name, methods))
    return found


def singleton_routes(basename: str) -> list[str]:
    """URL names of this viewset's GET routes without an id (e.g. `/ecf/certificate`): one
    object per workspace, so the path names none."""
    return [pattern.name for pattern in router.urls
            if getattr(pattern.callback, "initkwargs", {}).get("basename") == basename
            and "pk" not in pattern.pattern.regex.groupindex
            and "get" in pattern.callback.actions and not pattern.name.endswith("-list")]


def list_route(basename: str) -> str | None:
    for pattern in router.urls:
        if pattern.name == f"{basename}-list" and "get" in pattern.callback.actions:
            return pattern.name
    return None


ALL_BASENAMES = sorted({basename for _prefix, _viewset, basename in router.registry})
BASENAMES = [name for name in ALL_BASENAMES if name not in SHARED_ROUTES]


def test_every_route_has_a_maker():
    missing = sorted(set(ALL_BASENAMES) - set(all_makers()))
    assert not missing, f"add makers for {missing} in tests/<app>/makers.py"


@pytest.mark.parametrize("basename", BASENAMES)
def test_foreign_objects_do_not_exist(basename, workspace, api, other_api):
    maker = all_makers().get(basename)
    if maker is None:
        pytest.fail(f"no maker for {basename}")
    obj = maker(workspace)
    routes = detail_routes(basename)
    if not routes:
        # Routes without an id show nothing of another workspace (API.md): the owner's and
        # the intruder's answers differ.
        names = singleton_routes(basename)
        assert names, f"{basename} has neither detail nor singleton routes"
        for name in names:
            url = reverse(f"api:{name}")
            own, foreign = api.get(url), other_api.get(url)
            assert own.status_code == 200, (url, own.content[:300])
            assert foreign.content != own.content, url
        return

    for name, methods in routes:
        # Routes with a second id (`/webhooks/{id}/deliveries/{delivery_id}/retry`) take it
        # from the maker's `route_kwargs`.
        extra = {key: value for key, value in getattr(obj, "route_kwargs", {}).items()
                 if f"(?P<{key}>" in next(p.pattern.regex.pattern for p in router.urls
                                          if p.name == name)}
        url = reverse(f"api:{name}", kwargs={"pk": obj.pk, **extra})
        for method in methods:
            response = getattr(other_api, method)(url, {}, format="json")
            assert response.status_code == 404, (method, url, response.status_code,
                                                 response.content[:300])
            assert response.json()["error"]["code"] == "not_found"

    # The owner does see it, so the 404s above are about the workspace, not a broken route.
    # Outreach routes hang off their document's detail; a viewset of actions only (an
    # invoice's e-CF routes, contacts/{id}/refunds) shows the object on its first GET.
    target = DETAIL_OF.get(basename, basename)
    names = [name for name, methods in routes if "get" in methods]
    own_name = f"{target}-detail" if target != basename or f"{target}-detail" in names else \
        names[0]
    own = api.get(reverse(f"api:{own_name}", kwargs={"pk": obj.pk}))
    assert own.status_code == 200, own.content[:300]

    listing = list_route(basename)
    if listing:
        response = other_api.get(reverse(f"api:{listing}"), {"per_page": 100})
        assert response.status_code == 200
        assert obj.pk not in {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("basename", sorted(SHARED_ROUTES))
def test_shared_routes_answer_every_workspace_alike(basename, workspace, api, other_api):
    obj = all_makers()[basename](workspace)
    kwarg = SHARED_ROUTES[basename]
    routes = detail_routes(basename, kwarg)
    assert routes, f"{basename} has no detail route"
    for name, methods in routes:
        url = reverse(f"api:{name}", kwargs={kwarg: obj.pk})
        for method in methods:
            mine = getattr(api, method)(url, {}, format="json")
            theirs = getattr(other_api, method)(url, {}, format="json")
            assert mine.status_code == theirs.status_code == 200, (method, url)
            assert mine.json() == theirs.json()
